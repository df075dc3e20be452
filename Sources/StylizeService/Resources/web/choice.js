// What the visitor picked for one image: a bundled file (a sample photo or a painting) or a file of their own.

export class Choice {
  /** A bundled image, fetched from the service only when it is sent. */
  static bundled(url, name, caption) { return new Choice(url, null, name, caption); }

  /** The visitor's own file, held as an object URL for its previews until it is replaced. */
  static own(file) { return new Choice(URL.createObjectURL(file), file, file.name || "pasted image", file.name || "Pasted image"); }

  constructor(url, file, name, caption) {
    this.url = url;
    this.file = file;
    this.name = name;
    this.caption = caption;
  }

  /** The image's bytes, as a file for the form; `signal` cancels the fetch of a bundled one. */
  async blob(signal) {
    if (this.file) return this.file;
    const response = await fetch(this.url, { signal });
    if (!response.ok) throw new Error(`cannot load ${this.caption} (${response.status})`);
    return new File([await response.blob()], this.name, { type: response.headers.get("Content-Type") || "image/jpeg" });
  }

  /** Frees the object URL of an own file. */
  release() {
    if (this.file) URL.revokeObjectURL(this.url);
  }
}
