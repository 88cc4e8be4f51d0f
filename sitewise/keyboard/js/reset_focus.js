// Puts focus back on the document, so that the next Tab goes to the first tab stop.
async () => {
    // @include lib.js
    // Focusing and removing a first element leaves focus on the body and the sequential
    // navigation starting point at the top of the document, as after a fresh load.
    const probe = document.createElement("span");
    probe.tabIndex = -1;
    document.body.prepend(probe);
    probe.focus();
    probe.remove();
}
