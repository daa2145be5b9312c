/** An error answer of the API: `status` is the HTTP status, `body` the JSON error (`error`, `message`, …). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.reason ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

/** Calls the JSON API of this origin (the session cookie, if any, goes along). */
export async function api(method, path, { body, headers = {} } = {}) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 401) {
    location.assign('/');
    throw new ApiError(401, { error: 'Unauthorized', message: 'Sign in again' });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
