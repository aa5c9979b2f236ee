// One listing (centre, clinician or fact) as stored: its details and
// verification, its facts, open reports, history with revert, and the
// actions a curator or reviewer can take on it.

import { api, all, qs, plural } from './api.js';
import { h, labelled, link, problemBox, showFieldErrors, announce, facts, sourceText, pretty } from './dom.js';
import { hasRole, go } from './app.js';

export async function render({ main, match }) {
  const kind = match[1];
  const id = decodeURIComponent(match[2]);
  const { data: stored, etag } = await api('GET', `/v1/curation/${plural(kind)}/${encodeURIComponent(id)}`);
  const e = stored.entity;
  const title = kind === 'fact' ? `Fact: ${pretty(e.metric)}` : e.name;
  main.append(
    h('p', { class: 'crumb' }, link('/listings', 'Listings'), ` › ${kind}`),
    h('h1', {}, title),
    details(kind, stored),
    actions(kind, e, etag),
  );
  if (kind !== 'fact') {
    main.append(await factsSection(kind, e.id));
    if (hasRole('reviewer')) {
      main.append(verifySection(kind, e, etag), await reportsSection(kind, e.id));
    }
  }
  main.append(await proposalsSection(e.id), await historySection(kind, e.id, stored.revision, etag));
}

function details(kind, stored) {
  const e = stored.entity;
  const rows = [['Id', e.id]];
  if (kind === 'centre') {
    rows.push(['Institution', e.institution],
      ['Place', [e.address.street, e.address.postal_code, e.address.city, e.address.subdivision, e.address.country].filter(Boolean).join(', ')],
      ['Website', e.website ? sourceText({ url: e.website }) : null], ['Phone', e.phone],
      ['Programmes', e.programmes.map(pretty).join(', ')]);
  } else if (kind === 'clinician') {
    rows.push(['Discipline', pretty(e.discipline)],
      ['Affiliations', e.affiliations.length ? h('ul', {}, e.affiliations.map((a) => h('li', {},
        link(`/centre/${encodeURIComponent(a.centre_id)}`, a.centre_id), ` (${pretty(a.role)})`))) : null]);
  } else {
    rows.push(['About', link(`/${e.subject.kind}/${encodeURIComponent(e.subject.id)}`, `${e.subject.kind} ${e.subject.id}`)],
      ['Value', String(e.value)], ['As of', e.as_of], ['Source', sourceText(e.source)],
      ['Attestation', pretty(e.attestation)], ['Note', e.note]);
  }
  if (kind !== 'fact') {
    rows.push(['Status', h('span', { class: `badge status-${e.status}` }, e.status)],
      ['Verification', pretty(e.verification.status)],
      ['Last verified', e.verification.last_verified],
      ['Next review due', e.verification.next_review_due],
      ['Sources', e.sources.length ? h('ul', {}, e.sources.map((s) => h('li', {}, sourceText(s)))) : null]);
  }
  rows.push(['Revision', `${stored.revision} (updated ${stored.updated_at})`]);
  return h('section', { 'aria-labelledby': 'details-h' }, h('h2', { id: 'details-h' }, 'Details'), facts(rows));
}

/**
 * A source for an archive or revert proposal: the API requires sources
 * only for new content, but the console asks for one with every proposal
 * (where the curator learned the listing closed, or why the old revision
 * was right).
 */
function sourceInputs(what) {
  const url = h('input', { type: 'url', 'data-field': 'sources.0.url' });
  const citation = h('input', { type: 'text', 'data-field': 'sources.0.citation' });
  const retrieved = h('input', { type: 'date', 'data-field': 'sources.0.retrieved', value: new Date().toISOString().slice(0, 10) });
  return {
    els: [labelled(`Source URL (${what})`, url, 'A web address (http or https), or give a citation below.').wrap,
      labelled('Source citation', citation).wrap,
      labelled('Source read on', retrieved, 'The date you read the source (the API requires it for every new source).').wrap],
    read: () => {
      const s = { url: url.value.trim() || null, citation: citation.value.trim() || null, retrieved: retrieved.value || null, listed_by: [] };
      return s.url || s.citation ? [s] : [];
    },
  };
}

const NO_SOURCE = { detail: 'Give a source: a web address or a citation.', errors: [{ field: 'sources.0.url', message: 'a source is needed' }] };

function actions(kind, e, etag) {
  const box = h('div', { class: 'actions' },
    link(`/edit/${kind}/${encodeURIComponent(e.id)}`, kind === 'fact' ? 'Edit this fact' : 'Edit this listing', { class: 'button' }));
  if (kind === 'centre') {
    box.append(' ', link(`/new/clinician${qs({ centre: e.id })}`, 'Add a clinician here', { class: 'button secondary' }));
  }
  if (kind !== 'fact') {
    box.append(' ', link(`/new/fact${qs({ subject: `${kind}:${e.id}` })}`, 'Add a fact', { class: 'button secondary' }));
  }
  const archived = e.status === 'archived';
  if (!archived) {
    const reason = h('textarea', { rows: 2, 'data-field': 'reason' });
    const source = sourceInputs(kind === 'fact' ? 'why it is wrong' : 'that it closed or moved');
    const out = h('div');
    const form = h('form', { class: 'inline-form', novalidate: true },
      labelled(kind === 'fact' ? 'Why remove this fact?' : 'Why archive this listing?', reason, 'At least 10 characters, for the reviewer and the audit trail.').wrap,
      source.els,
      h('button', { type: 'submit', class: 'danger' }, kind === 'fact' ? 'Propose removing it' : 'Propose archiving it'), out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      out.replaceChildren();
      const sources = source.read();
      if (!sources.length) {
        showFieldErrors(form, NO_SOURCE);
        out.append(problemBox(NO_SOURCE, 'Not sent'));
        return;
      }
      try {
        const { data } = await api('POST', '/v1/curation/proposals', {
          body: { kind, action: 'archive', id: e.id, reason: reason.value.trim(), sources }, ifMatch: etag,
        });
        announce(`Proposal ${data.id} created.`);
        go(`/proposal/${data.id}`);
      } catch (err) {
        showFieldErrors(form, err.problem);
        out.append(problemBox(err.problem));
      }
    });
    box.append(h('details', {}, h('summary', {}, kind === 'fact' ? 'Remove…' : 'Archive…'), form));
  }
  return box;
}

async function factsSection(kind, id) {
  const items = await all(`/v1/curation/facts${qs({ subject_kind: kind, subject_id: id })}`, 500);
  return h('section', { 'aria-labelledby': 'facts-h' },
    h('h2', { id: 'facts-h' }, `Facts (${items.length})`),
    items.length === 0 ? h('p', {}, 'No facts recorded yet.') : h('ul', { class: 'results' }, items.map((s) => {
      const f = s.entity;
      return h('li', {}, link(`/fact/${encodeURIComponent(f.id)}`, `${pretty(f.metric)}: ${f.value}`),
        h('span', { class: 'muted' }, ` as of ${f.as_of} · `, sourceText(f.source)));
    })));
}

function verifySection(kind, e, etag) {
  const method = h('select', { 'data-field': 'method', required: true },
    ['telephone_call', 'institution_website', 'written_attestation', 'published_list'].map((m) => h('option', { value: m }, pretty(m))));
  const date = h('input', { type: 'date', 'data-field': 'verified_on', value: new Date().toISOString().slice(0, 10), required: true });
  const url = h('input', { type: 'url', 'data-field': 'source.url' });
  const citation = h('input', { type: 'text', 'data-field': 'source.citation' });
  const retrieved = h('input', { type: 'date', 'data-field': 'source.retrieved', value: new Date().toISOString().slice(0, 10) });
  const note = h('textarea', { rows: 2, 'data-field': 'note' });
  const due = h('input', { type: 'date', 'data-field': 'next_review_due' });
  const out = h('div');
  const form = h('form', { class: 'card' },
    labelled('Method', method).wrap,
    labelled('Verified on', date).wrap,
    labelled('Source URL', url, 'The page you read, or leave empty and give a citation.').wrap,
    labelled('Source citation', citation, 'E.g. “Telephone call with the centre’s secretary, 2026-11-02”.').wrap,
    labelled('Source read on', retrieved, 'The date you read the page or made the call.').wrap,
    labelled('Note', note).wrap,
    labelled('Next review due', due, 'Optional; 12 months after the verification when empty.').wrap,
    h('button', { type: 'submit' }, 'Record verification'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const body = {
      method: method.value, verified_on: date.value,
      source: { url: url.value.trim() || null, citation: citation.value.trim() || null, retrieved: retrieved.value || null },
      note: note.value.trim() || null, next_review_due: due.value || null,
    };
    try {
      await api('POST', `/v1/curation/${plural(kind)}/${encodeURIComponent(e.id)}/verifications`, { body, ifMatch: etag });
      announce('Verification recorded.');
      go(`/${kind}/${encodeURIComponent(e.id)}`);
    } catch (err) {
      showFieldErrors(form, err.problem);
      out.append(problemBox(err.problem, err.status === 412 ? 'The listing changed meanwhile; reload it and try again' : 'Not recorded'));
    }
  });
  return h('section', { 'aria-labelledby': 'verify-h' },
    h('h2', { id: 'verify-h' }, 'Record a verification'),
    h('p', {}, `Status: ${pretty(e.verification.status)}; last verified ${e.verification.last_verified || 'never'}; next review due ${e.verification.next_review_due || '—'}.`),
    h('details', {}, h('summary', {}, 'Record that you confirmed this listing…'), form));
}

async function reportsSection(kind, id) {
  const items = await all(`/v1/curation/reports${qs({ kind, entity_id: id })}`, 200);
  return h('section', { 'aria-labelledby': 'reports-h' },
    h('h2', { id: 'reports-h' }, `Open reports (${items.length})`),
    items.length === 0 ? h('p', {}, 'No open reports.') : h('ul', { class: 'cards' }, items.map((r) => {
      const note = h('textarea', { rows: 2, 'data-field': 'resolution' });
      const out = h('div');
      const form = h('form', { class: 'inline-form' }, labelled('What was done', note).wrap,
        h('button', { type: 'submit' }, 'Resolve'), out);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api('POST', `/v1/curation/reports/${r.id}/resolve`, { body: { resolution: note.value.trim() } });
          announce('Report resolved.');
          go(`/${kind}/${encodeURIComponent(id)}`);
        } catch (err) {
          showFieldErrors(form, err.problem);
          out.replaceChildren(problemBox(err.problem));
        }
      });
      return h('li', { class: 'card' }, h('p', {}, h('strong', {}, pretty(r.category)), ` · ${r.created_at}`),
        h('p', {}, r.details), form);
    })));
}

async function proposalsSection(id) {
  const items = await all(`/v1/curation/proposals${qs({ entity_id: id, status: 'open' })}`, 100);
  return h('section', { 'aria-labelledby': 'open-h' },
    h('h2', { id: 'open-h' }, hasRole('reviewer') ? 'Open proposals' : 'Your open proposals'),
    items.length === 0 ? h('p', {}, 'None.') : h('ul', {}, items.map((p) => h('li', {},
      link(`/proposal/${p.id}`, `#${p.id} ${p.action} ${p.kind}`), ` by ${p.proposed_by.display_name}`))));
}

async function historySection(kind, id, current, etag) {
  const section = h('section', { 'aria-labelledby': 'history-h' }, h('h2', { id: 'history-h' }, 'History'));
  let entries;
  try {
    if (hasRole('reviewer')) {
      entries = (await all(`/v1/curation/audit${qs({ kind, entity_id: id })}`, 500)).map((a) => ({
        revision: a.revision, at: a.at, action: a.action, fields: a.fields,
        by: [a.proposed_by && a.proposed_by.display_name, a.approved_by && a.approved_by.display_name],
      }));
    } else if (kind !== 'fact') {
      entries = (await api('GET', `/v1/${plural(kind)}/${encodeURIComponent(id)}/history?limit=100`)).data.items.map((a) => ({
        revision: a.revision, at: a.at, action: a.action, fields: a.fields, by: [a.proposed_by, a.approved_by],
      }));
    } else {
      entries = [];
    }
  } catch (err) {
    section.append(h('p', {}, 'The public history shows published listings only; reviewers see the whole audit trail.'));
    return section;
  }
  if (!entries.length) {
    section.append(h('p', {}, 'No recorded changes.'));
    return section;
  }
  section.append(h('ol', { class: 'history' }, entries.slice().reverse().map((a) => {
    const item = h('li', {},
      h('p', {}, h('strong', {}, `Revision ${a.revision}`), ` · ${a.action} · ${a.at}`),
      a.fields.length ? h('p', { class: 'muted' }, `Fields: ${a.fields.join(', ')}`) : null,
      h('p', { class: 'muted' }, `Proposed by ${a.by[0] || 'the initial import'}${a.by[1] ? `, approved by ${a.by[1]}` : ''}`));
    if (a.revision < current && !['verified', 'archived', 'removed'].includes(a.action)) item.append(revertForm(kind, id, a.revision, etag));
    return item;
  })));
  return section;
}

function revertForm(kind, id, revision, etag) {
  const reason = h('textarea', { rows: 2, 'data-field': 'reason' });
  const source = sourceInputs(`that revision ${revision} is right`);
  const out = h('div');
  const form = h('form', { class: 'inline-form', novalidate: true },
    labelled(`Why restore revision ${revision}?`, reason, 'At least 10 characters.').wrap,
    source.els,
    h('button', { type: 'submit', class: 'secondary' }, `Propose reverting to revision ${revision}`), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const sources = source.read();
    if (!sources.length) {
      showFieldErrors(form, NO_SOURCE);
      out.append(problemBox(NO_SOURCE, 'Not sent'));
      return;
    }
    try {
      const { data } = await api('POST', '/v1/curation/proposals', {
        body: { kind, action: 'revert', id, to_revision: revision, reason: reason.value.trim(), sources }, ifMatch: etag,
      });
      go(`/proposal/${data.id}`);
    } catch (err) {
      showFieldErrors(form, err.problem);
      out.append(problemBox(err.problem));
    }
  });
  return h('details', {}, h('summary', {}, `Revert to revision ${revision}…`), form);
}
