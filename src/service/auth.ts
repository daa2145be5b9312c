import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HttpError } from './errors.js';

export const SESSION_COOKIE = 'campaigns_session';

const digest = (value: string) => createHash('sha256').update(value).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

const LOGIN_PAGE = (failed: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Campaigns — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Campaigns</h1>
<form method="post" action="/login"><label>Access token <input type="password" name="token" autocomplete="current-password" autofocus required></label>
<button type="submit">Sign in</button></form>${failed ? '<p role="alert">Wrong token.</p>' : ''}
</main></body></html>`;

const wantsHtml = (c: Context) => c.req.method === 'GET' && (c.req.header('Accept') ?? '').includes('text/html');

/**
 * Bearer-token guard for every route. API clients send `Authorization: Bearer <token>`; a browser
 * signs in once (the login form, or `/?token=<token>`) and then carries an HttpOnly, SameSite=Strict
 * session cookie derived from the token (never the token itself).
 */
export function tokenAuth(token: string): MiddlewareHandler {
  const session = createHmac('sha256', token).update('campaigns dashboard session').digest('base64url');
  const signIn = (c: Context) => {
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect('/', 303);
  };
  return async (c, next) => {
    if (c.req.method === 'POST' && c.req.path === '/login') {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const given = form['token'];
      if (typeof given === 'string' && same(given, token)) return signIn(c);
      return c.html(LOGIN_PAGE(true), 401);
    }
    const query = c.req.query('token');
    if (c.req.method === 'GET' && c.req.path === '/' && query !== undefined) {
      if (same(query, token)) return signIn(c);
      return c.html(LOGIN_PAGE(true), 401);
    }
    const header = c.req.header('Authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const cookie = getCookie(c, SESSION_COOKIE);
    if ((bearer !== undefined && same(bearer, token)) || (cookie !== undefined && same(cookie, session))) {
      return next();
    }
    if (wantsHtml(c) && !c.req.path.startsWith('/api/')) return c.html(LOGIN_PAGE(false), 401);
    throw new HttpError(
      401,
      'Unauthorized',
      header === undefined && cookie === undefined ? 'Missing bearer token' : 'Invalid bearer token',
      { 'WWW-Authenticate': 'Bearer realm="campaigns"' },
    );
  };
}
