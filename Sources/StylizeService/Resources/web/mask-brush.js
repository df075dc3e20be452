// The mask brush: a "Paint where the style goes" mode with a canvas over the chosen photo, painted
// with a mouse, a finger or a pen (pointer events), and its controls: paint or erase, size,
// softness, clear, invert. The page sends what is painted as the request's mask parts.
import { MaskCanvas } from "./mask-canvas.js";

const $ = (id) => document.getElementById(id);
const canvas = $("brush-canvas");
const mask = new MaskCanvas(canvas);
/** The pointer that paints while it is down (only the first, should a second finger touch) and where it last was. */
let painting = null;

/** Tells the page (a "maskchange" event on the brush's fieldset) that what it would send changed. */
function changed() {
  $("brush-zone").dispatchEvent(new Event("maskchange"));
}

function brush() {
  return { size: $("brush-size").value / 100, softness: $("brush-softness").value / 100, erase: $("brush-erase").checked };
}

/** Shows the photo at `url` (or none) under the canvas; a new photo starts with nothing painted. */
export function paintOver(url) {
  const photo = $("brush-photo");
  mask.clear();
  $("brush-surface").hidden = !url;
  $("brush-no-photo").hidden = Boolean(url);
  photo.onload = () => { mask.fit(photo.naturalWidth, photo.naturalHeight); changed(); };
  if (url) photo.src = url;
  else photo.removeAttribute("src");
  changed();
}

/** Whether the request will carry masks: the mode is on and something is painted. */
export function isMasking() {
  return $("brush-on").checked && !mask.isEmpty();
}

/** The mask parts for `styleCount` paintings, none unless masking: with one painting, the painted
 * area; with two, the painted area for the first and the rest for the second. */
export async function paintedMasks(styleCount) {
  if (!isMasking()) return [];
  const masks = [await mask.png(false)];
  if (styleCount > 1) masks.push(await mask.png(true));
  return masks;
}

canvas.addEventListener("pointerdown", (event) => {
  if (painting || event.button !== 0) return;
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  const at = mask.positionOf(event.clientX, event.clientY);
  painting = { id: event.pointerId, at };
  mask.stroke(at, at, brush());
});
canvas.addEventListener("pointermove", (event) => {
  if (painting?.id !== event.pointerId) return;
  const at = mask.positionOf(event.clientX, event.clientY);
  mask.stroke(painting.at, at, brush());
  painting.at = at;
});
for (const type of ["pointerup", "pointercancel"]) {
  canvas.addEventListener(type, (event) => {
    if (painting?.id !== event.pointerId) return;
    painting = null;
    changed();
  });
}

$("brush-on").addEventListener("change", () => { $("brush-tools").hidden = !$("brush-on").checked; changed(); });
$("brush-size").addEventListener("input", () => { $("brush-size-value").textContent = `${$("brush-size").value} %`; });
$("brush-softness").addEventListener("input", () => { $("brush-softness-value").textContent = `${$("brush-softness").value} %`; });
$("brush-clear").addEventListener("click", () => { mask.clear(); changed(); });
$("brush-invert").addEventListener("click", () => { mask.invert(); changed(); });
