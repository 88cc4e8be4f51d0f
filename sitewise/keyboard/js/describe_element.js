// `el` described as describe.js describes the focused element.
async (el) => {
    // @include lib.js
    return describe(el);
}
