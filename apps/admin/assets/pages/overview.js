// "/": counts of users, definitions and audit events, and shortcuts to common tasks.

import { api } from '/shared/api.js';
import { h } from '/shared/dom.js';
import { icon } from '/shared/icons.js';
import { pageHeader, listLoader } from '../common.js';

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

  const load = listLoader({
    container: body,
    ctx,
    fetch: () => /** @type {Promise<Overview>} */ (api('GET', '/api/admin/overview')),
    render: (data) => {
      body.append(
        h(
          'ul',
          { class: 'stats', 'aria-label': 'Totals' },
          STATS.map((stat) =>
            h(
              'li',
              { class: 'card stat', 'data-testid': `stat-${stat.label.toLowerCase().replaceAll(' ', '-')}` },
              h('h2', { class: 'stat-label' }, stat.label),
              h('p', { class: 'stat-value' }, String(data[stat.key])),
              h('p', { class: 'stat-note' }, stat.note(data)),
            ),
          ),
        ),
      );
    },
  });
  await load();
}
