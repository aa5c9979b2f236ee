// Proposals: "mine" and "awaiting review", one proposal's field-by-field
// diff with its sources, approve / reject / withdraw, and batch approval
// of selected proposals (POST /v1/curation/proposals/approve).

import { api, all, qs, plural } from './api.js';
import { h, labelled, link, problemBox, showFieldErrors, announce, facts, sourceText, pretty, stackable } from './dom.js';
import { changes, diffTable } from './diff.js';
import { hasRole, currentAccount, go } from './app.js';

export async function renderList({ main, params }) {
  const me = currentAccount();
  const reviewer = hasRole('reviewer');
  const tab = reviewer && params.get('tab') !== 'mine' ? 'review' : 'mine';
  const status = params.get('status') || 'open';
  main.append(h('h1', {}, 'Proposals'));
  if (reviewer) {
    main.append(h('ul', { class: 'tabs' },
      h('li', {}, link(`/proposals${qs({ tab: 'review' })}`, 'Awaiting review', { 'aria-current': tab === 'review' ? 'true' : null })),
      h('li', {}, link(`/proposals${qs({ tab: 'mine' })}`, 'Mine', { 'aria-current': tab === 'mine' ? 'true' : null }))));
  }
  if (tab === 'mine') {
    const sel = h('select', {}, ['open', 'approved', 'rejected', 'withdrawn'].map((s) => h('option', { value: s, selected: s === status }, pretty(s))));
    sel.addEventListener('change', () => go(`/proposals${qs({ tab: 'mine', status: sel.value })}`));
    main.append(h('div', { class: 'search' }, labelled('Status', sel).wrap));
    const items = await all(`/v1/curation/proposals${qs({ proposed_by: me.id, status })}`, 500);
    main.append(items.length ? proposalTable(items, null) : h('p', {}, 'No proposals.'));
    return;
  }
  const items = await all(`/v1/curation/proposals${qs({ status: 'open' })}`, 1000);
  if (!items.length) { main.append(h('p', {}, 'Nothing awaits review.')); return; }
  const picks = new Map();
  const table = proposalTable(items, picks, me.id);
  const selectAll = h('button', { type: 'button', class: 'secondary', id: 'select-all' }, 'Select all others’ proposals');
  selectAll.addEventListener('click', () => { for (const box of picks.values()) box.checked = true; });
  const mode = h('select', { id: 'batch-mode' },
    h('option', { value: 'each' }, 'Approve each that can be (others stay open)'),
    h('option', { value: 'all' }, 'All or nothing'));
  const note = h('input', { type: 'text', id: 'batch-note' });
  const out = h('div', { id: 'batch-result' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'batch-h' },
    h('h2', { id: 'batch-h' }, 'Approve a batch'),
    h('p', {}, 'Tick the proposals above, or select all. Your own proposals cannot be approved by you.'),
    selectAll,
    labelled('Mode', mode).wrap,
    labelled('Note for the record (optional)', note).wrap,
    h('button', { type: 'submit' }, 'Approve selected'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const chosen = items.filter((p) => picks.get(p.id) && picks.get(p.id).checked);
    if (!chosen.length) { out.append(problemBox({ detail: 'Select at least one proposal.' }, 'Nothing selected')); return; }
    const body = { mode: mode.value, proposals: chosen.map((p) => ({ id: p.id, etag: `"r${p.revision}"` })) };
    if (note.value.trim()) body.reason = note.value.trim();
    out.append(h('p', { role: 'status' }, `Approving ${chosen.length}…`));
    let results;
    let heading;
    try {
      const { data } = await api('POST', '/v1/curation/proposals/approve', { body });
      results = data.results;
      heading = `${data.approved} of ${chosen.length} approved`;
    } catch (err) {
      if (!err.problem.results) { out.replaceChildren(problemBox(err.problem, 'The batch was not approved')); return; }
      results = err.problem.results;
      heading = 'Nothing was applied: some proposals could not be approved';
    }
    for (const r of results) {
      if (r.status !== 200) continue;
      const box = picks.get(r.id);
      if (box) { box.checked = false; box.disabled = true; }
      const badge = table.querySelector(`[data-proposal="${r.id}"] .badge`);
      if (badge) { badge.textContent = 'approved'; badge.className = 'badge status-approved'; }
    }
    out.replaceChildren(h('h3', { tabindex: '-1', id: 'batch-heading' }, heading),
      h('ul', { id: 'batch-rows' }, results.map((r) => h('li', { class: r.status === 200 ? 'ok' : 'bad' },
        link(`/proposal/${r.id}`, `#${r.id}`), ': ',
        r.status === 200 ? 'approved' : `${r.status} ${r.problem ? r.problem.detail : ''}`))));
    announce(heading);
    out.querySelector('#batch-heading').focus();
  });
  main.append(table, form);
}

function proposalTable(items, picks, myId) {
  return h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'proposals' },
    h('caption', { class: 'visually-hidden' }, 'Proposals'),
    h('thead', {}, h('tr', {},
      picks ? h('th', { scope: 'col' }, 'Select') : null,
      ['Proposal', 'Listing', 'By', 'When', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map((p) => {
      let pick = null;
      if (picks) {
        if (p.proposed_by.id === myId) {
          pick = h('td', { class: 'muted' }, 'yours');
        } else {
          const box = h('input', { type: 'checkbox', id: `pick-${p.id}`, 'aria-label': `Select proposal ${p.id}` });
          picks.set(p.id, box);
          pick = h('td', {}, box);
        }
      }
      return h('tr', { 'data-proposal': p.id }, pick,
        h('td', {}, link(`/proposal/${p.id}`, `#${p.id} ${p.action}`)),
        h('td', {}, `${p.kind} ${p.entity_id}`),
        h('td', {}, p.proposed_by.display_name),
        h('td', {}, p.proposed_at.slice(0, 16).replace('T', ' ')),
        h('td', {}, h('span', { class: `badge status-${p.status}` }, p.status)));
    })))));
}

/** The entity as it was at the proposal's base revision. */
async function baseOf(p) {
  if (p.base_revision === null) return null;
  if (hasRole('reviewer')) {
    const trail = await all(`/v1/curation/audit${qs({ kind: p.kind, entity_id: p.entity_id })}`, 1000);
    const at = trail.find((a) => a.revision === p.base_revision);
    if (at) return at.after;
  }
  try {
    return (await api('GET', `/v1/curation/${plural(p.kind)}/${encodeURIComponent(p.entity_id)}`)).data.entity;
  } catch {
    return null;
  }
}

export async function renderOne({ main, match }) {
  const id = match[1];
  const me = currentAccount();
  const { data: p, etag } = await api('GET', `/v1/curation/proposals/${id}`);
  const before = await baseOf(p);
  const after = p.action === 'archive' ? (before && p.kind !== 'fact' ? { ...before, status: 'archived' } : null) : p.entity;
  main.append(
    h('p', { class: 'crumb' }, link('/proposals', 'Proposals'), ` › #${p.id}`),
    h('h1', {}, `Proposal #${p.id}: ${p.action} ${p.kind}`),
    facts([
      ['Listing', link(`/${p.kind}/${encodeURIComponent(p.entity_id)}`, p.entity_id)],
      ['Status', h('span', { class: `badge status-${p.status}`, id: 'proposal-status' }, p.status)],
      ['Proposed by', `${p.proposed_by.display_name} on ${p.proposed_at}`],
      ['Reason', p.reason],
      ['Sources', p.sources.length ? h('ul', {}, p.sources.map((s) => h('li', {}, sourceText(s)))) : null],
      p.to_revision ? ['Restores revision', String(p.to_revision)] : null,
      p.decided_by ? ['Decided by', `${p.decided_by.display_name} on ${p.decided_at}`] : null,
      p.decision_reason ? ['Decision note', p.decision_reason] : null,
    ].filter(Boolean)),
    h('section', { 'aria-labelledby': 'diff-h' }, h('h2', { id: 'diff-h' }, 'Changes'),
      p.action === 'revert' && !p.entity
        ? h('p', {}, `Restores the content of revision ${p.to_revision}; see the listing's history.`)
        : p.action === 'create'
          ? diffTable(changes(null, after).map((c) => ({ path: c.path, values: [c.after] })), 'The new listing, field by field', ['Proposed value'])
          : diffTable(changes(before, after), 'Field by field, before and after')),
  );
  if (p.status !== 'open') return;
  const own = p.proposed_by.id === me.id;
  if (own) main.append(withdrawForm(p, etag));
  if (!hasRole('reviewer')) return;
  if (own) {
    main.append(h('p', { class: 'notice', id: 'own-note' },
      'You proposed this, so another reviewer must approve or reject it: the API does not let anyone approve their own proposal.'));
    return;
  }
  main.append(decisionForm(p, etag));
}

function decisionForm(p, etag) {
  const note = h('textarea', { rows: 2, 'data-field': 'reason' });
  const out = h('div', { id: 'decision-result' });
  const approve = h('button', { type: 'submit', value: 'approve', id: 'approve' }, 'Approve and publish');
  const reject = h('button', { type: 'submit', value: 'reject', class: 'danger', id: 'reject' }, 'Reject');
  const form = h('form', { class: 'card', 'aria-labelledby': 'decide-h' },
    h('h2', { id: 'decide-h' }, 'Decide'),
    labelled('Reason or note', note, 'Required to reject; optional when approving.').wrap,
    approve, ' ', reject, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const verdict = ev.submitter && ev.submitter.value === 'reject' ? 'reject' : 'approve';
    out.replaceChildren();
    const text = note.value.trim();
    try {
      await api('POST', `/v1/curation/proposals/${p.id}/${verdict}`,
        { body: text || verdict === 'reject' ? { reason: text || null } : undefined, ifMatch: etag });
      announce(verdict === 'approve' ? 'Approved and published.' : 'Rejected.');
      go(`/proposal/${p.id}`);
    } catch (err) {
      showFieldErrors(form, err.problem);
      const box = problemBox(err.problem, verdict === 'approve' ? 'Not approved' : 'Not rejected');
      out.append(box);
      box.focus();
    }
  });
  return form;
}

function withdrawForm(p, etag) {
  const out = h('div');
  const button = h('button', { type: 'button', class: 'secondary' }, 'Withdraw my proposal');
  button.addEventListener('click', async () => {
    try {
      await api('POST', `/v1/curation/proposals/${p.id}/withdraw`, { ifMatch: etag });
      go(`/proposal/${p.id}`);
    } catch (err) {
      out.replaceChildren(problemBox(err.problem));
    }
  });
  return h('p', {}, button, out);
}
