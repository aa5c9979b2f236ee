// The console's only way to the server: the public JSON API, with the
// signed-in token as a bearer header. The token lives in this tab's
// sessionStorage only (never a cookie, the URL or localStorage), so it
// goes when the tab closes or the volunteer signs out.

const KEY = 'curation-token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  set: (token) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

/** A non-2xx answer: `problem` is its problem+json body. */
export class ApiProblem extends Error {
  constructor(status, problem, response) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || { status, detail: `The server answered ${status}.` };
    this.response = response;
  }
}

/** Called when a signed-in call is refused with 401 (revoked, expired). */
let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

/**
 * Calls the API. Returns {status, data, etag}; throws ApiProblem for any
 * answer that is not 2xx (and for network failures, as status 0).
 */
export async function api(method, path, { body, ifMatch, token } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const bearer = token || session.token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiProblem(0, { status: 0, detail: 'The server could not be reached. Check the connection and try again.' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const problem = data || { status: response.status, detail: `The server answered ${response.status}.` };
    if (response.status === 401 && !token) onUnauthorized(problem);
    throw new ApiProblem(response.status, problem, response);
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/** All pages of a list (up to `max` items). */
export async function all(path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor ? `${path}${sep}limit=100&cursor=${encodeURIComponent(cursor)}` : `${path}${sep}limit=100`;
    const { data } = await api('GET', url);
    items.push(...data.items);
    cursor = data.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The API's path segment for a kind: centre -> centres. */
export const plural = (kind) => `${kind}s`;
