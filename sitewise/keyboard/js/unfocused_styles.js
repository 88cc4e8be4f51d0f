// The styles of every element describe.js remembered, read again once focus has left it
// and transitions are done; keyed by element key. Forgets them.
async (capMs) => {
    // @include lib.js
    const active = deepActive();
    if (active) active.blur();
    const result = {};
    for (const el of state.stops) {
        await settled(el, capMs);
        result[keyOf(el)] = stylesOf(el);
    }
    state.stops = [];
    return result;
}
