// axe's legacy iframe support asks each frame's axe over postMessage and, since axe 4.6,
// drops messages from other origins unless they are allowed: without this a cross-origin
// frame is skipped without a word. `origins`: the frames' origins ("null" for sandboxed).
(origins) => {
  const all = origins.includes('null');
  axe.configure({ allowedOrigins: all ? ['<unsafe_all_origins>'] : origins });
}
