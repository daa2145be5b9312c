import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context, Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';

type Document = Awaited<ReturnType<typeof generateSpecs>>;

const INFO = {
  title: 'campaign-lifecycle',
  description:
    'Marketing-campaign lifecycles as persisted XState actors: campaigns, their commands, history and forecast, and the change stream. ' +
    'Every error answers the Error body; its `error` field names it.',
  license: { name: 'MIT', identifier: 'MIT' },
};

/**
 * The service's OpenAPI 3.1 document, generated once from the routes' zod schemas (shared shapes
 * under `components/schemas`); `servers` is filled from each request's origin.
 */
export function openApiDocument(app: Hono, version: string): (c: Context) => Promise<Document> {
  let document: Promise<Document> | null = null;
  return async (c) => {
    document ??= generateSpecs(app, {
      documentation: {
        openapi: '3.1.0',
        info: { ...INFO, version },
        tags: [
          { name: 'campaigns', description: 'Create, command, read and delete campaigns' },
          { name: 'service', description: 'Health, presets, the statechart and the change stream' },
        ],
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Only when the service runs with CAMPAIGNS_TOKEN' } },
        },
        security: [{}, { bearer: [] }],
      },
      // the probes are for process managers and load balancers, not API clients (docs/api.md describes them)
      exclude: ['/openapi.json', /^\/docs/, /^\/dashboard/, '/', '/login', '/healthz', '/readyz'],
      defaultValidationErrorResponse: false,
    });
    return { ...(await document), servers: [{ url: new URL(c.req.url).origin, description: 'This service' }] };
  };
}

const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>campaign-lifecycle — API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="api"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true, tryItOutEnabled: false });`;

const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Swagger UI sets inline style attributes
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/** `/docs`: the API reference, rendered in the browser by Swagger UI from `/openapi.json` (bundled from npm, works offline). */
export async function serveDocs(c: Context): Promise<Response | null> {
  const headers = { 'Content-Security-Policy': DOCS_CSP, 'Cache-Control': 'no-cache' };
  const path = c.req.path;
  if (path === '/docs' || path === '/docs/') return c.html(DOCS_PAGE, 200, headers);
  if (path === '/docs/init.js') return c.body(INIT, 200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
  const file = path.replace(/^\/docs\//, '');
  const type = ASSETS[file];
  if (!type) return null;
  return c.body(new Uint8Array(await readFile(join(swaggerUi, file))), 200, { ...headers, 'Content-Type': type });
}
