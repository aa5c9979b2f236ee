// The console's page helpers, on top of dom-core.js (h(): every piece of
// user or curated text goes in as a text node, never as markup).

import { h, newId } from './dom-core.js';

export { h, newId, announce } from './dom-core.js';

/** A labelled control: returns {wrap, input}. */
export function labelled(labelText, control, hint) {
  const id = control.id || newId('c');
  control.id = id;
  const parts = [h('label', { for: id }, labelText)];
  if (hint) {
    const hintId = `${id}-hint`;
    parts.push(h('p', { class: 'hint', id: hintId }, hint));
    control.setAttribute('aria-describedby', hintId);
  }
  parts.push(control);
  return { wrap: h('div', { class: 'field' }, parts), input: control };
}

/** The summary of a problem+json answer, with each field error listed. */
export function problemBox(problem, heading = 'That did not work') {
  const errors = (problem && problem.errors) || [];
  return h('div', { class: 'problem', role: 'alert', tabindex: '-1' },
    h('h2', {}, heading),
    h('p', {}, (problem && problem.detail) || 'The server gave no detail.'),
    errors.length ? h('ul', {}, errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : null);
}

/** Removes the field errors shown in `form`. */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const described = (el.getAttribute('aria-describedby') || '').split(' ')
      .filter((x) => x && !x.endsWith('-err')).join(' ');
    if (described) el.setAttribute('aria-describedby', described);
    else el.removeAttribute('aria-describedby');
  }
}

/**
 * Shows each of a problem's field errors next to the control whose
 * data-field names it (or the closest one: `entity.address` goes to the
 * first control inside the address). Returns the errors placed.
 */
export function showFieldErrors(form, problem) {
  clearFieldErrors(form);
  let placed = 0;
  for (const e of (problem && problem.errors) || []) {
    const control = controlFor(form, e);
    if (!control) continue;
    const errId = `${control.id}-err`;
    if (!document.getElementById(errId)) {
      control.insertAdjacentElement('afterend', h('p', { class: 'field-error', id: errId }, e.message));
    } else {
      document.getElementById(errId).append(`; ${e.message}`);
    }
    control.setAttribute('aria-invalid', 'true');
    const described = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', described ? `${described} ${errId}` : errId);
    placed += 1;
  }
  return placed;
}

function controlFor(form, error) {
  const all = [...form.querySelectorAll('[data-field]')];
  const exact = all.find((c) => c.dataset.field === error.field);
  if (exact) return exact;
  // Entity rules name the field in the message: "sources: no source",
  // "name is empty", "as_of 2030-01-01 is in the future".
  let field = error.field.replace(/\[(\d+)\]/g, '.$1');
  const tries = [];
  if (field === 'entity') {
    // "address: country \"X\" is not ..." names address.country.
    const m = error.message.match(/^([a-z_.]+)(?::\s*([a-z_]+))?/);
    if (m && m[2]) tries.push(`entity.${m[1]}.${m[2]}`);
    if (m) tries.push(`entity.${m[1]}`);
    if (/ takes /.test(error.message)) tries.unshift('entity.value');
  }
  if (field !== 'entity') tries.push(field);
  for (const t of tries) {
    const found = all.find((c) => c.dataset.field === t)
      || all.find((c) => c.dataset.field.startsWith(`${t}.`));
    if (found) return found;
  }
  return null;
}

/**
 * Labels each cell of a table with its column heading (data-label), so a
 * narrow screen can show each row as a small card (see table.stack in
 * console.css) instead of squeezing the columns.
 */
export function stackable(table) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => { if (heads[i]) cell.dataset.label = heads[i]; });
  }
  table.classList.add('stack');
  return table;
}

/** A definition list of label/value pairs; null values say "not recorded". */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [
    h('dt', {}, k),
    h('dd', {}, v === null || v === undefined || v === '' ? h('span', { class: 'muted' }, 'not recorded') : v),
  ]));
}

/** "postal_code" -> "Postal code". */
export function pretty(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A link to a route of the console. */
export function link(route, text, attrs = {}) {
  return h('a', { href: `#${route}`, ...attrs }, text);
}

/** Shows a source: its URL as a link (http(s) only) or its citation. */
export function sourceText(s) {
  if (!s) return h('span', { class: 'muted' }, 'no source');
  const parts = [];
  if (s.url && /^https?:\/\//.test(s.url)) {
    parts.push(h('a', { href: s.url, rel: 'noopener noreferrer', target: '_blank' }, s.url));
  } else if (s.url) {
    parts.push(s.url);
  }
  if (s.citation) parts.push(parts.length ? ` (${s.citation})` : s.citation);
  return h('span', { class: 'source' }, parts);
}
