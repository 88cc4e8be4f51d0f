// Loads each iframe[data-cross-origin] from the other loopback host name (127.0.0.1 and
// localhost are different origins, and different sites: the frame gets its own process).
for (const frame of document.querySelectorAll("iframe[data-cross-origin]")) {
  const url = new URL(frame.dataset.crossOrigin, location.href);
  url.hostname = url.hostname === "localhost" ? "127.0.0.1" : "localhost";
  frame.src = url.href;
}
