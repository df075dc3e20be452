// The before/after view: the result over the photo, shown right of a divider that a slider
// (mouse, touch or arrow keys) moves.

const $ = (id) => document.getElementById(id);

$("compare-slider").addEventListener("input", () => {
  $("compare").style.setProperty("--split", `${$("compare-slider").value}%`);
});

/** Shows `resultURL` over `photoURL`; resolves with the result's size once it has loaded. */
export function showComparison(photoURL, resultURL) {
  $("compare-photo").src = photoURL;
  return new Promise((resolve, reject) => {
    const result = $("result");
    result.onload = () => resolve({ width: result.naturalWidth, height: result.naturalHeight });
    result.onerror = () => reject(new Error("the browser cannot show the result"));
    result.src = resultURL;
  });
}
