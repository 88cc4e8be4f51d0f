// Records every element that takes focus from now on, after the one that has it now,
// for trigger.js.
async () => {
    // @include lib.js
    state.focusLog = [deepActive()];
    state.onFocusIn = (event) => state.focusLog.push(event.composedPath()[0]);
    document.addEventListener("focusin", state.onFocusIn, true);
}
