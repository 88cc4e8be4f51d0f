// One snapshot's comparison views: side by side, slider, onion skin, blink and difference
// only, with one zoom level for all of them and their scroll positions kept in step.

export const MODES = [
  ["side", "Side by side"],
  ["slider", "Slider"],
  ["onion", "Onion skin"],
  ["blink", "Blink"],
  ["diff", "Difference only"],
];
const ZOOMS = [0.25, 0.5, 1, 2, 4, 8];
const BLINK_MS = 700;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function image(url, alt, className) {
  const img = document.createElement("img");
  img.src = url;
  img.alt = alt;
  if (className) img.className = className;
  // Zoom scales each image from its own size (CSS: width = --w × --zoom).
  img.addEventListener("load", () => img.style.setProperty("--w", String(img.naturalWidth)));
  return img;
}

function pane(label, ...children) {
  const node = document.createElement("div");
  node.className = "pane";
  node.tabIndex = 0;
  node.setAttribute("role", "region");
  node.setAttribute("aria-label", label);
  node.append(...children);
  return node;
}

// Scrolling one pane scrolls the others to the same place; their own scroll events,
// which follow in the same frame, are not passed on again.
function keepInStep(panes) {
  let leader = null;
  for (const node of panes) {
    node.addEventListener("scroll", () => {
      if (leader && leader !== node) return;
      leader = node;
      for (const other of panes) {
        if (other === node) continue;
        other.scrollLeft = node.scrollLeft;
        other.scrollTop = node.scrollTop;
      }
      requestAnimationFrame(() => requestAnimationFrame(() => { leader = null; }));
    });
  }
}

export function setupViewer(article, snapshot) {
  const id = snapshot.id;
  const name = snapshot.name;
  const viewer = article.querySelector(".viewer");
  const urls = snapshot.images;
  const panes = [];

  for (const kind of ["expected", "actual", "diff"]) {
    const figure = article.querySelector(`.figure-${kind}`);
    if (urls[kind]) {
      const node = pane(`${kind} screenshot of ${name}, scrollable`,
        image(urls[kind], `${kind} screenshot of ${name}`));
      panes.push(node);
      figure.append(node);
    } else {
      const missing = document.createElement("p");
      missing.className = "missing";
      missing.textContent = kind === "diff" ? "No difference image." : "No baseline yet.";
      figure.append(missing);
    }
  }

  const overlay = article.querySelector(".overlay");
  const comparable = Boolean(urls.expected && urls.actual);
  const modes = MODES.filter(([mode]) =>
    mode === "side" || (comparable && (mode !== "diff" || urls.diff)));
  const fieldset = article.querySelector(".modes");
  fieldset.querySelector("legend").id = `view-${id}`;
  for (const [mode, label] of modes) {
    const input = document.createElement("input");
    input.type = "radio";
    input.name = `mode-${id}`;
    input.value = mode;
    input.id = `mode-${id}-${mode}`;
    input.checked = mode === "side";
    const text = document.createElement("label");
    text.htmlFor = input.id;
    text.textContent = label;
    const wrap = document.createElement("span");
    wrap.className = "mode";
    wrap.append(input, text);
    fieldset.append(wrap);
    input.addEventListener("change", () => setMode(mode));
  }
  if (modes.length === 1) fieldset.hidden = true;

  let under = null;
  let over = null;
  let highlight = null;
  let blinkTimer = null;
  const slider = overlay.querySelector(".slider");
  const onion = overlay.querySelector(".onion");
  const pause = overlay.querySelector(".blink-pause");
  const shown = overlay.querySelector(".blink-shown");
  if (comparable) {
    const title = overlay.querySelector(".overlay-title");
    title.id = `overlay-${id}`;
    overlay.setAttribute("aria-labelledby", title.id);
    under = image(urls.expected, `overlay: expected screenshot of ${name}`, "under");
    over = image(urls.actual, `overlay: actual screenshot of ${name}`, "over");
    const stack = overlay.querySelector(".stack");
    stack.setAttribute("aria-label", `overlay of ${name}, scrollable`);
    stack.append(under, over);
    if (urls.diff) {
      highlight = image(urls.diff, `overlay: difference of ${name}`, "highlight");
      stack.append(highlight);
    }
    panes.push(stack);
    slider.id = `slider-${id}`;
    overlay.querySelector(".slider-label").htmlFor = slider.id;
    onion.id = `onion-${id}`;
    overlay.querySelector(".onion-label").htmlFor = onion.id;
    slider.addEventListener("input", paint);
    onion.addEventListener("input", paint);
    pause.addEventListener("click", () => {
      const paused = pause.getAttribute("aria-pressed") !== "true";
      pause.setAttribute("aria-pressed", String(paused));
      pause.textContent = paused ? "Resume blinking" : "Pause blinking";
      blink(!paused);
    });
  }
  keepInStep(panes);

  function titleFor(mode) {
    return {
      slider: `Slider: actual over expected, ${name}`,
      onion: `Onion skin: actual over expected, ${name}`,
      blink: `Blink: expected and actual in turn, ${name}`,
      diff: `Difference only: the changed pixels over the actual, ${name}`,
    }[mode] || "";
  }

  function showBlink(actualShown) {
    over.dataset.shown = String(actualShown);
    over.style.visibility = actualShown ? "visible" : "hidden";
    shown.textContent = actualShown ? "Showing the actual" : "Showing the expected";
  }

  function blink(on) {
    clearInterval(blinkTimer);
    blinkTimer = null;
    if (on) {
      blinkTimer = setInterval(() => showBlink(over.dataset.shown !== "true"), BLINK_MS);
    }
  }

  function paint() {
    if (!over) return;
    const mode = viewer.dataset.mode;
    over.style.clipPath = "";
    over.style.opacity = "";
    over.style.visibility = "";
    under.hidden = mode === "diff";
    over.classList.toggle("dimmed", mode === "diff");
    if (highlight) highlight.hidden = mode !== "diff";
    if (mode === "slider") {
      const value = Number(slider.value);
      over.style.clipPath = `inset(0 ${100 - value}% 0 0)`;
      slider.setAttribute("aria-valuetext", `${value} % actual, ${100 - value} % expected`);
    } else if (mode === "onion") {
      const value = Number(onion.value);
      over.style.opacity = String(value / 100);
      onion.setAttribute("aria-valuetext", `actual at ${value} % opacity over expected`);
    } else if (mode === "blink") {
      showBlink(true);
    }
  }

  function setMode(mode) {
    if (!modes.some(([m]) => m === mode)) return false;
    viewer.dataset.mode = mode;
    const input = article.querySelector(`#mode-${id}-${mode}`);
    if (input) input.checked = true;
    overlay.hidden = mode === "side";
    article.querySelector(".images").hidden = mode !== "side";
    for (const control of overlay.querySelectorAll(".overlay-control")) {
      control.hidden = !control.classList.contains(`control-${mode}`);
    }
    if (comparable) overlay.querySelector(".overlay-title").textContent = titleFor(mode);
    paint();
    const paused = pause.getAttribute("aria-pressed") === "true" || reducedMotion.matches;
    blink(mode === "blink" && !paused);
    return true;
  }

  const zoomOut = article.querySelector(".zoom-out");
  const zoomIn = article.querySelector(".zoom-in");
  const level = article.querySelector(".zoom-level");
  article.querySelector(".zoom").setAttribute("aria-label", `Zoom ${name}`);
  let zoomIndex = ZOOMS.indexOf(1);

  function zoom(step) {
    zoomIndex = step === 0 ? ZOOMS.indexOf(1)
      : Math.min(ZOOMS.length - 1, Math.max(0, zoomIndex + step));
    const factor = ZOOMS[zoomIndex];
    viewer.style.setProperty("--zoom", String(factor));
    viewer.dataset.zoom = String(factor);
    level.textContent = `${factor * 100} %`;
    zoomOut.disabled = zoomIndex === 0;
    zoomIn.disabled = zoomIndex === ZOOMS.length - 1;
  }
  zoomOut.addEventListener("click", () => zoom(-1));
  zoomIn.addEventListener("click", () => zoom(1));

  zoom(0);
  setMode("side");
  if (!comparable) overlay.hidden = true;
  return { setMode, zoom, modes: modes.map(([mode]) => mode) };
}
