// The reviewers' work queue: listings with open reports, overdue reviews
// or never verified, with counts per reason.

import { api, all, qs } from './api.js';
import { h, link, pretty, stackable } from './dom.js';

const REASONS = ['open_reports', 'review_overdue', 'never_verified'];

export async function render({ main, params }) {
  const reason = params.get('reason') || '';
  const items = await all('/v1/curation/queue', 2000);
  const counts = Object.fromEntries(REASONS.map((r) => [r, items.filter((i) => i.reasons.includes(r)).length]));
  const shown = reason ? items.filter((i) => i.reasons.includes(reason)) : items;
  main.append(...[
    h('h1', {}, 'Work queue'),
    h('p', {}, 'Listings that need a reviewer, most urgent first.'),
    h('ul', { class: 'tabs', 'aria-label': 'Filter by reason' },
      h('li', {}, link('/queue', `All (${items.length})`, { 'aria-current': reason ? null : 'true' })),
      REASONS.map((r) => h('li', {}, link(`/queue${qs({ reason: r })}`, `${pretty(r)} (${counts[r]})`,
        { 'aria-current': reason === r ? 'true' : null, id: `count-${r}` })))),
    shown.length === 0 ? h('p', {}, 'Nothing here.') : h('div', { class: 'table-wrap' }, stackable(h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Listings to review'),
      h('thead', {}, h('tr', {}, ['Listing', 'Kind', 'Why', 'Open reports', 'Next review due'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shown.slice(0, 200).map((i) => h('tr', {},
        h('td', {}, link(`/${i.kind}/${encodeURIComponent(i.id)}`, i.name)),
        h('td', {}, i.kind),
        h('td', {}, i.reasons.map(pretty).join(', ')),
        h('td', {}, String(i.open_reports)),
        h('td', {}, i.next_review_due || '—')))))),
    ),
    shown.length > 200 ? h('p', {}, `Showing the first 200 of ${shown.length}.`) : null,
  ].filter(Boolean));
}
