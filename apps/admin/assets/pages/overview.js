// "/": counts of users, definitions and audit events, and shortcuts to common tasks.

import { api, h, icon } from '/shared/core.js';
import { pageHeader } from '../app.js';

/**
 * @typedef {{users: number, active_users: number, admins: number, definitions: number,
 *   categories: number, audit_events: number}} Overview
 */

/** @type {{key: keyof Overview, label: string, note: (o: Overview) => string}[]} */
const STATS = [
  { key: 'users', label: 'Users', note: () => 'Everyone with an account' },
  { key: 'active_users', label: 'Active users', note: () => 'Allowed to sign in' },
  { key: 'admins', label: 'Administrators', note: () => 'Can use this app' },
  {
    key: 'definitions',
    label: 'Setting definitions',
    note: (o) => `In ${o.categories} ${o.categories === 1 ? 'category' : 'categories'}`,
  },
  { key: 'audit_events', label: 'Audit events', note: () => 'Sign-ins and admin changes' },
];

const SHORTCUTS = [
  { href: '/users', icon: 'user', title: 'Manage users', text: 'Create accounts and change roles.' },
  { href: '/settings', icon: 'settings', title: 'Manage setting definitions', text: 'Add settings, set defaults and limits.' },
  { href: '/audit?action=user.login', icon: 'history', title: 'Review sign-ins', text: 'See who signed in and when.' },
];

/** The totals as cards; without data (still loading) each value is a placeholder. */
function statsList(/** @type {Overview | null} */ data) {
  return h(
    'ul',
    { class: 'stats', 'aria-label': 'Totals', 'aria-busy': data ? null : 'true' },
    STATS.map((stat) =>
      h(
        'li',
        { class: 'card stat', 'data-testid': `stat-${stat.label.toLowerCase().replaceAll(' ', '-')}` },
        h('h2', { class: 'stat-label' }, stat.label),
        h('p', { class: 'stat-value' }, data ? String(data[stat.key]) : '—'),
        h('p', { class: 'stat-note' }, data ? stat.note(data) : '\u00a0'),
      ),
    ),
  );
}

/** @param {any} ctx */
export async function renderOverview(ctx) {
  const body = h('div', { class: 'overview' });
  ctx.root.append(
    pageHeader('Overview', 'Users, setting definitions and activity at a glance.'),
    body,
    h(
      'section',
      { class: 'section', 'aria-labelledby': 'shortcuts-title' },
      h('div', { class: 'section-header' }, h('h2', { id: 'shortcuts-title' }, 'Shortcuts')),
      h(
        'ul',
        { class: 'shortcuts' },
        SHORTCUTS.map((item) =>
          h(
            'li',
            null,
            h(
              'a',
              { class: 'card shortcut', href: item.href },
              h('span', { class: 'shortcut-icon' }, icon(/** @type {any} */ (item.icon), { size: 18 })),
              h('span', { class: 'shortcut-text' }, h('span', { class: 'shortcut-title' }, item.title), h('span', { class: 'shortcut-desc' }, item.text)),
              icon('chevronRight', { size: 18, className: 'icon shortcut-arrow' }),
            ),
          ),
        ),
      ),
    ),
  );

  async function load() {
    // The cards stand in their places while the counts load, so nothing below them moves
    // when the numbers arrive.
    body.replaceChildren(statsList(null), h('p', { class: 'visually-hidden', role: 'status' }, 'Loading…'));
    let data;
    try {
      data = /** @type {Overview} */ (await api('GET', '/api/admin/overview'));
    } catch (error) {
      if (ctx.isCurrent()) ctx.app.fail(error, body, load);
      return;
    }
    if (ctx.isCurrent()) body.replaceChildren(statsList(data));
  }
  await load();
}
