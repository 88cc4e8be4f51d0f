// DOM builder shared by both apps. Text always goes in as text nodes (never innerHTML),
// so user-supplied labels, names and values can never inject markup.

const BOOLEAN_PROPS = new Set(['checked', 'disabled', 'selected', 'readOnly', 'required', 'hidden', 'multiple']);
const VALUE_PROPS = new Set(['value', 'indeterminate']);
const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Append children to a node: strings and numbers become text nodes, arrays are
 * flattened, null / undefined / false are skipped.
 * @param {Node} parent
 * @param {...any} children
 */
export function append(parent, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) {
      append(parent, ...child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
  return parent;
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class' || name === 'className') {
      const classes = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (classes) el.setAttribute('class', classes);
    } else if (name === 'style' && typeof value === 'object') {
      // CSSOM writes are allowed by the CSP (style-src 'self'); style="" attributes are not.
      for (const [prop, v] of Object.entries(value)) {
        if (prop.startsWith('--')) el.style.setProperty(prop, String(v));
        else el.style[prop] = v;
      }
    } else if (name === 'dataset' && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) el.dataset[key] = String(v);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'ref' && typeof value === 'function') {
      value(el);
    } else if (BOOLEAN_PROPS.has(name) && !(el instanceof SVGElement)) {
      el[name] = Boolean(value);
    } else if (VALUE_PROPS.has(name) && !(el instanceof SVGElement)) {
      el[name] = value;
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

/**
 * Build an element.
 *   h('button', {class: 'btn', type: 'button', onClick: fn, 'aria-label': 'Close'}, 'Close')
 * attrs: `class` (string or array), `style` (object, applied through CSSOM), `dataset`,
 * `on<Event>` listeners, `ref(el)`, DOM properties (value, checked, disabled, ...), any
 * other attribute (false / null / undefined skip it, true sets it empty).
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

/** Same as h() for SVG elements (icons). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      el.setAttribute(name === 'className' ? 'class' : name, String(value));
    }
  }
  for (const child of children) if (child) el.appendChild(child);
  return el;
}

/** Remove every child of el; returns el. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let idCounter = 0;
/**
 * A unique id for wiring labels and descriptions. The counter is per page load, so ids
 * are stable for a given render order and never shown to the user.
 * @param {string} [prefix]
 */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Turn arbitrary text (a setting key, an email) into a safe id fragment. */
export function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
}
