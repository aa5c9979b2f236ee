// A letter's form, built from the template's JSON Schema
// (GET /v1/templates/{id}: `fields`), so the form follows the API when a
// template gains a field. Plain HTML controls, each with a <label>; each
// carries data-field with the JSON path the server names in a 422
// ("patient.name"), so every error appears at its field.

import { h, newId } from './dom.js';
import { t, lang, countryName } from './i18n.js';
import { FIELD_WORDS } from './fields-i18n.js';

/** English names where the code alone reads badly. */
const EN = { size_cm: 'Size (cm)', a4: 'A4', letter: 'US Letter', target: 'Recipient', patient: 'Patient' };

/** A field's or choice's name in the site's language. */
function word(code) {
  const table = FIELD_WORDS[lang()];
  return (table && table[code]) || EN[code] || pretty(code);
}

/** The schemas' descriptions are English: marked so, for screen readers. */
function hintAttrs(id) {
  return { class: 'hint', id, lang: lang() === 'en' ? null : 'en' };
}

function resolve(root, s) {
  let out = s || {};
  while (out.$ref) out = root.$defs[out.$ref.split('/').pop()] || {};
  return out;
}

const typesOf = (s) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** "date_of_birth" -> "Date of birth". */
export function pretty(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function hintOf(raw, s) {
  const text = (raw.description || s.description || '').replace(/\s+/g, ' ').replace(/`/g, '').trim();
  return text || null;
}

function field(path, labelText, control, hint, required) {
  control.id = newId(`f-${path.replace(/[^a-z0-9]+/gi, '-')}`);
  control.dataset.field = path;
  control.name = path;
  if (required) {
    control.required = true;
    control.setAttribute('aria-required', 'true');
  }
  const parts = [h('label', { for: control.id }, labelText, required ? ` (${t('required')})` : '')];
  if (hint) {
    const hid = `${control.id}-hint`;
    parts.push(h('p', hintAttrs(hid), hint));
    control.setAttribute('aria-describedby', hid);
  }
  parts.push(control);
  return h('div', { class: 'field' }, parts);
}

/**
 * A part of the form for schema `raw` at `path`. Returns {el, read, check}:
 * read() gives the JSON value; check() lists [control, message] for what
 * the browser can tell is missing before asking the server.
 */
export function build(root, raw, path, label, { required = false, hide = [] } = {}) {
  if (hide.includes(path)) return null;
  const s = resolve(root, raw);
  const hint = hintOf(raw, s);
  if (raw.oneOf || s.oneOf) {
    const alts = (raw.oneOf || s.oneOf).filter((x) => x.type !== 'null');
    const inner = resolve(root, alts[0]);
    if (inner.enum) return choice(inner.enum, true, path, label, hintOf(alts[0], inner));
    return object(root, inner, path, label, hintOf(alts[0], inner), true, hide);
  }
  const types = typesOf(s);
  const nullable = types.includes('null');
  if (s.enum) return choice(s.enum, nullable, path, label, hint);
  if (types.includes('object')) return object(root, s, path, label, hint, false, hide);
  if (types.includes('array')) {
    const items = resolve(root, s.items);
    if (items.enum) return checks(items.enum, path, label, hint);
    return lines(path, label, hint);
  }
  if (types.includes('boolean')) return yesNo(path, label, hint);
  if (types.includes('number') || types.includes('integer')) return number(s, path, label, hint);
  return text(s, path, label, hint, required && !nullable);
}

function text(s, path, label, hint, required) {
  const long = (s.maxLength || 0) >= 400;
  const type = s.format === 'date' ? 'date' : s.format === 'email' ? 'email' : 'text';
  const control = long ? h('textarea', { rows: 4 }) : h('input', { type });
  if (s.maxLength) control.maxLength = s.maxLength;
  const auto = { 'patient.name': 'name', 'patient.email': 'email', 'patient.phone': 'tel', 'patient.address': 'street-address', 'patient.date_of_birth': 'bday' }[path];
  if (auto) control.setAttribute('autocomplete', auto);
  const nullable = typesOf(s).includes('null');
  return {
    el: field(path, label, control, hint, required),
    read: () => {
      const v = control.value.trim();
      return v === '' && nullable ? null : v;
    },
    check: () => (required && control.value.trim() === '' ? [[control, t('requiredMissing')]] : []),
  };
}

function number(s, path, label, hint) {
  const control = h('input', { type: 'text', inputmode: 'decimal' });
  return {
    el: field(path, label, control, hint, false),
    read: () => {
      const v = control.value.trim().replace(',', '.');
      return v === '' ? null : Number(v);
    },
    check: () => {
      const v = control.value.trim().replace(',', '.');
      return v !== '' && Number.isNaN(Number(v)) ? [[control, t('notANumber')]] : [];
    },
  };
}

function choice(codes, nullable, path, label, hint) {
  const countries = path.split('.').pop() === 'country';
  const named = codes.map((c) => [c, countries ? countryName(c) : word(c)]);
  if (countries) named.sort((a, b) => a[1].localeCompare(b[1], lang()));
  const control = h('select', {},
    nullable ? h('option', { value: '' }, t('chooseNone')) : null,
    named.map(([c, text]) => h('option', { value: c }, text)));
  return {
    el: field(path, label, control, hint, !nullable),
    read: () => (control.value === '' ? null : control.value),
    check: () => [],
  };
}

function yesNo(path, label, hint) {
  const control = h('select', {},
    h('option', { value: '' }, t('chooseNone')),
    h('option', { value: 'true' }, t('yes')),
    h('option', { value: 'false' }, t('no')));
  return {
    el: field(path, label, control, hint, false),
    read: () => (control.value === '' ? null : control.value === 'true'),
    check: () => [],
  };
}

/** A list of words or questions: one a line. */
function lines(path, label, hint) {
  const control = h('textarea', { rows: 4 });
  const el = field(path, label, control, hint, false);
  control.before(h('p', { class: 'hint' }, t('onePerLine')));
  return {
    el,
    read: () => control.value.split('\n').map((x) => x.trim()).filter(Boolean),
    check: () => [],
  };
}

function checks(codes, path, label, hint) {
  const boxes = codes.map((c) => {
    const box = h('input', { type: 'checkbox', value: c, id: newId('chk'), name: path });
    return { c, box, el: h('span', { class: 'check' }, box, h('label', { for: box.id }, word(c))) };
  });
  const el = h('fieldset', { 'data-field': path },
    h('legend', {}, label), hint ? h('p', hintAttrs(null), hint) : null, h('p', { class: 'hint' }, t('checkAll')),
    boxes.map((b) => b.el));
  return {
    el,
    // None ticked: null, so the letter uses its usual set.
    read: () => {
      const chosen = boxes.filter((b) => b.box.checked).map((b) => b.c);
      return chosen.length ? chosen : null;
    },
    check: () => [],
  };
}

function object(root, s, path, label, hint, nullable, hide) {
  const required = new Set(s.required || []);
  // Required fields first, then groups, then the rest, each in the
  // schema's order: the patient's name before optional details.
  const rank = ([k, sub]) => {
    if (k === 'patient') return -1;
    if (required.has(k)) return 0;
    const r = resolve(root, sub);
    const inner = (sub.oneOf || []).find((x) => x.type !== 'null');
    return typesOf(r).includes('object') || (inner && typesOf(resolve(root, inner)).includes('object')) ? 1 : 2;
  };
  const parts = Object.entries(s.properties || {})
    .map((e, i) => [e, i])
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([e]) => e)
    .map(([k, sub]) => [k, build(root, sub, path ? `${path}.${k}` : k, word(k), { required: required.has(k), hide })])
    .filter(([, p]) => p);
  const children = parts.map(([, p]) => p.el);
  const el = path === ''
    ? h('div', {}, children)
    : h('fieldset', { 'data-field': path }, h('legend', {}, label), hint ? h('p', hintAttrs(null), hint) : null, children);
  const read = () => {
    const out = {};
    for (const [k, p] of parts) {
      const v = p.read();
      if (v !== null && !(Array.isArray(v) && v.length === 0 && !required.has(k))) out[k] = v;
    }
    // An optional group left empty is sent as nothing at all.
    return nullable && Object.keys(out).length === 0 ? null : out;
  };
  return {
    el,
    read,
    check: () => (nullable && read() === null ? [] : parts.flatMap(([, p]) => p.check())),
  };
}
