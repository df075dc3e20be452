// The mask being painted: a canvas of the photo's aspect ratio whose alpha says where the style
// goes (1 painted, 0 not, in between on a soft edge), drawn in a tint so that it shows over the photo.

/** The longest side a mask is painted at: finer than any stylization needs, small enough to stay quick. */
const longestSide = 1024;
const tint = "255, 46, 136";

export class MaskCanvas {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
  }

  /** Fits the mask to a photo of `width` x `height` (that size, or the same shape within 0.5 % at most
   * `longestSide` long, as the service refuses a mask of another shape) and clears it. */
  fit(width, height) {
    const scale = Math.min(1, longestSide / Math.max(width, height));
    const [w, h] = [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
    const sameShape = Math.abs((w / h) / (width / height) - 1) <= 0.005;
    [this.canvas.width, this.canvas.height] = sameShape ? [w, h] : [width, height];
  }

  /** The canvas position under a point of the page (as pointer events give it). */
  positionOf(clientX, clientY) {
    const box = this.canvas.getBoundingClientRect();
    return { x: (clientX - box.left) * this.canvas.width / box.width, y: (clientY - box.top) * this.canvas.height / box.height };
  }

  /** Paints (or with `erase`, removes) a line of round dabs after `from` up to `to` (one dab at `to`
   * when they are the same point), so that the dab where a stroke's segments meet is not doubled;
   * `size` is the brush's diameter as a share of the longer side, `softness` the share of its radius
   * that fades out. */
  stroke(from, to, { size, softness, erase }) {
    const radius = Math.max(1, size * Math.max(this.canvas.width, this.canvas.height) / 2);
    const solid = Math.min(radius * (1 - softness), radius - 1);
    const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / Math.max(1, radius / 4)));
    this.context.globalCompositeOperation = erase ? "destination-out" : "source-over";
    for (let i = 1; i <= steps; i++) {
      const x = from.x + (to.x - from.x) * i / steps, y = from.y + (to.y - from.y) * i / steps;
      const dab = this.context.createRadialGradient(x, y, Math.max(0, solid), x, y, radius);
      dab.addColorStop(0, `rgba(${tint}, 1)`);
      dab.addColorStop(1, `rgba(${tint}, 0)`);
      this.context.fillStyle = dab;
      this.context.beginPath();
      this.context.arc(x, y, radius, 0, 2 * Math.PI);
      this.context.fill();
    }
  }

  clear() {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Swaps the painted and the unpainted areas. */
  invert() {
    this.context.globalCompositeOperation = "xor";
    this.context.fillStyle = `rgb(${tint})`;
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Whether nothing at all is painted. */
  isEmpty() {
    const { data } = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i]) return false;
    return true;
  }

  /** The mask as the service reads it: a white PNG whose alpha is the painted area, or with `inverted`
   * the unpainted one. White keeps it right even for an encoder that drops an alpha that is opaque
   * everywhere: the grey level it then falls back on is white, as that alpha is. */
  png(inverted) {
    const white = document.createElement("canvas");
    [white.width, white.height] = [this.canvas.width, this.canvas.height];
    const context = white.getContext("2d");
    if (inverted) {
      context.fillStyle = "#fff";
      context.fillRect(0, 0, white.width, white.height);
      context.globalCompositeOperation = "destination-out";
      context.drawImage(this.canvas, 0, 0);
    } else {
      context.drawImage(this.canvas, 0, 0);
      context.globalCompositeOperation = "source-in";
      context.fillStyle = "#fff";
      context.fillRect(0, 0, white.width, white.height);
    }
    return new Promise((resolve, reject) => white.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the browser cannot export the mask"))), "image/png"));
  }
}
