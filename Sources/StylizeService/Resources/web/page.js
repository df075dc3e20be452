// The page's entry: the catalogues, the three image choices (photo, painting, second painting),
// the mask painted over the photo, the options, and the request with its progress, cancel, errors
// and result.
import { Choice } from "./choice.js";
import { showComparison } from "./comparison.js";
import { showElapsed } from "./elapsed.js";
import { clearGallery, fillGallery } from "./gallery.js";
import { acceptDrops, acceptPastes, problemWithImage } from "./image-files.js";
import { isMasking, paintedMasks, paintOver } from "./mask-brush.js";
import { requestStylization, ServiceProblem } from "./stylize-request.js";

const $ = (id) => document.getElementById(id);

/** Each image the form sends: its gallery, its own-file input, the zone that takes drops, its preview
 * (for a photo also when it is a sample, as its gallery's thumbnails are cropped). */
const slots = {
  photo: { gallery: "samples", input: "content", zone: "photo-zone", preview: "content", previewBundled: true },
  style: { gallery: "paintings", input: "style-file", zone: "style-zone", preview: "style" },
  style2: { gallery: "paintings2", input: "style2-file", zone: "style2-zone", preview: "style2" },
};
const chosen = { photo: null, style: null, style2: null };
const formats = { png: { label: "PNG", extension: "png" }, jpeg: { label: "JPEG", extension: "jpg" },
  webp: { label: "WebP", extension: "webp" } };
let running = null;
let resultURL = null;

/** Makes `choice` (or nothing) the slot's image, frees the one it replaces, and shows the preview. */
function choose(slotName, choice) {
  const slot = slots[slotName];
  chosen[slotName]?.release();
  chosen[slotName] = choice;
  if (!choice?.file) $(slot.input).value = "";
  const shown = choice && (choice.file || slot.previewBundled);
  $(`${slot.preview}-figure`).hidden = !shown;
  if (shown) {
    $(`${slot.preview}-preview`).src = choice.url;
    $(`${slot.preview}-caption`).textContent = choice.caption;
  }
  if (slotName === "photo") paintOver(choice?.url);
  if (slotName === "style2") enableShare();
}

/** The second painting's share applies without a mask; with one, the mask says where each painting goes. */
function enableShare() {
  $("mix").disabled = !chosen.style2 || isMasking();
}

/** Takes the visitor's own file for a slot once it is known to be a PNG or JPEG. */
async function chooseOwn(slotName, file) {
  const slot = slots[slotName];
  hideMessages();
  const problem = await problemWithImage(file);
  if (problem) {
    $(slot.input).value = "";
    showError(problem);
    return;
  }
  clearGallery($(slot.gallery));
  choose(slotName, Choice.own(file));
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

function showNotice(message) {
  $("notice").textContent = message;
  $("notice").hidden = false;
}

function hideMessages() {
  $("error").hidden = true;
  $("notice").hidden = true;
}

async function loadCatalogue(url, key) {
  try {
    return (await (await fetch(url)).json())[key] || [];
  } catch {
    showError(`Cannot load ${url} from the service; reload the page to try again.`);
    return [];
  }
}

async function loadGalleries() {
  const [samples, paintings] = await Promise.all([loadCatalogue("/v1/samples", "samples"),
    loadCatalogue("/v1/paintings", "paintings")]);
  const bundled = (item, caption) => ({ ...item, caption, choice: Choice.bundled(item.url, `${item.name}.jpg`, caption) });
  const photos = samples.map((s) => bundled(s, `${s.title} (${s.author}, ${s.licence})`));
  const styles = paintings.map((p) => bundled(p, `${p.title} (${p.artist}, ${p.year})`));
  fillGallery($("samples"), "sample", photos, (item) => choose("photo", item.choice));
  fillGallery($("paintings"), "painting", styles, (item) => choose("style", item.choice));
  fillGallery($("paintings2"), "painting2", [{ name: "none", caption: "None", choice: null }, ...styles],
    (item) => choose("style2", item.choice));
  $("paintings").querySelector("input")?.click();
  $("paintings2").querySelector("input")?.click();
}

// The methods come from the service (GET /readyz), so a new method appears without a page change.
async function loadMethods() {
  try {
    const ready = await (await fetch("/readyz")).json();
    if (!ready.methods) { setTimeout(loadMethods, 2000); return; }
    const select = $("method");
    select.options[0].text = `The service's default (${ready.default_method})`;
    for (const name of ready.methods) select.add(new Option(name, name));
  } catch { setTimeout(loadMethods, 5000); }
}

async function formData(signal) {
  const form = new FormData();
  const photo = await chosen.photo.blob(signal);
  form.append("content", photo, photo.name);
  const styles = [chosen.style, chosen.style2].filter(Boolean);
  for (const style of styles) {
    const blob = await style.blob(signal);
    form.append("style", blob, blob.name);
  }
  const masks = await paintedMasks(styles.length);
  masks.forEach((mask, i) => form.append("mask", mask, `mask-${i + 1}.png`));
  if (chosen.style2 && !masks.length) {
    const share = Number($("mix").value);
    form.append("style_weights", `${100 - share},${share}`);
  }
  form.append("alpha", $("alpha").value);
  form.append("preserve_color", String($("preserve-color").checked));
  form.append("content_size", $("size").value);
  if ($("method").value) form.append("method", $("method").value);
  form.append("format", $("format").value);
  if ($("format").value !== "png") form.append("quality", $("quality").value);
  return form;
}

function setRunning(controller) {
  running = controller;
  $("submit").disabled = Boolean(controller);
  $("cancel").hidden = !controller;
  $("form").toggleAttribute("aria-busy", Boolean(controller));
  if (controller) $("cancel").focus();
}

async function stylize(event) {
  event.preventDefault();
  if (running) return;
  hideMessages();
  if (!chosen.photo) { showError("Choose a photo: a sample, or your own."); $("samples").querySelector("input")?.focus(); return; }
  if (!chosen.style) { showError("Choose a painting, or use your own."); return; }
  const controller = new AbortController();
  const photo = chosen.photo;
  const format = formats[$("format").value];
  setRunning(controller);
  $("result-section").dataset.ready = "false";
  const stopElapsed = showElapsed($("progress"), $("progress-text"));
  try {
    const image = await requestStylization(await formData(controller.signal), controller.signal);
    await showResult(image, photo, format);
  } catch (error) {
    if (error.name === "AbortError") showNotice("Cancelled: the service stops the stylization.");
    else if (error instanceof ServiceProblem) showError(error.message);
    else showError(`The request failed: ${error.message}`);
  } finally {
    stopElapsed();
    setRunning(null);
  }
}

async function showResult(image, photo, format) {
  if (resultURL) URL.revokeObjectURL(resultURL);
  resultURL = URL.createObjectURL(image);
  $("result-section").hidden = false;
  const size = await showComparison(photo.url, resultURL);
  $("result-caption").textContent = `Result, ${size.width} × ${size.height} ${format.label}`;
  $("download").href = resultURL;
  $("download").download = `stylized.${format.extension}`;
  $("download").textContent = `Download ${format.label}`;
  $("result-section").dataset.ready = "true";
  $("result-heading").focus();
}

for (const [name, slot] of Object.entries(slots)) {
  $(slot.input).addEventListener("change", () => { if ($(slot.input).files[0]) chooseOwn(name, $(slot.input).files[0]); });
  acceptDrops($(slot.zone), (file) => chooseOwn(name, file));
}
acceptPastes((file) => chooseOwn("photo", file));
$("brush-zone").addEventListener("maskchange", enableShare);
$("mix").addEventListener("input", () => { $("mix-value").textContent = `${$("mix").value} %`; });
$("alpha").addEventListener("input", () => { $("alpha-value").textContent = Number($("alpha").value).toFixed(2); });
$("quality").addEventListener("input", () => { $("quality-value").textContent = $("quality").value; });
$("format").addEventListener("change", () => { $("quality").disabled = $("format").value === "png"; });
$("cancel").addEventListener("click", () => running?.abort());
document.addEventListener("keydown", (event) => { if (event.key === "Escape") running?.abort(); });
$("form").addEventListener("submit", stylize);
loadGalleries();
loadMethods();
