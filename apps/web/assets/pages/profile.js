// "/profile": display name, theme, language; change password.

import {
  api,
  ApiError,
  h,
  applyFieldErrors,
  clearFieldErrors,
  field,
  formAlert,
  setFieldError,
  toast,
} from '/shared/core.js';
import { pageHeader } from '../app.js';

const THEMES = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];
const LANGUAGES = [
  ['en', 'English'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
];
const PASSWORD_RULES = 'At least 10 characters, with a letter and a digit, and different from your current password.';

/** Run a form's submit handler once at a time; API field errors go inline. */
function handleSubmit(form, button, run) {
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearFieldErrors(form);
    busy = true;
    button.setAttribute('aria-disabled', 'true');
    try {
      await run();
    } catch (error) {
      const missing = error instanceof ApiError ? applyFieldErrors(form, error) : [];
      const inline = error instanceof ApiError && Object.keys(error.fields || {}).length > missing.length;
      if (!inline) formAlert(form, error.message || 'Something went wrong.');
    } finally {
      busy = false;
      button.removeAttribute('aria-disabled');
    }
  });
}

function profileSection(ctx) {
  const user = ctx.app.user;
  const name = field({ label: 'Display name', name: 'display_name', value: user.display_name, attrs: { autocomplete: 'name' } });
  const theme = field({ label: 'Theme', name: 'theme', options: THEMES, value: user.theme, hint: 'System follows your device setting.' });
  const language = field({ label: 'Language', name: 'language', options: LANGUAGES, value: user.language });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save profile');
  const form = h('form', { class: 'stack-form', novalidate: true, 'aria-labelledby': 'profile-heading' }, name.el, theme.el, language.el, h('div', { class: 'form-actions' }, button));

  handleSubmit(form, button, async () => {
    const displayName = name.input.value.trim();
    if (!displayName) {
      setFieldError(name.input, 'Enter a display name.');
      name.input.focus();
      return;
    }
    const updated = await api('PATCH', '/api/profile', {
      display_name: displayName,
      theme: theme.input.value,
      language: language.input.value,
    });
    ctx.app.setUser(updated);
    name.input.value = updated.display_name;
    toast('Profile saved.');
  });

  // The header's theme toggle also saves the theme; keep the select in step with it.
  const onUserChange = (event) => {
    if (!form.isConnected) {
      window.removeEventListener('userchange', onUserChange);
      return;
    }
    theme.input.value = event.detail.user.theme;
  };
  window.addEventListener('userchange', onUserChange);

  return h(
    'section',
    { class: 'card profile-card', 'aria-labelledby': 'profile-heading' },
    h('h2', { id: 'profile-heading', class: 'card-title' }, 'Personal details'),
    h('p', { class: 'card-lead' }, `Signed in as ${user.email}.`),
    form,
  );
}

function passwordSection(ctx) {
  const current = field({ label: 'Current password', name: 'current_password', type: 'password', attrs: { autocomplete: 'current-password' } });
  const next = field({ label: 'New password', name: 'new_password', type: 'password', hint: PASSWORD_RULES, attrs: { autocomplete: 'new-password' } });
  const confirm = field({ label: 'Confirm new password', name: 'confirm_password', type: 'password', attrs: { autocomplete: 'new-password' } });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  // Password managers expect the account name next to a new password.
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', value: ctx.app.user.email, hidden: true, readOnly: true });
  const form = h('form', { class: 'stack-form', novalidate: true, 'aria-labelledby': 'password-heading' }, username, current.el, next.el, confirm.el, h('div', { class: 'form-actions' }, button));

  handleSubmit(form, button, async () => {
    const missing = [];
    if (!current.input.value) missing.push([current.input, 'Enter your current password.']);
    if (!next.input.value) missing.push([next.input, 'Enter a new password.']);
    if (next.input.value && confirm.input.value !== next.input.value) missing.push([confirm.input, 'Passwords do not match.']);
    if (missing.length) {
      for (const [input, message] of missing) setFieldError(input, message);
      missing[0][0].focus();
      return;
    }
    await api('POST', '/api/profile/password', {
      current_password: current.input.value,
      new_password: next.input.value,
    });
    form.reset();
    username.value = ctx.app.user.email;
    toast('Password changed.');
  });

  return h(
    'section',
    { class: 'card profile-card', 'aria-labelledby': 'password-heading' },
    h('h2', { id: 'password-heading', class: 'card-title' }, 'Change password'),
    h('p', { class: 'card-lead' }, 'Choose a password you do not use anywhere else.'),
    form,
  );
}

/** @param {any} ctx */
export function renderProfile(ctx) {
  ctx.root.append(
    pageHeader('Profile', 'Your name, appearance and password.'),
    h('div', { class: 'profile-grid' }, profileSection(ctx), passwordSection(ctx)),
  );
}
