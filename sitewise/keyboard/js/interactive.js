// Every visible, enabled interactive element of one frame (or of `arg.container`), each
// with whether the Tab walk reached it (`arg.keys`: the walk's stops in this frame).
// Left out, since nothing makes them tab stops: inert content (and everything outside an
// open modal dialog), aria-hidden content, what is not rendered (hidden, display: none,
// visibility: hidden, a closed <details>), disabled controls. Members of a composite
// widget (radio group, tablist, menu, listbox, toolbar, grid, tree) are judged together:
// the widget is reached when it, or any of its members, is a tab stop (roving tabindex or
// aria-activedescendant); native radios of one name are one group.
(arg) => {
    // @include lib.js
    const ROLES = new Set([
        "button", "link", "checkbox", "switch", "tab", "menuitem", "menuitemcheckbox",
        "menuitemradio", "radio", "slider", "spinbutton", "combobox", "textbox", "searchbox",
        "option", "treeitem", "gridcell",
    ]);
    const COMPOSITES = new Set([
        "radiogroup", "tablist", "menu", "menubar", "listbox", "toolbar", "grid", "treegrid",
        "tree",
    ]);
    const explicitRole = (el) => norm(el.getAttribute && el.getAttribute("role")).split(" ")[0];
    const up = (node) => node.parentNode || node.host || null;
    const closestDeep = (el, test) => {
        for (let node = el; node; node = up(node)) {
            if (node.nodeType === 1 && test(node)) return node;
        }
        return null;
    };
    const nativeKind = (el) => {
        const tag = el.localName;
        if (tag === "a") return el.hasAttribute("href");
        if (tag === "button" || tag === "select" || tag === "textarea") return true;
        if (tag === "input") return (el.getAttribute("type") || "").toLowerCase() !== "hidden";
        if (tag === "summary") {
            const details = el.parentElement;
            return !!details && details.localName === "details"
                && details.querySelector(":scope > summary") === el;
        }
        return el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable);
    };
    const modals = (() => {
        try { return [...document.querySelectorAll(":modal")]; } catch { return []; }
    })();
    const excluded = (el) => {
        if (closestDeep(el, (n) => n.hasAttribute("inert"))) return "inert";
        if (modals.length && !modals.some((m) => contains(m, el))) return "inert";
        if (closestDeep(el, (n) => n.getAttribute("aria-hidden") === "true")) return "aria-hidden";
        const r = el.getBoundingClientRect();
        const seen = el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : true;
        if (!seen || r.width <= 0 || r.height <= 0) return "not rendered";
        if (el.matches(":disabled") || el.getAttribute("aria-disabled") === "true") {
            return "disabled";
        }
        return null;
    };
    const all = [];
    const collect = (root) => {
        for (const el of root.querySelectorAll("*")) {
            all.push(el);
            if (el.shadowRoot) collect(el.shadowRoot);
        }
    };
    const container = arg.container || null;
    if (container) all.push(container);
    collect(container || document);
    const stops = arg.keys.map(byKey).filter(Boolean);
    const reached = (el) => stops.some((stop) => contains(el, stop));
    const groups = new Map();
    const items = [];
    for (const el of all) {
        const role = explicitRole(el);
        const native = nativeKind(el);
        if (!native && !ROLES.has(role)) continue;
        if (excluded(el)) continue;
        const info = describe(el);
        info.native = native;
        info.tabindex = el.getAttribute("tabindex");
        info.reached = reached(el);
        const composite = closestDeep(up(el), (n) => COMPOSITES.has(explicitRole(n)));
        let group = null;
        if (composite) {
            group = "composite:" + keyOf(composite);
            if (!groups.has(group)) {
                groups.set(group, { widget: describe(composite), reached: reached(composite) });
            }
        } else if (el.localName === "input" && el.type === "radio" && el.name) {
            group = `radios:${el.form ? keyOf(el.form) : "document"}:${el.name}`;
            if (!groups.has(group)) {
                groups.set(group, { widget: null, reached: false, label: el.name });
            }
        }
        info.group = group;
        items.push(info);
    }
    for (const item of items) {
        if (item.group && item.reached) groups.get(item.group).reached = true;
    }
    return { items, groups: Object.fromEntries(groups) };
}
