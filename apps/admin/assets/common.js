// Building blocks the admin pages share: page header, responsive data table, list loader.

import { h, clear, uid } from '/shared/dom.js';
import { loading, pagination } from '/shared/ui.js';

/**
 * The page's heading block: the one <h1>, a lead line and optional actions on the right.
 * @param {string} title
 * @param {string} lead
 * @param {...Node} actions
 */
export function pageHeader(title, lead, ...actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', { class: 'page-header-text' }, h('h1', null, title), lead ? h('p', { class: 'lead' }, lead) : null),
    actions.length ? h('div', { class: 'page-actions' }, ...actions) : null,
  );
}

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
