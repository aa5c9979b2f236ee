// Forms built from the API's own OpenAPI schemas (/openapi.json): the
// Centre, Clinician and Fact schemas say which fields exist, which are
// lists, which take one of a set of codes and which may be null, so the
// form follows the API when it grows a field. Each control carries
// data-field with the JSON path the server names in a 422
// ("entity.address.country"), so errors appear next to their field.

import { h, newId, pretty } from './dom.js';

let specPromise = null;

/** The served OpenAPI document (fetched once). */
export function openapi() {
  if (!specPromise) {
    specPromise = fetch('/openapi.json', { credentials: 'omit' }).then((r) => {
      if (!r.ok) throw new Error('the API description could not be loaded');
      return r.json();
    });
  }
  return specPromise;
}

export const SCHEMA_OF = { centre: 'Centre', clinician: 'Clinician', fact: 'Fact' };

/** Free-text fields that are more than a line. */
const LONG = new Set(['notes', 'note', 'details', 'citation']);

function deref(spec, schema) {
  let s = schema;
  while (s && s.$ref) s = spec.components.schemas[s.$ref.split('/').pop()];
  return s || {};
}

function types(schema) {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** The non-null alternative of `oneOf: [null, X]`, if that is the shape. */
function nullableRef(schema) {
  if (!schema.oneOf) return null;
  const rest = schema.oneOf.filter((s) => s.type !== 'null');
  return rest.length === 1 && rest.length < schema.oneOf.length ? rest[0] : null;
}

/** A value of `schema` with nothing filled in. */
export function blank(spec, raw) {
  const schema = deref(spec, raw);
  if (nullableRef(raw) || types(schema).includes('null')) return null;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf) return null;
  const t = types(schema);
  if (t.includes('object')) {
    return Object.fromEntries(Object.entries(schema.properties || {}).map(([k, v]) => [k, blank(spec, v)]));
  }
  if (t.includes('array')) return [];
  if (t.includes('string')) return '';
  if (t.includes('boolean')) return false;
  return null;
}

function firstSentence(text) {
  if (!text) return null;
  // Up to the first full stop that ends a sentence ("e.g. X" does not).
  const t = text.replace(/\s+/g, ' ').replace(/`/g, '').trim();
  return t.split(/(?<=\.)\s+(?=[A-Z])/)[0];
}

function withLabel(label, control, hint, path) {
  control.id = newId(`f-${path.replace(/[^a-z0-9]+/gi, '-')}`);
  control.dataset.field = path;
  const parts = [h('label', { for: control.id }, label)];
  if (hint) {
    const hid = `${control.id}-hint`;
    parts.push(h('p', { class: 'hint', id: hid }, hint));
    control.setAttribute('aria-describedby', hid);
  }
  parts.push(control);
  return h('div', { class: 'field' }, parts);
}

/**
 * A form part for `raw` (a schema) holding `value`, at JSON path `path`.
 * Returns {el, read} where read() gives the value back as JSON.
 * opts.hide: paths kept as they are and not shown; opts.fixed: shown, not
 * editable.
 */
export function build(spec, raw, value, path, label, opts = {}, hintText = null) {
  const key = path.split('.').pop();
  if ((opts.hide || []).includes(path)) return { el: null, read: () => value };
  const schema = deref(spec, raw);
  const hint = hintText || firstSentence(raw.description || schema.description);
  const inner = nullableRef(raw);
  if (inner) return nullableObject(spec, inner, value, path, label, opts, hint);
  if (schema.oneOf) return factValue(value, path, label, hint);
  const t = types(schema);
  const nullable = t.includes('null');
  if (schema.enum) return enumSelect(schema.enum, value, nullable, path, label, hint, opts);
  if (t.includes('object')) return objectPart(spec, schema, value || {}, path, label, opts, hint);
  if (t.includes('array')) {
    const items = deref(spec, schema.items || {});
    if (items.enum) return enumChecks(items.enum, value || [], path, label, hint);
    if (types(items).includes('object')) return listPart(spec, schema.items, value || [], path, label, opts, hint);
    return wordList(value || [], path, label, hint);
  }
  if (t.includes('boolean')) return booleanSelect(value, nullable, path, label, hint);
  if (t.includes('number') || t.includes('integer')) return numberInput(value, nullable, path, label, hint);
  return textInput(schema, value, nullable, path, label, hint, opts, key);
}

function textInput(schema, value, nullable, path, label, hint, opts, key) {
  const fixed = (opts.fixed || []).includes(path);
  const control = LONG.has(key)
    ? h('textarea', { rows: key === 'citation' ? 2 : 3 })
    : h('input', { type: schema.format === 'date' ? 'date' : 'text', readonly: fixed || null, spellcheck: key === 'id' ? 'false' : null });
  control.value = value ?? '';
  if (!nullable) control.setAttribute('aria-required', 'true');
  return {
    el: withLabel(label, control, hint, path),
    read: () => {
      const v = control.value.trim();
      return v === '' && nullable ? null : v;
    },
  };
}

function numberInput(value, nullable, path, label, hint) {
  const control = h('input', { type: 'number', step: 'any', inputmode: 'decimal' });
  control.value = value ?? '';
  return {
    el: withLabel(label, control, hint, path),
    read: () => (control.value === '' ? null : Number(control.value)),
  };
}

function factValue(value, path, label, hint) {
  const control = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off' });
  control.value = value === true ? 'yes' : value === false ? 'no' : (value ?? '');
  return {
    el: withLabel(label, control, hint || 'A number for counts and rates; yes or no otherwise.', path),
    read: () => {
      const v = control.value.trim().toLowerCase();
      if (['yes', 'true'].includes(v)) return true;
      if (['no', 'false'].includes(v)) return false;
      if (v === '') return null;
      const n = Number(v);
      return Number.isNaN(n) ? v : n;
    },
  };
}

function enumSelect(codes, value, nullable, path, label, hint, opts) {
  const fixed = (opts.fixed || []).includes(path);
  const control = h('select', { disabled: fixed || null },
    nullable ? h('option', { value: '' }, 'not recorded') : null,
    codes.map((c) => h('option', { value: c, selected: c === value }, pretty(c))));
  if (value === null || value === undefined) control.value = nullable ? '' : codes[0];
  return {
    el: withLabel(label, control, hint, path),
    read: () => (control.value === '' ? null : control.value),
  };
}

function booleanSelect(value, nullable, path, label, hint) {
  const control = h('select', {},
    nullable ? h('option', { value: '' }, 'not known') : null,
    h('option', { value: 'true', selected: value === true }, 'yes'),
    h('option', { value: 'false', selected: value === false }, 'no'));
  if (value === null || value === undefined) control.value = nullable ? '' : 'false';
  return {
    el: withLabel(label, control, hint, path),
    read: () => (control.value === '' ? null : control.value === 'true'),
  };
}

function wordList(value, path, label, hint) {
  const control = h('input', { type: 'text' });
  control.value = value.join(', ');
  return {
    el: withLabel(label, control, `${hint ? `${hint} ` : ''}Separate with commas.`, path),
    read: () => control.value.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

function enumChecks(codes, value, path, label, hint) {
  const boxes = codes.map((c) => {
    const box = h('input', { type: 'checkbox', value: c, checked: value.includes(c), id: newId('chk') });
    return { c, box, el: h('span', { class: 'check' }, box, h('label', { for: box.id }, pretty(c))) };
  });
  const fs = h('fieldset', { class: 'checks', 'data-field': path },
    h('legend', {}, label), hint ? h('p', { class: 'hint' }, hint) : null, boxes.map((b) => b.el));
  return { el: fs, read: () => boxes.filter((b) => b.box.checked).map((b) => b.c) };
}

function objectPart(spec, schema, value, path, label, opts, hint) {
  const parts = Object.entries(schema.properties || {}).map(([k, sub]) =>
    [k, build(spec, sub, value[k], `${path}.${k}`, pretty(k), opts)]);
  const children = parts.map(([, p]) => p.el).filter(Boolean);
  const el = label === null
    ? h('div', { class: 'object' }, children)
    : h('fieldset', {}, h('legend', {}, label), hint ? h('p', { class: 'hint' }, hint) : null, children);
  return {
    el,
    read: () => {
      const out = { ...value };
      for (const [k, p] of parts) out[k] = p.read();
      return out;
    },
  };
}

function nullableObject(spec, inner, value, path, label, opts, hint) {
  const on = h('input', { type: 'checkbox', checked: value !== null && value !== undefined, id: newId('has') });
  const part = build(spec, inner, value || blank(spec, inner), path, label, opts);
  part.el.hidden = !on.checked;
  on.addEventListener('change', () => { part.el.hidden = !on.checked; });
  return {
    el: h('div', { class: 'nullable' },
      h('span', { class: 'check' }, on, h('label', { for: on.id }, `Record ${label.toLowerCase()}`)),
      hint ? h('p', { class: 'hint' }, hint) : null,
      part.el),
    read: () => (on.checked ? part.read() : null),
  };
}

function listPart(spec, itemSchema, value, path, label, opts, hint) {
  const itemName = label.replace(/s$/, '').toLowerCase();
  const list = h('div', { class: 'list' });
  const entries = [];
  const addButton = h('button', { type: 'button', class: 'secondary', 'data-add': path }, `Add ${itemName}`);
  function renumber() {
    entries.forEach((entry, i) => {
      entry.legend.textContent = `${label.replace(/s$/, '')} ${i + 1}`;
    });
  }
  function add(v, focus) {
    const index = entries.length;
    const part = build(spec, itemSchema, v, `${path}.${index}`, null, opts);
    const legend = h('legend', {});
    const remove = h('button', { type: 'button', class: 'link-button' }, `Remove this ${itemName}`);
    const fs = h('fieldset', { class: 'item' }, legend, part.el, remove);
    const entry = { part, fs, legend };
    remove.addEventListener('click', () => {
      entries.splice(entries.indexOf(entry), 1);
      fs.remove();
      renumber();
      addButton.focus();
    });
    entries.push(entry);
    list.append(fs);
    renumber();
    if (focus) {
      const first = fs.querySelector('input, select, textarea');
      if (first) first.focus();
    }
  }
  value.forEach((v) => add(v, false));
  addButton.addEventListener('click', () => add(blank(spec, itemSchema), true));
  const el = h('fieldset', { class: 'list-field', 'data-field': path },
    h('legend', {}, label), hint ? h('p', { class: 'hint' }, hint) : null, list, addButton);
  return { el, read: () => entries.map((e) => e.part.read()), add: (v) => add(v, false), count: () => entries.length };
}
