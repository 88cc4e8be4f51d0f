// Theme: the user's preference (system / light / dark) resolved to html[data-theme].

const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
let preference = 'system';

function resolve(pref) {
  if (pref === 'light' || pref === 'dark') return pref;
  return query && query.matches ? 'dark' : 'light';
}

function update() {
  const theme = resolve(preference);
  document.documentElement.dataset.theme = theme;
  window.dispatchEvent(new CustomEvent('themechange', { detail: { theme, preference } }));
}

if (query) {
  query.addEventListener('change', () => {
    if (preference === 'system') update();
  });
}

/**
 * Apply a preference: "system" follows prefers-color-scheme (and its changes).
 * Dispatches a `themechange` event on window with {theme, preference}.
 * @param {'system'|'light'|'dark'|string|null|undefined} pref
 */
export function applyTheme(pref) {
  preference = pref === 'light' || pref === 'dark' ? pref : 'system';
  update();
}

/** The theme in effect: "light" or "dark". */
export function currentTheme() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : resolve(preference);
}

/** The stored preference: "system", "light" or "dark". */
export function themePreference() {
  return preference;
}
