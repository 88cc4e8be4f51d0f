// The review page: lists the run's changed and new snapshots (identical changes as one),
// filters them, and approves, rejects or undoes. Built with DOM APIs only (no innerHTML),
// so names and paths from the manifest stay text.

import { MODES, setupViewer } from "/compare.js";

const list = document.getElementById("list");
const status = document.getElementById("status");
const summary = document.getElementById("run-summary");
const approveAll = document.getElementById("approve-all");
const rejectAll = document.getElementById("reject-all");
const undoButton = document.getElementById("undo");
const approveShown = document.getElementById("approve-shown");
const rejectShown = document.getElementById("reject-shown");
const shownCount = document.getElementById("shown-count");
const search = document.getElementById("search");
const filters = [...document.querySelectorAll("#filters select")];
const template = document.getElementById("snapshot-template");

const STATUS_TEXT = {
  changed: "Changed",
  new: "New (no baseline before this run)",
  "size-mismatch": "Size changed",
  corrupt: "Baseline unreadable",
};
const DECISION_TEXT = { approved: "Approved", rejected: "Rejected" };

const articles = [];          // one per group of identical changes
const articleOf = new Map();  // snapshot id -> its group's article
const viewers = new Map();    // article -> its viewer
let undoable = 0;             // decisions taken on this page that Undo can take back
let busy = false;
let current = null;           // the article keyboard shortcuts act on

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

function where(snapshot) {
  return `${snapshot.browser}, ${snapshot.platform}, ${snapshot.viewport}`;
}

function render(members) {
  const snapshot = members[0];
  const article = template.content.firstElementChild.cloneNode(true);
  const id = snapshot.id;
  article.id = `snapshot-${id}`;
  article.dataset.id = id;
  article.dataset.status = snapshot.status;
  article.setAttribute("aria-labelledby", `name-${id}`);
  article.members = members;
  const heading = article.querySelector(".snapshot-name");
  heading.id = `name-${id}`;
  heading.textContent = snapshot.name;
  article.querySelector(".fact-test").textContent = snapshot.nodeid;
  article.querySelector(".fact-status").textContent =
    `${STATUS_TEXT[snapshot.status] || snapshot.status} · ${where(snapshot)}`;
  article.querySelector(".fact-diff").textContent = difference(snapshot);
  article.querySelector(".fact-baseline").textContent = snapshot.baseline;
  if (members.length > 1) {
    const group = article.querySelector(".group");
    group.hidden = false;
    const others = members.slice(1).map((m) => `${m.name} (${where(m)})`);
    group.textContent = `The same change in ${others.length} more, decided together: ` +
      `${others.join("; ")}.`;
  }
  if (snapshot.kind === "aria") {
    article.querySelector(".viewer").replaceWith(textView(snapshot));
  } else {
    viewers.set(article, setupViewer(article, snapshot));
  }

  const ids = members.map((m) => m.id);
  const approve = article.querySelector("button.approve");
  approve.append("Approve ", text("span", snapshot.name, "visually-hidden"));
  approve.addEventListener("click", () => decide("approve", ids));
  const reject = article.querySelector("button.reject");
  reject.append("Reject ", text("span", snapshot.name, "visually-hidden"));
  reject.addEventListener("click", () => decide("reject", ids));
  article.addEventListener("focusin", () => { current = article; });
  showDecision(article, snapshot.review);
  for (const member of members) articleOf.set(member.id, article);
  return article;
}

// An aria snapshot: the text diff (or, for a new one, the whole tree), line by line.
function textView(snapshot) {
  const section = document.createElement("section");
  section.className = "aria-view";
  const title = text("h3", snapshot.images.diff
    ? `Accessibility tree of ${snapshot.name}: the difference`
    : `Accessibility tree of ${snapshot.name}`);
  title.id = `aria-${snapshot.id}`;
  const pre = document.createElement("pre");
  pre.className = "aria-text";
  pre.tabIndex = 0;
  pre.setAttribute("role", "region");
  pre.setAttribute("aria-labelledby", title.id);
  section.append(title, pre);
  const url = snapshot.images.diff || snapshot.images.actual;
  fetch(url).then((r) => r.text()).then((body) => {
    for (const line of body.split("\n")) {
      const kind = line.startsWith("+") && !line.startsWith("+++") ? "added"
        : line.startsWith("-") && !line.startsWith("---") ? "removed" : "";
      pre.append(text("span", `${line}\n`, kind));
    }
    section.dataset.loaded = "true";
  });
  return section;
}

function showDecision(article, review) {
  if (review) article.dataset.review = review;
  else delete article.dataset.review;
  article.querySelector(".decision").textContent = review ? DECISION_TEXT[review] : "Not reviewed";
}

// --- Filters ---

function matches(snapshot) {
  for (const select of filters) {
    if (select.value && snapshot[select.dataset.field] !== select.value) return false;
  }
  const wanted = search.value.trim().toLowerCase();
  if (!wanted) return true;
  const haystack = [snapshot.name, snapshot.nodeid, snapshot.baseline, snapshot.app,
    snapshot.browser, snapshot.viewport, snapshot.status].join(" ").toLowerCase();
  return haystack.includes(wanted);
}

function visible() {
  return articles.filter((article) => !article.hidden);
}

function applyFilters() {
  for (const article of articles) article.hidden = !article.members.some(matches);
  const shown = visible();
  const snapshots = shown.reduce((n, a) => n + a.members.filter(matches).length, 0);
  const total = articles.reduce((n, a) => n + a.members.length, 0);
  shownCount.textContent = `Showing ${snapshots} of ${total} snapshots`;
  setBusy(busy);
}

function fillFilters(snapshots) {
  for (const select of filters) {
    const field = select.dataset.field;
    const values = [...new Set(snapshots.map((s) => s[field]).filter(Boolean))].sort();
    const all = new Option("All", "");
    const options = values.map((v) => new Option(field === "status" ? STATUS_TEXT[v] || v : v, v));
    select.replaceChildren(all, ...options);
    select.addEventListener("change", applyFilters);
  }
  search.addEventListener("input", applyFilters);
}

// --- Decisions ---

function setBusy(value) {
  busy = value;
  for (const button of list.querySelectorAll(".actions button")) button.disabled = busy;
  approveAll.disabled = rejectAll.disabled = busy || articles.length === 0;
  approveShown.disabled = rejectShown.disabled = busy || visible().length === 0;
  undoButton.disabled = busy || undoable === 0;
}

function names(decided) {
  return [...new Set(decided.map((s) => s.name))].join(", ");
}

async function post(action, body) {
  setBusy(true);
  try {
    const response = await fetch(`/api/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = await response.json();
    // On a failure part way, those decided before it are recorded and listed too.
    const decided = payload.snapshots || [];
    for (const snapshot of decided) {
      const article = articleOf.get(snapshot.id);
      if (article) showDecision(article, snapshot.review);
    }
    return { ok: response.ok, error: payload.error, decided };
  } catch (error) {
    return { ok: false, error: String(error), decided: [] };
  } finally {
    setBusy(false);
  }
}

async function decide(action, ids) {
  const { ok, error, decided } = await post(action, ids ? { ids } : { all: true });
  if (decided.length) undoable += 1;
  const verb = action === "approve" ? "Approved" : "Rejected";
  if (!ok) {
    const before = decided.length ? ` ${verb} before it: ${names(decided)}.` : "";
    status.textContent = `Could not ${action}: ${error}${before}`;
  } else {
    status.textContent = action === "approve"
      ? `${verb} ${names(decided)}: the actual screenshot is now the baseline.`
      : `${verb} ${names(decided)}: the baseline is as it was before the run.`;
  }
  setBusy(false);
}

async function undo() {
  const { ok, error, decided } = await post("undo", {});
  if (!ok) {
    status.textContent = `Could not undo: ${error}`;
    return;
  }
  undoable = Math.max(0, undoable - 1);
  const states = decided.map((s) => `${s.name}: ${DECISION_TEXT[s.review] || "Not reviewed"}`);
  status.textContent = `Undid the last decision (${states.join("; ")}).`;
  setBusy(false);
}

function shownIds() {
  return visible().flatMap((article) => article.members.map((m) => m.id));
}

// --- Keyboard shortcuts ---

function move(step) {
  const shown = visible();
  if (!shown.length) return;
  const at = shown.indexOf(current);
  const next = at === -1 ? shown[step > 0 ? 0 : shown.length - 1]
    : shown[Math.min(shown.length - 1, Math.max(0, at + step))];
  current = next;
  next.focus();
  next.scrollIntoView({ block: "start" });
}

function typing(target) {
  return target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement ||
    (target instanceof HTMLInputElement && !["radio", "range", "checkbox"].includes(target.type));
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const viewer = current && !current.hidden ? viewers.get(current) : null;
  const key = event.key;
  const ids = current ? current.members.map((m) => m.id) : null;
  let handled = true;
  if (key === "j") move(1);
  else if (key === "k") move(-1);
  else if (key === "a" && ids && !busy) decide("approve", ids);
  else if (key === "r" && ids && !busy) decide("reject", ids);
  else if (key === "u" && !busy && undoable) undo();
  else if (key === "/") search.focus();
  else if (viewer && /^[1-5]$/.test(key)) handled = viewer.setMode(MODES[Number(key) - 1][0]);
  else if (viewer && (key === "+" || key === "=")) viewer.zoom(1);
  else if (viewer && key === "-") viewer.zoom(-1);
  else if (viewer && key === "0") viewer.zoom(0);
  else handled = false;
  if (handled) event.preventDefault();
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
  const groups = new Map();
  for (const snapshot of snapshots) {
    const key = snapshot.group || snapshot.id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(snapshot);
  }
  articles.push(...[...groups.values()].map(render));
  list.replaceChildren(...articles);
  if (snapshots.length === 0) {
    list.append(text("p", "Nothing to review: every snapshot matched its baseline."));
  }
  fillFilters(snapshots);
  applyFilters();
  approveAll.addEventListener("click", () => decide("approve", null));
  rejectAll.addEventListener("click", () => decide("reject", null));
  approveShown.addEventListener("click", () => decide("approve", shownIds()));
  rejectShown.addEventListener("click", () => decide("reject", shownIds()));
  undoButton.addEventListener("click", undo);
  document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
  document.addEventListener("keydown", onKey);
  document.body.dataset.ready = "true";
}

load();
