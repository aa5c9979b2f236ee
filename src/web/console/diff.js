// Field-by-field differences between two versions of an entity, shown as
// a before/after table (all values as text).

import { h, pretty, stackable } from './dom.js';

/** A cell that says something about a value rather than showing one. */
export class Note {
  constructor(text) { this.text = text; }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** [{path, before, after}] for the fields that differ, one level into objects. */
export function changes(before, after) {
  const out = [];
  const b = before || {};
  const a = after || {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  for (const k of keys) {
    if (same(b[k], a[k])) continue;
    const plainObjects = [b[k], a[k]].every((v) => v && typeof v === 'object' && !Array.isArray(v));
    if (plainObjects) {
      for (const sub of changes(b[k], a[k])) out.push({ ...sub, path: `${k}.${sub.path}` });
    } else {
      out.push({ path: k, before: b[k], after: a[k] });
    }
  }
  return out;
}

/** A value as readable text. */
export function show(v) {
  if (v instanceof Note) return v.text;
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) {
    if (v.length === 0) return '(none)';
    return v.map((x) => (x && typeof x === 'object' ? describe(x) : String(x))).join('; ');
  }
  if (typeof v === 'object') return describe(v);
  return String(v);
}

function describe(o) {
  if ('url' in o || 'citation' in o) return [o.url, o.citation].filter(Boolean).join(' — ') || '(empty source)';
  if ('centre_id' in o) return `${o.centre_id} (${o.role}; sources: ${show(o.sources)})`;
  return Object.entries(o).filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${show(v)}`).join(', ');
}

/** A table of changes; `columns` names the before/after headings. */
export function diffTable(rows, caption, columns = ['Before', 'After']) {
  if (!rows.length) return h('p', {}, 'No field differs.');
  const classes = columns.length === 1 ? ['after'] : columns.map((_, i) => (i === 0 ? 'before' : 'after'));
  return h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'diff' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, pretty(r.path)),
      (r.values || [r.before, r.after]).map((v, i) => h('td', { class: classes[i] }, show(v)))))))));
}
