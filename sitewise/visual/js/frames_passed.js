// Polled on every animation frame (Playwright's own, not the page's, which a paused clock
// stops): true on the third call with the same token, i.e. two frames after the first.
(token) => {
  const key = Symbol.for('e2e.visual.frames');
  const seen = globalThis[key];
  if (!seen || seen.token !== token) {
    globalThis[key] = { token, calls: 1 };
    return false;
  }
  seen.calls += 1;
  return seen.calls > 2;
}
