// Building the page (as the console does): elements are made with h(),
// and every piece of API text goes in as a text node (never as markup),
// so a listing's name can never run as script.

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

/** Shows a source: its URL as a link (http(s) only) and its citation. */
export function sourceText(s) {
  const parts = [];
  if (s.url && /^https?:\/\//.test(s.url)) {
    parts.push(h('a', { href: s.url, rel: 'noopener noreferrer' }, s.url));
  } else if (s.url) {
    parts.push(s.url);
  }
  if (s.citation) parts.push(parts.length ? ` (${s.citation})` : s.citation);
  return h('span', { class: 'source' }, parts);
}

/** A link to a route of the site. */
export function link(route, text, attrs = {}) {
  return h('a', { href: `#${route}`, ...attrs }, text);
}
