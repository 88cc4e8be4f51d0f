// The app frame both apps share: the router, the page shell, the sign-in page and
// start-up (session, theme, guarded routes, sign-out, 404). One module for the same
// reason as core.js: fewer requests before the first paint.

import {
  clear,
  h,
  icon,
  currentTheme,
  login,
  api,
  ApiError,
  getMe,
  logout,
  applyTheme,
  field,
  setFieldError,
  clearFieldErrors,
  errorState,
  initToasts,
  loading,
  toast,
} from './core.js';

// ---------------------------------------------------------------- router
// Client-side router: history.pushState, same-origin link interception, deep links.

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

// ---------------------------------------------------------------- shell
// Page shell: skip link, header (brand, main navigation, mobile "Menu" button, theme
// toggle, account menu), <main id="main">, footer.

function initials(user) {
  const source = (user && (user.display_name || user.email)) || '?';
  const words = source.trim().split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : source.slice(0, 2);
  return letters.toUpperCase();
}

/**
 * A disclosure / menu popup that closes on Escape and on outside click, returning
 * focus to its button. Returns {open, close, toggle, isOpen}.
 */
function popup({ button, panel, wrapper, onOpen, onClose, menu = false }) {
  let isOpen = false;
  const items = () => [...panel.querySelectorAll('[role="menuitem"]')];

  function open({ focus = 'first' } = {}) {
    if (isOpen) return;
    isOpen = true;
    button.setAttribute('aria-expanded', 'true');
    panel.hidden = false;
    wrapper.classList.add('is-open');
    document.addEventListener('click', onDocumentClick, true);
    if (onOpen) onOpen();
    if (menu && focus) {
      const list = items();
      const target = focus === 'last' ? list[list.length - 1] : list[0];
      if (target) target.focus();
    }
  }

  function close({ returnFocus = true } = {}) {
    if (!isOpen) return;
    isOpen = false;
    button.setAttribute('aria-expanded', 'false');
    panel.hidden = true;
    wrapper.classList.remove('is-open');
    document.removeEventListener('click', onDocumentClick, true);
    if (onClose) onClose();
    if (returnFocus) button.focus();
  }

  function onDocumentClick(event) {
    if (!wrapper.contains(event.target)) close({ returnFocus: true });
  }

  button.addEventListener('click', () => (isOpen ? close() : open()));
  button.addEventListener('keydown', (event) => {
    if (!menu) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      // The menu's own handler (on the wrapper) must not move focus on from there.
      event.stopPropagation();
      open({ focus: event.key === 'ArrowUp' ? 'last' : 'first' });
    }
  });
  wrapper.addEventListener('keydown', (event) => {
    if (!isOpen) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (!menu) return;
    const list = items();
    const index = list.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      list[(index + step + list.length) % list.length].focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? list[0] : list[list.length - 1]).focus();
    } else if (event.key === 'Tab') {
      close({ returnFocus: false });
    }
  });
  return { open, close, toggle: () => (isOpen ? close() : open()), isOpen: () => isOpen };
}

/**
 * Mount the shell into `root` (default document.body's #app) and return its parts.
 *
 *   const shell = mountShell({
 *     product: 'Settings',
 *     links: [{href: '/', label: 'Dashboard'}, ...],
 *     user,                                   // or null: a "Sign in" link instead of the menu
 *     accountLinks: [{href: '/profile', label: 'Profile'}],
 *     onSignOut: () => {...},
 *     onToggleTheme: () => {...},
 *   });
 *   shell.main      // <main id="main" tabindex="-1">
 *   shell.setActive(pathname); shell.setUser(user);
 */
export function mountShell({
  product,
  links = [],
  user = null,
  accountLinks = [],
  onSignOut = null,
  onToggleTheme = null,
  homeHref = '/',
  root = null,
}) {
  const container = root || document.getElementById('app') || document.body;
  clear(container);

  // ---- main navigation (collapses behind "Menu" below 768 px)
  const navList = h(
    'ul',
    { class: 'nav-list' },
    links.map((link) => h('li', null, h('a', { class: 'nav-link', href: link.href }, link.label))),
  );
  const nav = h('nav', { id: 'primary-nav', class: 'primary-nav', 'aria-label': 'Main' }, navList);
  const menuButton = h(
    'button',
    {
      type: 'button',
      class: 'btn-icon menu-button',
      'aria-expanded': 'false',
      'aria-controls': 'primary-nav',
    },
    icon('menu'),
    h('span', { class: 'menu-button-label' }, 'Menu'),
  );
  const navWrapper = h('div', { class: 'nav-wrapper' }, menuButton, nav);
  // The panel is only "hidden" in the mobile layout, so CSS decides; the popup's
  // hidden flag is mirrored by a class instead of the attribute.
  const navPanelProxy = { set hidden(v) { nav.classList.toggle('is-open', !v); }, querySelectorAll: () => [] };
  const navPopup = popup({ button: menuButton, panel: navPanelProxy, wrapper: navWrapper });
  nav.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('a')) navPopup.close({ returnFocus: false });
  });

  // ---- theme toggle
  const themeButton = h(
    'button',
    {
      type: 'button',
      class: 'btn-icon theme-toggle',
      'aria-pressed': String(currentTheme() === 'dark'),
      onClick: () => {
        if (onToggleTheme) onToggleTheme(currentTheme() === 'dark' ? 'light' : 'dark');
      },
    },
    h('span', { class: 'theme-icon theme-icon-moon' }, icon('moon')),
    h('span', { class: 'theme-icon theme-icon-sun' }, icon('sun')),
    // Named by its content, not aria-label, so getByLabel('Theme') finds only form fields.
    h('span', { class: 'visually-hidden' }, 'Dark theme'),
  );
  const onThemeChange = () => themeButton.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
  window.addEventListener('themechange', onThemeChange);

  // ---- account menu
  const actions = h('div', { class: 'header-actions' }, themeButton);
  let accountParts = null;
  if (user) {
    const avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user));
    const accountButton = h(
      'button',
      {
        type: 'button',
        class: 'account-button',
        id: 'account-button',
        'aria-haspopup': 'menu',
        'aria-expanded': 'false',
        'aria-controls': 'account-menu',
      },
      avatar,
      h('span', { class: 'visually-hidden' }, 'Account menu'),
      icon('chevronDown', { size: 16 }),
    );
    const nameEl = h('p', { class: 'account-name' }, user.display_name || user.email);
    const emailEl = h('p', { class: 'account-email' }, user.email);
    const menuItems = [
      ...accountLinks.map((link) =>
        h('a', { role: 'menuitem', class: 'menu-item', href: link.href, tabindex: '-1' }, icon(link.icon || 'user', { size: 18 }), h('span', null, link.label)),
      ),
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'menu-item',
          tabindex: '-1',
          onClick: () => {
            accountPopup.close({ returnFocus: false });
            if (onSignOut) onSignOut();
          },
        },
        icon('logout', { size: 18 }),
        h('span', null, 'Sign out'),
      ),
    ];
    const menu = h('div', { id: 'account-menu', class: 'menu', role: 'menu', 'aria-labelledby': 'account-button' }, menuItems);
    const panel = h('div', { class: 'popover account-popover', hidden: true }, h('div', { class: 'account-summary' }, nameEl, emailEl), menu);
    const wrapper = h('div', { class: 'account' }, accountButton, panel);
    const accountPopup = popup({ button: accountButton, panel, wrapper, menu: true });
    menu.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a')) accountPopup.close({ returnFocus: false });
    });
    actions.appendChild(wrapper);
    accountParts = { avatar, nameEl, emailEl, popup: accountPopup };
  } else {
    actions.appendChild(h('a', { class: 'btn btn-secondary btn-sm', href: '/login' }, 'Sign in'));
  }

  const header = h(
    'header',
    { class: 'site-header' },
    h(
      'div',
      { class: 'header-inner' },
      h('a', { class: 'brand', href: homeHref }, h('span', { class: 'brand-mark' }, icon('logo', { size: 20 })), h('span', { class: 'brand-name' }, product)),
      navWrapper,
      actions,
    ),
  );
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const footer = h(
    'footer',
    { class: 'site-footer' },
    h('div', { class: 'footer-inner' }, h('p', null, `${product} · reference system`), h('p', null, 'Version 1')),
  );
  const skip = h('a', { class: 'skip-link', href: '#main' }, 'Skip to main content');
  container.append(skip, header, main, footer);

  function setActive(pathname) {
    for (const a of nav.querySelectorAll('a')) {
      const href = a.getAttribute('href');
      const active = href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function setUser(next) {
    if (!accountParts || !next) return;
    accountParts.avatar.textContent = initials(next);
    accountParts.nameEl.textContent = next.display_name || next.email;
    accountParts.emailEl.textContent = next.email;
  }

  function destroy() {
    window.removeEventListener('themechange', onThemeChange);
    navPopup.close({ returnFocus: false });
    if (accountParts) accountParts.popup.close({ returnFocus: false });
  }

  setActive(window.location.pathname);
  return { main, header, nav, footer, setActive, setUser, destroy, closeMenus: () => navPopup.close({ returnFocus: false }) };
}

// ---------------------------------------------------------------- login
// Sign-in page used by both apps (no shell: just the card in <main>).

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Render the sign-in page into `root` (default #app).
 *   renderLoginPage({heading: 'Sign in', product: 'Settings', message, onSuccess(user)})
 * `message` (e.g. "You have been signed out.") is shown in a role="status" block.
 * Client-side errors are inline; the API's message goes in a role="alert" block.
 * @returns {{main: HTMLElement, form: HTMLFormElement}}
 */
export function renderLoginPage({ heading, product, onSuccess, message = '', lead = '', root = null }) {
  const container = root || document.getElementById('app') || document.body;
  clear(container);

  const email = field({ label: 'Email', name: 'email', type: 'email', attrs: { autocomplete: 'username', spellcheck: 'false', autocapitalize: 'none' } });
  const password = field({ label: 'Password', name: 'password', type: 'password', attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const notices = h('div', { class: 'auth-notices' });
  if (message) {
    notices.appendChild(h('div', { class: 'notice notice-info', role: 'status' }, icon('check', { size: 18 }), h('p', null, message)));
  }
  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-label': heading }, email.el, password.el, submit);

  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearFieldErrors(form);
    clear(notices);
    const emailValue = email.input.value.trim();
    const passwordValue = password.input.value;
    const invalid = [];
    if (!emailValue) {
      setFieldError(email.input, 'Enter your email address.');
      invalid.push(email.input);
    } else if (!EMAIL_RE.test(emailValue)) {
      setFieldError(email.input, 'Enter a valid email address.');
      invalid.push(email.input);
    }
    if (!passwordValue) {
      setFieldError(password.input, 'Enter your password.');
      invalid.push(password.input);
    }
    if (invalid.length) {
      invalid[0].focus();
      return;
    }
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    try {
      const user = await login(emailValue, passwordValue);
      await onSuccess(user);
    } catch (error) {
      const text = error && error.message ? error.message : 'Sign-in failed.';
      notices.appendChild(h('div', { class: 'notice notice-error', role: 'alert' }, icon('alert', { size: 18 }), h('p', null, text)));
      password.input.value = '';
      password.input.focus();
    } finally {
      busy = false;
      if (submit.isConnected) {
        submit.removeAttribute('aria-disabled');
        form.removeAttribute('aria-busy');
      }
    }
  });

  const main = h(
    'main',
    { id: 'main', class: 'auth-main', tabindex: '-1' },
    h(
      'div',
      { class: 'auth-card' },
      h('p', { class: 'auth-brand' }, h('span', { class: 'brand-mark' }, icon('logo', { size: 20 })), h('span', null, product)),
      h('h1', { class: 'auth-title' }, heading),
      lead ? h('p', { class: 'auth-lead' }, lead) : null,
      notices,
      form,
    ),
  );
  container.appendChild(main);
  return { main, form };
}

// ---------------------------------------------------------------- boot
// App start-up shared by both apps: session, theme, guarded routes, shell, sign-in,
// sign-out and the 404 page. An app passes its product name, links and routes.

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
