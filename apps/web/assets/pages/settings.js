// "/settings": search, filter, sort and page through settings; edit them in place.

import {
  api,
  ApiError,
  withQuery,
  h,
  slug,
  icon,
  badge,
  clearFieldErrors,
  emptyState,
  field,
  pagination,
  rangeText,
  setFieldError,
  toast,
} from '/shared/core.js';
import { loader, pageHeader } from '../app.js';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 250;
const SORTS = [
  ['label', 'Label A–Z'],
  ['-label', 'Label Z–A'],
  ['category', 'Category'],
  ['-updated', 'Recently changed'],
];
const SORT_VALUES = new Set(SORTS.map(([value]) => value));

/** The list state from the URL, with defaults for anything missing or invalid. */
function readState(query) {
  const page = Number.parseInt(query.get('page') || '1', 10);
  const sort = query.get('sort') || 'label';
  return {
    q: query.get('q') || '',
    category: query.get('category') || '',
    sort: SORT_VALUES.has(sort) ? sort : 'label',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** "/settings?q=...": only what differs from the defaults. */
function stateUrl(state) {
  return withQuery('/settings', {
    q: state.q,
    category: state.category,
    sort: state.sort === 'label' ? '' : state.sort,
    page: state.page > 1 ? state.page : '',
  });
}

function constraintHint(item) {
  const c = item.constraints || {};
  if (item.type === 'number') {
    const hasMin = typeof c.min === 'number';
    const hasMax = typeof c.max === 'number';
    if (hasMin && hasMax) return `A number from ${c.min} to ${c.max}.`;
    if (hasMin) return `A number of at least ${c.min}.`;
    if (hasMax) return `A number of at most ${c.max}.`;
    return 'A number.';
  }
  if (item.type === 'text' && typeof c.max_length === 'number') return `Up to ${c.max_length} characters.`;
  return '';
}

/**
 * One setting as a card: label (h2), description, category and "Default" badges, its
 * control (named by the label), "Reset to default" and "History".
 */
function settingCard(initial) {
  let item = initial;
  const idBase = `setting-${slug(item.key)}`;
  const labelId = `${idBase}-label`;
  const descId = `${idBase}-desc`;
  const hintId = `${idBase}-hint`;
  const hint = constraintHint(item);
  const describedBy = [descId, hint ? hintId : ''].filter(Boolean).join(' ');

  const defaultBadge = badge('Default');
  const badges = h('div', { class: 'setting-badges' }, badge(item.category, 'accent'), defaultBadge);
  const controlGroup = h('div', { class: 'control-group' });
  let control;
  let stateText = null;

  const resetButton = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost btn-sm',
      onClick: () => reset(),
    },
    icon('reset', { size: 16 }),
    // Named "Reset {label}" by its content (not aria-label), so that getByLabel(label)
    // finds the setting's control only.
    h('span', null, 'Reset', h('span', { 'aria-hidden': 'true' }, ' to default'), h('span', { class: 'visually-hidden' }, ` ${item.label}`)),
  );

  function showError(message) {
    setFieldError(control, message);
  }

  async function save(value) {
    clearFieldErrors(controlGroup);
    try {
      const updated = await api('PUT', `/api/settings/${encodeURIComponent(item.key)}`, { value });
      update(updated);
      toast(`Saved ${updated.label}.`);
      return true;
    } catch (error) {
      showError(error instanceof ApiError && error.fields && error.fields.value ? error.fields.value : error.message);
      return false;
    }
  }

  async function reset() {
    clearFieldErrors(controlGroup);
    try {
      const updated = await api('POST', `/api/settings/${encodeURIComponent(item.key)}/reset`);
      update(updated);
      toast(`Reset ${updated.label} to default.`);
      // The button just became disabled; keep keyboard focus on the setting itself.
      control.focus();
    } catch (error) {
      showError(error.message);
    }
  }

  if (item.type === 'boolean') {
    control = h('input', {
      type: 'checkbox',
      role: 'switch',
      class: 'switch',
      id: `${idBase}-control`,
      'aria-labelledby': labelId,
      'aria-describedby': describedBy,
      checked: Boolean(item.value),
      onChange: async () => {
        const wanted = control.checked;
        const ok = await save(wanted);
        if (!ok) control.checked = !wanted;
      },
    });
    stateText = h('span', { class: 'switch-state', 'aria-hidden': 'true' }, item.value ? 'On' : 'Off');
    controlGroup.append(h('div', { class: 'switch-row' }, control, stateText));
  } else if (item.type === 'choice') {
    const options = (item.constraints && item.constraints.options) || [];
    control = h(
      'select',
      {
        class: 'select',
        id: `${idBase}-control`,
        'aria-labelledby': labelId,
        'aria-describedby': describedBy,
        onChange: async () => {
          const previous = item.value;
          const ok = await save(control.value);
          if (!ok) control.value = String(previous);
        },
      },
      options.map((opt) => h('option', { value: String(opt), selected: String(opt) === String(item.value) }, String(opt))),
    );
    controlGroup.append(control);
  } else {
    const isNumber = item.type === 'number';
    control = h('input', {
      class: 'input',
      type: isNumber ? 'number' : 'text',
      step: isNumber ? 'any' : null,
      inputmode: isNumber ? 'decimal' : null,
      id: `${idBase}-control`,
      name: 'value',
      'aria-labelledby': labelId,
      'aria-describedby': describedBy,
      value: item.value === null || item.value === undefined ? '' : String(item.value),
    });
    const saveButton = h('button', { type: 'submit', class: 'btn btn-secondary' }, 'Save', h('span', { class: 'visually-hidden' }, ` ${item.label}`));
    const form = h('form', { class: 'inline-form', novalidate: true }, control, saveButton);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      let value = control.value;
      if (isNumber) {
        const trimmed = value.trim();
        const parsed = Number(trimmed);
        // Anything that is not a number goes to the API as typed, so its message shows.
        value = trimmed !== '' && Number.isFinite(parsed) ? parsed : trimmed === '' ? null : trimmed;
      }
      saveButton.setAttribute('aria-disabled', 'true');
      try {
        await save(value);
      } finally {
        saveButton.removeAttribute('aria-disabled');
      }
    });
    controlGroup.append(form);
  }
  if (hint) controlGroup.append(h('p', { class: 'field-hint', id: hintId }, hint));

  const historyLink = h(
    'a',
    {
      class: 'btn btn-ghost btn-sm',
      href: `/settings/${encodeURIComponent(item.key)}/history`,
    },
    icon('history', { size: 16 }),
    h('span', null, 'History', h('span', { class: 'visually-hidden' }, ` of ${item.label}`)),
  );

  function update(next) {
    item = next;
    defaultBadge.hidden = !item.is_default;
    resetButton.disabled = Boolean(item.is_default);
    if (item.type === 'boolean') {
      control.checked = Boolean(item.value);
      stateText.textContent = item.value ? 'On' : 'Off';
    } else if (item.type === 'choice') {
      control.value = String(item.value);
    } else if (document.activeElement !== control || item.is_default) {
      control.value = item.value === null || item.value === undefined ? '' : String(item.value);
    }
  }

  const li = h(
    'li',
    { class: 'setting-card', 'data-testid': `setting-${item.key}` },
    h(
      'div',
      { class: 'setting-info' },
      h('h2', { class: 'setting-label', id: labelId }, item.label),
      h('p', { class: 'setting-desc', id: descId }, item.description),
      badges,
    ),
    h('div', { class: 'setting-control' }, controlGroup),
    h('div', { class: 'setting-actions' }, resetButton, historyLink),
  );
  update(item);
  return li;
}

/** @param {any} ctx */
export async function renderSettings(ctx) {
  let state = readState(ctx.query);

  const search = field({
    label: 'Search settings',
    name: 'q',
    type: 'search',
    value: state.q,
    attrs: { class: 'input search-input', autocomplete: 'off', spellcheck: 'false', placeholder: 'Name or description' },
  });
  const category = field({
    label: 'Category',
    name: 'category',
    options: [['', 'All categories']],
    value: state.category,
  });
  const sort = field({ label: 'Sort by', name: 'sort', options: SORTS, value: state.sort });
  const toolbar = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Settings', novalidate: true },
    search.el,
    category.el,
    sort.el,
  );
  const summary = h('p', { class: 'result-summary' });
  const results = h('div', { class: 'results' });

  ctx.root.append(
    pageHeader('Settings', 'Your value for every setting. Changes save as you make them.'),
    toolbar,
    results,
  );

  const load = loader({
    container: results,
    ctx,
    fetch: () =>
      api(
        'GET',
        withQuery('/api/settings', {
          q: state.q.trim(),
          category: state.category,
          sort: state.sort,
          page: state.page,
          page_size: PAGE_SIZE,
        }),
      ),
    render: (data) => {
      summary.textContent = rangeText({ page: data.page, pageSize: data.page_size, total: data.total });
      results.append(h('div', { class: 'toolbar-meta' }, summary));
      if (!data.items.length) {
        results.append(emptyState('No settings match your search.'));
      } else {
        results.append(h('ul', { class: 'setting-list' }, data.items.map(settingCard)));
      }
      results.append(
        pagination({
          page: data.page,
          pageSize: data.page_size,
          total: data.total,
          onPage: (page) => {
            change({ page }, { replace: false });
            toolbar.scrollIntoView({ block: 'start' });
          },
        }),
      );
    },
  });

  /** Apply a state change: URL first (push for choices, replace while typing), then reload. */
  function change(patch, { replace }) {
    state = { ...state, ...patch };
    ctx.router.setUrl(stateUrl(state), { replace });
    load();
  }

  let searchTimer = 0;
  search.input.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => change({ q: search.input.value, page: 1 }, { replace: true }), SEARCH_DELAY_MS);
  });
  toolbar.addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(searchTimer);
    change({ q: search.input.value, page: 1 }, { replace: false });
  });
  category.input.addEventListener('change', () => change({ category: category.input.value, page: 1 }, { replace: false }));
  sort.input.addEventListener('change', () => change({ sort: sort.input.value, page: 1 }, { replace: false }));

  // Categories fill the filter; a failure leaves "All categories" and the list still works.
  const categories = api('GET', '/api/settings/categories')
    .then((list) => {
      if (!ctx.isCurrent()) return;
      for (const cat of list) {
        category.input.append(h('option', { value: cat.name, selected: cat.name === state.category }, cat.name));
      }
    })
    .catch(() => {});
  await Promise.all([load(), categories]);
}
