// The review page: lists the last run's changed and new snapshots, approves or rejects them.
// Built with DOM APIs only (no innerHTML), so names and paths from the manifest stay text.

const list = document.getElementById("list");
const status = document.getElementById("status");
const summary = document.getElementById("run-summary");
const approveAll = document.getElementById("approve-all");
const rejectAll = document.getElementById("reject-all");
const template = document.getElementById("snapshot-template");

const STATUS_TEXT = {
  changed: "Changed",
  new: "New (no baseline before this run)",
  "size-mismatch": "Size changed",
  corrupt: "Baseline unreadable",
};
const DECISION_TEXT = { approved: "Approved", rejected: "Rejected" };

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function size(value) {
  return value ? `${value[0]} × ${value[1]}` : "";
}

function difference(snapshot) {
  if (snapshot.status === "size-mismatch") {
    return `baseline ${size(snapshot.expected_size)}, actual ${size(snapshot.actual_size)}`;
  }
  if (snapshot.diff_pixels === null || snapshot.diff_pixels === undefined) {
    return snapshot.status === "new" ? "nothing to compare with" : "not compared";
  }
  const percent = (snapshot.ratio * 100).toFixed(3);
  return `${snapshot.diff_pixels} of ${snapshot.total_pixels} pixels (${percent} %), ` +
    `${snapshot.allowed} allowed`;
}

function image(url, alt, className) {
  const img = document.createElement("img");
  img.src = url;
  img.alt = alt;
  if (className) img.className = className;
  return img;
}

function setClip(over, slider) {
  const shown = Number(slider.value);
  over.style.clipPath = `inset(0 ${100 - shown}% 0 0)`;
  slider.setAttribute("aria-valuetext", `${shown} % actual, ${100 - shown} % expected`);
}

function render(snapshot) {
  const article = template.content.firstElementChild.cloneNode(true);
  const id = snapshot.id;
  article.id = `snapshot-${id}`;
  article.dataset.id = id;
  article.dataset.status = snapshot.status;
  article.setAttribute("aria-labelledby", `name-${id}`);
  const heading = article.querySelector(".snapshot-name");
  heading.id = `name-${id}`;
  heading.textContent = snapshot.name;
  article.querySelector(".fact-test").textContent = snapshot.nodeid;
  article.querySelector(".fact-status").textContent =
    `${STATUS_TEXT[snapshot.status] || snapshot.status} · ${snapshot.browser}, ` +
    `${snapshot.platform}, ${snapshot.viewport}`;
  article.querySelector(".fact-diff").textContent = difference(snapshot);
  article.querySelector(".fact-baseline").textContent = snapshot.baseline;

  for (const kind of ["expected", "actual", "diff"]) {
    const figure = article.querySelector(`.figure-${kind}`);
    const url = snapshot.images[kind];
    if (url) {
      figure.append(image(url, `${kind} screenshot of ${snapshot.name}`));
    } else {
      figure.append(text("p", kind === "diff" ? "No difference image." : "No baseline yet.",
        "missing"));
    }
  }

  if (snapshot.images.expected && snapshot.images.actual) {
    const overlay = article.querySelector(".overlay");
    overlay.hidden = false;
    overlay.setAttribute("aria-labelledby", `overlay-${id}`);
    const title = overlay.querySelector(".overlay-title");
    title.id = `overlay-${id}`;
    title.textContent = `Overlay of ${snapshot.name}: actual over expected`;
    const stack = overlay.querySelector(".stack");
    const over = image(snapshot.images.actual,
      `overlay: actual screenshot of ${snapshot.name}, clipped by the slider`, "over");
    stack.append(image(snapshot.images.expected,
      `overlay: expected screenshot of ${snapshot.name}`, "under"), over);
    const slider = overlay.querySelector(".slider");
    slider.id = `slider-${id}`;
    overlay.querySelector(".slider-label").htmlFor = slider.id;
    slider.addEventListener("input", () => setClip(over, slider));
    setClip(over, slider);
  }

  const approve = article.querySelector("button.approve");
  approve.append("Approve ", text("span", snapshot.name, "visually-hidden"));
  approve.addEventListener("click", () => decide("approve", [id]));
  const reject = article.querySelector("button.reject");
  reject.append("Reject ", text("span", snapshot.name, "visually-hidden"));
  reject.addEventListener("click", () => decide("reject", [id]));
  showDecision(article, snapshot.review);
  return article;
}

function showDecision(article, review) {
  if (review) article.dataset.review = review;
  else delete article.dataset.review;
  article.querySelector(".decision").textContent = review ? DECISION_TEXT[review] : "Not reviewed";
}

let count = 0;

function setBusy(busy) {
  for (const button of list.querySelectorAll("button")) button.disabled = busy;
  approveAll.disabled = rejectAll.disabled = busy || count === 0;
}

async function decide(action, ids) {
  setBusy(true);
  try {
    const body = ids ? { ids } : { all: true };
    const response = await fetch(`/api/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = await response.json();
    // On a failure part way, those decided before it are recorded and listed too.
    const decided = payload.snapshots || [];
    for (const snapshot of decided) {
      const article = document.getElementById(`snapshot-${snapshot.id}`);
      if (article) showDecision(article, snapshot.review);
    }
    const verb = action === "approve" ? "Approved" : "Rejected";
    const names = decided.map((s) => s.name);
    if (!response.ok) {
      const before = names.length ? ` ${verb} before it: ${names.join(", ")}.` : "";
      status.textContent = `Could not ${action}: ${payload.error}${before}`;
      return;
    }
    status.textContent = action === "approve"
      ? `${verb} ${names.join(", ")}: the actual screenshot is now the baseline.`
      : `${verb} ${names.join(", ")}: the baseline is unchanged.`;
  } catch (error) {
    status.textContent = `Could not ${action}: ${error}`;
  } finally {
    setBusy(false);
  }
}

async function load() {
  const response = await fetch("/api/snapshots");
  const payload = await response.json();
  if (!response.ok) {
    summary.textContent = payload.error;
    return;
  }
  const { run, snapshots } = payload;
  const partial = run.partial.length ? ` Partial run: ${run.partial.join("; ")}.` : "";
  summary.textContent = `${snapshots.length} of ${run.total} snapshots to review, from the run ` +
    `finished ${run.finished}.${partial}`;
  list.replaceChildren(...snapshots.map(render));
  if (snapshots.length === 0) {
    list.append(text("p", "Nothing to review: every snapshot matched its baseline."));
  }
  count = snapshots.length;
  setBusy(false);
  approveAll.addEventListener("click", () => decide("approve", null));
  rejectAll.addEventListener("click", () => decide("reject", null));
  document.body.dataset.ready = "true";
}

load();
