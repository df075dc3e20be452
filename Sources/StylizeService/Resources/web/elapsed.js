// The elapsed-time indicator shown while a stylization runs.

/** Shows "Stylizing… N s" in `text` every half second until the returned function is called. */
export function showElapsed(box, text) {
  const started = performance.now();
  const tick = () => { text.textContent = `Stylizing… ${Math.round((performance.now() - started) / 1000)} s`; };
  tick();
  box.hidden = false;
  const timer = setInterval(tick, 500);
  return () => { clearInterval(timer); box.hidden = true; };
}
