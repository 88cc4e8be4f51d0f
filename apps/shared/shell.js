// Page shell: skip link, header (brand, main navigation, mobile "Menu" button, theme
// toggle, account menu), <main id="main">, footer.

import { h, clear } from './dom.js';
import { icon } from './icons.js';
import { currentTheme } from './theme.js';

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
