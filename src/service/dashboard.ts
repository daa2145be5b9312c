import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/**
 * Where the dashboard's static files live (served as they are: no build step): beside this
 * module in `src/service`; the compiled service in `dist/service` serves the package's `src` copy.
 */
export const DASHBOARD_DIR = [join(dirname(fileURLToPath(import.meta.url)), 'dashboard'), fileURLToPath(new URL('../../src/service/dashboard', import.meta.url))].find(
  (dir) => existsSync(join(dir, 'index.html')),
)!;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SAFE_PATH = /^(?:[\w-]+\/)*[\w-]+\.[a-z]+$/;

/** Browser modules the dashboard imports from npm packages, served as they ship (ES modules, no build step). */
const VENDOR: Record<string, string> = {
  tz: dirname(createRequire(import.meta.url).resolve('@date-fns/tz/package.json')),
};

/** Serves `/` (index.html), `/dashboard/<file>` from {@link DASHBOARD_DIR} and `/dashboard/vendor/<package>/<module>.js`; anything else is null. */
export async function serveDashboard(c: Context): Promise<Response | null> {
  const path = c.req.path === '/' ? 'index.html' : c.req.path.replace(/^\/dashboard\//, '');
  if (path === c.req.path || !SAFE_PATH.test(path)) return null;
  const vendor = /^vendor\/(\w+)\/(.+\.js)$/.exec(path);
  const root = vendor ? VENDOR[vendor[1]!] : DASHBOARD_DIR;
  if (!root) return null;
  const file = resolve(root, vendor ? vendor[2]! : path);
  if (relative(root, file).split(sep).includes('..')) return null;
  const type = TYPES[file.slice(file.lastIndexOf('.'))];
  if (!type) return null;
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    return null;
  }
  return c.body(new Uint8Array(content), 200, {
    'Content-Type': type,
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  });
}
