// How many tab stops `dialog` has, and whether it is a native modal <dialog>.
async (dialog) => {
    // @include lib.js
    const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary,'
        + ' [tabindex], [contenteditable=""], [contenteditable="true"]';
    const tabbable = [...dialog.querySelectorAll(selector)].filter((el) => !el.disabled
        && el.tabIndex >= 0 && !(el.localName === "input" && el.type === "hidden")
        && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden");
    const modal = dialog.closest("dialog");
    return { tabbable: tabbable.length, nativeModal: !!modal && modal.matches(":modal") };
}
