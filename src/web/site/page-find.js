// Find a centre: by name (type-ahead from /v1/suggest), by country and
// region (with counts from /v1/centres/facets), or near the reader
// (browser geolocation) or near a typed city. The search lives in the
// address (#/?country=DE&region=...), so Back and bookmarks work.

import { get, qs } from './api.js';
import { h, newId, announce } from './dom.js';
import { t, countryName } from './i18n.js';
import { mapSettings, drawMap } from './map.js';

const RADII = [25, 50, 100, 250, 500];
let resizeTimer = null;

/** The search the address describes. */
function searchOf(params) {
  const s = {};
  for (const k of ['q', 'country', 'region', 'city', 'near', 'radius', 'place']) {
    const v = params.get(k);
    if (v) s[k] = v;
  }
  return s;
}

/** The API filters for a search. */
function filters(s) {
  return {
    q: s.q,
    country: s.country,
    region: s.region,
    city: s.city,
    near: s.near,
    radius_km: s.near ? (s.radius || '100') : undefined,
  };
}

function go(s) {
  location.hash = `#/${qs(s)}`;
}

/** A select's options from facet counts: "Germany (22)". */
function facetOptions(select, anyText, counts, chosen, labelOf) {
  select.replaceChildren(h('option', { value: '' }, anyText),
    ...counts.map((c) => h('option', { value: c.value, selected: c.value === chosen },
      `${labelOf(c)} (${c.count})`)));
  if (chosen && !counts.some((c) => c.value === chosen)) {
    select.append(h('option', { value: chosen, selected: true }, `${chosen} (0)`));
  }
  select.value = chosen || '';
}

function fieldWithHint(labelText, control, hintText) {
  control.id = control.id || newId('f');
  const parts = [h('label', { for: control.id }, labelText)];
  if (hintText) {
    const hid = `${control.id}-hint`;
    parts.push(h('p', { class: 'hint', id: hid }, hintText));
    control.setAttribute('aria-describedby', hid);
  }
  parts.push(control);
  return h('div', { class: 'field' }, parts);
}

function showFieldError(control, message) {
  clearFieldError(control);
  const id = `${control.id}-err`;
  control.insertAdjacentElement('afterend', h('p', { class: 'field-error', id }, message));
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') || ''} ${id}`.trim());
  control.focus();
  announce(message);
}

function clearFieldError(control) {
  const old = document.getElementById(`${control.id}-err`);
  if (old) old.remove();
  control.removeAttribute('aria-invalid');
  const d = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err')).join(' ');
  if (d) control.setAttribute('aria-describedby', d); else control.removeAttribute('aria-describedby');
}

/** Accent- and case-insensitive form of a name. */
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();

/**
 * Centres near a typed city: the city as /v1/suggest knows it, its
 * position from a centre there (the directory's own GeoNames
 * coordinates), then a `near` search. A city whose centres have no
 * position is searched by name instead (no distances, and the page says so).
 */
async function nearCity(text, radius) {
  const found = (await get(`/v1/suggest${qs({ q: text, limit: 20 })}`)).items.filter((i) => i.kind === 'city');
  const city = found.find((c) => fold(c.label) === fold(text)) || found[0];
  if (!city) return false;
  const there = (await get(`/v1/centres${qs({ city: city.label, country: city.country, limit: 50 })}`)).items;
  const placed = there.find((c) => c.coordinates);
  if (placed) {
    go({ near: `${placed.coordinates.lat},${placed.coordinates.lon}`, radius, place: city.label });
  } else {
    go({ city: city.label, country: city.country, place: city.label });
  }
  return true;
}

function verificationBadge(v) {
  const text = v.status === 'verified' ? t('verified', { date: v.last_verified })
    : v.status === 'needs_review' ? t('needsReview', { date: v.last_verified }) : t('unverified');
  return h('span', { class: `badge ${v.status}` }, text);
}

function resultItem(c, n) {
  const where = [c.address.city, countryName(c.address.country)].filter(Boolean).join(', ');
  return h('li', {},
    h('h3', {}, n && c.coordinates ? h('span', { class: 'n' }, `${n}. `) : null,
      h('a', { href: `#/centre/${encodeURIComponent(c.id)}` }, c.name)),
    c.institution && c.institution !== c.name ? h('p', {}, c.institution) : null,
    h('p', {}, where,
      typeof c.distance_km === 'number' ? ` · ${t('kmAway', { km: Math.round(c.distance_km) })}` : ''),
    h('p', {}, verificationBadge(c.verification)));
}

export async function render({ main, params }) {
  const s = searchOf(params);

  // --- by name, country and region ---
  const q = h('input', { type: 'text', id: 'q', name: 'q', autocomplete: 'off', value: s.q || '' });
  const suggestList = h('ul', { class: 'suggest', id: 'suggestions', 'aria-label': t('suggestions') });
  suggestList.hidden = true;
  const country = h('select', { id: 'country', name: 'country' });
  const region = h('select', { id: 'region', name: 'region' });
  const regionField = fieldWithHint(t('region'), region);
  const form = h('form', { role: 'search', id: 'find-form', novalidate: true },
    h('div', { class: 'search-grid' },
      h('div', {}, fieldWithHint(t('byName'), q, t('byNameHint')), suggestList),
      h('div', {}, fieldWithHint(t('country'), country), regionField)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'search' }, t('search')),
      h('button', { type: 'button', class: 'secondary', onclick: () => go({}) }, t('clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ q: q.value.trim(), country: country.value, region: country.value ? region.value : '' });
  });

  // --- near me, near a city ---
  const cityInput = h('input', { type: 'text', id: 'near-city', name: 'city', autocomplete: 'address-level2', value: s.place && s.place !== 'me' ? s.place : '' });
  const radius = h('select', { id: 'radius', name: 'radius' },
    RADII.map((r) => h('option', { value: String(r), selected: String(r) === (s.radius || '100') }, `${r} km`)));
  const nearForm = h('form', { id: 'near-form', novalidate: true },
    fieldWithHint(t('nearCity'), cityInput),
    fieldWithHint(t('radius'), radius),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'near-city-go' }, t('nearCityButton'))));
  nearForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldError(cityInput);
    const text = cityInput.value.trim();
    if (!text) { showFieldError(cityInput, t('requiredMissing')); return; }
    if (!(await nearCity(text, radius.value))) showFieldError(cityInput, t('cityUnknown', { city: text }));
  });
  const meButton = h('button', { type: 'button', class: 'secondary', id: 'near-me', 'aria-describedby': 'near-me-hint' }, t('nearMe'));
  meButton.addEventListener('click', () => {
    if (!navigator.geolocation) { announce(t('geoRefused', { why: '—' })); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => go({ near: `${pos.coords.latitude.toFixed(4)},${pos.coords.longitude.toFixed(4)}`, radius: radius.value, place: 'me' }),
      (err) => {
        const msg = t('geoRefused', { why: err.message || err.code });
        geoMsg.textContent = msg;
        announce(msg);
      },
      { timeout: 15000, maximumAge: 600000 });
  });
  const geoMsg = h('p', { class: 'field-error', id: 'geo-msg' });

  const resultsList = h('ul', { class: 'results', id: 'results' });
  const summary = h('p', { id: 'results-summary' });
  const mapHolder = h('div', { id: 'map' });
  mapHolder.hidden = true;
  const more = h('button', { type: 'button', class: 'secondary', id: 'more' }, t('more'));
  more.hidden = true;

  main.append(
    h('h1', {}, t('findTitle')),
    h('p', { class: 'lead' }, t('findIntro')),
    h('section', { class: 'panel', 'aria-labelledby': 'by-name-h' },
      h('h2', { id: 'by-name-h', class: 'visually-hidden' }, t('search')), form),
    h('section', { class: 'panel', 'aria-labelledby': 'near-h' },
      h('h2', { id: 'near-h' }, t('nearTitle')),
      h('div', { class: 'actions' }, meButton),
      h('p', { class: 'hint', id: 'near-me-hint' }, t('nearMeHint')), geoMsg,
      nearForm),
    h('section', { 'aria-labelledby': 'results-h' },
      h('h2', { id: 'results-h' }, t('resultsTitle')), summary, mapHolder, resultsList, more));

  // Type-ahead: suggestions as links and buttons under the field, their
  // number announced; nothing moves focus while the reader types.
  let timer = null;
  let asked = 0;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = q.value.trim();
      const ticket = ++asked;
      if (text.length < 2) { suggestList.hidden = true; suggestList.replaceChildren(); return; }
      let items = [];
      try {
        items = (await get(`/v1/suggest${qs({ q: text, limit: 8 })}`)).items;
      } catch { items = []; }
      if (ticket !== asked) return;
      const rows = items.map((i) => suggestion(i)).filter(Boolean);
      suggestList.replaceChildren(...rows);
      suggestList.hidden = rows.length === 0;
      announce(rows.length ? t('suggestionsCount', { n: rows.length }) : t('noSuggestions'));
    }, 250);
  });

  function suggestion(i) {
    // The country by name (suggestions give regions only as ISO codes).
    const where = i.country ? countryName(i.country) : '';
    if (i.kind === 'centre') {
      return h('li', {}, h('a', { href: `#/centre/${encodeURIComponent(i.id)}` }, i.label,
        h('span', { class: 'kind' }, where)));
    }
    if (i.kind === 'city') {
      return h('li', {}, h('button', { type: 'button', class: 'link', onclick: async () => {
        if (!(await nearCity(i.label, radius.value))) announce(t('cityUnknown', { city: i.label }));
      } }, t('suggestCity', { city: i.label }), h('span', { class: 'kind' }, where)));
    }
    if (i.kind === 'region' && i.id) {
      return h('li', {}, h('a', { href: `#/${qs({ country: i.country, region: i.id })}` }, t('suggestRegion', { region: i.label }),
        h('span', { class: 'kind' }, where)));
    }
    if (i.kind === 'country' && i.id) {
      return h('li', {}, h('a', { href: `#/${qs({ country: i.id })}` }, t('suggestRegion', { region: countryName(i.id) })));
    }
    return null;
  }

  // Counts for the pickers: countries for the other filters, regions
  // within the chosen country.
  const f = filters(s);
  const countryFacets = get(`/v1/centres/facets${qs({ ...f, country: undefined, region: undefined })}`);
  const regionFacets = s.country ? get(`/v1/centres/facets${qs({ ...f, region: undefined })}`) : null;
  async function loadRegions(code, chosen) {
    if (!code) { regionField.hidden = true; return; }
    const facets = code === s.country && regionFacets ? await regionFacets
      : await get(`/v1/centres/facets${qs({ ...f, country: code, region: undefined })}`);
    facetOptions(region, t('anyRegion'), facets.region, chosen, (c) => c.label || c.value);
    regionField.hidden = facets.region.length === 0 && !chosen;
  }
  country.addEventListener('change', () => loadRegions(country.value, ''));

  const [cf] = await Promise.all([countryFacets, loadRegions(s.country, s.region)]);
  facetOptions(country, t('anyCountry'), cf.country, s.country, (c) => countryName(c.value));

  // The results, a page at a time; on a map too when a tile server is
  // configured (numbered as in the list).
  const settings = await mapSettings();
  const items = [];
  let cursor = null;
  let shown = 0;
  const [nearLat, nearLon] = (s.near || '').split(',').map(Number);
  const here = s.near && !Number.isNaN(nearLat) ? { lat: nearLat, lon: nearLon } : null;
  function redraw() {
    const points = items.map((c, i) => (c.coordinates ? {
      lat: c.coordinates.lat, lon: c.coordinates.lon, n: i + 1, name: c.name, href: `#/centre/${encodeURIComponent(c.id)}`,
    } : null)).filter(Boolean);
    drawMap(mapHolder, settings, points, here, resultsList.clientWidth || main.clientWidth);
  }
  async function page() {
    const data = await get(`/v1/centres${qs({ ...f, limit: 20, cursor })}`);
    resultsList.append(...data.items.map((c, i) => resultItem(c, settings ? items.length + i + 1 : 0)));
    items.push(...data.items);
    shown += data.items.length;
    cursor = data.next_cursor;
    more.hidden = !cursor;
    if (settings) redraw();
    return data;
  }
  if (settings) {
    clearTimeout(resizeTimer);
    window.onresize = () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { if (mapHolder.isConnected) redraw(); }, 100);
    };
  }
  more.addEventListener('click', async () => {
    const before = shown;
    await page();
    const first = resultsList.children[before];
    if (first) first.querySelector('a').focus();
  });
  await page();
  const { total } = await get(`/v1/centres/facets${qs(f)}`);
  const place = s.place === 'me' ? t('yourLocation') : s.place;
  let text;
  if (shown === 0) text = t('noResults');
  else if (s.near) text = t('resultsNear', { n: total, km: s.radius || '100', place: place || s.near });
  else if (s.city) text = t('resultsCity', { n: total, place: s.city });
  else text = t('resultsCount', { n: total });
  summary.textContent = text;
  if (params.toString()) announce(text);
}
