// App start-up shared by both apps: session, theme, guarded routes, shell, sign-in,
// sign-out and the 404 page. An app passes its product name, links and routes.

import { api, ApiError, getMe, logout } from './api.js';
import { h, clear } from './dom.js';
import { createRouter, safeNext } from './router.js';
import { mountShell } from './shell.js';
import { renderLoginPage } from './login.js';
import { applyTheme } from './theme.js';
import { errorState, initToasts, loading, toast } from './ui.js';

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
