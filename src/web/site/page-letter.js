// Prepare a letter: pick a template (GET /v1/templates), fill the form
// built from its JSON Schema, choose the letter's language (whatever
// languages the template reports) and a format, download. What the reader
// types is sent once (POST /v1/documents/{template}) and kept nowhere: not
// in storage, not in the address, not in a cache.

import { get, postDocument, qs } from './api.js';
import { h, announce } from './dom.js';
import { t, lang } from './i18n.js';
import { build } from './letter-form.js';

/** Paths the page fills itself: the recipient from the chosen centre, the
 * language from its own picker, evidence left to the verified defaults. */
const HIDDEN = ['lang', 'evidence', 'target.centre_id', 'target.clinician_id'];

function titleIn(template, code) {
  const l = (template.languages || []).find((x) => x.code === code);
  return l ? l.title : template.title;
}

function purposeIn(template, code) {
  const l = (template.languages || []).find((x) => x.code === code);
  return l ? l.purpose : template.purpose;
}

function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const d = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err')).join(' ');
    if (d) el.setAttribute('aria-describedby', d); else el.removeAttribute('aria-describedby');
  }
}

/** The control a server error names (or its closest enclosing group). */
function controlFor(form, path) {
  const all = [...form.querySelectorAll('[data-field]')];
  let p = path.replace(/\[(\d+)\]/g, '.$1');
  while (p) {
    const found = all.find((c) => c.dataset.field === p);
    if (found) return found;
    p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
  }
  return null;
}

/**
 * Shows errors ([{control, message}]) at their fields and in a summary
 * at the top that is focused, so a screen reader reads it at once; each
 * summary line links to its field.
 */
function showErrors(form, summary, errors) {
  clearErrors(form);
  const items = [];
  for (const { control, message, label } of errors) {
    if (control) {
      const errId = `${control.id || control.dataset.field.replace(/\W+/g, '-')}-err`;
      if (!control.id) control.id = errId.replace(/-err$/, '');
      const target = control.tagName === 'FIELDSET' ? control.querySelector('legend') : control;
      target.insertAdjacentElement('afterend', h('p', { class: 'field-error', id: errId }, message));
      control.setAttribute('aria-invalid', 'true');
      const d = control.getAttribute('aria-describedby');
      control.setAttribute('aria-describedby', d ? `${d} ${errId}` : errId);
      const name = form.querySelector(`label[for="${control.id}"]`)?.textContent || control.querySelector?.('legend')?.textContent || label;
      items.push(h('li', {}, h('a', { href: `#${control.id}`, onclick: (ev) => { ev.preventDefault(); control.focus(); } }, `${name}: ${message}`)));
    } else {
      items.push(h('li', {}, label ? `${label}: ${message}` : message));
    }
  }
  summary.replaceChildren(h('h2', {}, t('fixErrors')), h('ul', {}, items));
  summary.hidden = false;
  summary.focus();
}

export async function render({ main, params }) {
  const [templates, centre] = await Promise.all([
    get('/v1/templates'),
    params.get('centre') ? get(`/v1/centres/${encodeURIComponent(params.get('centre'))}`) : null,
  ]);
  const list = templates.items;
  const wanted = params.get('template');
  let template = list.find((x) => x.id === wanted) || list[0];

  const pick = h('select', { id: 'template', name: 'template' },
    list.map((x) => h('option', { value: x.id, selected: x === template }, titleIn(x, lang()))));
  const purpose = h('p', { class: 'hint', id: 'template-hint' });
  pick.setAttribute('aria-describedby', 'template-hint');
  const letterLang = h('select', { id: 'letter-lang', name: 'lang' });
  const format = h('select', { id: 'format', name: 'format' });
  const fieldsHolder = h('div', { id: 'letter-fields' });
  const summary = h('div', { class: 'problem', id: 'letter-errors', tabindex: '-1', role: 'alert' });
  summary.hidden = true;
  const status = h('p', { id: 'letter-status', role: 'status' });
  const submit = h('button', { type: 'submit', id: 'download' }, t('download'));
  let form = null;

  function setTemplate(next) {
    template = next;
    purpose.textContent = purposeIn(template, lang());
    // The letter's languages are whatever the template reports (English
    // alone when it reports none); the site's language first if offered.
    const langs = template.languages && template.languages.length
      ? template.languages
      : [{ code: 'en', name: 'English', reviewed: true }];
    const chosen = langs.some((l) => l.code === letterLang.value) ? letterLang.value
      : langs.some((l) => l.code === lang()) ? lang() : langs[0].code;
    letterLang.replaceChildren(...langs.map((l) => h('option', { value: l.code, lang: l.code },
      l.reviewed ? l.name : `${l.name} (${t('notReviewed')})`)));
    letterLang.value = chosen;
    const before = format.value;
    format.replaceChildren(...template.formats.map((f) => h('option', { value: f }, t(`format_${f}`))));
    if (template.formats.includes(before)) format.value = before;
    const hide = centre ? [...HIDDEN, 'target'] : HIDDEN;
    form = build(template.fields, template.fields, '', '', { hide });
    fieldsHolder.replaceChildren(form.el);
    summary.hidden = true;
    status.textContent = '';
  }

  const recipient = centre
    ? h('p', { id: 'letter-to' }, `${t('letterTo')}: `, h('a', { href: `#/centre/${encodeURIComponent(centre.id)}` }, centre.name),
      centre.address.city ? `, ${centre.address.city}` : '')
    : h('p', { id: 'letter-to' }, t('letterToNone'), ' ', h('a', { href: '#/' }, t('navFind')));

  const formEl = h('form', { id: 'letter-form', novalidate: true },
    summary,
    h('div', { class: 'field' }, h('label', { for: 'template' }, t('template')), purpose, pick),
    recipient,
    fieldsHolder,
    h('div', { class: 'panel' },
      h('div', { class: 'field' }, h('label', { for: 'letter-lang' }, t('letterLang')), letterLang),
      h('div', { class: 'field' }, h('label', { for: 'format' }, t('format')), format),
      h('p', { class: 'note', id: 'privacy-again' }, t('privacy')),
      h('div', { class: 'actions' }, submit)),
    status);

  pick.addEventListener('change', () => setTemplate(list.find((x) => x.id === pick.value)));
  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(formEl);
    summary.hidden = true;
    const missing = form.check();
    if (missing.length) {
      showErrors(formEl, summary, missing.map(([control, message]) => ({ control, message })));
      return;
    }
    const body = form.read();
    if (centre) body.target = { centre_id: centre.id };
    if (template.languages && template.languages.length) body.lang = letterLang.value;
    submit.disabled = true;
    status.textContent = t('preparing');
    try {
      const { blob, filename } = await postDocument(`${template.generate}${qs({ format: format.value })}`, body);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: filename, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      status.textContent = t('downloaded', { file: filename });
      announce(t('downloaded', { file: filename }));
    } catch (e) {
      status.textContent = '';
      const p = e.problem || {};
      const errors = (p.errors || []).map((x) => ({ control: controlFor(formEl, x.field), message: x.message, label: x.field }));
      if (!errors.length) {
        errors.push({ control: null, message: e.status === 429 ? t('tooMany') : (p.detail || t('offline')) });
      }
      showErrors(formEl, summary, errors);
    } finally {
      submit.disabled = false;
    }
  });

  main.append(
    h('h1', {}, t('letterTitle')),
    h('p', { class: 'lead' }, t('letterIntro')),
    h('p', { class: 'note', id: 'privacy' }, t('privacy')),
    formEl);
  setTemplate(template);
}
