// Client-side router: history.pushState, same-origin link interception, deep links.

import { clear } from './dom.js';

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
 *     routes: [{path: '/settings/:key/history', render: (ctx) => {...}}],
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
    const container = typeof root === 'function' ? root(ctx) : root;
    ctx.root = container;
    currentCtx = ctx;
    clear(container);
    window.scrollTo(0, 0);
    const result = route.render(ctx);
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
