// A centre's page: where it is, how to be referred, what it runs, how far
// its listing has been checked, where each fact comes from, its
// clinicians, and how it compares with each published criteria profile,
// in plain words. Everything comes from the public API and goes in as text.

import { get } from './api.js';
import { h, sourceText } from './dom.js';
import { t, date, countryName, languageName, lang } from './i18n.js';
import { codeName } from './codes-i18n.js';

/** The criteria and curators' notes are written in English: marked so, so
 * a screen reader reading the page in another language switches voice. */
const EN_TEXT = () => (lang() === 'en' ? {} : { lang: 'en' });

function facts(pairs) {
  const shown = pairs.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!shown.length) return null;
  return h('dl', { class: 'facts' }, shown.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function webLink(url) {
  if (!url) return null;
  return /^https?:\/\//.test(url) ? h('a', { href: url, rel: 'noopener noreferrer' }, url) : url;
}

function telLink(phone) {
  if (!phone) return null;
  return h('a', { href: `tel:${phone.replace(/[^+\d]/g, '')}` }, phone);
}

function verificationText(v) {
  if (v.status === 'verified') return t('verified', { date: date(v.last_verified) });
  if (v.status === 'needs_review') return t('needsReview', { date: date(v.last_verified) });
  return t('unverified');
}

function factValue(value) {
  if (value === true) return t('yes');
  if (value === false) return t('no');
  return String(value);
}

function criterionItem(c) {
  const f = c.fact;
  return h('li', { class: c.status },
    h('p', {}, h('span', EN_TEXT(), c.criterion.text), c.criterion.required ? '' : ` (${t('optional')})`),
    h('p', {}, h('span', { class: 'status' }, t(`status_${c.status}`))),
    f ? h('p', {}, t('factWas', { value: factValue(f.value), date: date(f.as_of) }), ' · ', sourceText(f.source)) : null,
    c.criterion.interpretation ? h('details', {},
      h('summary', {}, t('interpretation')), h('p', EN_TEXT(), c.criterion.interpretation)) : null);
}

async function profileOf(id, cache) {
  if (!cache.has(id)) cache.set(id, get(`/v1/criteria/${encodeURIComponent(id)}`).catch(() => null));
  return cache.get(id);
}

async function assessmentSection(id) {
  const list = (await get(`/v1/centres/${encodeURIComponent(id)}/assessments`)).items;
  const cache = new Map();
  const profiles = await Promise.all(list.map((a) => profileOf(a.profile, cache)));
  return h('section', { 'aria-labelledby': 'assess-h', id: 'assessments' },
    h('h2', { id: 'assess-h' }, t('assessments')),
    h('p', {}, t('assessmentsIntro')),
    list.map((a, i) => {
      const p = profiles[i];
      return h('article', { class: 'panel', 'data-profile': a.profile },
        h('h3', EN_TEXT(), a.profile_name),
        h('p', {}, h('span', { class: `badge ${a.outcome}`, 'data-outcome': a.outcome }, t(`outcome_${a.outcome}`))),
        p ? h('p', {}, t('criteriaBy', { issuer: p.issuer })) : null,
        p && p.source ? h('p', {}, `${t('criteriaSource')}: `, sourceText(p.source)) : null,
        h('p', { class: 'muted' }, t('evaluatedOn', { date: date(a.evaluated_on) })),
        h('ul', { class: 'criteria' }, a.criteria.map(criterionItem)));
    }));
}

export async function render({ main, match }) {
  const id = decodeURIComponent(match[1]);
  const [c, assessments] = await Promise.all([
    get(`/v1/centres/${encodeURIComponent(id)}`),
    assessmentSection(id),
  ]);
  const a = c.address;
  const addressLines = [a.street, [a.postal_code, a.city].filter(Boolean).join(' '), countryName(a.country)]
    .filter(Boolean);
  const r = c.referral;
  const contact = facts([
    [t('referralPhone'), telLink(r.phone)],
    [t('referralEmail'), r.email ? h('a', { href: `mailto:${r.email}` }, r.email) : null],
    [t('referralForm'), webLink(r.web_form)],
    [t('phone'), telLink(c.phone)],
    [t('website'), webLink(c.website)],
  ]);
  const v = c.verification;
  main.append(
    h('p', {}, h('a', { href: '#/' }, t('backToSearch'))),
    h('h1', {}, c.name),
    c.institution && c.institution !== c.name ? h('p', { class: 'lead' }, c.institution) : null,
    h('p', {}, h('span', { class: `badge ${v.status}`, id: 'verification' }, verificationText(v))),
    h('p', { class: 'actions' }, h('a', { href: `#/letter?centre=${encodeURIComponent(c.id)}`, id: 'prepare-letter' }, t('prepareLetter'))),
    h('section', { 'aria-labelledby': 'addr-h' },
      h('h2', { id: 'addr-h' }, t('address')),
      h('address', {}, addressLines.map((l, i) => [i ? h('br') : null, l]))),
    h('section', { 'aria-labelledby': 'contact-h' },
      h('h2', { id: 'contact-h' }, t('contact')),
      contact || h('p', {}, t('noContact'))),
    h('section', { 'aria-labelledby': 'prog-h' },
      h('h2', { id: 'prog-h' }, t('programmes')),
      c.programmes.length ? h('ul', {}, c.programmes.map((p) => h('li', {}, codeName(p)))) : h('p', {}, t('noProgrammes')),
      c.services.length ? [h('h3', {}, t('services')),
        h('ul', {}, c.services.map((s) => h('li', {}, codeName(s.kind), s.detail ? ` (${s.detail})` : '')))] : null,
      c.languages.length ? [h('h3', {}, t('languagesSpoken')),
        h('p', {}, c.languages.map(languageName).join(', '))] : null),
    h('section', { 'aria-labelledby': 'verif-h' },
      h('h2', { id: 'verif-h' }, t('verification')),
      h('p', {}, verificationText(v)),
      v.method ? h('p', {}, `${t('verificationMethod')}: ${codeName(v.method)}`) : null,
      c.notes ? [h('h3', {}, t('notes')), h('p', EN_TEXT(), c.notes)] : null),
    h('section', { 'aria-labelledby': 'sources-h' },
      h('h2', { id: 'sources-h' }, t('sources')),
      h('p', {}, t('sourcesIntro')),
      h('ul', { id: 'sources' }, c.sources.map((s) => h('li', {}, sourceText(s),
        s.listed_by && s.listed_by.length ? h('span', { class: 'muted' }, ` · ${t('listedBy', { who: s.listed_by.join('; ') })}`) : null)))),
    h('section', { 'aria-labelledby': 'clin-h' },
      h('h2', { id: 'clin-h' }, t('clinicians')),
      c.clinicians.length
        ? h('ul', { id: 'clinicians' }, c.clinicians.map((d) => h('li', {}, d.name, h('span', { class: 'muted' }, ` · ${codeName(d.discipline)}, ${codeName(d.role)}`))))
        : h('p', {}, t('noClinicians'))),
    assessments);
}
