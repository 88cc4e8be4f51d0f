// "/audit": the audit log, filtered by actor, action and date range; filters live in the URL.

import {
  api,
  h,
  emptyState,
  field,
  rangeText,
  setFieldError,
  clearFieldError,
  timeEl,
} from '/shared/core.js';
import {
  dataTable,
  listLoader,
  pageHeader,
  pager,
  valueText,
  apiPath,
  debounce,
  positiveInt,
  readQuery,
  writeQuery,
} from '../app.js';

const PAGE_SIZE = 20;
const DEFAULTS = { actor: '', action: '', since: '', until: '', page: '1' };
export const ACTIONS = [
  'user.login',
  'user.logout',
  'user.create',
  'user.update',
  'user.delete',
  'definition.create',
  'definition.update',
  'definition.delete',
];
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * @typedef {{id: number, at: string, actor_email: string, action: string, target: string,
 *   details: any}} AuditEvent
 */

/** @param {any} ctx */
export async function renderAudit(ctx) {
  const state = readQuery(DEFAULTS);
  if (state.action && !ACTIONS.includes(state.action)) state.action = '';
  for (const name of /** @type {const} */ (['since', 'until'])) {
    if (state[name] && !DATE_RE.test(state[name])) state[name] = '';
  }

  const actor = field({
    label: 'Actor',
    name: 'actor',
    type: 'search',
    value: state.actor,
    attrs: { autocomplete: 'off', spellcheck: 'false', placeholder: 'Email contains' },
  });
  const action = field({
    label: 'Action',
    name: 'action',
    options: [['', 'All actions'], ...ACTIONS.map((a) => [a, a])],
    value: state.action,
  });
  const since = field({ label: 'From', name: 'since', type: 'date', value: state.since });
  const until = field({ label: 'To', name: 'until', type: 'date', value: state.until });
  const clearButton = h('button', { type: 'button', class: 'btn btn-ghost btn-sm toolbar-clear', onClick: clearFilters }, 'Clear filters');
  const results = h('div', { class: 'results' });

  ctx.root.append(
    pageHeader('Audit log', 'Sign-ins and every change made by an administrator, newest first.'),
    h(
      'div',
      { class: 'toolbar toolbar-audit', role: 'search', 'aria-label': 'Filter audit events' },
      actor.el,
      action.el,
      since.el,
      until.el,
      h('div', { class: 'toolbar-end' }, clearButton),
    ),
    results,
  );

  /** @param {{replace?: boolean}} [opts] */
  function apply({ replace = false } = {}) {
    clearFieldError(until.input);
    const from = since.input.value;
    const to = until.input.value;
    if (from && to && from > to) {
      setFieldError(until.input, 'The end date must be on or after the start date.');
      return;
    }
    const next = { ...state, actor: actor.input.value.trim(), action: action.input.value, since: from, until: to };
    // Typing, change events and date pickers can report the same value twice.
    if (['actor', 'action', 'since', 'until'].every((k) => next[k] === state[k])) return;
    Object.assign(state, next, { page: '1' });
    refresh({ replace });
  }

  const applyTyping = debounce(() => apply({ replace: true }), 250);
  actor.input.addEventListener('input', applyTyping);
  for (const input of [action.input, since.input, until.input]) input.addEventListener('change', () => apply());

  function clearFilters() {
    actor.input.value = '';
    action.input.value = '';
    since.input.value = '';
    until.input.value = '';
    apply();
    actor.input.focus();
  }

  function syncClear() {
    clearButton.hidden = !(state.actor || state.action || state.since || state.until);
  }

  const load = listLoader({
    container: results,
    ctx,
    fetch: () =>
      api(
        'GET',
        apiPath('/api/admin/audit', {
          actor: state.actor,
          action: state.action,
          since: state.since,
          until: state.until,
          page: positiveInt(state.page, 1),
          page_size: PAGE_SIZE,
        }),
      ),
    render: (data) => renderResults(data),
  });

  /** @param {{replace?: boolean}} [opts] */
  function refresh({ replace = false } = {}) {
    writeQuery(ctx, state, DEFAULTS, { replace });
    syncClear();
    return load();
  }

  /** @param {{items: AuditEvent[], total: number, page: number, page_size: number}} data */
  function renderResults(data) {
    const pageSize = data.page_size || PAGE_SIZE;
    const pages = Math.max(1, Math.ceil(data.total / pageSize));
    if (!data.items.length && data.total > 0 && data.page > pages) {
      state.page = String(pages);
      refresh({ replace: true });
      return;
    }
    if (!data.items.length) {
      results.append(emptyState('No audit events match these filters.'));
      return;
    }
    results.append(
      h('p', { class: 'range' }, rangeText({ page: data.page, pageSize, total: data.total })),
      dataTable({
        caption: 'Audit events',
        className: 'audit-table',
        columns: [
          { label: 'When', className: 'col-when' },
          { label: 'Actor', className: 'col-actor' },
          { label: 'Action', className: 'col-action' },
          { label: 'Target', className: 'col-target' },
          { label: 'Details', className: 'col-details' },
        ],
        rows: data.items.map((event) => ({
          attrs: { 'data-testid': `audit-${event.id}` },
          cells: [
            timeEl(event.at),
            h('span', { class: 'audit-actor' }, event.actor_email || '—'),
            h('code', { class: ['action', `action-${event.action.split('.')[0]}`] }, event.action),
            h('span', { class: 'audit-target' }, event.target || '—'),
            detailsNode(event.details),
          ],
        })),
      }),
      pager(results, {
        page: data.page,
        pageSize,
        total: data.total,
        go: (page) => {
          state.page = String(page);
          return refresh();
        },
      }),
    );
  }

  syncClear();
  await load();
}

/**
 * Details as "name: value" pairs (objects) or plain text; never as markup.
 * @param {any} details
 */
function detailsNode(details) {
  if (details === null || details === undefined || details === '') return h('span', { class: 'muted' }, '—');
  if (typeof details !== 'object' || Array.isArray(details)) {
    return h('span', { class: 'audit-details' }, typeof details === 'string' ? details : JSON.stringify(details));
  }
  const entries = Object.entries(details);
  if (!entries.length) return h('span', { class: 'muted' }, '—');
  return h(
    'dl',
    { class: 'details-list' },
    entries.map(([name, value]) =>
      h('div', { class: 'details-item' }, h('dt', null, name), h('dd', null, typeof value === 'object' && value !== null ? JSON.stringify(value) : valueText(value))),
    ),
  );
}
