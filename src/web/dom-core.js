// The one way the console and the patient site build elements: with h(),
// and every piece of user, curated or API text goes in as a text node
// (never as markup), so a listing's name can never run as script. Served
// to both (as dom-core.js), so there is one copy.

/** h('p', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') {
      el[k] = Boolean(v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

let uid = 0;
/** A fresh element id with a readable prefix. */
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Tells screen readers (and the keyboard user) what just happened. */
export function announce(message) {
  const region = document.getElementById('status');
  region.textContent = '';
  // A new text node after a tick, so the same message twice is re-read.
  setTimeout(() => { region.textContent = message; }, 30);
}
