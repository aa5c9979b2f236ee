// Find listings of any status (GET /v1/curation/centres|clinicians?q=).

import { api, qs } from './api.js';
import { h, labelled, link } from './dom.js';
import { go } from './app.js';

export async function render({ main, params }) {
  const kind = params.get('kind') === 'clinician' ? 'clinician' : 'centre';
  const q = params.get('q') || '';
  const status = params.get('status') || '';
  const cursor = params.get('cursor') || '';
  const input = h('input', { type: 'search', name: 'q', value: q });
  const kindSel = h('select', { name: 'kind' },
    h('option', { value: 'centre', selected: kind === 'centre' }, 'Centres'),
    h('option', { value: 'clinician', selected: kind === 'clinician' }, 'Clinicians'));
  const statusSel = h('select', { name: 'status' },
    ['', 'draft', 'published', 'archived'].map((s) => h('option', { value: s, selected: s === status }, s || 'Any status')));
  const form = h('form', { class: 'search', role: 'search' },
    labelled('Search for', kindSel).wrap,
    labelled('Words', input, 'Name, id, institution or city; accents and case do not matter.').wrap,
    labelled('Status', statusSel).wrap,
    h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(`/listings${qs({ kind: kindSel.value, q: input.value.trim(), status: statusSel.value })}`);
  });
  main.append(h('h1', {}, 'Listings'), form,
    h('p', { class: 'actions' },
      link('/new/centre', 'Propose a new centre', { class: 'button secondary' }), ' ',
      link('/new/clinician', 'Propose a new clinician', { class: 'button secondary' })));
  const { data } = await api('GET', `/v1/curation/${kind}s${qs({ q, status, cursor, limit: 25 })}`);
  const results = h('section', { 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, `Results${q ? ` for “${q}”` : ''}`),
    data.items.length === 0 ? h('p', {}, 'No listing matches.') : h('ul', { class: 'results' },
      data.items.map((s) => {
        const e = s.entity;
        const place = kind === 'centre'
          ? [e.address.city, e.address.country].filter(Boolean).join(', ')
          : e.discipline.replace(/_/g, ' ');
        return h('li', {},
          link(`/${kind}/${encodeURIComponent(e.id)}`, e.name), ' ',
          h('span', { class: `badge status-${e.status}` }, e.status), ' ',
          h('span', { class: 'muted' }, place, ' · ', e.verification.status.replace(/_/g, ' ')));
      })),
    data.next_cursor ? h('p', {}, link(`/listings${qs({ kind, q, status, cursor: data.next_cursor })}`, 'Next page')) : null);
  main.append(results);
}
