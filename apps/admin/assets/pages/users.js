// "/users": search, sort and page through users; create, change role, (de)activate.

import {
  api,
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
  dataTable,
  listLoader,
  pageHeader,
  pager,
  apiPath,
  debounce,
  positiveInt,
  readQuery,
  writeQuery,
} from '../app.js';

const PAGE_SIZE = 20;
const DEFAULTS = { q: '', sort: 'email', page: '1' };
const SORTS = [
  ['email', 'Email A–Z'],
  ['-email', 'Email Z–A'],
  ['display_name', 'Name'],
  ['-created_at', 'Newest'],
];
const ROLES = [
  ['user', 'User'],
  ['admin', 'Admin'],
];
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * @typedef {{id: number, email: string, display_name: string, role: 'admin'|'user',
 *   active: boolean, created_at: string}} User
 */

/** @param {any} ctx */
export async function renderUsers(ctx) {
  const state = readQuery(DEFAULTS);
  if (!SORTS.some(([value]) => value === state.sort)) state.sort = DEFAULTS.sort;

  const newButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', onClick: () => openNewUser() },
    icon('plus', { size: 18 }),
    h('span', null, 'New user'),
  );
  const search = field({
    label: 'Search users',
    name: 'q',
    type: 'search',
    value: state.q,
    attrs: { class: 'input search-input', autocomplete: 'off', spellcheck: 'false', placeholder: 'Email or name' },
  });
  const sort = field({ label: 'Sort by', name: 'sort', options: SORTS, value: state.sort });
  const results = h('div', { class: 'results' });

  ctx.root.append(
    pageHeader('Users', 'Who can sign in, and with which role.', newButton),
    h('div', { class: 'toolbar toolbar-2', role: 'search', 'aria-label': 'Filter users' }, search.el, sort.el),
    results,
  );

  const applySearch = debounce(() => {
    const q = search.input.value.trim();
    if (q === state.q) return;
    state.q = q;
    state.page = '1';
    refresh({ replace: true });
  }, 250);
  search.input.addEventListener('input', applySearch);
  sort.input.addEventListener('change', () => {
    state.sort = sort.input.value;
    state.page = '1';
    refresh();
  });

  const load = listLoader({
    container: results,
    ctx,
    fetch: () =>
      api(
        'GET',
        apiPath('/api/admin/users', {
          q: state.q,
          sort: state.sort,
          page: positiveInt(state.page, 1),
          page_size: PAGE_SIZE,
        }),
      ),
    render: (data) => renderResults(data),
  });

  /** @param {{replace?: boolean}} [opts] */
  function refresh({ replace = false } = {}) {
    writeQuery(ctx, state, DEFAULTS, { replace });
    return load();
  }

  /** @param {{items: User[], total: number, page: number, page_size: number}} data */
  function renderResults(data) {
    const pageSize = data.page_size || PAGE_SIZE;
    const pages = Math.max(1, Math.ceil(data.total / pageSize));
    if (!data.items.length && data.total > 0 && data.page > pages) {
      // A deep link past the last page (or rows removed meanwhile): show the last page.
      state.page = String(pages);
      refresh({ replace: true });
      return;
    }
    if (!data.items.length) {
      results.append(emptyState('No users match your search.'));
      return;
    }
    results.append(
      h('p', { class: 'range' }, rangeText({ page: data.page, pageSize, total: data.total })),
      dataTable({
        caption: 'Users',
        className: 'users-table',
        columns: [
          { label: 'Name', className: 'col-name' },
          { label: 'Email', className: 'col-email' },
          { label: 'Role', className: 'col-role' },
          { label: 'Status', className: 'col-status' },
          { label: 'Actions', className: 'cell-actions' },
        ],
        rows: data.items.map((user) => userRow(user)),
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
  }

  /** @param {User} user */
  function userRow(user) {
    const self = Boolean(ctx.app.user && ctx.app.user.id === user.id);
    let current = user;
    const nameCell = h(
      'span',
      { class: 'user-name' },
      h('span', { class: 'user-name-text' }, user.display_name),
      self ? badge('You', 'accent') : null,
    );
    const roleSelect = h(
      'select',
      {
        class: 'select select-sm',
        'aria-label': `Role for ${user.email}`,
        disabled: self,
        title: self ? 'You cannot change your own role.' : null,
      },
      ROLES.map(([value, label]) => h('option', { value, selected: value === user.role }, label)),
    );
    const status = h('span', { class: 'status-cell' });
    const toggle = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', disabled: self });
    if (self) toggle.title = 'You cannot deactivate your own account.';

    function paint() {
      status.replaceChildren(current.active ? badge('Active', 'success') : badge('Deactivated', 'neutral'));
      const verb = current.active ? 'Deactivate' : 'Activate';
      toggle.textContent = verb;
      toggle.setAttribute('aria-label', `${verb} ${current.email}`);
      toggle.classList.toggle('btn-danger-outline', current.active);
      const row = toggle.closest('tr');
      if (row) row.classList.toggle('is-inactive', !current.active);
    }
    paint();

    roleSelect.addEventListener('change', async () => {
      const role = roleSelect.value;
      roleSelect.setAttribute('aria-busy', 'true');
      try {
        current = /** @type {User} */ (await api('PATCH', `/api/admin/users/${current.id}`, { role }));
        toast('Role updated.');
      } catch (error) {
        roleSelect.value = current.role;
        if (!handleAuth(error)) toast(errorText(error), { variant: 'error' });
      } finally {
        roleSelect.removeAttribute('aria-busy');
      }
    });

    toggle.addEventListener('click', async () => {
      const deactivating = current.active;
      const ok = await confirm({
        title: `${deactivating ? 'Deactivate' : 'Activate'} ${current.display_name}?`,
        message: deactivating
          ? `${current.email} will no longer be able to sign in. You can activate the account again later.`
          : `${current.email} will be able to sign in again.`,
        confirmLabel: deactivating ? 'Deactivate' : 'Activate',
        variant: deactivating ? 'danger' : 'primary',
      });
      if (!ok) return;
      try {
        current = /** @type {User} */ (
          await api('PATCH', `/api/admin/users/${current.id}`, { active: !deactivating })
        );
        paint();
        toast(deactivating ? 'User deactivated.' : 'User activated.');
      } catch (error) {
        if (!handleAuth(error)) toast(errorText(error), { variant: 'error' });
      }
    });

    return {
      attrs: { 'data-testid': `user-${user.email}`, class: current.active ? null : 'is-inactive' },
      cells: [nameCell, h('span', { class: 'user-email' }, user.email), roleSelect, status, h('div', { class: 'row-actions' }, toggle)],
    };
  }

  /** A 401 means the session ended: go to sign-in like a page load would. */
  function handleAuth(/** @type {any} */ error) {
    if (error && error.status === 401) {
      ctx.app.fail(error, results, load);
      return true;
    }
    return false;
  }

  function openNewUser() {
    const email = field({ label: 'Email', name: 'email', type: 'email', attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' } });
    const name = field({ label: 'Display name', name: 'display_name', attrs: { autocomplete: 'off' } });
    const password = field({
      label: 'Password',
      name: 'password',
      type: 'password',
      hint: 'At least 10 characters, with a letter and a digit.',
      attrs: { autocomplete: 'new-password' },
    });
    const role = field({ label: 'Role', name: 'role', options: ROLES, value: 'user' });

    openDialog({
      title: 'New user',
      body: [email.el, name.el, password.el, role.el],
      actions: [
        { label: 'Cancel', type: 'cancel' },
        { label: 'Create user', type: 'submit', variant: 'primary' },
      ],
      onSubmit: async () => {
        const body = {
          email: email.input.value.trim(),
          display_name: name.input.value.trim(),
          password: password.input.value,
          role: role.input.value,
        };
        /** @type {HTMLElement[]} */
        const invalid = [];
        const fail = (/** @type {HTMLElement} */ input, /** @type {string} */ message) => {
          setFieldError(input, message);
          invalid.push(input);
        };
        if (!body.email) fail(email.input, 'Enter an email address.');
        else if (!EMAIL_RE.test(body.email)) fail(email.input, 'Enter a valid email address.');
        if (!body.display_name) fail(name.input, 'Enter a display name.');
        if (!body.password) fail(password.input, 'Enter a password.');
        else if (body.password.length < 10 || !/[A-Za-z]/.test(body.password) || !/\d/.test(body.password)) {
          fail(password.input, 'Use at least 10 characters, with a letter and a digit.');
        }
        if (invalid.length) {
          invalid[0].focus();
          return false;
        }
        await api('POST', '/api/admin/users', body);
        toast('User created.');
        load();
        return true;
      },
    });
  }

  await load();
}

/** @param {any} error */
function errorText(error) {
  return error && error.message ? error.message : 'Something went wrong.';
}
