// Whether focus is on `target` or inside it.
// A plain function, not an async one: wait_for_function polls it, and a returned
// Promise would count as truthy.
(target) => {
    // @include lib.js
    const el = deepActive();
    return !!el && (el === target || contains(target, el));
}
