// The site's only way to the server: the public JSON API, no credentials.

/** A non-2xx answer: `problem` is its problem+json body. */
export class ApiProblem extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || { status, detail: `HTTP ${status}` };
  }
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(path, { credentials: 'omit', ...init });
  } catch {
    throw new ApiProblem(0, { status: 0, detail: null });
  }
  return response;
}

async function problemOf(response) {
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return new ApiProblem(response.status, data);
}

/** GET a JSON resource; throws ApiProblem when the answer is not 2xx. */
export async function get(path) {
  const response = await call(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw await problemOf(response);
  return response.json();
}

/**
 * POSTs a letter request; returns {blob, filename}. The answer is never
 * cached (the server says no-store) and nothing is kept here either.
 */
export async function postDocument(path, body) {
  const response = await call(path, {
    method: 'POST',
    cache: 'no-store',
    headers: { 'Content-Type': 'application/json', Accept: '*/*' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await problemOf(response);
  const disposition = response.headers.get('Content-Disposition') || '';
  const m = disposition.match(/filename="([^"]+)"/);
  return { blob: await response.blob(), filename: m ? m[1] : 'letter' };
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
