// The element that has focus in this frame (through open shadow roots), described; null
// when the document has it. With `arg.container`, also whether focus is `inside` it; with
// `arg.styles`, also its focus styles once transitions are done, and the element is
// remembered for unfocused_styles.js.
async (arg) => {
    // @include lib.js
    const el = deepActive();
    if (!el) return null;
    const info = describe(el);
    if (arg.container) info.inside = contains(arg.container, el);
    if (arg.styles) {
        await settled(el, arg.capMs);
        state.stops.push(el);
        info.styles = stylesOf(el);
    }
    return info;
}
