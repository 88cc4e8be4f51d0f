// A dialog fading in has mid-blend colours: wait for finite animations and transitions to
// end (infinite ones, like spinners, never do), at most capMs, so that contrast is
// measured on what the user ends up seeing. Resolves to whether everything settled.
async (capMs) => {
  const finite = document
    .getAnimations()
    .filter((a) => a.playState === 'running' && Number.isFinite(a.effect?.getComputedTiming().endTime));
  let timer;
  const cap = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), capMs);
  });
  const done = Promise.all(finite.map((a) => a.finished.catch(() => null))).then(() => true);
  const settled = await Promise.race([done, cap]);
  clearTimeout(timer);
  return settled;
}
