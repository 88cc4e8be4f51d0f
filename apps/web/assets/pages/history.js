// "/settings/:key/history": the caller's changes to one setting, newest first.

import {
  api,
  ApiError,
  withQuery,
  h,
  uid,
  icon,
  badge,
  emptyState,
  loading,
  pagination,
  rangeText,
  timeEl,
} from '/shared/core.js';
import { loader, pageHeader, valueText } from '../app.js';

const PAGE_SIZE = 20;
const ACTIONS = { set: 'Set', reset: 'Reset' };

function historyTable(label, items) {
  const captionId = uid('history-caption');
  const columns = ['When', 'Action', 'From', 'To'];
  return h(
    'div',
    { class: 'table-card' },
    h(
      'table',
      { class: 'table table-stack history-table' },
      h('caption', { id: captionId, class: 'visually-hidden' }, `Changes to ${label}`),
      h('thead', null, h('tr', null, columns.map((col) => h('th', { scope: 'col' }, col)))),
      h(
        'tbody',
        null,
        items.map((entry) =>
          h(
            'tr',
            { 'data-testid': `history-${entry.id}` },
            h('td', { 'data-label': 'When' }, timeEl(entry.changed_at)),
            h('td', { 'data-label': 'Action' }, badge(ACTIONS[entry.action] || entry.action, entry.action === 'reset' ? 'neutral' : 'accent')),
            h('td', { 'data-label': 'From' }, h('span', { class: 'value-chip' }, valueText(entry.old_value))),
            h('td', { 'data-label': 'To' }, h('span', { class: 'value-chip' }, valueText(entry.new_value))),
          ),
        ),
      ),
    ),
  );
}

/** @param {any} ctx */
export async function renderHistory(ctx) {
  const key = ctx.params.key;
  const page = Math.max(1, Number.parseInt(ctx.query.get('page') || '1', 10) || 1);
  loading(ctx.root);
  const historyPath = withQuery(`/api/settings/${encodeURIComponent(key)}/history`, { page, page_size: PAGE_SIZE });
  // Asked for at once, beside the setting, rather than one round trip later.
  let early = api('GET', historyPath);
  early.catch(() => {}); // the loader reports a failure when it takes this answer

  let setting;
  try {
    setting = await api('GET', `/api/settings/${encodeURIComponent(key)}`);
  } catch (error) {
    if (!ctx.isCurrent()) return;
    if (error instanceof ApiError && error.status === 404) {
      ctx.app.notFound(ctx);
      return;
    }
    ctx.root.replaceChildren();
    ctx.app.fail(error, ctx.root, () => ctx.router.refresh());
    return;
  }
  if (!ctx.isCurrent()) return;

  const body = h('div', { class: 'history' });
  ctx.root.replaceChildren(
    h('a', { class: 'back-link', href: '/settings' }, icon('arrowLeft', { size: 16 }), 'Back to settings'),
    pageHeader(`History: ${setting.label}`, setting.description),
    h(
      'dl',
      { class: 'card summary-card' },
      h('div', null, h('dt', null, 'Current value'), h('dd', null, h('span', { class: 'value-chip' }, valueText(setting.value)))),
      h('div', null, h('dt', null, 'Default'), h('dd', null, h('span', { class: 'value-chip' }, valueText(setting.default)))),
      h('div', null, h('dt', null, 'Category'), h('dd', null, setting.category)),
    ),
    h('section', { class: 'section', 'aria-labelledby': 'changes-heading' }, h('h2', { id: 'changes-heading', class: 'section-title' }, 'Changes'), body),
  );
  ctx.router.syncTitle();
  if (!ctx.first) {
    const h1 = ctx.root.querySelector('h1');
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }

  const load = loader({
    container: body,
    ctx,
    fetch: () => {
      const answer = early || api('GET', historyPath);
      early = null;
      return answer;
    },
    render: (data) => {
      if (!data.items.length) {
        body.append(emptyState('No changes yet.'));
        return;
      }
      body.append(
        h('p', { class: 'toolbar-meta' }, rangeText({ page: data.page, pageSize: data.page_size, total: data.total })),
        historyTable(setting.label, data.items),
      );
      if (data.total > data.page_size) {
        body.append(
          pagination({
            page: data.page,
            pageSize: data.page_size,
            total: data.total,
            onPage: (next) => ctx.navigate(withQuery(ctx.path, { page: next > 1 ? next : '' })),
          }),
        );
      }
    },
  });
  await load();
}
