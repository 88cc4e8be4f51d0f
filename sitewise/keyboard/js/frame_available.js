// Whether a frame element's document is one a user can reach: not inert, not aria-hidden,
// rendered, and inside the container (of the main frame) when one is given. Its viewport's
// position when it is, else null.
(arg) => {
    // @include lib.js
    const [frame, container] = arg;
    for (let node = frame; node; node = node.parentNode || node.host) {
        if (node.nodeType !== 1) continue;
        if (node.hasAttribute("inert") || node.getAttribute("aria-hidden") === "true") return null;
    }
    const modals = (() => {
        try { return [...document.querySelectorAll(":modal")]; } catch { return []; }
    })();
    if (modals.length && !modals.some((m) => contains(m, frame))) return null;
    if (container && !contains(container, frame)) return null;
    const r = frame.getBoundingClientRect();
    const seen = frame.checkVisibility ? frame.checkVisibility({ visibilityProperty: true }) : true;
    if (!seen || r.width <= 0 || r.height <= 0) return null;
    return { vx: r.left, vy: r.top, clientLeft: frame.clientLeft, clientTop: frame.clientTop };
}
