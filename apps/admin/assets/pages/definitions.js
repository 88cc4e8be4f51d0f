// "/settings": setting definitions: search, filter by category, create, edit, delete.

import {
  api,
  ApiError,
  h,
  icon,
  badge,
  confirm,
  emptyState,
  field,
  openDialog,
  rangeText,
  setFieldError,
  toast,
} from '/shared/core.js';
import {
  TYPE_LABELS,
  dataTable,
  listLoader,
  pageHeader,
  pager,
  valueText,
  apiPath,
  debounce,
  positiveInt,
  readQuery,
  writeQuery,
} from '../app.js';

const PAGE_SIZE = 20;
const DEFAULTS = { q: '', category: '', page: '1' };
const KEY_RE = /^[a-z][a-z0-9_.]{1,63}$/;
const FALLBACK_CATEGORIES = ['General', 'Appearance', 'Notifications', 'Privacy', 'Integrations'];

/**
 * @typedef {{key: string, label: string, description: string, category: string,
 *   type: 'boolean'|'choice'|'text'|'number', default: any, constraints: Record<string, any>,
 *   updated_at: string}} Definition
 */

/** @param {any} ctx */
export async function renderDefinitions(ctx) {
  const state = readQuery(DEFAULTS);
  /** @type {string[]} */
  let categories = [];

  const newButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', onClick: () => openEditor(null) },
    icon('plus', { size: 18 }),
    h('span', null, 'New definition'),
  );
  const search = field({
    label: 'Search definitions',
    name: 'q',
    type: 'search',
    value: state.q,
    attrs: { class: 'input search-input', autocomplete: 'off', spellcheck: 'false', placeholder: 'Label or description' },
  });
  const category = field({ label: 'Category', name: 'category', options: [['', 'All categories']], value: state.category });
  const results = h('div', { class: 'results' });

  ctx.root.append(
    pageHeader('Setting definitions', 'The settings every user sees, with their types, defaults and limits.', newButton),
    h('div', { class: 'toolbar toolbar-2', role: 'search', 'aria-label': 'Filter definitions' }, search.el, category.el),
    results,
  );

  search.input.addEventListener(
    'input',
    debounce(() => {
      const q = search.input.value.trim();
      if (q === state.q) return;
      state.q = q;
      state.page = '1';
      refresh({ replace: true });
    }, 250),
  );
  category.input.addEventListener('change', () => {
    state.category = category.input.value;
    state.page = '1';
    refresh();
  });

  /** @type {string | null} the row whose Edit button gets focus back after a reload */
  let focusKey = null;

  const load = listLoader({
    container: results,
    ctx,
    fetch: async () => {
      const [list, cats] = await Promise.all([
        api('GET', apiPath('/api/admin/definitions', {
          q: state.q,
          category: state.category,
          sort: 'key',
          page: positiveInt(state.page, 1),
          page_size: PAGE_SIZE,
        })),
        categories.length ? null : api('GET', '/api/settings/categories'),
      ]);
      if (cats) setCategories(cats.map((/** @type {{name: string}} */ c) => c.name));
      return list;
    },
    render: (data) => renderResults(data),
  });

  /** @param {string[]} names */
  function setCategories(names) {
    categories = names;
    const select = /** @type {HTMLSelectElement} */ (category.input);
    select.replaceChildren(
      h('option', { value: '' }, 'All categories'),
      ...names.map((name) => h('option', { value: name }, name)),
    );
    if (state.category && !names.includes(state.category)) {
      select.append(h('option', { value: state.category }, state.category));
    }
    select.value = state.category;
  }

  /** @param {{replace?: boolean}} [opts] */
  function refresh({ replace = false } = {}) {
    writeQuery(ctx, state, DEFAULTS, { replace });
    return load();
  }

  /** @param {{items: Definition[], total: number, page: number, page_size: number}} data */
  function renderResults(data) {
    const pageSize = data.page_size || PAGE_SIZE;
    const pages = Math.max(1, Math.ceil(data.total / pageSize));
    if (!data.items.length && data.total > 0 && data.page > pages) {
      state.page = String(pages);
      refresh({ replace: true });
      return;
    }
    if (!data.items.length) {
      results.append(emptyState('No definitions match your search.'));
      return;
    }
    results.append(
      h('p', { class: 'range' }, rangeText({ page: data.page, pageSize, total: data.total })),
      dataTable({
        caption: 'Setting definitions',
        className: 'definitions-table',
        columns: [
          { label: 'Key', className: 'col-key' },
          { label: 'Label', className: 'col-label' },
          { label: 'Category', className: 'col-category' },
          { label: 'Type', className: 'col-type' },
          { label: 'Default', className: 'col-default' },
          { label: 'Actions', className: 'cell-actions' },
        ],
        rows: data.items.map((def) => ({
          attrs: { 'data-testid': `definition-${def.key}` },
          cells: [
            h('code', { class: 'key' }, def.key),
            h('span', { class: 'def-label' }, def.label),
            def.category,
            badge(TYPE_LABELS[def.type] || def.type, 'neutral'),
            h('span', { class: 'def-default' }, valueText(def.default)),
            h(
              'div',
              { class: 'row-actions' },
              h(
                'button',
                { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': `Edit ${def.key}`, 'data-edit': def.key, onClick: () => openEditor(def) },
                'Edit',
              ),
              h(
                'button',
                { type: 'button', class: 'btn btn-danger-outline btn-sm', 'aria-label': `Delete ${def.key}`, onClick: () => remove(def) },
                'Delete',
              ),
            ),
          ],
        })),
      }),
      pager(results, {
        page: data.page,
        pageSize,
        total: data.total,
        go: (page) => {
          state.page = String(page);
          return refresh();
        },
      }),
    );
    if (focusKey) {
      const button = [...results.querySelectorAll('[data-edit]')].find((b) => b.getAttribute('data-edit') === focusKey);
      if (button instanceof HTMLElement && !document.querySelector('dialog[open]')) button.focus();
      focusKey = null;
    }
  }

  /** @param {Definition} def */
  async function remove(def) {
    const ok = await confirm({
      title: `Delete ${def.label}?`,
      message: `This removes ${def.key} and every user's value and history for it. It cannot be undone.`,
      confirmLabel: 'Delete',
    });
    if (!ok) return;
    try {
      await api('DELETE', `/api/admin/definitions/${encodeURIComponent(def.key)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) ctx.app.fail(error, results, load);
      else toast(error instanceof Error ? error.message : 'Could not delete the definition.', { variant: 'error' });
      return;
    }
    toast('Definition deleted.');
    // The row and its button go away: keep keyboard users on the page, not on <body>.
    newButton.focus();
    await load();
  }

  /** @param {Definition | null} def */
  function openEditor(def) {
    const editing = Boolean(def);
    const form = definitionFields(def, categories.length ? categories : FALLBACK_CATEGORIES);
    openDialog({
      title: editing ? 'Edit definition' : 'New definition',
      size: 'lg',
      body: form.nodes,
      actions: [
        { label: 'Cancel', type: 'cancel' },
        { label: 'Save definition', type: 'submit', variant: 'primary' },
      ],
      onSubmit: async () => {
        const body = form.read();
        if (!body) return false;
        try {
          if (def) {
            const { key, ...rest } = body;
            await api('PUT', `/api/admin/definitions/${encodeURIComponent(def.key)}`, rest);
          } else {
            await api('POST', '/api/admin/definitions', body);
          }
        } catch (error) {
          throw form.mapError(error);
        }
        toast('Definition saved.');
        focusKey = def ? def.key : null;
        load();
        return true;
      },
    });
  }

  await load();
}

/**
 * The definition form's controls, with the constraint fields for the chosen type.
 * @param {Definition | null} def
 * @param {string[]} categories
 */
function definitionFields(def, categories) {
  const c = (def && def.constraints) || {};
  const key = field({
    label: 'Key',
    name: 'key',
    value: def ? def.key : '',
    hint: def ? 'The key cannot change.' : 'Lowercase letters, digits, dots and underscores, e.g. general.site_name.',
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', readonly: Boolean(def) },
  });
  const label = field({ label: 'Label', name: 'label', value: def ? def.label : '', attrs: { autocomplete: 'off' } });
  const description = field({ label: 'Description', name: 'description', multiline: true, value: def ? def.description : '', attrs: { rows: 2 } });
  const categoryOptions = def && !categories.includes(def.category) ? [...categories, def.category] : categories;
  const category = field({ label: 'Category', name: 'category', options: categoryOptions, value: def ? def.category : categoryOptions[0] });
  const type = field({
    label: 'Type',
    name: 'type',
    options: Object.entries(TYPE_LABELS),
    value: def ? def.type : 'boolean',
    attrs: {},
  });

  // "Default value" is a true/false select for booleans and a text box otherwise; the
  // control is swapped in place so there is only ever one element with that label.
  const defaultId = 'definition-default';
  const defaultSlot = h('div', { class: 'field' });
  /** @type {HTMLInputElement | HTMLSelectElement} */
  let defaultInput;
  const options = field({
    label: 'Options',
    name: 'options',
    value: Array.isArray(c.options) ? c.options.join(', ') : '',
    hint: 'Comma-separated, e.g. small, medium, large.',
    attrs: { autocomplete: 'off' },
  });
  const min = field({ label: 'Minimum', name: 'min', type: 'number', value: c.min ?? '', attrs: { step: 'any' } });
  const max = field({ label: 'Maximum', name: 'max', type: 'number', value: c.max ?? '', attrs: { step: 'any' } });
  const maxLength = field({ label: 'Maximum length', name: 'max_length', type: 'number', value: c.max_length ?? '', attrs: { min: '1', step: '1' } });

  /** @param {string} kind @param {any} value */
  function buildDefault(kind, value) {
    const text = value === undefined || value === null ? '' : String(value);
    if (kind === 'boolean') {
      defaultInput = /** @type {HTMLSelectElement} */ (
        h(
          'select',
          { class: 'select', id: defaultId, name: 'default' },
          h('option', { value: 'false', selected: text !== 'true' }, 'false (off)'),
          h('option', { value: 'true', selected: text === 'true' }, 'true (on)'),
        )
      );
    } else {
      defaultInput = /** @type {HTMLInputElement} */ (
        h('input', {
          class: 'input',
          id: defaultId,
          name: 'default',
          type: 'text',
          inputmode: kind === 'number' ? 'decimal' : null,
          autocomplete: 'off',
          spellcheck: 'false',
        })
      );
      defaultInput.value = text;
    }
    defaultSlot.replaceChildren(h('label', { class: 'field-label', for: defaultId }, 'Default value'), defaultInput);
  }

  let currentType = type.input.value;
  buildDefault(currentType, def ? def.default : '');
  // DOM order is reading order: options come before the default they constrain.
  const valueGrid = h('div', { class: 'value-grid' }, options.el, defaultSlot, min.el, max.el, maxLength.el);

  function showConstraints() {
    const kind = type.input.value;
    valueGrid.dataset.type = kind;
    options.el.hidden = kind !== 'choice';
    min.el.hidden = kind !== 'number';
    max.el.hidden = kind !== 'number';
    maxLength.el.hidden = kind !== 'text';
  }
  showConstraints();
  type.input.addEventListener('change', () => {
    const next = type.input.value;
    // Keep what was typed when moving between text-like types; a boolean starts at false.
    const keep = currentType !== 'boolean' && next !== 'boolean' ? defaultInput.value : '';
    buildDefault(next, keep);
    currentType = next;
    showConstraints();
  });

  const constraintsGroup = h(
    'fieldset',
    { class: 'fieldset' },
    h('legend', { class: 'fieldset-legend' }, 'Value'),
    valueGrid,
  );

  /** @returns {Record<string, any> | null} the request body, or null after showing errors */
  function read() {
    /** @type {HTMLElement[]} */
    const invalid = [];
    const fail = (/** @type {HTMLElement} */ input, /** @type {string} */ message) => {
      setFieldError(input, message);
      invalid.push(input);
    };
    const kind = type.input.value;
    const body = {
      key: key.input.value.trim(),
      label: label.input.value.trim(),
      description: description.input.value.trim(),
      category: category.input.value,
      type: kind,
      /** @type {any} */ default: null,
      /** @type {Record<string, any>} */ constraints: {},
    };
    if (!def) {
      if (!body.key) fail(key.input, 'Enter a key.');
      else if (!KEY_RE.test(body.key)) {
        fail(key.input, 'Use 2–64 characters: lowercase letters, digits, dots and underscores, starting with a letter.');
      }
    }
    if (!body.label) fail(label.input, 'Enter a label.');

    const raw = defaultInput.value;
    if (kind === 'boolean') {
      body.default = raw === 'true';
    } else if (kind === 'choice') {
      const list = options.input.value.split(',').map((s) => s.trim()).filter(Boolean);
      if (!list.length) fail(options.input, 'Enter at least one option.');
      else if (new Set(list).size !== list.length) fail(options.input, 'Each option must be different.');
      body.constraints = { options: list };
      body.default = raw.trim();
      if (list.length && !list.includes(body.default)) fail(defaultInput, 'The default value must be one of the options.');
    } else if (kind === 'number') {
      const lo = optionalNumber(min.input, fail);
      const hi = optionalNumber(max.input, fail);
      if (lo !== undefined) body.constraints.min = lo;
      if (hi !== undefined) body.constraints.max = hi;
      if (lo !== undefined && hi !== undefined && lo !== null && hi !== null && lo > hi) {
        fail(max.input, 'The maximum must not be less than the minimum.');
      }
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) fail(defaultInput, 'Enter a number.');
      else {
        body.default = value;
        if (typeof lo === 'number' && value < lo) fail(defaultInput, `The default value must be at least ${lo}.`);
        else if (typeof hi === 'number' && value > hi) fail(defaultInput, `The default value must be at most ${hi}.`);
      }
    } else {
      body.default = raw;
      const limit = optionalNumber(maxLength.input, fail);
      if (typeof limit === 'number') {
        if (!Number.isInteger(limit) || limit < 1) fail(maxLength.input, 'Enter a whole number of 1 or more.');
        else {
          body.constraints.max_length = limit;
          if (raw.length > limit) fail(defaultInput, `The default value must be at most ${limit} characters.`);
        }
      }
    }
    if (invalid.length) {
      invalid[0].focus();
      return null;
    }
    return body;
  }

  /**
   * Points the API's field errors at the controls that show them: `default` and
   * `constraints` errors go under the control the admin can fix.
   * @param {unknown} error
   */
  function mapError(error) {
    if (!(error instanceof ApiError) || !error.fields) return error;
    const kind = type.input.value;
    /** @type {Record<string, string>} */
    const fields = {};
    for (const [name, message] of Object.entries(error.fields)) {
      let target = name;
      if (name === 'value') target = 'default';
      else if (name === 'constraints' || name.startsWith('constraints.')) {
        const sub = name.split('.')[1];
        if (sub && ['options', 'min', 'max', 'max_length'].includes(sub)) target = sub;
        else target = kind === 'choice' ? 'options' : kind === 'number' ? 'min' : kind === 'text' ? 'max_length' : 'default';
      }
      fields[target] = fields[target] ? `${fields[target]} ${message}` : String(message);
    }
    return new ApiError(error.status, error.code, error.message, fields);
  }

  return {
    nodes: [key.el, label.el, description.el, h('div', { class: 'field-row' }, category.el, type.el), constraintsGroup],
    read,
    mapError,
  };
}

/**
 * An optional numeric field: undefined when empty, null after reporting a bad value.
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} input
 * @param {(input: HTMLElement, message: string) => void} fail
 */
function optionalNumber(input, fail) {
  const text = input.value.trim();
  if (input instanceof HTMLInputElement && input.validity.badInput) {
    fail(input, 'Enter a number.');
    return null;
  }
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    fail(input, 'Enter a number.');
    return null;
  }
  return value;
}
