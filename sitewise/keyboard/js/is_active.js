// Whether `el` (a frame element) is this document's active element: the way down to the
// frame that has focus.
async (el) => {
    // @include lib.js
    return document.activeElement === el;
}
