// The admin app's entry and the building blocks its pages share. The page modules load
// on first visit (the server preloads the current page's) and import those blocks from
// here: one module before the first paint, not two.

import { h, clear, uid, loading, pagination, startApp } from '/shared/core.js';

// The pages import their building blocks from here, the shared page header too.
export { pageHeader } from '/shared/core.js';

// Building blocks the admin pages share: page header, responsive data table, list loader,
// and the page state kept in the query string.

/**
 * A data table in a card, inside a labelled, keyboard-scrollable region. Below 640 px the
 * shared `.table-stack` styles turn each row into a card with the column name in front of
 * each value (from data-label, drawn by CSS so it never becomes part of the cell's text).
 * The explicit roles keep table semantics when that layout changes `display`.
 * @param {{caption: string, columns: {label: string, className?: string}[],
 *   rows: {attrs?: Record<string, any>, cells: any[]}[], className?: string}} opts
 */
export function dataTable({ caption, columns, rows, className = '' }) {
  const captionId = uid('table-caption');
  const table = h(
    'table',
    { class: ['table', 'table-stack', className], role: 'table' },
    h('caption', { id: captionId, class: 'visually-hidden' }, caption),
    h(
      'thead',
      { role: 'rowgroup' },
      h(
        'tr',
        { role: 'row' },
        columns.map((col) => h('th', { scope: 'col', role: 'columnheader', class: col.className || null }, col.label)),
      ),
    ),
    h(
      'tbody',
      { role: 'rowgroup' },
      rows.map((row) =>
        h(
          'tr',
          { role: 'row', ...(row.attrs || {}) },
          row.cells.map((cell, i) =>
            h('td', { role: 'cell', class: columns[i].className || null, 'data-label': columns[i].label }, cell),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'table-card' },
    h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' }, table),
  );
}

/**
 * Loads a list into `container`, showing "Loading…" while it waits and the error state
 * with Retry when it fails. A newer load wins: a slow answer to an older query never
 * overwrites the newer one.
 * @template T
 * @param {{container: HTMLElement, ctx: any, fetch: () => Promise<T>, render: (data: T) => void}} opts
 */
export function listLoader({ container, ctx, fetch, render }) {
  let seq = 0;
  async function load() {
    seq += 1;
    const mine = seq;
    const stale = () => mine !== seq || !ctx.isCurrent();
    // Keep the old rows on screen while a reload runs; only an empty container shows the
    // full-size placeholder.
    const busy = container.firstChild && !container.querySelector('.state') ? busyIndicator(container) : loading(container);
    try {
      const data = await fetch();
      if (stale()) return;
      clear(container);
      render(data);
    } catch (error) {
      if (stale()) return;
      ctx.app.fail(error, container, load);
    } finally {
      if (!stale() && busy.isConnected) busy.remove();
      if (!stale()) container.removeAttribute('aria-busy');
    }
  }
  return load;
}

function busyIndicator(container) {
  container.setAttribute('aria-busy', 'true');
  const el = h('div', { class: 'list-busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, 'Loading…'));
  container.prepend(el);
  return el;
}

/** A setting value as text: booleans and numbers as JSON, empty strings marked. */
export function valueText(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return JSON.stringify(value);
}

export const TYPE_LABELS = /** @type {Record<string, string>} */ ({
  boolean: 'Boolean',
  choice: 'Choice',
  text: 'Text',
  number: 'Number',
});

/**
 * The shared pagination bar, keeping keyboard focus on "Previous" / "Next" across the
 * reload that replaces it (or on the other button when the end is reached).
 * @param {HTMLElement} container the list container the bar is rendered into
 * @param {{page: number, pageSize: number, total: number, go: (page: number) => Promise<void>}} opts
 */
export function pager(container, { page, pageSize, total, go }) {
  return pagination({
    page,
    pageSize,
    total,
    onPage: async (next) => {
      const label = next > page ? 'Next' : 'Previous';
      const hadFocus = container.contains(document.activeElement);
      await go(next);
      const range = container.querySelector('.range');
      if (range) range.scrollIntoView({ block: 'nearest' });
      if (!hadFocus) return;
      const buttons = [...container.querySelectorAll('nav.pagination button')];
      const target = buttons.find((b) => b.textContent?.trim() === label && !b.hasAttribute('disabled')) || buttons.find((b) => !b.hasAttribute('disabled'));
      if (target instanceof HTMLElement) target.focus({ preventScroll: true });
    },
  });
}

// ---------------------------------------------------------------- query string
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

// The app: its routes on the shared start-up.

startApp({
  product: 'Settings Admin',
  loginHeading: 'Admin sign in',
  loginLead: 'For administrators only. Use your admin account to manage users and settings.',
  links: [
    { href: '/', label: 'Overview' },
    { href: '/users', label: 'Users' },
    { href: '/settings', label: 'Settings' },
    { href: '/audit', label: 'Audit log' },
  ],
  accountLinks: [],
  routes: [
    { path: '/', load: () => import('./pages/overview.js').then((m) => m.renderOverview) },
    { path: '/users', load: () => import('./pages/users.js').then((m) => m.renderUsers) },
    { path: '/settings', load: () => import('./pages/definitions.js').then((m) => m.renderDefinitions) },
    { path: '/audit', load: () => import('./pages/audit.js').then((m) => m.renderAudit) },
  ],
  notFoundLink: { href: '/', label: 'Go to overview' },
});
