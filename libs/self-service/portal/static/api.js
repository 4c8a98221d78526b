// The portal's one way to the API: JSON over fetch, the session token as the bearer, errors in the API's shape.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The request failed (${status || 'no answer'})`);
    this.status = status;
    this.details = (body && Array.isArray(body.details) && body.details) || [];
    /** True when the answer was 401 to a call with the session token: the portal has gone back to sign-in. */
    this.sessionEnded = false;
  }
}

/**
 * `call(method, path, body?, { idempotencyKey })` → `{ status, data }`. A 401 while a session token was sent means the
 * session ended (expired, idle, signed out): `onSessionEnded` runs before the error is thrown.
 */
export function createApi({ token, onSessionEnded }) {
  return async function call(method, path, body, options = {}) {
    const headers = { accept: 'application/json' };
    const bearer = token();
    if (bearer && !options.anonymous) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new ApiError(0, { message: 'The service cannot be reached. Check your connection and try again.' });
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (response.status === 401 && headers.authorization) {
      onSessionEnded();
      throw Object.assign(new ApiError(401, { message: 'Your session has ended. Please sign in again.' }), { sessionEnded: true });
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return { status: response.status, data };
  };
}

/** A fresh key for one submission of a form: a retry of the same submission is answered once (API.md "Idempotency-Key"). */
export function newIdempotencyKey() {
  // getRandomValues, not randomUUID: the latter needs a secure context, and the portal may be served over plain HTTP.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `portal-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
