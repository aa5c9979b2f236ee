// Proposing a new listing or a change to one: the entity form (built from
// the OpenAPI schema), the proposal's reason and sources, the server's 422
// messages next to their fields, and on 412 (someone changed the listing
// meanwhile) what changed, with the choice to re-apply this edit to the
// new version.

import { api, plural } from './api.js';
import { h, labelled, problemBox, showFieldErrors, clearFieldErrors, announce, link, pretty } from './dom.js';
import { openapi, build, blank, SCHEMA_OF } from './schema-form.js';
import { changes, diffTable, Note } from './diff.js';
import { go } from './app.js';

export async function renderNew({ main, match, params }) {
  const kind = match[1];
  const spec = await openapi();
  const entity = blank(spec, { $ref: `#/components/schemas/${SCHEMA_OF[kind]}` });
  if (kind !== 'fact') entity.status = 'published';
  if (kind === 'clinician' && params.get('centre')) {
    entity.affiliations = [{ centre_id: params.get('centre'), role: 'member', sources: [] }];
  }
  if (kind === 'fact') {
    const [sk, ...rest] = (params.get('subject') || 'centre:').split(':');
    entity.subject = { kind: sk === 'clinician' ? 'clinician' : 'centre', id: rest.join(':') };
    entity.as_of = '';
    entity.value = null;
    entity.attestation = 'self_reported';
  }
  const what = kind === 'fact' ? 'a fact' : `a new ${kind}`;
  main.append(h('p', { class: 'crumb' }, link('/listings', 'Listings'), ' › new'),
    h('h1', {}, `Propose ${what}`));
  await editor(main, { kind, action: 'create', base: null, etag: null, entity, spec });
}

export async function renderEdit({ main, match }) {
  const kind = match[1];
  const id = decodeURIComponent(match[2]);
  const spec = await openapi();
  const { data, etag } = await api('GET', `/v1/curation/${plural(kind)}/${encodeURIComponent(id)}`);
  main.append(h('p', { class: 'crumb' }, link('/listings', 'Listings'), ' › ',
    link(`/${kind}/${encodeURIComponent(id)}`, kind === 'fact' ? id : data.entity.name), ' › edit'),
  h('h1', {}, `Edit ${kind === 'fact' ? 'fact' : data.entity.name}`));
  await editor(main, { kind, action: 'update', base: data.entity, etag, entity: data.entity, spec });
}

function slug(text) {
  return String(text || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

/** Fills the entity's empty source fields with the proposal's sources. */
function fillSources(kind, entity, sources) {
  if (!sources.length) return;
  if (kind === 'fact') {
    if (!entity.source || (!entity.source.url && !entity.source.citation)) entity.source = { ...sources[0] };
    return;
  }
  if (!entity.sources.length) entity.sources = sources.map((s) => ({ ...s }));
  for (const a of entity.affiliations || []) {
    if (!a.sources.length) a.sources = sources.map((s) => ({ ...s }));
  }
}

async function editor(main, state) {
  const { kind, spec } = state;
  const hide = kind === 'fact' ? [] : ['entity.verification'];
  const fixed = state.action === 'update' ? ['entity.id'] : [];
  const form = h('form', { class: 'editor', novalidate: true });
  const holder = h('div');
  let part = build(spec, { $ref: `#/components/schemas/${SCHEMA_OF[kind]}` }, state.entity, 'entity', null, { hide, fixed });
  holder.append(part.el);

  const sourcesPart = build(spec, { type: 'array', items: { $ref: '#/components/schemas/Source' } },
    state.sources || [{ url: null, citation: null, retrieved: new Date().toISOString().slice(0, 10), listed_by: [] }], 'sources', 'Sources',
    {}, 'Where the new or changed facts come from: a web address (http or https) or a citation, and the date you read it. At least one.');
  const fill = h('input', { type: 'checkbox', checked: true, id: 'fill-sources' });
  const reason = h('textarea', { rows: 3, 'data-field': 'reason', 'aria-required': 'true' });
  reason.value = state.reason || '';
  const result = h('div', { id: 'edit-result' });
  form.append(
    h('section', { 'aria-labelledby': 'entity-h' }, h('h2', { id: 'entity-h' }, pretty(kind)), holder),
    h('section', { 'aria-labelledby': 'proposal-h' },
      h('h2', { id: 'proposal-h' }, 'Your proposal'),
      sourcesPart.el,
      h('p', { class: 'check' }, fill, h('label', { for: 'fill-sources' },
        'Use these sources for the listing’s source fields that are still empty')),
      labelled('Reason', reason, 'Why this change is right, for the reviewer and the audit trail (at least 10 characters).').wrap),
    h('button', { type: 'submit' }, state.action === 'create' ? 'Send proposal' : 'Send proposed change'),
    result);
  main.append(form);

  // A new listing's id follows its name until the curator types one.
  const idInput = form.querySelector('[data-field="entity.id"]');
  const nameInput = form.querySelector('[data-field="entity.name"]');
  if (state.action === 'create' && idInput && nameInput) {
    nameInput.addEventListener('input', () => {
      if (!idInput.dataset.touched) idInput.value = slug(nameInput.value);
    });
    idInput.addEventListener('input', () => { idInput.dataset.touched = '1'; });
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    result.replaceChildren();
    clearFieldErrors(form);
    const entity = part.read();
    const sources = sourcesPart.read().filter((s) => s.url || s.citation || (s.listed_by && s.listed_by.length));
    if (fill.checked) fillSources(kind, entity, sources);
    if (kind === 'fact' && !entity.id) {
      entity.id = slug(`${entity.subject.id}-${entity.metric}-${entity.as_of}`);
      if (idInput) idInput.value = entity.id;
    }
    const body = { kind, action: state.action, id: entity.id, entity, reason: reason.value.trim(), sources };
    try {
      const { data } = await api('POST', '/v1/curation/proposals', { body, ifMatch: state.etag || undefined });
      announce(`Proposal ${data.id} sent for review.`);
      go(`/proposal/${data.id}`);
    } catch (err) {
      if (err.status === 412) {
        await conflict(main, form, state, entity, sources, reason.value);
        return;
      }
      const placed = showFieldErrors(form, err.problem);
      const box = problemBox(err.problem, placed ? 'Please correct the marked fields' : 'The proposal was not accepted');
      result.append(box);
      box.focus();
    }
  });
}

/** The 412 view: what others changed meanwhile, and re-applying ours. */
async function conflict(main, form, state, mine, sources, reasonText) {
  const { kind } = state;
  const { data, etag } = await api('GET', `/v1/curation/${plural(kind)}/${encodeURIComponent(state.base.id)}`);
  const theirs = data.entity;
  const mineChanges = changes(state.base, mine);
  const theirChanges = changes(state.base, theirs);
  const rows = [...new Set([...theirChanges, ...mineChanges].map((c) => c.path))].map((path) => {
    const get = (o) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);
    const changedBy = (list) => list.some((c) => c.path === path);
    return {
      path,
      values: [
        get(state.base),
        changedBy(theirChanges) ? get(theirs) : new Note('(not changed since)'),
        changedBy(mineChanges) ? get(mine) : new Note('(not changed by you)'),
      ],
    };
  });
  const revision = (etag) => (etag || '').replace(/[^0-9]/g, '');
  const clash = mineChanges.filter((c) => theirChanges.some((t) => t.path === c.path));
  const panel = h('section', { class: 'conflict', 'aria-labelledby': 'conflict-h', tabindex: '-1', id: 'conflict' },
    h('h2', { id: 'conflict-h' }, 'Someone changed this listing meanwhile'),
    h('p', {}, `You started from revision ${revision(state.etag)}; the listing is now at revision ${revision(etag)}. Your change was not sent.`),
    diffTable(rows, 'What changed', ['When you started', 'Now', 'Your edit']),
    clash.length ? h('p', { class: 'warn' }, `You and the other change both touched: ${clash.map((c) => pretty(c.path)).join(', ')}. Re-applying keeps your value for these.`) : null,
    h('button', { type: 'button', id: 'reapply' }, 'Re-apply my edit to the new version'),
    ' ',
    link(`/${kind}/${encodeURIComponent(state.base.id)}`, 'Discard my edit', { class: 'button secondary' }));
  panel.querySelector('#reapply').addEventListener('click', async () => {
    // Start from the current version and set each field this curator changed.
    const merged = JSON.parse(JSON.stringify(theirs));
    for (const c of mineChanges) {
      const keys = c.path.split('.');
      let at = merged;
      for (const k of keys.slice(0, -1)) { at[k] = at[k] ?? {}; at = at[k]; }
      at[keys[keys.length - 1]] = c.after;
    }
    main.replaceChildren(h('h1', {}, `Edit ${kind === 'fact' ? 'fact' : theirs.name}`),
      h('div', { class: 'notice', role: 'status' }, `Your edit is re-applied to revision ${revision(etag)}. Check it and send it again.`));
    await editor(main, { ...state, base: theirs, etag, entity: merged, sources, reason: reasonText });
    main.querySelector('h1').setAttribute('tabindex', '-1');
    main.querySelector('h1').focus();
  });
  form.hidden = true;
  main.append(panel);
  panel.focus();
}
