// The last element that took focus before `dialog` opened, still in the page and outside
// the dialog: where focus returns when a callable opened it (from start_focus_log.js).
async (dialog) => {
    // @include lib.js
    const log = (state.focusLog || []).filter((el) => el && el.isConnected && !contains(dialog, el)
        && el !== document.body);
    return log.length ? log[log.length - 1] : null;
}
