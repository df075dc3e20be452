// A gallery: a radio group whose labels are thumbnails, so that it works with the keyboard
// (arrow keys) and reads as a list of choices to a screen reader.

/** Fills `container` with one radio per item, named `name`; `onPick(item)` is called when one is chosen. */
export function fillGallery(container, name, items, onPick) {
  for (const item of items) {
    const label = document.createElement("label");
    label.className = "tile";
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = name;
    radio.value = item.name;
    radio.addEventListener("change", () => { if (radio.checked) onPick(item); });
    label.append(radio);
    if (item.url) {
      const img = document.createElement("img");
      img.src = item.url;
      img.alt = "";
      img.loading = "lazy";
      label.append(img);
    } else {
      const blank = document.createElement("span");
      blank.className = "none";
      blank.textContent = "—";
      label.append(blank);
    }
    const caption = document.createElement("span");
    caption.textContent = item.caption;
    label.append(caption);
    container.append(label);
  }
}

/** Unchecks every radio of the gallery, as when the visitor brings a file of their own instead. */
export function clearGallery(container) {
  for (const radio of container.querySelectorAll("input[type=radio]")) radio.checked = false;
}
