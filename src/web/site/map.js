// A small map of the results, drawn only when the server names a tile
// server (MAP_TILE_URL, in /site/config.json): tiles as images, one
// numbered marker per centre with known coordinates, positioned with the
// Web Mercator projection. No library. The list beside it says everything
// the map shows, so the map is hidden from screen readers and its markers
// are not in the tab order; if a tile fails to load, the map goes away
// rather than show a broken one.

import { get } from './api.js';
import { h } from './dom.js';

const TILE = 256;
const HEIGHT = 320;
const MAX_ZOOM = 12;

let configPromise = null;
/** The server's map settings ({tiles, attribution}) or null. */
export function mapSettings() {
  if (!configPromise) configPromise = get('/site/config.json').then((c) => c.map).catch(() => null);
  return configPromise;
}

/** World pixel coordinates at zoom 0. */
function project(lat, lon) {
  const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return {
    x: ((lon + 180) / 360) * TILE,
    y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * TILE,
  };
}

function tileUrl(template, z, x, y) {
  return template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
}

/**
 * Draws `points` ([{lat, lon, n, name, href}]) into `holder`, `width`
 * pixels wide; `centre` ({lat, lon}) is the searched place, if any.
 */
export function drawMap(holder, settings, points, centre, width) {
  holder.replaceChildren();
  const all = centre ? [...points, { ...centre }] : points;
  if (!settings || points.length === 0 || width < 200) { holder.hidden = true; return; }
  const px = all.map((p) => project(p.lat, p.lon));
  const minX = Math.min(...px.map((p) => p.x));
  const maxX = Math.max(...px.map((p) => p.x));
  const minY = Math.min(...px.map((p) => p.y));
  const maxY = Math.max(...px.map((p) => p.y));
  let z = MAX_ZOOM;
  while (z > 0 && ((maxX - minX) * 2 ** z > width - 60 || (maxY - minY) * 2 ** z > HEIGHT - 60)) z -= 1;
  if (all.length === 1) z = Math.min(z, 9);
  const scale = 2 ** z;
  const left = ((minX + maxX) / 2) * scale - width / 2;
  const top = ((minY + maxY) / 2) * scale - HEIGHT / 2;
  const frame = h('div', { class: 'map', 'aria-hidden': 'true' });
  frame.style.height = `${HEIGHT}px`;
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    holder.replaceChildren();
    holder.hidden = true;
  };
  const count = 2 ** z;
  for (let ty = Math.floor(top / TILE); ty <= Math.floor((top + HEIGHT) / TILE); ty += 1) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx += 1) {
      const wrapped = ((tx % count) + count) % count;
      const img = h('img', { src: tileUrl(settings.tiles, z, wrapped, ty), alt: '', width: TILE, height: TILE, class: 'tile', draggable: 'false' });
      img.style.left = `${Math.round(tx * TILE - left)}px`;
      img.style.top = `${Math.round(ty * TILE - top)}px`;
      img.addEventListener('error', fail);
      frame.append(img);
    }
  }
  if (centre) {
    const p = project(centre.lat, centre.lon);
    const dot = h('span', { class: 'map-here' });
    dot.style.left = `${Math.round(p.x * scale - left)}px`;
    dot.style.top = `${Math.round(p.y * scale - top)}px`;
    frame.append(dot);
  }
  for (const point of points) {
    const p = project(point.lat, point.lon);
    const marker = h('a', { class: 'marker', href: point.href, tabindex: '-1', title: point.name }, String(point.n));
    marker.style.left = `${Math.round(p.x * scale - left)}px`;
    marker.style.top = `${Math.round(p.y * scale - top)}px`;
    frame.append(marker);
  }
  holder.append(frame, h('p', { class: 'map-credit' }, settings.attribution));
  holder.hidden = false;
}
