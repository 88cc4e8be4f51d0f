// Filters the list by status and search words; the state lives in the URL's hash so a
// link to "#status=failed&q=login" opens the report filtered.
(function () {
  "use strict";
  const items = Array.from(document.querySelectorAll("#tests > li.test"));
  const buttons = Array.from(document.querySelectorAll("[data-filter]"));
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const empty = document.getElementById("empty");
  let status = "all";

  const counts = {};
  for (const item of items) {
    counts[item.dataset.status] = (counts[item.dataset.status] || 0) + 1;
  }
  for (const button of buttons) {
    const key = button.dataset.filter;
    const slot = button.querySelector("[data-count]");
    if (slot) slot.textContent = String(counts[key] || 0);
    if (key !== "all" && !counts[key]) button.hidden = true;
  }

  function apply(remember) {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const item of items) {
      const match = (status === "all" || item.dataset.status === status) &&
        words.every((word) => item.dataset.search.includes(word));
      item.hidden = !match;
      if (match) visible += 1;
    }
    shown.textContent = visible + " of " + items.length + " tests";
    empty.hidden = visible !== 0;
    for (const button of buttons) {
      button.setAttribute("aria-pressed", String(button.dataset.filter === status));
    }
    if (remember) {
      const params = new URLSearchParams();
      if (status !== "all") params.set("status", status);
      if (search.value) params.set("q", search.value);
      const hash = params.toString();
      try {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      } catch (error) {
        // Some browsers refuse history changes on file: URLs; the filter still works.
      }
    }
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const wanted = params.get("status");
    status = buttons.some((b) => b.dataset.filter === wanted) ? wanted : "all";
    search.value = params.get("q") || "";
    if (/^t\d+$/.test(location.hash.slice(1))) {
      const target = document.getElementById(location.hash.slice(1));
      if (target) target.querySelector("details").open = true;
    }
    apply(false);
  }

  for (const button of buttons) {
    button.addEventListener("click", () => { status = button.dataset.filter; apply(true); });
  }
  search.addEventListener("input", () => apply(true));
  document.getElementById("expand").addEventListener("click", () => {
    for (const item of items) if (!item.hidden) item.querySelector("details").open = true;
  });
  document.getElementById("collapse").addEventListener("click", () => {
    for (const item of items) item.querySelector("details").open = false;
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.copy");
    if (!button) return;
    const done = () => { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.copy).then(done, () => {});
    } else {
      const range = document.createRange();
      range.selectNodeContents(button.previousElementSibling);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    }
  });
  // A failed snapshot's comparison: the slider clips the actual, onion skin fades it.
  function compare(box) {
    const over = box.querySelector(".over");
    const range = box.querySelector(".compare-range");
    const mode = box.querySelector(".compare-mode").value;
    const value = Number(range.value);
    box.dataset.mode = mode;
    over.style.clipPath = mode === "slider" ? `inset(0 ${100 - value}% 0 0)` : "";
    over.style.opacity = mode === "onion" ? String(value / 100) : "";
    box.querySelector(".compare-label").textContent = mode === "slider"
      ? "Actual shown from the left, in percent" : "Opacity of the actual, in percent";
  }
  document.addEventListener("input", (event) => {
    const box = event.target.closest(".compare");
    if (box) compare(box);
  });
  document.addEventListener("change", (event) => {
    const box = event.target.closest(".compare");
    if (box) compare(box);
  });
  for (const box of document.querySelectorAll(".compare")) compare(box);
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
