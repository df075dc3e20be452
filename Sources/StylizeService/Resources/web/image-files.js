// Images the visitor brings: checked in the browser before anything is sent, and taken from a
// file input, a drop or a paste alike.

// The first bytes of a PNG and of a JPEG file: what the service itself goes by.
const signatures = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  [0xff, 0xd8, 0xff],
];

/** Why the file cannot be sent (its first bytes are neither PNG's nor JPEG's), or null when it can. */
export async function problemWithImage(file) {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const known = signatures.some((signature) => signature.every((byte, i) => head[i] === byte));
  if (known) return null;
  const name = file.name ? `“${file.name}”` : "The pasted file";
  return `${name} is not a PNG or JPEG image. Choose a .png or .jpg file.`;
}

/** Calls `onFile` with the first file dropped on `zone`, and marks the zone while a drag is over it. */
export function acceptDrops(zone, onFile) {
  let depth = 0;
  const mark = () => zone.classList.toggle("dragging", depth > 0);
  zone.addEventListener("dragenter", (event) => { event.preventDefault(); depth += 1; mark(); });
  zone.addEventListener("dragleave", () => { depth = Math.max(0, depth - 1); mark(); });
  zone.addEventListener("dragover", (event) => event.preventDefault());
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    depth = 0;
    mark();
    const file = event.dataTransfer?.files[0];
    if (file) onFile(file);
  });
}

/** Calls `onFile` with a file pasted anywhere on the page (the page has no text field to paste into). */
export function acceptPastes(onFile) {
  document.addEventListener("paste", (event) => {
    const file = event.clipboardData?.files[0];
    if (!file) return;
    event.preventDefault();
    onFile(file);
  });
}
