// Widgets both apps use: toasts, dialogs, loading / error / empty states, pagination,
// form fields with inline errors, dates.

import { ApiError } from './api.js';
import { h, clear, uid } from './dom.js';
import { icon } from './icons.js';

const TOAST_MS = 5000;

// ---------------------------------------------------------------- dates

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const DATE_ONLY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

function parseDate(iso) {
  if (!iso) return null;
  // Timestamps without a zone are UTC on the server; say so, or the browser reads local time.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "5 Mar 2025, 14:07 UTC" (en-GB, UTC, so the output never depends on the machine). */
export function formatDate(iso) {
  const date = parseDate(iso);
  return date ? `${DATE_TIME.format(date)} UTC` : '—';
}

/** "5 Mar 2025" (UTC). */
export function formatDay(iso) {
  const date = parseDate(iso);
  return date ? DATE_ONLY.format(date) : '—';
}

/** <time datetime="iso">formatted</time> */
export function timeEl(iso, format = formatDate) {
  return h('time', { datetime: iso || null }, format(iso));
}

// ---------------------------------------------------------------- toasts

function toastRegion() {
  let region = document.getElementById('toast-region');
  if (!region) {
    region = h('div', {
      id: 'toast-region',
      class: 'toast-region',
      role: 'status',
      'aria-live': 'polite',
    });
    document.body.appendChild(region);
  }
  return region;
}

/** Call once at start-up so the live region exists before the first message. */
export function initToasts() {
  toastRegion();
}

/**
 * Show a toast in the polite live region; it has a "Dismiss" button and goes after 5 s.
 * @param {string} message
 * @param {{variant?: 'success'|'error'|'info'}} [opts]
 */
export function toast(message, { variant = 'success' } = {}) {
  const region = toastRegion();
  let timer = 0;
  const remove = () => {
    window.clearTimeout(timer);
    const hadFocus = item.contains(document.activeElement);
    item.remove();
    if (hadFocus) {
      const main = document.getElementById('main');
      if (main) main.focus();
    }
  };
  const item = h(
    'div',
    { class: ['toast', `toast-${variant}`] },
    h('span', { class: 'toast-icon' }, icon(variant === 'error' ? 'alert' : 'check', { size: 18 })),
    h('p', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-dismiss', onClick: remove }, 'Dismiss'),
  );
  region.appendChild(item);
  timer = window.setTimeout(remove, TOAST_MS);
  return item;
}

// ---------------------------------------------------------------- states

/** Replace the container's content with a role="status" "Loading…" block. */
export function loading(container, label = 'Loading…') {
  clear(container);
  const el = h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, label));
  container.appendChild(el);
  return el;
}

/**
 * Replace the container's content with a role="alert" "Something went wrong" block
 * showing the error's message and a "Retry" button calling onRetry.
 */
export function errorState(container, error, onRetry) {
  clear(container);
  const message = error && error.message ? error.message : 'The request failed.';
  const el = h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('span', { class: 'state-icon' }, icon('alert', { size: 24 })),
    h('h2', { class: 'state-title' }, 'Something went wrong'),
    h('p', { class: 'state-message' }, message),
    onRetry ? h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => onRetry() }, 'Retry') : null,
  );
  container.appendChild(el);
  return el;
}

/** An empty-list message, e.g. emptyState('No settings match your search.') */
export function emptyState(message, ...extra) {
  return h('div', { class: 'state state-empty' }, h('p', { class: 'state-message' }, message), ...extra);
}

/** A small pill: badge('Default'), badge('Admin', 'accent'). */
export function badge(text, variant = 'neutral') {
  return h('span', { class: ['badge', `badge-${variant}`] }, text);
}

// ---------------------------------------------------------------- pagination

/** Number of pages (at least 1). */
export function pageCount(total, pageSize) {
  return Math.max(1, Math.ceil((total || 0) / (pageSize || 1)));
}

/** "Showing 21–40 of 57" ("Showing 0 of 0" when empty). */
export function rangeText({ page, pageSize, total }) {
  if (!total) return 'Showing 0 of 0';
  const from = (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return `Showing ${from}–${to} of ${total}`;
}

/**
 * <nav aria-label="Pagination"> with "Previous", "Page P of Q", "Next".
 * @param {{page: number, pageSize: number, total: number, onPage: (page: number) => void}} opts
 */
export function pagination({ page, pageSize, total, onPage }) {
  const pages = pageCount(total, pageSize);
  return h(
    'nav',
    { class: 'pagination', 'aria-label': 'Pagination' },
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page <= 1, onClick: () => onPage(page - 1) },
      icon('chevronLeft', { size: 16 }),
      h('span', null, 'Previous'),
    ),
    h('span', { class: 'pagination-status' }, `Page ${page} of ${pages}`),
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page >= pages, onClick: () => onPage(page + 1) },
      h('span', null, 'Next'),
      icon('chevronRight', { size: 16 }),
    ),
  );
}

// ---------------------------------------------------------------- form fields

/**
 * A labelled control in a .field wrapper. Returns {el, input}.
 *   field({label: 'Email', name: 'email', type: 'email', autocomplete: 'username'})
 *   field({label: 'Role', name: 'role', options: [['user', 'User'], ['admin', 'Admin']]})
 *   field({label: 'Description', name: 'description', multiline: true})
 * `hint` is shown under the label and wired with aria-describedby.
 */
export function field({
  label,
  name,
  type = 'text',
  value = '',
  hint = '',
  options = null,
  multiline = false,
  id = '',
  attrs = {},
}) {
  const controlId = id || uid(`field-${name}`);
  const hintId = hint ? `${controlId}-hint` : null;
  const common = { id: controlId, name, 'aria-describedby': hintId, ...attrs };
  let input;
  if (options) {
    input = h(
      'select',
      { class: 'select', ...common },
      options.map((opt) => {
        const [optValue, optLabel] = Array.isArray(opt) ? opt : [opt, opt];
        return h('option', { value: optValue, selected: String(optValue) === String(value) }, optLabel);
      }),
    );
  } else if (multiline) {
    input = h('textarea', { class: 'input textarea', rows: 3, ...common });
    input.value = value ?? '';
  } else {
    input = h('input', { class: 'input', type, ...common });
    if (type !== 'checkbox') input.value = value ?? '';
  }
  const el = h(
    'div',
    { class: 'field' },
    h('label', { class: 'field-label', for: controlId }, label),
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    input,
  );
  return { el, input };
}

function describedBy(input) {
  return (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
}

/**
 * Show an inline error under a control: aria-invalid="true" and the message wired
 * into aria-describedby (before any hint).
 */
export function setFieldError(input, message) {
  if (!input.id) input.id = uid('control');
  const errorId = `${input.id}-error`;
  let error = document.getElementById(errorId);
  if (!error) {
    error = h('p', { class: 'field-error', id: errorId });
    const wrapper = input.closest('.field, .control-group') || input.parentElement;
    // Right under the control (before any hint that follows it), so the message is
    // read and seen next to what it is about.
    let anchor = input;
    while (anchor.parentElement && anchor.parentElement !== wrapper) anchor = anchor.parentElement;
    anchor.after(error);
  }
  clear(error);
  error.append(icon('alert', { size: 16 }), h('span', null, message));
  input.setAttribute('aria-invalid', 'true');
  const ids = describedBy(input).filter((x) => x !== errorId);
  input.setAttribute('aria-describedby', [errorId, ...ids].join(' '));
  return error;
}

/** Remove one control's inline error. */
export function clearFieldError(input) {
  const errorId = `${input.id}-error`;
  const error = document.getElementById(errorId);
  if (error) error.remove();
  input.removeAttribute('aria-invalid');
  const ids = describedBy(input).filter((x) => x !== errorId);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/** Remove every inline error (and the form-level alert) inside a form or container. */
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) clearFieldError(input);
  for (const error of form.querySelectorAll('.field-error')) error.remove();
  for (const alert of form.querySelectorAll('.form-alert')) alert.remove();
}

/**
 * Put an ApiError's `fields` under the matching controls (by name) of a form.
 * Returns the names that had no control, so the caller can show them elsewhere.
 */
export function applyFieldErrors(form, error) {
  const missing = [];
  const fields = error && error.fields ? error.fields : {};
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const input = form.elements ? form.elements.namedItem(name) : form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input && input instanceof HTMLElement) {
      setFieldError(input, String(message));
      first = first || input;
    } else {
      missing.push(name);
    }
  }
  if (first) first.focus();
  return missing;
}

/** A role="alert" block at the top of a form (replaces any previous one). */
export function formAlert(form, message) {
  for (const old of form.querySelectorAll('.form-alert')) old.remove();
  const alert = h('div', { class: 'form-alert', role: 'alert' }, icon('alert', { size: 18 }), h('p', null, message));
  form.prepend(alert);
  return alert;
}

// ---------------------------------------------------------------- dialogs

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * Open a modal <dialog> (showModal) labelled by its heading.
 *
 *   const {dialog, form, close, closed} = openDialog({
 *     title: 'New user',
 *     body: (form) => [field(...).el, ...],        // Node, array, or function(form)
 *     actions: [{label: 'Cancel', type: 'cancel'},
 *               {label: 'Create user', type: 'submit', variant: 'primary'}],
 *     onSubmit: async (form, {close}) => {...},     // resolve to close; return false to stay
 *   });
 *
 * Focus goes to the first field (else the first button); Tab / Shift+Tab stay inside;
 * Escape and "Cancel" close it; focus returns to the element that had it. When
 * onSubmit rejects with an ApiError its `fields` are shown inline and any other message
 * in a role="alert" block inside the dialog. `closed` resolves with close()'s value.
 */
export function openDialog({ title, description = '', body = null, actions = null, onSubmit = null, onClose = null, size = 'md' }) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const descId = description ? uid('dialog-desc') : null;
  const bodyEl = h('div', { class: 'dialog-body' });
  const actionsEl = h('div', { class: 'dialog-actions' });
  const form = h('form', { class: 'dialog-form', method: 'dialog', novalidate: true });
  const dialog = h(
    'dialog',
    { class: ['dialog', `dialog-${size}`], 'aria-labelledby': titleId, 'aria-describedby': descId },
    form,
  );
  form.append(
    h('div', { class: 'dialog-header' }, h('h2', { class: 'dialog-title', id: titleId }, title)),
    bodyEl,
    actionsEl,
  );
  if (description) bodyEl.appendChild(h('p', { class: 'dialog-description', id: descId }, description));
  const content = typeof body === 'function' ? body(form) : body;
  if (content) {
    for (const node of Array.isArray(content) ? content : [content]) if (node) bodyEl.appendChild(node);
  }

  let resolveClosed;
  const closed = new Promise((resolve) => {
    resolveClosed = resolve;
  });
  let result;
  let busy = false;

  function close(value) {
    result = value;
    if (dialog.open) dialog.close();
  }

  const list = actions || [{ label: 'Cancel', type: 'cancel' }];
  for (const action of list) {
    const kind = action.type || 'button';
    const variant = action.variant || (kind === 'submit' ? 'primary' : 'secondary');
    const btn = h(
      'button',
      {
        type: kind === 'submit' ? 'submit' : 'button',
        class: ['btn', `btn-${variant}`],
        'data-action': kind,
        onClick: (event) => {
          if (kind === 'cancel') {
            event.preventDefault();
            close(false);
          } else if (kind === 'button' && action.onClick) {
            action.onClick({ close, dialog, form });
          }
        },
      },
      action.label,
    );
    actionsEl.appendChild(btn);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    clearFieldErrors(form);
    if (!onSubmit) {
      close(true);
      return;
    }
    busy = true;
    const submitButtons = [...form.querySelectorAll('[data-action="submit"]')];
    for (const b of submitButtons) b.setAttribute('aria-disabled', 'true');
    try {
      const value = await onSubmit(form, { close, dialog, form });
      if (value !== false && dialog.open) close(value === undefined ? true : value);
    } catch (error) {
      const missing = error instanceof ApiError ? applyFieldErrors(form, error) : [];
      const hasInline = error instanceof ApiError && Object.keys(error.fields || {}).length > missing.length;
      if (!hasInline) formAlert(bodyEl, error && error.message ? error.message : 'Something went wrong.');
      else if (missing.length) formAlert(bodyEl, missing.map((n) => error.fields[n]).join(' '));
    } finally {
      busy = false;
      for (const b of submitButtons) b.removeAttribute('aria-disabled');
    }
  });

  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = focusables(dialog);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });

  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    if (onClose) onClose(result);
    resolveClosed(result);
  });

  document.body.appendChild(dialog);
  dialog.showModal();
  const firstField = bodyEl.querySelector('input:not([type="hidden"]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])');
  const target = firstField || focusables(dialog)[0];
  if (target) target.focus();

  return { dialog, form, body: bodyEl, close, closed };
}

/**
 * Ask for confirmation in a modal dialog ("Delete X?" with confirm + "Cancel").
 * Resolves true when confirmed, false on Cancel or Escape.
 * @param {{title: string, message?: string, confirmLabel?: string, variant?: string}} opts
 */
export function confirm({ title, message = '', confirmLabel = 'Confirm', variant = 'danger' }) {
  const { closed } = openDialog({
    title,
    size: 'sm',
    body: message ? h('p', { class: 'dialog-message' }, message) : null,
    actions: [
      { label: 'Cancel', type: 'cancel' },
      { label: confirmLabel, type: 'submit', variant },
    ],
    onSubmit: () => true,
  });
  return closed.then((value) => value === true);
}
