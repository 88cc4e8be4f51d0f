// Stops the recording start_focus_log.js began.
async () => {
    // @include lib.js
    if (state.onFocusIn) document.removeEventListener("focusin", state.onFocusIn, true);
    state.onFocusIn = null;
}
