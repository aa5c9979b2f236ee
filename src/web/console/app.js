// The console's shell: sign-in state, the navigation and a small hash
// router (#/listings?q=...). Each page is an ES module with a render(ctx)
// function that fills <main>.

import { api, session, whenUnauthorized } from './api.js';
import { h, announce } from './dom.js';
import * as signin from './page-signin.js';
import * as queue from './page-queue.js';
import * as listings from './page-listings.js';
import * as listing from './page-listing.js';
import * as edit from './page-edit.js';
import * as proposals from './page-proposals.js';
import * as accounts from './page-accounts.js';
import * as importer from './page-import.js';

const ROUTES = [
  [/^\/signin$/, signin.render, null],
  [/^\/queue$/, queue.render, 'reviewer'],
  [/^\/listings$/, listings.render, 'curator'],
  [/^\/(centre|clinician|fact)\/([^/]+)$/, listing.render, 'curator'],
  [/^\/edit\/(centre|clinician|fact)\/([^/]+)$/, edit.renderEdit, 'curator'],
  [/^\/new\/(centre|clinician|fact)$/, edit.renderNew, 'curator'],
  [/^\/proposals$/, proposals.renderList, 'curator'],
  [/^\/proposal\/(\d+)$/, proposals.renderOne, 'curator'],
  [/^\/accounts$/, accounts.render, 'admin'],
  [/^\/import$/, importer.render, 'curator'],
];

const RANK = { curator: 1, reviewer: 2, admin: 3 };

/** The signed-in account (GET /v1/curation/me), or null. */
let me = null;

export function hasRole(role) {
  return Boolean(me) && RANK[me.role] >= RANK[role];
}

export function currentAccount() { return me; }

export function go(route) {
  if (location.hash === `#${route}`) render();
  else location.hash = `#${route}`;
}

export function signedIn(account, token) {
  session.set(token);
  me = account;
  shell();
}

export function signOut(message) {
  session.clear();
  me = null;
  shell();
  go(message ? `/signin?msg=${encodeURIComponent(message)}` : '/signin');
}

function shell() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  nav.hidden = !me;
  for (const li of nav.querySelectorAll('li[data-role]')) li.hidden = !hasRole(li.dataset.role);
  who.replaceChildren();
  if (me) {
    who.append(
      h('span', {}, 'Signed in as ', h('strong', { id: 'who-name' }, me.display_name), ' ',
        h('span', { class: 'badge', id: 'who-role' }, me.role)),
      h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => signOut() }, 'Sign out'),
    );
  }
}

function markCurrent(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(1);
    if (path === target || path.startsWith(`${target}/`)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

let rendering = 0;
async function render() {
  const raw = location.hash.slice(1);
  if (!raw.startsWith('/')) return; // "#main" is the skip link, not a route
  const [path, query] = raw.split('?');
  const params = new URLSearchParams(query || '');
  const main = document.getElementById('main');
  const ticket = ++rendering;
  if (!me && session.token()) {
    try {
      me = (await api('GET', '/v1/curation/me')).data;
    } catch {
      session.clear();
      me = null;
    }
    shell();
  }
  let found = ROUTES.find(([re]) => re.test(path));
  if (!me && (!found || found[2])) {
    found = ROUTES[0];
    if (path !== '/signin') { location.replace('#/signin'); return; }
  }
  if (!found) {
    location.replace(hasRole('reviewer') ? '#/queue' : '#/listings');
    return;
  }
  const [re, page, role] = found;
  // Each page renders into a view of its own: a page still loading when
  // the volunteer moves on keeps writing into its detached view, never
  // into the next page.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  const focusBefore = document.activeElement;
  markCurrent(path);
  if (role && !hasRole(role)) {
    view.append(h('h1', { tabindex: '-1' }, 'Not for your role'),
      h('p', {}, `This page is for the ${role} role; you are signed in as a ${me.role}.`));
  } else {
    try {
      await page({ main: view, match: path.match(re), params, me });
    } catch (e) {
      if (ticket !== rendering) return;
      view.replaceChildren(h('h1', { tabindex: '-1' }, 'Something went wrong'),
        h('p', { role: 'alert' }, (e.problem && e.problem.detail) || String(e)));
    }
  }
  if (ticket !== rendering) return;
  main.setAttribute('aria-busy', 'false');
  const h1 = view.querySelector('h1');
  document.title = `${h1 ? h1.textContent : 'Curation'} · Curation console`;
  // Focus goes to the new heading, unless the volunteer already moved it
  // into the page while it loaded.
  const moved = document.activeElement !== focusBefore
    && document.activeElement !== document.body && document.activeElement !== main;
  if (!moved) focusHeading(view);
}

function focusHeading(view) {
  const h1 = view.querySelector('h1');
  if (!h1) return;
  h1.setAttribute('tabindex', '-1');
  h1.focus();
}

whenUnauthorized((problem) => {
  announce('Your sign-in is no longer valid.');
  signOut(problem.detail || 'Your token is no longer accepted; sign in again.');
});

document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', render);
if (!location.hash.startsWith('#/')) location.replace('#/');
render();
