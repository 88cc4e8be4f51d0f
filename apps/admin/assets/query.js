// Page state kept in the query string, so every list view is a deep link and survives reload.

/**
 * @param {Record<string, string>} defaults
 * @returns {Record<string, string>}
 */
export function readQuery(defaults) {
  const params = new URLSearchParams(window.location.search);
  /** @type {Record<string, string>} */
  const state = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    state[name] = params.get(name) ?? fallback;
  }
  return state;
}

/**
 * Puts the page state in the URL through the router, so Back and Forward re-render it.
 * Choices (a select, a date, a page) add a history entry; typing replaces the current one.
 * @param {any} ctx the route context
 * @param {Record<string, string>} state
 * @param {Record<string, string>} defaults values left out of the URL
 * @param {{replace?: boolean}} [opts]
 */
export function writeQuery(ctx, state, defaults, { replace = false } = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state)) {
    if (value !== '' && value !== defaults[name]) params.set(name, value);
  }
  const search = params.toString();
  const url = window.location.pathname + (search ? `?${search}` : '');
  if (url === window.location.pathname + window.location.search) return;
  if (ctx.router && typeof ctx.router.setUrl === 'function') ctx.router.setUrl(url, { replace });
  else window.history.replaceState(window.history.state, '', url);
}

/**
 * @param {string} value
 * @param {number} fallback
 */
export function positiveInt(value, fallback) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Builds an API path with the non-empty parameters. */
export function apiPath(path, /** @type {Record<string, string|number>} */ params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && value !== undefined && value !== null) query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Calls fn after the user stops typing for `ms`.
 * @template {unknown[]} A
 * @param {(...args: A) => void} fn
 * @param {number} ms
 */
export function debounce(fn, ms) {
  /** @type {number | undefined} */
  let timer;
  return (/** @type {A} */ ...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
}
