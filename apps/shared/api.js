// JSON client for the API under /api on the serving origin.

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;

/** An error answered by the API ({"error": {code, message, fields}}) or a network failure. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 for a network failure)
   * @param {string} code
   * @param {string} message
   * @param {Record<string, string>} [fields]
   */
  constructor(status, code, message, fields = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

export function getCsrfToken() {
  return csrfToken;
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/**
 * Build "/api/path?a=1&b=2", leaving out empty values.
 * @param {string} path
 * @param {Record<string, any>} [params]
 */
export function withQuery(path, params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Call the API. `path` is "/api/..." (or "/..." which gets the /api prefix).
 * Resolves with the parsed JSON body (null for 204); rejects with ApiError.
 * @param {'GET'|'POST'|'PUT'|'PATCH'|'DELETE'} method
 * @param {string} path
 * @param {any} [body]
 */
export async function api(method, path, body) {
  const url = path.startsWith('/api/') || path === '/api' ? path : `/api${path}`;
  const verb = method.toUpperCase();
  const headers = { Accept: 'application/json' };
  const init = { method: verb, headers, credentials: 'same-origin', cache: 'no-store' };
  if (MUTATING.has(verb)) {
    // The API refuses mutating requests that are not JSON (415), even without a body.
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body === undefined ? {} : body);
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  } else if (body !== undefined) {
    throw new TypeError(`${verb} requests take no body`);
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }

  let data = null;
  if (response.status !== 204) {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('application/json')) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
  }

  if (!response.ok) {
    const err = data && data.error ? data.error : null;
    throw new ApiError(
      response.status,
      err && err.code ? err.code : 'http_error',
      err && err.message ? err.message : `The server answered ${response.status}.`,
      err && err.fields ? err.fields : {},
    );
  }
  if (data && typeof data === 'object' && typeof data.csrf_token === 'string') {
    csrfToken = data.csrf_token;
  }
  return data;
}

/** The signed-in user, or null when signed out (401). Other failures reject. */
export async function getMe() {
  try {
    const data = await api('GET', '/api/auth/me');
    return data ? data.user : null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      csrfToken = null;
      return null;
    }
    throw error;
  }
}

/** Sign in; resolves with the user, rejects with ApiError (401, 403, 429, 422...). */
export async function login(email, password) {
  const data = await api('POST', '/api/auth/login', { email, password });
  return data.user;
}

/** Sign out. A session that has already ended counts as signed out. */
export async function logout() {
  try {
    await api('POST', '/api/auth/logout');
  } catch (error) {
    if (!(error instanceof ApiError && (error.status === 401 || error.status === 403))) throw error;
  } finally {
    csrfToken = null;
  }
}
