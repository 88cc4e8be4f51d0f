// "/": welcome, counts of settings and customised ones, recent changes.

import { api, withQuery, h, icon, emptyState, timeEl } from '/shared/core.js';
import { loader, pageHeader, valueText } from '../app.js';

const NUMBER = new Intl.NumberFormat('en-GB');
const PAGE_SIZE = 100;

async function fetchCounts() {
  // The API has no count of customised settings: read every page (about forty items).
  let page = 1;
  let total = 0;
  let customised = 0;
  for (;;) {
    const data = await api('GET', withQuery('/api/settings', { page, page_size: PAGE_SIZE }));
    total = data.total;
    customised += data.items.filter((item) => !item.is_default).length;
    if (page * PAGE_SIZE >= data.total || data.items.length === 0) break;
    page += 1;
  }
  return { total, customised };
}

async function fetchSummary() {
  // Both at once: one round trip instead of two before the dashboard shows.
  const [counts, recent] = await Promise.all([
    fetchCounts(),
    api('GET', withQuery('/api/settings', { sort: '-updated', page_size: 5 })),
  ]);
  return { ...counts, recent: recent.items.filter((item) => item.updated_at) };
}

function stat(key, label, value, note) {
  return h(
    'li',
    { class: 'card stat', 'data-testid': `stat-${key}` },
    h('h2', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value' }, NUMBER.format(value)),
    h('p', { class: 'stat-note' }, note),
  );
}

function recentItem(item) {
  const change = item.is_default ? 'Reset to default' : `Set to ${valueText(item.value)}`;
  return h(
    'li',
    { class: 'recent-item' },
    h(
      'div',
      { class: 'recent-main' },
      h('a', { class: 'recent-label', href: `/settings/${encodeURIComponent(item.key)}/history` }, item.label),
      h('p', { class: 'recent-change' }, change),
    ),
    h('p', { class: 'recent-time' }, timeEl(item.updated_at)),
  );
}

/** @param {any} ctx */
export async function renderDashboard(ctx) {
  const user = ctx.app.user;
  const body = h('div', { class: 'dashboard' });
  ctx.root.append(
    pageHeader(
      'Dashboard',
      `Welcome back, ${user.display_name}`,
      h('a', { class: 'btn btn-primary', href: '/settings' }, 'Browse settings', icon('chevronRight', { size: 16 })),
    ),
    body,
  );

  const load = loader({
    container: body,
    ctx,
    fetch: fetchSummary,
    render: (data) => {
      body.append(
        h(
          'ul',
          { class: 'stats' },
          stat('settings', 'Settings', data.total, 'Available to you'),
          stat(
            'customised',
            'Customised',
            data.customised,
            data.customised === 1 ? '1 differs from its default' : `${NUMBER.format(data.customised)} differ from their defaults`,
          ),
        ),
        h(
          'section',
          { class: 'card section recent', 'aria-labelledby': 'recent-heading' },
          h('div', { class: 'card-header' }, h('h2', { id: 'recent-heading' }, 'Recent changes')),
          data.recent.length
            ? h('ul', { class: 'recent-list' }, data.recent.map(recentItem))
            : emptyState('No changes yet.'),
        ),
      );
    },
  });
  await load();
}
