// Whether focus is on `target` itself.
// A plain function, not an async one: wait_for_function polls it, and a returned
// Promise would count as truthy.
(target) => {
    // @include lib.js
    return deepActive() === target;
}
