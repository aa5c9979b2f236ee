// The patient site's shell: its language, the navigation and a small hash
// router (#/?country=DE, #/centre/ID, #/letter?centre=ID). Each page is an
// ES module with a render(ctx) that fills <main>, using the public API.

import { h } from './dom.js';
import { CODES, TABLES, initialLang, setLang, lang, t } from './i18n.js';
import * as find from './page-find.js';
import * as centre from './page-centre.js';
import * as letter from './page-letter.js';

const ROUTES = [
  [/^\/$/, find.render],
  [/^\/centre\/([^/]+)$/, centre.render],
  [/^\/letter$/, letter.render],
];

/** Puts the shell's words (data-t) in the chosen language. */
function shell() {
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  document.getElementById('nav').setAttribute('aria-label', t('siteName'));
  const note = document.getElementById('translation-note');
  note.hidden = lang() === 'en';
  const select = document.getElementById('lang');
  if (!select.options.length) {
    // Each language named in itself, so a reader finds their own.
    for (const code of CODES) {
      select.append(h('option', { value: code, lang: code }, TABLES[code].langName));
    }
    select.addEventListener('change', () => {
      setLang(select.value);
      shell();
      render();
    });
  }
  select.value = lang();
}

function markCurrent(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(1);
    const here = target === '/' ? path === '/' || path.startsWith('/centre/') : path === target;
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

let rendering = 0;
let firstRender = true;

async function render() {
  const raw = location.hash.slice(1) || '/';
  if (!raw.startsWith('/')) return; // "#main" is the skip link, not a route
  const [path, query] = raw.split('?');
  const params = new URLSearchParams(query || '');
  const main = document.getElementById('main');
  const ticket = ++rendering;
  const found = ROUTES.find(([re]) => re.test(path));
  // Each page renders into a view of its own: a page still loading when
  // the reader moves on keeps writing into its detached view.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  markCurrent(path);
  const focusBefore = document.activeElement;
  if (!found) {
    view.append(h('h1', {}, t('notFound')), h('p', {}, h('a', { href: '#/' }, t('backToSearch'))));
  } else {
    try {
      await found[1]({ main: view, match: path.match(found[0]), params, rerender: render });
    } catch (e) {
      if (ticket !== rendering) return;
      const detail = e.problem ? (e.problem.detail || t('offline')) : String(e);
      view.replaceChildren(h('h1', {}, t('errorTitle')), h('p', { role: 'alert' }, detail));
    }
  }
  if (ticket !== rendering) return;
  main.setAttribute('aria-busy', 'false');
  const h1 = view.querySelector('h1');
  document.title = `${h1 ? h1.textContent : t('siteName')} · ${t('siteName')}`;
  // Focus goes to the new heading (not on the first load, where the
  // reader starts at the top), unless they moved it themselves meanwhile.
  const moved = document.activeElement !== focusBefore
    && document.activeElement !== document.body && document.activeElement !== main;
  if (!firstRender && !moved && h1 && !view.dataset.keepFocus) {
    h1.setAttribute('tabindex', '-1');
    h1.focus();
  }
  firstRender = false;
}

document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('main').focus();
});
setLang(initialLang());
shell();
window.addEventListener('hashchange', render);
render();
