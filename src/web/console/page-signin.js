// Sign in by pasting an API token; it is checked with GET /v1/curation/me
// before it is kept (in this tab's sessionStorage only).

import { api } from './api.js';
import { h, labelled, problemBox } from './dom.js';
import { signedIn, go } from './app.js';

export async function render({ main, params }) {
  const token = h('input', {
    type: 'password', name: 'token', autocomplete: 'off', spellcheck: 'false', required: true,
  });
  const field = labelled('API token', token,
    'Paste the token you were given (it starts with sdt_). It is kept in this browser tab only and forgotten when you sign out or close the tab.');
  const out = h('div', { id: 'signin-result' });
  const msg = params.get('msg');
  const form = h('form', { class: 'card', novalidate: true },
    field.wrap,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren();
    const value = token.value.trim();
    if (!value) {
      out.append(problemBox({ detail: 'Paste your API token first.' }, 'No token'));
      token.focus();
      return;
    }
    try {
      const { data } = await api('GET', '/v1/curation/me', { token: value });
      signedIn(data, value);
      go('/');
    } catch (e) {
      const refused = e.status === 401
        ? 'This token is not accepted: it is unknown, revoked or expired, or its account is inactive. Ask an administrator for a new one.'
        : e.problem.detail;
      const box = problemBox({ ...e.problem, detail: refused, errors: [] }, 'Sign-in refused');
      out.append(box);
      box.focus();
    }
  });
  main.append(...[
    h('h1', {}, 'Sign in'),
    h('p', {}, 'The console is for the directory\'s volunteer curators, reviewers and administrators.'),
    msg ? h('div', { class: 'notice', role: 'alert' }, msg) : null,
    form,
    out,
  ].filter(Boolean));
}
