// The web app's entry and the building blocks its pages share. The page modules load on
// first visit (the server preloads the current page's) and import those blocks from
// here: one module before the first paint, not two.

import { h, clear, loading, startApp } from '/shared/core.js';

// The pages import their building blocks from here, the shared page header too.
export { pageHeader } from '/shared/core.js';

// Building blocks the web pages share.

/** A setting value as text: booleans as On / Off, empty text marked. */
export function valueText(value) {
  if (value === null || value === undefined) return '—';
  if (value === true) return 'On';
  if (value === false) return 'Off';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return String(value);
}

/**
 * Loads data into `container`: "Loading…" (role="status") on the first load, a small
 * busy line above the old content on reloads, the error state with Retry on failure.
 * A newer load wins over an older, slower one.
 * @template T
 * @param {{container: HTMLElement, ctx: any, fetch: () => Promise<T>, render: (data: T) => void}} opts
 */
export function loader({ container, ctx, fetch, render }) {
  let seq = 0;
  async function load() {
    seq += 1;
    const mine = seq;
    const stale = () => mine !== seq || !ctx.isCurrent();
    const reload = container.firstChild && !container.querySelector('.state');
    let busy;
    if (reload) {
      container.setAttribute('aria-busy', 'true');
      busy = h('div', { class: 'busy-line', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, 'Loading…'));
      container.prepend(busy);
    } else {
      busy = loading(container);
    }
    try {
      const data = await fetch();
      if (stale()) return;
      clear(container);
      render(data);
    } catch (error) {
      if (stale()) return;
      ctx.app.fail(error, container, load);
    } finally {
      if (!stale()) {
        if (busy.isConnected) busy.remove();
        container.removeAttribute('aria-busy');
      }
    }
  }
  return load;
}

// The app: its routes on the shared start-up.

startApp({
  product: 'Settings',
  loginHeading: 'Sign in',
  loginLead: 'Use your work email and password.',
  links: [
    { href: '/', label: 'Dashboard' },
    { href: '/settings', label: 'Settings' },
    { href: '/profile', label: 'Profile' },
  ],
  accountLinks: [{ href: '/profile', label: 'Profile', icon: 'user' }],
  routes: [
    { path: '/', load: () => import('./pages/dashboard.js').then((m) => m.renderDashboard) },
    { path: '/settings', load: () => import('./pages/settings.js').then((m) => m.renderSettings) },
    { path: '/settings/:key/history', load: () => import('./pages/history.js').then((m) => m.renderHistory) },
    { path: '/profile', load: () => import('./pages/profile.js').then((m) => m.renderProfile) },
  ],
  notFoundLink: { href: '/', label: 'Go to dashboard' },
});
