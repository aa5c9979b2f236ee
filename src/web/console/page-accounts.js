// Accounts (administrators): create curators and reviewers, show a new
// token once with a copy button, issue and revoke tokens, deactivate
// accounts.

import { api, all } from './api.js';
import { h, labelled, problemBox, showFieldErrors, announce, pretty } from './dom.js';
import { go, currentAccount } from './app.js';

export async function render({ main }) {
  main.append(h('h1', {}, 'Accounts'), createForm(main));
  const accounts = await all('/v1/curation/accounts', 1000);
  const list = h('ul', { class: 'cards', id: 'accounts' });
  for (const a of accounts) list.append(await accountCard(main, a));
  main.append(h('section', { 'aria-labelledby': 'all-h' }, h('h2', { id: 'all-h' }, `All accounts (${accounts.length})`), list));
}

/** The token, shown once: the API keeps only its hash. */
function tokenOnce(token, who) {
  const field = h('input', { type: 'text', readonly: true, value: token, id: 'new-token', spellcheck: 'false' });
  const copy = h('button', { type: 'button', class: 'secondary', id: 'copy-token' }, 'Copy token');
  const said = h('span', { role: 'status' });
  copy.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(token);
      said.textContent = ' Copied.';
    } catch {
      said.textContent = ' Select the token and copy it with your keyboard (Ctrl+C).';
    }
  });
  return h('div', { class: 'token-once', role: 'alert', tabindex: '-1' },
    h('h3', {}, `New token for ${who}`),
    h('p', {}, 'Copy it now and hand it over privately: it is shown this once and cannot be read again.'),
    labelled('Token', field).wrap, copy, said);
}

function createForm(main) {
  const name = h('input', { type: 'text', 'data-field': 'display_name', autocomplete: 'off' });
  const role = h('select', { 'data-field': 'role' }, ['curator', 'reviewer', 'admin'].map((r) => h('option', { value: r }, pretty(r))));
  const days = h('input', { type: 'number', min: 1, max: 3650, 'data-field': 'token_expires_in_days' });
  const out = h('div', { id: 'create-result' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'create-h', novalidate: true },
    h('h2', { id: 'create-h' }, 'Create an account'),
    labelled('Display name', name, 'Shown publicly in listings’ history.').wrap,
    labelled('Role', role).wrap,
    labelled('Token expires in (days)', days, 'Leave empty for a token that does not expire.').wrap,
    h('button', { type: 'submit' }, 'Create account'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const body = { display_name: name.value.trim(), role: role.value };
    if (days.value) body.token_expires_in_days = Number(days.value);
    try {
      const { data } = await api('POST', '/v1/curation/accounts', { body });
      const once = tokenOnce(data.token.token, data.account.display_name);
      out.append(once);
      announce(`Account created for ${data.account.display_name}.`);
      once.focus();
      name.value = '';
    } catch (err) {
      showFieldErrors(form, err.problem);
      out.append(problemBox(err.problem, 'Not created'));
    }
  });
  return form;
}

async function accountCard(main, a) {
  const { data: detail } = await api('GET', `/v1/curation/accounts/${encodeURIComponent(a.id)}`);
  const out = h('div');
  const self = currentAccount().id === a.id;
  const toggle = h('button', { type: 'button', class: a.active ? 'danger' : 'secondary', disabled: self || null },
    a.active ? `Deactivate ${a.display_name}` : `Reactivate ${a.display_name}`);
  toggle.addEventListener('click', async () => {
    try {
      await api('PATCH', `/v1/curation/accounts/${encodeURIComponent(a.id)}`, { body: { active: !a.active } });
      announce(a.active ? 'Account deactivated.' : 'Account reactivated.');
      go('/accounts');
    } catch (err) { out.replaceChildren(problemBox(err.problem)); }
  });
  const issue = h('button', { type: 'button', class: 'secondary' }, `New token for ${a.display_name}`);
  issue.addEventListener('click', async () => {
    try {
      const { data } = await api('POST', `/v1/curation/accounts/${encodeURIComponent(a.id)}/tokens`, { body: {} });
      const once = tokenOnce(data.token, a.display_name);
      out.replaceChildren(once);
      once.focus();
    } catch (err) { out.replaceChildren(problemBox(err.problem)); }
  });
  const tokens = detail.tokens.map((t) => {
    const live = !t.revoked_at;
    const revoke = live ? h('button', { type: 'button', class: 'link-button', 'data-token': t.id },
      `Revoke token ${t.label || t.id}`) : null;
    if (revoke) {
      revoke.addEventListener('click', async () => {
        try {
          await api('DELETE', `/v1/curation/tokens/${encodeURIComponent(t.id)}`);
          announce('Token revoked.');
          go('/accounts');
        } catch (err) { out.replaceChildren(problemBox(err.problem)); }
      });
    }
    return h('li', {}, `${t.label || t.id} · created ${t.created_at.slice(0, 10)}`,
      t.expires_at ? ` · expires ${t.expires_at.slice(0, 10)}` : '',
      t.revoked_at ? ` · revoked ${t.revoked_at.slice(0, 10)}` : '', ' ', revoke);
  });
  return h('li', { class: 'card', 'data-account': a.id },
    h('h3', {}, a.display_name, ' ', h('span', { class: 'badge' }, a.role), a.active ? null : h('span', { class: 'badge status-archived' }, 'inactive')),
    h('p', { class: 'muted' }, `${a.id} · since ${a.created_at.slice(0, 10)}`),
    tokens.length ? h('ul', { class: 'tokens' }, tokens) : h('p', {}, 'No tokens.'),
    h('p', { class: 'actions' }, issue, ' ', toggle), out);
}
