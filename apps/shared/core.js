// The foundation both apps stand on: the DOM builder, icons, the theme, the API client,
// the widgets (toasts, dialogs, states, pagination, form fields, dates) and the app frame
// (router, page shell, sign-in page, start-up). One module, not nine: on a slow phone
// every module file is one more request queued behind the browser's six connections
// per origin before the first paint.

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

/**
 * The page's heading block: the one <h1>, a lead line and optional actions.
 * @param {string} title
 * @param {string | Node} [lead]
 * @param {...Node} actions
 */
export function pageHeader(title, lead = '', ...actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', { class: 'page-header-text' }, h('h1', null, title), lead ? h('p', { class: 'lead' }, lead) : null),
    actions.length ? h('div', { class: 'page-actions' }, ...actions) : null,
  );
}


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

// ---------------------------------------------------------------- router
// Client-side router: history.pushState, same-origin link interception, deep links.

function compile(path) {
  const names = [];
  const pattern = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${pattern}/?$`), names };
}

/**
 * `next` for the sign-in redirect: only a same-origin path (one leading "/") is kept.
 * @param {string | null} next
 */
export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (next.startsWith('/\\') || /[\u0000-\u001f]/.test(next)) return '/';
  return next;
}

/**
 * Create the router.
 *
 *   const router = createRouter({
 *     routes: [{path: '/settings/:key/history', render: (ctx) => {...}},
 *              {path: '/profile', load: () => import('./profile.js').then((m) => m.render)}],
 *     notFound: (ctx) => {...},
 *     root: document.getElementById('app'),   // or (ctx) => element
 *     titleSuffix: 'Settings',
 *     guard: (ctx) => null | '/login?next=...', // a string redirects (replaceState)
 *   });
 *   router.start();
 *
 * A route's render(ctx) gets ctx = {root, params, query (URLSearchParams), path, url,
 * state, route, router, navigate, isCurrent(), first}. It may be async; render into
 * ctx.root. Routes may carry any extra keys (public, shell, ...) that guard() and a
 * root() function read from ctx.route.
 * After a render (and again when an async render settles) document.title becomes
 * "<h1 text> · <titleSuffix>"; call router.syncTitle() after changing the h1 later.
 * On every route change but the first, focus moves to the h1 (or main).
 */
export function createRouter({ routes, notFound, root, titleSuffix = '', guard = null }) {
  const table = routes.map((route) => ({ ...route, ...compile(route.path) }));
  let token = 0;
  let started = false;
  let currentCtx = null;

  function match(pathname) {
    for (const route of table) {
      const m = route.regex.exec(pathname);
      if (m) {
        const params = {};
        route.names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(m[i + 1]);
          } catch {
            params[name] = m[i + 1];
          }
        });
        return { route, params };
      }
    }
    return { route: { path: '*', render: notFound, notFound: true }, params: {} };
  }

  function syncTitle() {
    const heading = document.querySelector('main h1') || document.querySelector('h1');
    const text = heading ? heading.textContent.trim() : '';
    document.title = text && titleSuffix ? `${text} · ${titleSuffix}` : text || titleSuffix;
  }

  function focusHeading() {
    const heading = document.querySelector('main h1');
    const target = heading || document.querySelector('main');
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }

  async function render({ state = null, first = false } = {}) {
    token += 1;
    const mine = token;
    const { pathname, search } = window.location;
    const { route, params } = match(pathname);
    const ctx = {
      params,
      query: new URLSearchParams(search),
      path: pathname,
      url: pathname + search,
      state: state ?? window.history.state,
      route,
      router: api,
      navigate: (url, opts) => navigate(url, opts),
      isCurrent: () => mine === token,
      first,
      root: null,
    };
    if (guard) {
      const redirect = await guard(ctx);
      if (mine !== token) return;
      if (typeof redirect === 'string' && redirect !== ctx.url) {
        window.history.replaceState(null, '', redirect);
        await render({ first });
        return;
      }
    }
    // A route may give load() instead of render: its page module, fetched on first use
    // (the server preloads the current page's module), before the old page is cleared.
    // Kept once loaded: the next visit renders at once.
    const renderPage = route.render ?? (route.render = await route.load());
    if (mine !== token) return;
    const container = typeof root === 'function' ? root(ctx) : root;
    ctx.root = container;
    currentCtx = ctx;
    clear(container);
    window.scrollTo(0, 0);
    const result = renderPage(ctx);
    syncTitle();
    if (!first) focusHeading();
    if (result && typeof result.then === 'function') {
      try {
        await result;
      } finally {
        if (mine === token) syncTitle();
      }
    }
  }

  /**
   * Go to a same-origin URL (path + query). opts: {replace, state}.
   * @param {string} url
   * @param {{replace?: boolean, state?: any}} [opts]
   */
  function navigate(url, { replace = false, state = null } = {}) {
    if (replace) window.history.replaceState(state, '', url);
    else window.history.pushState(state, '', url);
    return render({ state });
  }

  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return;
    if (link.dataset.router === 'off') return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/') || url.pathname.startsWith('/shared/')) return;
    event.preventDefault();
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
      // In-page links (the skip link) move focus without a history entry, so popstate
      // never re-renders the page under them.
      const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (target) {
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus();
        target.scrollIntoView({ block: 'start' });
      }
      return;
    }
    navigate(url.pathname + url.search);
  }

  function onPopState(event) {
    const { pathname, search } = window.location;
    if (currentCtx && currentCtx.url === pathname + search) return;
    render({ state: event.state });
  }

  const api = {
    start() {
      if (started) return Promise.resolve();
      started = true;
      document.addEventListener('click', onClick);
      window.addEventListener('popstate', onPopState);
      return render({ first: true });
    },
    navigate,
    /**
     * Change the URL without rendering (a page that keeps its own state in the query,
     * e.g. filters). Back and forward still re-render from the URL.
     * @param {string} url
     * @param {{replace?: boolean}} [opts]
     */
    setUrl(url, { replace = false } = {}) {
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
      if (currentCtx) {
        const { pathname, search } = window.location;
        currentCtx.url = pathname + search;
        currentCtx.query = new URLSearchParams(search);
      }
    },
    /** Re-render the current URL (e.g. after signing in or out). */
    refresh: () => render(),
    syncTitle,
    get current() {
      return currentCtx;
    },
  };
  return api;
}

// ---------------------------------------------------------------- shell
// Page shell: skip link, header (brand, main navigation, mobile "Menu" button, theme
// toggle, account menu), <main id="main">, footer.

function initials(user) {
  const source = (user && (user.display_name || user.email)) || '?';
  const words = source.trim().split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : source.slice(0, 2);
  return letters.toUpperCase();
}

/**
 * A disclosure / menu popup that closes on Escape and on outside click, returning
 * focus to its button. Returns {open, close, toggle, isOpen}.
 */
function popup({ button, panel, wrapper, onOpen, onClose, menu = false }) {
  let isOpen = false;
  const items = () => [...panel.querySelectorAll('[role="menuitem"]')];

  function open({ focus = 'first' } = {}) {
    if (isOpen) return;
    isOpen = true;
    button.setAttribute('aria-expanded', 'true');
    panel.hidden = false;
    wrapper.classList.add('is-open');
    document.addEventListener('click', onDocumentClick, true);
    if (onOpen) onOpen();
    if (menu && focus) {
      const list = items();
      const target = focus === 'last' ? list[list.length - 1] : list[0];
      if (target) target.focus();
    }
  }

  function close({ returnFocus = true } = {}) {
    if (!isOpen) return;
    isOpen = false;
    button.setAttribute('aria-expanded', 'false');
    panel.hidden = true;
    wrapper.classList.remove('is-open');
    document.removeEventListener('click', onDocumentClick, true);
    if (onClose) onClose();
    if (returnFocus) button.focus();
  }

  function onDocumentClick(event) {
    if (!wrapper.contains(event.target)) close({ returnFocus: true });
  }

  button.addEventListener('click', () => (isOpen ? close() : open()));
  button.addEventListener('keydown', (event) => {
    if (!menu) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      // The menu's own handler (on the wrapper) must not move focus on from there.
      event.stopPropagation();
      open({ focus: event.key === 'ArrowUp' ? 'last' : 'first' });
    }
  });
  wrapper.addEventListener('keydown', (event) => {
    if (!isOpen) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (!menu) return;
    const list = items();
    const index = list.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      list[(index + step + list.length) % list.length].focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? list[0] : list[list.length - 1]).focus();
    } else if (event.key === 'Tab') {
      close({ returnFocus: false });
    }
  });
  return { open, close, toggle: () => (isOpen ? close() : open()), isOpen: () => isOpen };
}

/**
 * Mount the shell into `root` (default document.body's #app) and return its parts.
 *
 *   const shell = mountShell({
 *     product: 'Settings',
 *     links: [{href: '/', label: 'Dashboard'}, ...],
 *     user,                                   // or null: a "Sign in" link instead of the menu
 *     accountLinks: [{href: '/profile', label: 'Profile'}],
 *     onSignOut: () => {...},
 *     onToggleTheme: () => {...},
 *   });
 *   shell.main      // <main id="main" tabindex="-1">
 *   shell.setActive(pathname); shell.setUser(user);
 */
export function mountShell({
  product,
  links = [],
  user = null,
  accountLinks = [],
  onSignOut = null,
  onToggleTheme = null,
  homeHref = '/',
  root = null,
}) {
  const container = root || document.getElementById('app') || document.body;
  clear(container);

  // ---- main navigation (collapses behind "Menu" below 768 px)
  const navList = h(
    'ul',
    { class: 'nav-list' },
    links.map((link) => h('li', null, h('a', { class: 'nav-link', href: link.href }, link.label))),
  );
  const nav = h('nav', { id: 'primary-nav', class: 'primary-nav', 'aria-label': 'Main' }, navList);
  const menuButton = h(
    'button',
    {
      type: 'button',
      class: 'btn-icon menu-button',
      'aria-expanded': 'false',
      'aria-controls': 'primary-nav',
    },
    icon('menu'),
    h('span', { class: 'menu-button-label' }, 'Menu'),
  );
  const navWrapper = h('div', { class: 'nav-wrapper' }, menuButton, nav);
  // The panel is only "hidden" in the mobile layout, so CSS decides; the popup's
  // hidden flag is mirrored by a class instead of the attribute.
  const navPanelProxy = { set hidden(v) { nav.classList.toggle('is-open', !v); }, querySelectorAll: () => [] };
  const navPopup = popup({ button: menuButton, panel: navPanelProxy, wrapper: navWrapper });
  nav.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('a')) navPopup.close({ returnFocus: false });
  });

  // ---- theme toggle
  const themeButton = h(
    'button',
    {
      type: 'button',
      class: 'btn-icon theme-toggle',
      'aria-pressed': String(currentTheme() === 'dark'),
      onClick: () => {
        if (onToggleTheme) onToggleTheme(currentTheme() === 'dark' ? 'light' : 'dark');
      },
    },
    h('span', { class: 'theme-icon theme-icon-moon' }, icon('moon')),
    h('span', { class: 'theme-icon theme-icon-sun' }, icon('sun')),
    // Named by its content, not aria-label, so getByLabel('Theme') finds only form fields.
    h('span', { class: 'visually-hidden' }, 'Dark theme'),
  );
  const onThemeChange = () => themeButton.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
  window.addEventListener('themechange', onThemeChange);

  // ---- account menu
  const actions = h('div', { class: 'header-actions' }, themeButton);
  let accountParts = null;
  if (user) {
    const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user));
    const accountButton = h(
      'button',
      {
        type: 'button',
        class: 'account-button',
        id: 'account-button',
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': 'account-menu',
      },
      avatar,
      h('span', { class: 'visually-hidden' }, 'Account menu'),
      icon('chevronDown', { size: 16 }),
    );
    const nameEl = h('p', { class: 'account-name' }, user.display_name || user.email);
    const emailEl = h('p', { class: 'account-email' }, user.email);
    const menuItems = [
      ...accountLinks.map((link) =>
        h('a', { role: 'menuitem', class: 'menu-item', href: link.href, tabindex: '-1' }, icon(link.icon || 'user', { size: 18 }), h('span', null, link.label)),
      ),
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'menu-item',
          tabindex: '-1',
          onClick: () => {
            accountPopup.close({ returnFocus: false });
            if (onSignOut) onSignOut();
          },
        },
        icon('logout', { size: 18 }),
        h('span', null, 'Sign out'),
      ),
    ];
    const menu = h('div', { id: 'account-menu', class: 'menu', role: 'menu', 'aria-labelledby': 'account-button' }, menuItems);
    const panel = h('div', { class: 'popover account-popover', hidden: true }, h('div', { class: 'account-summary' }, nameEl, emailEl), menu);
    const wrapper = h('div', { class: 'account' }, accountButton, panel);
    const accountPopup = popup({ button: accountButton, panel, wrapper, menu: true });
    menu.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a')) accountPopup.close({ returnFocus: false });
    });
    actions.appendChild(wrapper);
    accountParts = { avatar, nameEl, emailEl, popup: accountPopup };
  } else {
    actions.appendChild(h('a', { class: 'btn btn-secondary btn-sm', href: '/login' }, 'Sign in'));
  }

  const header = h(
    'header',
    { class: 'site-header' },
    h(
      'div',
      { class: 'header-inner' },
      h('a', { class: 'brand', href: homeHref }, h('span', { class: 'brand-mark' }, icon('logo', { size: 20 })), h('span', { class: 'brand-name' }, product)),
      navWrapper,
      actions,
    ),
  );
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const footer = h(
    'footer',
    { class: 'site-footer' },
    h('div', { class: 'footer-inner' }, h('p', null, `${product} · reference system`), h('p', null, 'Version 1')),
  );
  const skip = h('a', { class: 'skip-link', href: '#main' }, 'Skip to main content');
  container.append(skip, header, main, footer);

  function setActive(pathname) {
    for (const a of nav.querySelectorAll('a')) {
      const href = a.getAttribute('href');
      const active = href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function setUser(next) {
    if (!accountParts || !next) return;
    accountParts.avatar.textContent = initials(next);
    accountParts.nameEl.textContent = next.display_name || next.email;
    accountParts.emailEl.textContent = next.email;
  }

  function destroy() {
    window.removeEventListener('themechange', onThemeChange);
    navPopup.close({ returnFocus: false });
    if (accountParts) accountParts.popup.close({ returnFocus: false });
  }

  setActive(window.location.pathname);
  return { main, header, nav, footer, setActive, setUser, destroy, closeMenus: () => navPopup.close({ returnFocus: false }) };
}

// ---------------------------------------------------------------- login
// Sign-in page used by both apps (no shell: just the card in <main>).

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Render the sign-in page into `root` (default #app).
 *   renderLoginPage({heading: 'Sign in', product: 'Settings', message, onSuccess(user)})
 * `message` (e.g. "You have been signed out.") is shown in a role="status" block.
 * Client-side errors are inline; the API's message goes in a role="alert" block.
 * @returns {{main: HTMLElement, form: HTMLFormElement}}
 */
export function renderLoginPage({ heading, product, onSuccess, message = '', lead = '', root = null }) {
  const container = root || document.getElementById('app') || document.body;
  clear(container);

  const email = field({ label: 'Email', name: 'email', type: 'email', attrs: { autocomplete: 'username', spellcheck: 'false', autocapitalize: 'none' } });
  const password = field({ label: 'Password', name: 'password', type: 'password', attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const notices = h('div', { class: 'auth-notices' });
  if (message) {
    notices.appendChild(h('div', { class: 'notice notice-info', role: 'status' }, icon('check', { size: 18 }), h('p', null, message)));
  }
  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-label': heading }, email.el, password.el, submit);

  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearFieldErrors(form);
    clear(notices);
    const emailValue = email.input.value.trim();
    const passwordValue = password.input.value;
    const invalid = [];
    if (!emailValue) {
      setFieldError(email.input, 'Enter your email address.');
      invalid.push(email.input);
    } else if (!EMAIL_RE.test(emailValue)) {
      setFieldError(email.input, 'Enter a valid email address.');
      invalid.push(email.input);
    }
    if (!passwordValue) {
      setFieldError(password.input, 'Enter your password.');
      invalid.push(password.input);
    }
    if (invalid.length) {
      invalid[0].focus();
      return;
    }
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    try {
      const user = await login(emailValue, passwordValue);
      await onSuccess(user);
    } catch (error) {
      const text = error && error.message ? error.message : 'Sign-in failed.';
      notices.appendChild(h('div', { class: 'notice notice-error', role: 'alert' }, icon('alert', { size: 18 }), h('p', null, text)));
      password.input.value = '';
      password.input.focus();
    } finally {
      busy = false;
      if (submit.isConnected) {
        submit.removeAttribute('aria-disabled');
        form.removeAttribute('aria-busy');
      }
    }
  });

  const main = h(
    'main',
    { id: 'main', class: 'auth-main', tabindex: '-1' },
    h(
      'div',
      { class: 'auth-card' },
      h('p', { class: 'auth-brand' }, h('span', { class: 'brand-mark' }, icon('logo', { size: 20 })), h('span', null, product)),
      h('h1', { class: 'auth-title' }, heading),
      lead ? h('p', { class: 'auth-lead' }, lead) : null,
      notices,
      form,
    ),
  );
  container.appendChild(main);
  return { main, form };
}

// ---------------------------------------------------------------- boot
// App start-up shared by both apps: session, theme, guarded routes, shell, sign-in,
// sign-out and the 404 page. An app passes its product name, links and routes.

/** "/login?next=/settings%3Fq%3Dx": the path and query, encoded, with "/" kept readable. */
export function loginUrl(pathAndQuery) {
  const next = encodeURIComponent(pathAndQuery).replace(/%2F/gi, '/');
  return `/login?next=${next}`;
}

/**
 * Start an app.
 *
 *   startApp({
 *     product: 'Settings',                 // brand, and the document title suffix
 *     loginHeading: 'Sign in',
 *     links: [{href: '/', label: 'Dashboard'}, ...],
 *     accountLinks: [{href: '/profile', label: 'Profile'}],
 *     routes: [{path: '/', render: (ctx) => {...}}, ...],
 *     notFoundLink: {href: '/', label: 'Go to dashboard'},
 *   });
 *
 * Every route is protected (signed out -> /login?next=...) unless it has `public: true`.
 * A route's render(ctx) renders into ctx.root (the shell's <main>) and gets
 * ctx.app = {user, setUser(user), fail(error, container, retry), notFound(ctx), product}.
 * ctx.app.fail() sends a 401 to the sign-in page and shows any other error with Retry.
 */
export async function startApp({ product, loginHeading, links, accountLinks = [], routes, notFoundLink, loginLead = '' }) {
  const appRoot = document.getElementById('app') || document.body;
  initToasts();
  let user = null;
  let shell = null;
  let router = null;

  const app = {
    product,
    get user() {
      return user;
    },
    setUser(next) {
      user = next;
      if (next) applyTheme(next.theme);
      if (shell) shell.setUser(next);
    },
    fail(error, container, retry) {
      if (error instanceof ApiError && error.status === 401) {
        user = null;
        router.navigate(loginUrl(window.location.pathname + window.location.search), { replace: true });
        return;
      }
      errorState(container, error, retry);
    },
    /** Replace the current page with the 404 page (e.g. an unknown setting key). */
    notFound(ctx) {
      clear(ctx.root);
      renderNotFound(ctx);
      router.syncTitle();
    },
  };

  async function signOut() {
    try {
      await logout();
    } catch (error) {
      toast(error.message || 'Could not sign out.', { variant: 'error' });
      return;
    }
    user = null;
    applyTheme('system');
    router.navigate('/login', { state: { signedOut: true } });
  }

  async function toggleTheme(theme) {
    applyTheme(theme);
    if (!user) return;
    try {
      const updated = await api('PATCH', '/api/profile', { theme });
      user = updated;
      window.dispatchEvent(new CustomEvent('userchange', { detail: { user } }));
    } catch (error) {
      toast(error.message || 'Could not save the theme.', { variant: 'error' });
    }
  }

  function ensureShell() {
    const signedIn = Boolean(user);
    if (!shell || shell.signedIn !== signedIn) {
      if (shell) shell.destroy();
      shell = mountShell({
        product,
        links,
        user,
        accountLinks,
        onSignOut: signOut,
        onToggleTheme: toggleTheme,
        root: appRoot,
      });
      shell.signedIn = signedIn;
    }
    shell.setUser(user);
    return shell;
  }

  function renderLogin(ctx) {
    const signedOut = Boolean(ctx.state && ctx.state.signedOut);
    // Once shown, the message should not come back on reload.
    if (signedOut) window.history.replaceState(null, '', ctx.url);
    renderLoginPage({
      root: ctx.root,
      heading: loginHeading,
      product,
      lead: loginLead,
      message: signedOut ? 'You have been signed out.' : '',
      onSuccess: async (signedIn) => {
        app.setUser(signedIn);
        await router.navigate(safeNext(ctx.query.get('next')), { replace: true });
      },
    });
  }

  function renderNotFound(ctx) {
    ctx.root.append(
      h(
        'div',
        { class: 'not-found' },
        h('p', { class: 'not-found-code' }, '404'),
        h('h1', null, 'Page not found'),
        h('p', { class: 'lead' }, 'The page you asked for does not exist or has moved.'),
        h('a', { class: 'btn btn-primary', href: notFoundLink.href }, notFoundLink.label),
      ),
    );
  }

  router = createRouter({
    routes: [{ path: '/login', public: true, shell: false, render: renderLogin }, ...routes],
    notFound: renderNotFound,
    titleSuffix: product,
    root: (ctx) => {
      ctx.app = app;
      if (ctx.route.shell === false) {
        if (shell) {
          shell.destroy();
          shell = null;
        }
        clear(appRoot);
        return appRoot;
      }
      const current = ensureShell();
      current.setActive(ctx.path);
      return current.main;
    },
    guard: (ctx) => {
      if (ctx.route.path === '/login') return user ? safeNext(ctx.query.get('next')) : null;
      if (ctx.route.public || ctx.route.notFound) return null;
      return user ? null : loginUrl(ctx.url);
    },
  });

  async function boot() {
    loading(appRoot);
    try {
      // The sign-in page needs no session: asking for one there would only log the
      // API's 401 to the console of every signed-out visitor.
      user = window.location.pathname === '/login' ? null : await getMe();
    } catch (error) {
      applyTheme('system');
      const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
      clear(appRoot).appendChild(main);
      errorState(main, error, boot);
      return;
    }
    applyTheme(user ? user.theme : 'system');
    await router.start();
  }

  await boot();
  return { router, app };
}
