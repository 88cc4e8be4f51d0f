// Shared by the keyboard checks' scripts: scripts.py puts it in place of each one's
// include line, so that every script runs on its own in one frame. What lasts between
// scripts is kept on window.__e2eKeyboard: element keys, and the elements describe.js
// remembered.
const state = (window.__e2eKeyboard ||= {
    ids: new WeakMap(), next: 0, prefix: Math.random().toString(36).slice(2, 8), stops: [],
});
const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
const deepActive = () => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el && el !== document.body && el !== document.documentElement ? el : null;
};
const contains = (outer, el) => {
    for (let node = el; node; node = node.parentNode || node.host) if (node === outer) return true;
    return false;
};
const INPUT_ROLES = {
    button: "button", submit: "button", reset: "button", image: "button",
    checkbox: "checkbox", radio: "radio", range: "slider", number: "spinbutton",
    search: "searchbox",
};
const roleOf = (el) => {
    const explicit = norm(el.getAttribute("role")).split(" ")[0];
    if (explicit) return explicit;
    const tag = el.localName;
    if (tag === "a" || tag === "area") return el.hasAttribute("href") ? "link" : "generic";
    if (tag === "button" || tag === "summary") return "button";
    if (tag === "select") return el.multiple || el.size > 1 ? "listbox" : "combobox";
    if (tag === "textarea") return "textbox";
    if (tag === "iframe" || tag === "frame") return "iframe";
    if (tag === "input") {
        const type = (el.getAttribute("type") || "text").toLowerCase();
        if (el.hasAttribute("list") && !(type in INPUT_ROLES)) return "combobox";
        return INPUT_ROLES[type] || "textbox";
    }
    if (/^h[1-6]$/.test(tag)) return "heading";
    const landmarks = { main: "main", nav: "navigation", dialog: "dialog", img: "img" };
    if (tag in landmarks) return landmarks[tag];
    if (el.isContentEditable) return "textbox";
    return "generic";
};
const FROM_CONTENT = new Set([
    "button", "link", "tab", "menuitem", "menuitemcheckbox", "menuitemradio", "option",
    "checkbox", "radio", "switch", "treeitem", "heading", "cell", "gridcell",
    "columnheader", "rowheader", "tooltip",
]);
const textOf = (node, root) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    const el = node;
    if (el !== root && ["select", "textarea", "input"].includes(el.localName)) return "";
    if (el.getAttribute("aria-hidden") === "true") return "";
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return "";
    if (el !== root && norm(el.getAttribute("aria-label"))) return el.getAttribute("aria-label");
    if (el.localName === "img") return el.getAttribute("alt") || "";
    if (el.localName === "svg") return el.querySelector("title")?.textContent || "";
    const children = el.shadowRoot ? el.shadowRoot.childNodes : el.childNodes;
    let text = "";
    for (const child of children) text += " " + textOf(child, root) + " ";
    return text;
};
const nameOf = (el) => {
    const ids = norm(el.getAttribute("aria-labelledby"));
    if (ids) {
        const doc = el.getRootNode();
        const text = ids.split(" ").map((id) => (doc.getElementById ? doc.getElementById(id) : null)
            || document.getElementById(id)).filter(Boolean).map((e) => textOf(e, e)).join(" ");
        if (norm(text)) return norm(text);
    }
    if (norm(el.getAttribute("aria-label"))) return norm(el.getAttribute("aria-label"));
    if (el.labels && el.labels.length) {
        const text = [...el.labels].map((l) => textOf(l, l)).join(" ");
        if (norm(text)) return norm(text);
    }
    const tag = el.localName;
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (tag === "input" && ["button", "submit", "reset"].includes(type)) {
        return norm(el.value) || { submit: "Submit", reset: "Reset" }[type] || "";
    }
    if (tag === "img" || (tag === "input" && type === "image")) return norm(el.getAttribute("alt"));
    if (FROM_CONTENT.has(roleOf(el))) {
        const text = norm(textOf(el, el));
        if (text) return text;
    }
    return norm(el.getAttribute("title")) || norm(el.getAttribute("placeholder"));
};
const keyOf = (el) => {
    if (!state.ids.has(el)) {
        const key = `${state.prefix}-${++state.next}`;
        state.ids.set(el, key);
        (state.byKey ||= new Map()).set(key, new WeakRef(el));
    }
    return state.ids.get(el);
};
const byKey = (key) => (state.byKey && state.byKey.get(key)?.deref()) || null;
// Inputs whose parts (day, month, year; hours, minutes) Tab visits one by one while the
// input itself keeps focus.
const MULTI_FIELD = new Set(["date", "time", "datetime-local", "month", "week"]);
const shownInViewport = (el, r) => {
    const style = getComputedStyle(el);
    const options = { opacityProperty: true, visibilityProperty: true };
    const seen = el.checkVisibility ? el.checkVisibility(options) : true;
    return seen && r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth
        && style.clip === "auto" && style.clipPath === "none";
};
const describe = (el) => {
    const r = el.getBoundingClientRect();
    const href = el.localName === "a" ? el.getAttribute("href") : null;
    const opening = el.outerHTML.slice(0, el.outerHTML.indexOf(">") + 1);
    return {
        key: keyOf(el), role: roleOf(el), name: nameOf(el), tag: el.localName,
        x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
        vx: r.left, vy: r.top, clientLeft: el.clientLeft, clientTop: el.clientTop,
        html: opening.slice(0, 200), href, shown: shownInViewport(el, r),
        isFrame: el.localName === "iframe" || el.localName === "frame",
        fields: el.localName === "input" && MULTI_FIELD.has(el.type),
    };
};
const STYLE_PROPS = [
    "outline-style", "outline-width", "outline-color", "outline-offset", "box-shadow",
    "border-top-style", "border-right-style", "border-bottom-style", "border-left-style",
    "border-top-width", "border-right-width", "border-bottom-width", "border-left-width",
    "border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
];
const stylesOf = (el) => Object.fromEntries(["", "::before", "::after"].map((pseudo) => {
    const style = getComputedStyle(el, pseudo || null);
    const values = STYLE_PROPS.map((p) => [p, style.getPropertyValue(p)]);
    return [pseudo || "element", Object.fromEntries(values)];
}));
// A focus style may come with a transition: read it once finite animations are done.
const settled = async (el, capMs) => {
    const finite = el.getAnimations({ subtree: true })
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime));
    const done = Promise.all(finite.map((a) => a.finished.catch(() => null)));
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, capMs))]);
};
