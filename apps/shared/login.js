// Sign-in page used by both apps (no shell: just the card in <main>).

import { login } from './api.js';
import { h, clear } from './dom.js';
import { icon } from './icons.js';
import { field, setFieldError, clearFieldErrors } from './ui.js';

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
