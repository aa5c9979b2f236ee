// Bulk import: a CSV of centres, clinicians (with an affiliation) or
// facts, checked row by row in the browser before anything is sent, then
// one proposal per valid row with that row's source, with progress and a
// per-row result. The codes allowed come from the OpenAPI document.

import { api } from './api.js';
import { h, labelled, link, problemBox, announce, pretty, stackable } from './dom.js';
import { records, write } from './csv.js';
import { openapi } from './schema-form.js';

const LIST = ';';

const COLUMNS = {
  centre: [
    ['id', 'Optional: lowercase letters, digits and hyphens; made from the name when empty.'],
    ['name', 'Required.'], ['institution', 'Parent institution.'], ['street', ''], ['postal_code', ''], ['city', ''],
    ['subdivision', 'ISO 3166-2 code, e.g. US-TX.'], ['country', 'Required: ISO 3166-1 alpha-2, e.g. DE.'],
    ['website', 'http(s) address.'], ['phone', ''],
    ['programmes', `Codes separated by “${LIST}” (see Programme below).`],
    ['languages', `BCP 47 tags separated by “${LIST}”, e.g. en${LIST}de.`],
    ['status', 'published (default) or draft.'],
    ['source_url', 'Where the row’s facts come from (http or https); or give source_citation.'],
    ['source_citation', 'A citation when there is no URL.'],
    ['source_retrieved', 'The date the source was read, YYYY-MM-DD; empty: the day of the import.'],
    ['reason', 'Why this listing belongs in the directory (10 characters or more); or fill “Reason for every row” on this page.'],
  ],
  clinician: [
    ['id', 'Optional: made from the name when empty.'], ['name', 'Required.'],
    ['discipline', 'Required: a Discipline code (below).'],
    ['subtypes', `Sarcoma subtypes separated by “${LIST}”.`], ['languages', `BCP 47 tags separated by “${LIST}”.`],
    ['takes_phone_consultations', 'yes, no or empty (not known).'],
    ['centre_id', 'Required: the id of the centre they work at.'],
    ['affiliation_role', 'lead, member (default) or visiting_consultant.'],
    ['status', 'published (default) or draft.'],
    ['source_url', ''], ['source_citation', ''], ['source_retrieved', ''], ['reason', ''],
  ],
  fact: [
    ['id', 'Optional: made from subject, metric and date when empty.'],
    ['subject_kind', 'centre or clinician.'], ['subject_id', 'Required.'],
    ['metric', 'Required: a Metric code (below).'],
    ['value', 'A whole number for counts (…_per_year), a number for rates (…_per_month), yes or no otherwise.'],
    ['as_of', 'Required: the date the value describes, YYYY-MM-DD, not in the future.'],
    ['attestation', 'self_reported (default), curator_confirmed or published_list.'],
    ['note', ''], ['source_url', ''], ['source_citation', ''], ['source_retrieved', ''], ['reason', ''],
  ],
};

const EXAMPLE = {
  centre: { name: 'Example Sarcoma Unit (replace me)', city: 'Example City', country: 'DE', programmes: `soft_tissue${LIST}bone`, source_url: 'https://example.org/sarcoma-unit', reason: 'Listed on the unit’s own website.' },
  clinician: { name: 'Dr Example Person (replace me)', discipline: 'medical_oncology', centre_id: 'an-existing-centre-id', source_url: 'https://example.org/team', reason: 'Named on the centre’s team page.' },
  fact: { subject_kind: 'centre', subject_id: 'an-existing-centre-id', metric: 'sarcoma_patients_seen_per_year', value: '120', as_of: '2025-12-31', source_url: 'https://example.org/annual-report', reason: 'Stated in the centre’s annual report.' },
};

function slug(text) {
  return String(text || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

const isSlug = (s) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(s) && s.length <= 80;
const isWeb = (s) => /^https?:\/\/[^\s/@]+\.[^\s/@]+(\/\S*)?$/i.test(s);
const list = (s) => (s ? s.split(LIST).map((x) => x.trim()).filter(Boolean) : []);

function enums(spec, name) { return spec.components.schemas[name].enum; }

const COUNTS = ['sarcoma_patients_seen_per_year', 'new_sarcoma_referrals_per_year'];
const RATES = ['sarcoma_clinics_per_month', 'tumor_board_meetings_per_month'];

/** One row to {id, entity, sources, reason, errors}. */
function check(kind, row, spec, batchReason, today) {
  const errors = [];
  const need = (col) => { if (!row[col]) errors.push(`${col}: required`); return row[col] || ''; };
  const code = (col, schema, value) => {
    if (value && !enums(spec, schema).includes(value)) errors.push(`${col}: “${value}” is not a ${schema} code`);
    return value;
  };
  const retrieved = row.source_retrieved || today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(retrieved)) errors.push('source_retrieved: must be a date, YYYY-MM-DD');
  else if (retrieved > today) errors.push('source_retrieved: must not be in the future');
  const source = { url: row.source_url || null, citation: row.source_citation || null, retrieved, listed_by: [] };
  if (!source.url && !source.citation) errors.push('source_url or source_citation: required');
  if (source.url && !isWeb(source.url)) errors.push('source_url: must be an http(s) address with a host name');
  const reason = row.reason || batchReason;
  if (reason.length < 10) errors.push('reason: 10 characters or more (or fill “Reason for every row”)');
  const status = row.status || 'published';
  if (!['published', 'draft'].includes(status)) errors.push('status: published or draft');
  let entity;
  if (kind === 'centre') {
    const country = need('country').toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) errors.push('country: two letters (ISO 3166-1 alpha-2)');
    const programmes = list(row.programmes);
    programmes.forEach((p) => code('programmes', 'Programme', p));
    if (row.website && !isWeb(row.website)) errors.push('website: must be an http(s) address');
    entity = {
      id: row.id || slug(row.name), name: need('name'), institution: row.institution || null,
      address: { street: row.street || null, postal_code: row.postal_code || null, city: row.city || null, subdivision: row.subdivision || null, country },
      coordinates: null, website: row.website || null, phone: row.phone || null,
      referral: { phone: null, email: null, web_form: null },
      programmes, services: [], languages: list(row.languages), status,
      verification: { status: 'unverified', last_verified: null, method: null, next_review_due: null },
      sources: [source], notes: null,
    };
  } else if (kind === 'clinician') {
    const tpc = (row.takes_phone_consultations || '').toLowerCase();
    if (tpc && !['yes', 'no'].includes(tpc)) errors.push('takes_phone_consultations: yes, no or empty');
    const role = row.affiliation_role || 'member';
    code('affiliation_role', 'AffiliationRole', role);
    entity = {
      id: row.id || slug(row.name), name: need('name'),
      discipline: code('discipline', 'Discipline', need('discipline')),
      subtypes: list(row.subtypes), languages: list(row.languages),
      takes_phone_consultations: tpc === 'yes' ? true : tpc === 'no' ? false : null,
      status, verification: { status: 'unverified', last_verified: null, method: null, next_review_due: null },
      sources: [source], notes: null,
      affiliations: [{ centre_id: need('centre_id'), role, sources: [source] }],
    };
  } else {
    const metric = code('metric', 'Metric', need('metric'));
    const subjectKind = row.subject_kind || 'centre';
    if (!['centre', 'clinician'].includes(subjectKind)) errors.push('subject_kind: centre or clinician');
    const asOf = need('as_of');
    if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) errors.push('as_of: a date YYYY-MM-DD');
    else if (asOf > today) errors.push('as_of: must not be in the future');
    const raw = need('value').toLowerCase();
    let value = null;
    if (COUNTS.includes(metric) || RATES.includes(metric)) {
      value = Number(raw);
      if (raw === '' || Number.isNaN(value) || value < 0 || (COUNTS.includes(metric) && !Number.isInteger(value))) {
        errors.push(`value: ${COUNTS.includes(metric) ? 'a whole number' : 'a number'} of 0 or more`);
      }
    } else if (raw) {
      if (!['yes', 'no', 'true', 'false'].includes(raw)) errors.push('value: yes or no');
      value = ['yes', 'true'].includes(raw);
    }
    const attestation = code('attestation', 'Attestation', row.attestation || 'self_reported');
    entity = {
      id: row.id || slug(`${row.subject_id}-${metric}-${asOf}`), subject: { kind: subjectKind, id: row.subject_id || '' },
      metric, value, as_of: asOf, source, attestation, note: row.note || null,
    };
  }
  if (kind !== 'fact' && row.name && !entity.id) errors.push('id: could not be made from the name; give one');
  if (entity.id && !isSlug(entity.id)) errors.push('id: lowercase letters, digits and single hyphens, at most 80');
  return { id: entity.id, entity, sources: [source], reason, errors };
}

export async function render({ main }) {
  const spec = await openapi();
  const kindSel = h('select', { id: 'import-kind' },
    h('option', { value: 'centre' }, 'Centres'), h('option', { value: 'clinician' }, 'Clinicians (with an affiliation)'),
    h('option', { value: 'fact' }, 'Facts'));
  const file = h('input', { type: 'file', accept: '.csv,text/csv', id: 'import-file' });
  const reason = h('input', { type: 'text', id: 'import-reason' });
  const docs = h('div', { id: 'import-columns' });
  const preview = h('div', { id: 'import-preview' });
  const progress = h('div', { id: 'import-progress' });
  const template = h('a', { class: 'button secondary', id: 'import-template' }, 'Download the CSV template');

  function showDocs() {
    const kind = kindSel.value;
    const cols = COLUMNS[kind];
    const example = cols.map(([c]) => EXAMPLE[kind][c] || '');
    const url = URL.createObjectURL(new Blob([write([cols.map(([c]) => c), example])], { type: 'text/csv' }));
    template.href = url;
    template.setAttribute('download', `${kind}s-template.csv`);
    const codeLists = kind === 'centre' ? ['Programme'] : kind === 'clinician' ? ['Discipline', 'AffiliationRole'] : ['Metric', 'Attestation'];
    docs.replaceChildren(
      h('h2', {}, 'Columns'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'stack' }, h('caption', { class: 'visually-hidden' }, 'CSV columns'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'What to put'))),
        h('tbody', {}, cols.map(([c, d]) => h('tr', {}, h('td', {}, h('code', {}, c)), h('td', {}, d || '—')))))),
      ...codeLists.map((n) => h('p', {}, h('strong', {}, `${pretty(n)} codes: `), enums(spec, n).join(', '))));
    stackable(docs.querySelector('table'));
  }
  kindSel.addEventListener('change', () => { showDocs(); preview.replaceChildren(); progress.replaceChildren(); });
  showDocs();

  let checked = [];
  async function readFile() {
    preview.replaceChildren();
    progress.replaceChildren();
    const f = file.files[0];
    if (!f) return;
    const text = await f.text();
    const { columns, items } = records(text);
    const known = COLUMNS[kindSel.value].map(([c]) => c);
    const unknown = columns.filter((c) => !known.includes(c));
    if (unknown.length) {
      preview.append(problemBox({ detail: `Unknown column(s): ${unknown.join(', ')}. Use the template's columns.` }, 'The file was not read'));
      return;
    }
    if (items.length > 1000) {
      preview.append(problemBox({ detail: `${items.length} rows; at most 1000 at a time.` }, 'Too many rows'));
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    checked = items.map((row, i) => ({ line: i + 2, ...check(kindSel.value, row, spec, reason.value.trim(), today) }));
    const seen = new Map();
    for (const c of checked) {
      if (c.id && seen.has(c.id)) c.errors.push(`id: “${c.id}” is also on line ${seen.get(c.id)}`);
      else seen.set(c.id, c.line);
    }
    const bad = checked.filter((c) => c.errors.length);
    const good = checked.length - bad.length;
    const send = h('button', { type: 'button', id: 'import-send', disabled: good === 0 || null }, `Create ${good} proposal${good === 1 ? '' : 's'}`);
    send.addEventListener('click', () => sendAll(send));
    preview.append(
      h('h2', { id: 'preview-h', tabindex: '-1' }, 'Preview'),
      h('p', { id: 'import-summary' }, `${checked.length} rows: ${good} ready, ${bad.length} with errors (rows with errors are not sent).`),
      h('div', { class: 'table-wrap' }, h('table', { id: 'preview-table', class: 'stack' },
        h('caption', { class: 'visually-hidden' }, 'Rows of the file'),
        h('thead', {}, h('tr', {}, ['Line', 'Id', 'Name or value', 'Check'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, checked.map((c) => h('tr', { class: c.errors.length ? 'bad' : 'ok', 'data-line': c.line },
          h('td', {}, String(c.line)), h('td', {}, c.id || '—'),
          h('td', {}, c.entity.name || `${c.entity.metric}: ${c.entity.value}`),
          h('td', {}, c.errors.length ? h('ul', { class: 'row-errors' }, c.errors.map((e) => h('li', {}, e))) : 'ready')))))),
      send);
    stackable(preview.querySelector('#preview-table'));
    announce(`${good} rows ready, ${bad.length} with errors.`);
    preview.querySelector('#preview-h').focus();
  }
  file.addEventListener('change', readFile);
  reason.addEventListener('change', () => { if (file.files[0]) readFile(); });

  async function sendAll(button) {
    button.disabled = true;
    const rows = checked.filter((c) => !c.errors.length);
    const bar = h('progress', { max: rows.length, value: 0, id: 'import-bar', 'aria-label': 'Proposals sent' });
    const count = h('p', { role: 'status', id: 'import-count' }, `0 of ${rows.length} sent`);
    const results = h('ul', { id: 'import-results' });
    progress.replaceChildren(h('h2', {}, 'Progress'), bar, count, results);
    let done = 0;
    let created = 0;
    for (const c of rows) {
      try {
        const { data } = await api('POST', '/v1/curation/proposals', {
          body: { kind: kindSel.value, action: 'create', id: c.id, entity: c.entity, reason: c.reason, sources: c.sources },
        });
        created += 1;
        results.append(h('li', { class: 'ok' }, `Line ${c.line}: `, link(`/proposal/${data.id}`, `proposal #${data.id}`)));
      } catch (err) {
        const detail = (err.problem.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ') || err.problem.detail;
        results.append(h('li', { class: 'bad' }, `Line ${c.line}: not sent: ${detail}`));
      }
      done += 1;
      bar.value = done;
      count.textContent = `${done} of ${rows.length} sent`;
    }
    count.textContent = `Done: ${created} proposal${created === 1 ? '' : 's'} created, ${rows.length - created} refused by the server.`;
    announce(count.textContent);
  }

  main.append(
    h('h1', {}, 'Bulk import'),
    h('p', {}, 'Check a whole spreadsheet before sending: every row is checked here first, and nothing is sent until you say so. Each valid row becomes one proposal with that row’s source, for a reviewer to approve.'),
    h('div', { class: 'card' },
      labelled('What the file holds', kindSel).wrap,
      h('p', {}, template),
      labelled('Reason for every row', reason, 'Used for rows whose reason column is empty (10 characters or more).').wrap,
      labelled('CSV file', file, 'UTF-8, comma-separated, first line the column names.').wrap),
    preview, progress, docs);
}
