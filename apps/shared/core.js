// The foundation both apps stand on: the DOM builder, icons, the theme, the API client
// and the widgets (toasts, dialogs, states, pagination, form fields, dates). One module,
// not five: on a slow phone every module file is one more request queued behind the
// browser's six connections per origin before the first paint.

// ---------------------------------------------------------------- dom
// DOM builder shared by both apps. Text always goes in as text nodes (never innerHTML),
// so user-supplied labels, names and values can never inject markup.

const BOOLEAN_PROPS = new Set(['checked', 'disabled', 'selected', 'readOnly', 'required', 'hidden', 'multiple']);
const VALUE_PROPS = new Set(['value', 'indeterminate']);
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Append children to a node: strings and numbers become text nodes, arrays are
 * flattened, null / undefined / false are skipped.
 * @param {Node} parent
 * @param {...any} children
 */
export function append(parent, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) {
      append(parent, ...child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
  return parent;
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class' || name === 'className') {
      const classes = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (classes) el.setAttribute('class', classes);
    } else if (name === 'style' && typeof value === 'object') {
      // CSSOM writes are allowed by the CSP (style-src 'self'); style="" attributes are not.
      for (const [prop, v] of Object.entries(value)) {
        if (prop.startsWith('--')) el.style.setProperty(prop, String(v));
        else el.style[prop] = v;
      }
    } else if (name === 'dataset' && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) el.dataset[key] = String(v);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'ref' && typeof value === 'function') {
      value(el);
    } else if (BOOLEAN_PROPS.has(name) && !(el instanceof SVGElement)) {
      el[name] = Boolean(value);
    } else if (VALUE_PROPS.has(name) && !(el instanceof SVGElement)) {
      el[name] = value;
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

/**
 * Build an element.
 *   h('button', {class: 'btn', type: 'button', onClick: fn, 'aria-label': 'Close'}, 'Close')
 * attrs: `class` (string or array), `style` (object, applied through CSSOM), `dataset`,
 * `on<Event>` listeners, `ref(el)`, DOM properties (value, checked, disabled, ...), any
 * other attribute (false / null / undefined skip it, true sets it empty).
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

/** Same as h() for SVG elements (icons). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name === 'className' ? 'class' : name, String(value));
    }
  }
  for (const child of children) if (child) el.appendChild(child);
  return el;
}

/** Remove every child of el; returns el. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let idCounter = 0;
/**
 * A unique id for wiring labels and descriptions. The counter is per page load, so ids
 * are stable for a given render order and never shown to the user.
 * @param {string} [prefix]
 */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Turn arbitrary text (a setting key, an email) into a safe id fragment. */
export function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
}

// ---------------------------------------------------------------- icons
// Inline SVG icons (24x24 grid, stroke = currentColor). Decorative: aria-hidden.

const PATHS = {
  sun: ['M12 4V2', 'M12 22v-2', 'M4.93 4.93 3.52 3.52', 'M20.48 20.48l-1.41-1.41', 'M4 12H2', 'M22 12h-2', 'M4.93 19.07l-1.41 1.41', 'M20.48 3.52l-1.41 1.41'],
  moon: ['M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z'],
  menu: ['M4 6h16', 'M4 12h16', 'M4 18h16'],
  close: ['M6 6l12 12', 'M18 6 6 18'],
  chevronDown: ['M6 9l6 6 6-6'],
  chevronLeft: ['M15 18l-6-6 6-6'],
  chevronRight: ['M9 18l6-6-6-6'],
  arrowLeft: ['M19 12H5', 'M12 19l-7-7 7-7'],
  search: ['M21 21l-4.35-4.35', 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z'],
  alert: ['M12 9v4', 'M12 17h.01', 'M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z'],
  check: ['M20 6 9 17l-5-5'],
  history: ['M3 12a9 9 0 1 0 3-6.7L3 8', 'M3 3v5h5', 'M12 7v5l3 2'],
  reset: ['M3 12a9 9 0 1 0 3-6.7L3 8', 'M3 3v5h5'],
  user: ['M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2', 'M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z'],
  logout: ['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'],
  settings: ['M4 21v-7', 'M4 10V3', 'M12 21v-9', 'M12 8V3', 'M20 21v-5', 'M20 12V3', 'M1 14h6', 'M9 8h6', 'M17 16h6'],
  plus: ['M12 5v14', 'M5 12h14'],
  edit: ['M12 20h9', 'M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z'],
  trash: ['M3 6h18', 'M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2', 'M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6'],
  logo: ['M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z', 'M19.4 15a1.65 1.65 0 0 0 .33 1.82l.06.06a2 2 0 1 1-2.83 2.83l-.06-.06a1.65 1.65 0 0 0-1.82-.33 1.65 1.65 0 0 0-1 1.51V21a2 2 0 1 1-4 0v-.09A1.65 1.65 0 0 0 9 19.4a1.65 1.65 0 0 0-1.82.33l-.06.06a2 2 0 1 1-2.83-2.83l.06-.06a1.65 1.65 0 0 0 .33-1.82 1.65 1.65 0 0 0-1.51-1H3a2 2 0 1 1 0-4h.09A1.65 1.65 0 0 0 4.6 9a1.65 1.65 0 0 0-.33-1.82l-.06-.06a2 2 0 1 1 2.83-2.83l.06.06a1.65 1.65 0 0 0 1.82.33H9a1.65 1.65 0 0 0 1-1.51V3a2 2 0 1 1 4 0v.09a1.65 1.65 0 0 0 1 1.51 1.65 1.65 0 0 0 1.82-.33l.06-.06a2 2 0 1 1 2.83 2.83l-.06.06a1.65 1.65 0 0 0-.33 1.82V9a1.65 1.65 0 0 0 1.51 1H21a2 2 0 1 1 0 4h-.09a1.65 1.65 0 0 0-1.51 1z'],
};
const CIRCLES = { sun: [[12, 12, 4]] };

/**
 * A decorative icon.
 * @param {keyof typeof PATHS} name
 * @param {{size?: number, className?: string}} [opts]
 */
export function icon(name, { size = 20, className = 'icon' } = {}) {
  const el = svg('svg', {
    class: className,
    width: size,
    height: size,
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': 2,
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    'aria-hidden': 'true',
    focusable: 'false',
  });
  for (const [cx, cy, r] of CIRCLES[name] || []) el.appendChild(svg('circle', { cx, cy, r }));
  for (const d of PATHS[name] || []) el.appendChild(svg('path', { d }));
  return el;
}

// ---------------------------------------------------------------- theme
// Theme: the user's preference (system / light / dark) resolved to html[data-theme].

const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
let preference = 'system';

function resolve(pref) {
  if (pref === 'light' || pref === 'dark') return pref;
  return query && query.matches ? 'dark' : 'light';
}

function update() {
  const theme = resolve(preference);
  document.documentElement.dataset.theme = theme;
  window.dispatchEvent(new CustomEvent('themechange', { detail: { theme, preference } }));
}

if (query) {
  query.addEventListener('change', () => {
    if (preference === 'system') update();
  });
}

/**
 * Apply a preference: "system" follows prefers-color-scheme (and its changes).
 * Dispatches a `themechange` event on window with {theme, preference}.
 * @param {'system'|'light'|'dark'|string|null|undefined} pref
 */
export function applyTheme(pref) {
  preference = pref === 'light' || pref === 'dark' ? pref : 'system';
  update();
}

/** The theme in effect: "light" or "dark". */
export function currentTheme() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : resolve(preference);
}

/** The stored preference: "system", "light" or "dark". */
export function themePreference() {
  return preference;
}

// ---------------------------------------------------------------- api
// JSON client for the API under /api on the serving origin.

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;

/** An error answered by the API ({"error": {code, message, fields}}) or a network failure. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 for a network failure)
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [fields]
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

export function getCsrfToken() {
  return csrfToken;
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/**
 * Build "/api/path?a=1&b=2", leaving out empty values.
 * @param {string} path
 * @param {Record<string, any>} [params]
 */
export function withQuery(path, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Call the API. `path` is "/api/..." (or "/..." which gets the /api prefix).
 * Resolves with the parsed JSON body (null for 204); rejects with ApiError.
 * @param {'GET'|'POST'|'PUT'|'PATCH'|'DELETE'} method
 * @param {string} path
 * @param {any} [body]
 */
export async function api(method, path, body) {
  const url = path.startsWith('/api/') || path === '/api' ? path : `/api${path}`;
  const verb = method.toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method: verb, headers, credentials: 'same-origin', cache: 'no-store' };
  if (MUTATING.has(verb)) {
    // The API refuses mutating requests that are not JSON (415), even without a body.
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body === undefined ? {} : body);
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  } else if (body !== undefined) {
    throw new TypeError(`${verb} requests take no body`);
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }

  let data = null;
  if (response.status !== 204) {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('application/json')) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
  }

  if (!response.ok) {
    const err = data && data.error ? data.error : null;
    throw new ApiError(
      response.status,
      err && err.code ? err.code : 'http_error',
      err && err.message ? err.message : `The server answered ${response.status}.`,
      err && err.fields ? err.fields : {},
    );
  }
  if (data && typeof data === 'object' && typeof data.csrf_token === 'string') {
    csrfToken = data.csrf_token;
  }
  return data;
}

/** The signed-in user, or null when signed out (401). Other failures reject. */
export async function getMe() {
  try {
    const data = await api('GET', '/api/auth/me');
    return data ? data.user : null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      csrfToken = null;
      return null;
    }
    throw error;
  }
}

/** Sign in; resolves with the user, rejects with ApiError (401, 403, 429, 422...). */
export async function login(email, password) {
  const data = await api('POST', '/api/auth/login', { email, password });
  return data.user;
}

/** Sign out. A session that has already ended counts as signed out. */
export async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch (error) {
    if (!(error instanceof ApiError && (error.status === 401 || error.status === 403))) throw error;
  } finally {
    csrfToken = null;
  }
}

// ---------------------------------------------------------------- ui
// Widgets both apps use: toasts, dialogs, loading / error / empty states, pagination,
// form fields with inline errors, dates.

const TOAST_MS = 5000;

// ---------------------------------------------------------------- dates

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const DATE_ONLY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

function parseDate(iso) {
  if (!iso) return null;
  // Timestamps without a zone are UTC on the server; say so, or the browser reads local time.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "5 Mar 2025, 14:07 UTC" (en-GB, UTC, so the output never depends on the machine). */
export function formatDate(iso) {
  const date = parseDate(iso);
  return date ? `${DATE_TIME.format(date)} UTC` : '—';
}

/** "5 Mar 2025" (UTC). */
export function formatDay(iso) {
  const date = parseDate(iso);
  return date ? DATE_ONLY.format(date) : '—';
}

/** <time datetime="iso">formatted</time> */
export function timeEl(iso, format = formatDate) {
  return h('time', { datetime: iso || null }, format(iso));
}

// ---------------------------------------------------------------- toasts

function toastRegion() {
  let region = document.getElementById('toast-region');
  if (!region) {
    region = h('div', {
      id: 'toast-region',
      class: 'toast-region',
      role: 'status',
      'aria-live': 'polite',
    });
    document.body.appendChild(region);
  }
  return region;
}

/** Call once at start-up so the live region exists before the first message. */
export function initToasts() {
  toastRegion();
}

/**
 * Show a toast in the polite live region; it has a "Dismiss" button and goes after 5 s.
 * @param {string} message
 * @param {{variant?: 'success'|'error'|'info'}} [opts]
 */
export function toast(message, { variant = 'success' } = {}) {
  const region = toastRegion();
  let timer = 0;
  const remove = () => {
    window.clearTimeout(timer);
    const hadFocus = item.contains(document.activeElement);
    item.remove();
    if (hadFocus) {
      const main = document.getElementById('main');
      if (main) main.focus();
    }
  };
  const item = h(
    'div',
    { class: ['toast', `toast-${variant}`] },
    h('span', { class: 'toast-icon' }, icon(variant === 'error' ? 'alert' : 'check', { size: 18 })),
    h('p', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-dismiss', onClick: remove }, 'Dismiss'),
  );
  region.appendChild(item);
  timer = window.setTimeout(remove, TOAST_MS);
  return item;
}

// ---------------------------------------------------------------- states

/** Replace the container's content with a role="status" "Loading…" block. */
export function loading(container, label = 'Loading…') {
  clear(container);
  const el = h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, label));
  container.appendChild(el);
  return el;
}

/**
 * Replace the container's content with a role="alert" "Something went wrong" block
 * showing the error's message and a "Retry" button calling onRetry.
 */
export function errorState(container, error, onRetry) {
  clear(container);
  const message = error && error.message ? error.message : 'The request failed.';
  const el = h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('span', { class: 'state-icon' }, icon('alert', { size: 24 })),
    h('h2', { class: 'state-title' }, 'Something went wrong'),
    h('p', { class: 'state-message' }, message),
    onRetry ? h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => onRetry() }, 'Retry') : null,
  );
  container.appendChild(el);
  return el;
}

/** An empty-list message, e.g. emptyState('No settings match your search.') */
export function emptyState(message, ...extra) {
  return h('div', { class: 'state state-empty' }, h('p', { class: 'state-message' }, message), ...extra);
}

/** A small pill: badge('Default'), badge('Admin', 'accent'). */
export function badge(text, variant = 'neutral') {
  return h('span', { class: ['badge', `badge-${variant}`] }, text);
}

// ---------------------------------------------------------------- pagination

/** Number of pages (at least 1). */
export function pageCount(total, pageSize) {
  return Math.max(1, Math.ceil((total || 0) / (pageSize || 1)));
}

/** "Showing 21–40 of 57" ("Showing 0 of 0" when empty). */
export function rangeText({ page, pageSize, total }) {
  if (!total) return 'Showing 0 of 0';
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return `Showing ${from}–${to} of ${total}`;
}

/**
 * <nav aria-label="Pagination"> with "Previous", "Page P of Q", "Next".
 * @param {{page: number, pageSize: number, total: number, onPage: (page: number) => void}} opts
 */
export function pagination({ page, pageSize, total, onPage }) {
  const pages = pageCount(total, pageSize);
  return h(
    'nav',
    { class: 'pagination', 'aria-label': 'Pagination' },
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page <= 1, onClick: () => onPage(page - 1) },
      icon('chevronLeft', { size: 16 }),
      h('span', null, 'Previous'),
    ),
    h('span', { class: 'pagination-status' }, `Page ${page} of ${pages}`),
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page >= pages, onClick: () => onPage(page + 1) },
      h('span', null, 'Next'),
      icon('chevronRight', { size: 16 }),
    ),
  );
}

// ---------------------------------------------------------------- form fields

/**
 * A labelled control in a .field wrapper. Returns {el, input}.
 *   field({label: 'Email', name: 'email', type: 'email', autocomplete: 'username'})
 *   field({label: 'Role', name: 'role', options: [['user', 'User'], ['admin', 'Admin']]})
 *   field({label: 'Description', name: 'description', multiline: true})
 * `hint` is shown under the label and wired with aria-describedby.
 */
export function field({
  label,
  name,
  type = 'text',
  value = '',
  hint = '',
  options = null,
  multiline = false,
  id = '',
  attrs = {},
}) {
  const controlId = id || uid(`field-${name}`);
  const hintId = hint ? `${controlId}-hint` : null;
  const common = { id: controlId, name, 'aria-describedby': hintId, ...attrs };
  let input;
  if (options) {
    input = h(
      'select',
      { class: 'select', ...common },
      options.map((opt) => {
        const [optValue, optLabel] = Array.isArray(opt) ? opt : [opt, opt];
        return h('option', { value: optValue, selected: String(optValue) === String(value) }, optLabel);
      }),
    );
  } else if (multiline) {
    input = h('textarea', { class: 'input textarea', rows: 3, ...common });
    input.value = value ?? '';
  } else {
    input = h('input', { class: 'input', type, ...common });
    if (type !== 'checkbox') input.value = value ?? '';
  }
  const el = h(
    'div',
    { class: 'field' },
    h('label', { class: 'field-label', for: controlId }, label),
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    input,
  );
  return { el, input };
}

function describedBy(input) {
  return (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
}

/**
 * Show an inline error under a control: aria-invalid="true" and the message wired
 * into aria-describedby (before any hint).
 */
export function setFieldError(input, message) {
  if (!input.id) input.id = uid('control');
  const errorId = `${input.id}-error`;
  let error = document.getElementById(errorId);
  if (!error) {
    error = h('p', { class: 'field-error', id: errorId });
    const wrapper = input.closest('.field, .control-group') || input.parentElement;
    // Right under the control (before any hint that follows it), so the message is
    // read and seen next to what it is about.
    let anchor = input;
    while (anchor.parentElement && anchor.parentElement !== wrapper) anchor = anchor.parentElement;
    anchor.after(error);
  }
  clear(error);
  error.append(icon('alert', { size: 16 }), h('span', null, message));
  input.setAttribute('aria-invalid', 'true');
  const ids = describedBy(input).filter((x) => x !== errorId);
  input.setAttribute('aria-describedby', [errorId, ...ids].join(' '));
  return error;
}

/** Remove one control's inline error. */
export function clearFieldError(input) {
  const errorId = `${input.id}-error`;
  const error = document.getElementById(errorId);
  if (error) error.remove();
  input.removeAttribute('aria-invalid');
  const ids = describedBy(input).filter((x) => x !== errorId);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/** Remove every inline error (and the form-level alert) inside a form or container. */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) clearFieldError(input);
  for (const error of form.querySelectorAll('.field-error')) error.remove();
  for (const alert of form.querySelectorAll('.form-alert')) alert.remove();
}

/**
 * Put an ApiError's `fields` under the matching controls (by name) of a form.
 * Returns the names that had no control, so the caller can show them elsewhere.
 */
export function applyFieldErrors(form, error) {
  const missing = [];
  const fields = error && error.fields ? error.fields : {};
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const input = form.elements ? form.elements.namedItem(name) : form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input && input instanceof HTMLElement) {
      setFieldError(input, String(message));
      first = first || input;
    } else {
      missing.push(name);
    }
  }
  if (first) first.focus();
  return missing;
}

/** A role="alert" block at the top of a form (replaces any previous one). */
export function formAlert(form, message) {
  for (const old of form.querySelectorAll('.form-alert')) old.remove();
  const alert = h('div', { class: 'form-alert', role: 'alert' }, icon('alert', { size: 18 }), h('p', null, message));
  form.prepend(alert);
  return alert;
}

// ---------------------------------------------------------------- dialogs

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * Open a modal <dialog> (showModal) labelled by its heading.
 *
 *   const {dialog, form, close, closed} = openDialog({
 *     title: 'New user',
 *     body: (form) => [field(...).el, ...],        // Node, array, or function(form)
 *     actions: [{label: 'Cancel', type: 'cancel'},
 *               {label: 'Create user', type: 'submit', variant: 'primary'}],
 *     onSubmit: async (form, {close}) => {...},     // resolve to close; return false to stay
 *   });
 *
 * Focus goes to the first field (else the first button); Tab / Shift+Tab stay inside;
 * Escape and "Cancel" close it; focus returns to the element that had it. When
 * onSubmit rejects with an ApiError its `fields` are shown inline and any other message
 * in a role="alert" block inside the dialog. `closed` resolves with close()'s value.
 */
export function openDialog({ title, description = '', body = null, actions = null, onSubmit = null, onClose = null, size = 'md' }) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const descId = description ? uid('dialog-desc') : null;
  const bodyEl = h('div', { class: 'dialog-body' });
  const actionsEl = h('div', { class: 'dialog-actions' });
  const form = h('form', { class: 'dialog-form', method: 'dialog', novalidate: true });
  const dialog = h(
    'dialog',
    { class: ['dialog', `dialog-${size}`], 'aria-labelledby': titleId, 'aria-describedby': descId },
    form,
  );
  form.append(
    h('div', { class: 'dialog-header' }, h('h2', { class: 'dialog-title', id: titleId }, title)),
    bodyEl,
    actionsEl,
  );
  if (description) bodyEl.appendChild(h('p', { class: 'dialog-description', id: descId }, description));
  const content = typeof body === 'function' ? body(form) : body;
  if (content) {
    for (const node of Array.isArray(content) ? content : [content]) if (node) bodyEl.appendChild(node);
  }

  let resolveClosed;
  const closed = new Promise((resolve) => {
    resolveClosed = resolve;
  });
  let result;
  let busy = false;

  function close(value) {
    result = value;
    if (dialog.open) dialog.close();
  }

  const list = actions || [{ label: 'Cancel', type: 'cancel' }];
  for (const action of list) {
    const kind = action.type || 'button';
    const variant = action.variant || (kind === 'submit' ? 'primary' : 'secondary');
    const btn = h(
      'button',
      {
        type: kind === 'submit' ? 'submit' : 'button',
        class: ['btn', `btn-${variant}`],
        'data-action': kind,
        onClick: (event) => {
          if (kind === 'cancel') {
            event.preventDefault();
            close(false);
          } else if (kind === 'button' && action.onClick) {
            action.onClick({ close, dialog, form });
          }
        },
      },
      action.label,
    );
    actionsEl.appendChild(btn);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearFieldErrors(form);
    if (!onSubmit) {
      close(true);
      return;
    }
    busy = true;
    const submitButtons = [...form.querySelectorAll('[data-action="submit"]')];
    for (const b of submitButtons) b.setAttribute('aria-disabled', 'true');
    try {
      const value = await onSubmit(form, { close, dialog, form });
      if (value !== false && dialog.open) close(value === undefined ? true : value);
    } catch (error) {
      const missing = error instanceof ApiError ? applyFieldErrors(form, error) : [];
      const hasInline = error instanceof ApiError && Object.keys(error.fields || {}).length > missing.length;
      if (!hasInline) formAlert(bodyEl, error && error.message ? error.message : 'Something went wrong.');
      else if (missing.length) formAlert(bodyEl, missing.map((n) => error.fields[n]).join(' '));
    } finally {
      busy = false;
      for (const b of submitButtons) b.removeAttribute('aria-disabled');
    }
  });

  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = focusables(dialog);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });

  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    if (onClose) onClose(result);
    resolveClosed(result);
  });

  document.body.appendChild(dialog);
  dialog.showModal();
  const firstField = bodyEl.querySelector('input:not([type="hidden"]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])');
  const target = firstField || focusables(dialog)[0];
  if (target) target.focus();

  return { dialog, form, body: bodyEl, close, closed };
}

/**
 * Ask for confirmation in a modal dialog ("Delete X?" with confirm + "Cancel").
 * Resolves true when confirmed, false on Cancel or Escape.
 * @param {{title: string, message?: string, confirmLabel?: string, variant?: string}} opts
 */
export function confirm({ title, message = '', confirmLabel = 'Confirm', variant = 'danger' }) {
  const { closed } = openDialog({
    title,
    size: 'sm',
    body: message ? h('p', { class: 'dialog-message' }, message) : null,
    actions: [
      { label: 'Cancel', type: 'cancel' },
      { label: confirmLabel, type: 'submit', variant },
    ],
    onSubmit: () => true,
  });
  return closed.then((value) => value === true);
}
