// The site's page helpers, on top of dom-core.js (h(): every piece of API
// text goes in as a text node, never as markup).

import { h } from './dom-core.js';

export { h, newId, announce } from './dom-core.js';

/** Shows a source: its URL as a link (http(s) only) and its citation. */
export function sourceText(s) {
  const parts = [];
  if (s.url && /^https?:\/\//.test(s.url)) {
    parts.push(h('a', { href: s.url, rel: 'noopener noreferrer' }, s.url));
  } else if (s.url) {
    parts.push(s.url);
  }
  if (s.citation) parts.push(parts.length ? ` (${s.citation})` : s.citation);
  return h('span', { class: 'source' }, parts);
}

/** A link to a route of the site. */
export function link(route, text, attrs = {}) {
  return h('a', { href: `#${route}`, ...attrs }, text);
}
