import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { CampaignRuntime } from '../actors/CampaignRuntime.js';
import { parseInput } from '../machines/ValidationError.js';
import { tokenAuth } from './auth.js';
import { ChangeStreams } from './changes.js';
import { serveDashboard } from './dashboard.js';
import { HttpError, mapError } from './errors.js';
import { openApiDocument, serveDocs } from './openapi.js';
import { campaignRoutes } from './routes/campaignRoutes.js';
import { serviceRoutes } from './routes/serviceRoutes.js';
import { webhookRoutes } from './routes/webhookRoutes.js';
import { RuntimeGate } from './RuntimeGate.js';
import type { Probe } from './schemas.js';
import { Webhooks } from './webhooks/Webhooks.js';

export const DEFAULT_BODY_LIMIT = 256 * 1024;
const SERVICE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Options of {@link createServer}; every one is checked (a `ValidationError` starts nothing). */
export const CreateServerOptions = z.strictObject({
  /** The runtime, or the promise of it: the server listens at once and answers 503 NotReady until it resolves. */
  runtime: z.custom<CampaignRuntime | Promise<CampaignRuntime>>(
    (value) => typeof value === 'object' && value !== null && ('send' in value || 'then' in value),
    'runtime must be a campaign runtime or the promise of one',
  ),
  /** When set, every route requires `Authorization: Bearer <token>` (or the dashboard's session cookie). */
  token: z.string().min(1).max(4096).optional(),
  /** Largest accepted request body in bytes (default 256 KiB); larger ones get 413. */
  bodyLimit: z.number().int().min(1024).max(64 * 1024 * 1024).optional(),
  /** Heartbeat interval of the change stream (default 15 s). */
  heartbeatMs: z.number().int().min(10).max(3_600_000).optional(),
  /** Webhook deliveries (on by default): attempt timeout, attempts before parking, backoff, how often endpoints are re-read; `false` delivers none. */
  webhooks: z
    .union([
      z.literal(false),
      z.strictObject({
        timeoutMs: z.number().int().min(100).max(120_000).optional(),
        maxAttempts: z.number().int().min(1).max(100).optional(),
        retry: z.strictObject({ initialMs: z.number().int().min(1).max(600_000), maxMs: z.number().int().min(1).max(86_400_000) }).optional(),
        syncMs: z.number().int().min(100).max(600_000).optional(),
      }),
    ])
    .optional(),
  /** Where unexpected errors are reported (default `console.error`). */
  onError: z.custom<(error: unknown) => void>((value) => typeof value === 'function', 'onError must be a function').optional(),
});
export type CreateServerOptions = z.input<typeof CreateServerOptions>;

export interface CampaignServer {
  /** The Hono app (its `fetch` serves requests without a socket). */
  readonly app: Hono;
  /** Resolves with the runtime once it is open (the server answers 503 NotReady until then). */
  readonly ready: Promise<CampaignRuntime>;
  /** Listens (default `127.0.0.1`, port 3000; port 0 picks a free one) and resolves with the real URL. */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>;
  /**
   * Stops accepting connections, ends the change streams, lets in-flight requests finish and closes
   * the sockets. Does not stop the runtime.
   */
  close(): Promise<void>;
}

/**
 * Builds the HTTP service around a running campaign runtime: the JSON API under `/api`, the
 * OpenAPI document at `/openapi.json` and its reference at `/docs`, the change stream at
 * `/api/changes` and the dashboard at `/`.
 *
 * @example
 * ```ts
 * const server = createServer({ runtime: await createCampaignRuntime() });
 * const { url } = await server.listen({ port: 3000 });
 * ```
 */
export function createServer(input: CreateServerOptions): CampaignServer {
  const options = parseInput(CreateServerOptions, input, 'server options');
  const gate = new RuntimeGate(options.runtime);
  const report = options.onError ?? ((error: unknown) => console.error('[campaigns service]', error));
  const changes = new ChangeStreams(() => gate.parsed, options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {});

  let webhooks: Webhooks | null = null;
  const webhooksStarted =
    options.webhooks === false
      ? Promise.resolve()
      : gate.opened.then(
          async (runtime) => {
            if (closing) return;
            webhooks = new Webhooks(runtime, { ...options.webhooks, onError: report });
            await webhooks.start();
          },
          () => {},
        );
  webhooksStarted.catch(report);
  const webhooksNow = () => {
    void gate.runtime; // 503 NotReady while the runtime opens
    if (!webhooks) throw new HttpError(503, options.webhooks === false ? 'WebhooksDisabled' : 'NotReady', options.webhooks === false ? 'Webhooks are turned off in this service' : 'Webhooks are starting', { 'Retry-After': '1' });
    return webhooks;
  };

  let closing = false;
  let inflight = 0;
  let idle: (() => void) | null = null;

  const app = new Hono();
  // probes for process managers and load balancers: alive at once; ready once every missed timer has fired
  app.get('/healthz', (c) => c.json({ status: 'alive' } satisfies Probe));
  app.get('/readyz', (c) => {
    if (closing) return c.json({ status: 'stopping' }, 503, { 'Retry-After': '5' });
    if (gate.failure) return c.json({ status: 'failed', reason: String((gate.failure as Error).message ?? gate.failure) }, 503);
    if (!gate.ready) return c.json({ status: 'starting', since: gate.since }, 503, { 'Retry-After': '5' });
    return c.json({ status: 'ready' });
  });
  app.use(async (c, next) => {
    if (closing) {
      c.header('Connection', 'close');
      throw new HttpError(503, 'ShuttingDown', 'The service is shutting down');
    }
    inflight += 1;
    try {
      await next();
    } finally {
      inflight -= 1;
      if (inflight === 0) idle?.();
    }
    // a response written straight to the socket (the change stream) is past changing
    if (c.res !== RESPONSE_ALREADY_SENT) c.header('X-Content-Type-Options', 'nosniff');
  });
  app.use(
    bodyLimit({
      maxSize: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onError: () => {
        // the unread rest of the body makes the connection unusable for another request
        throw new HttpError(413, 'PayloadTooLarge', `The request body exceeds ${options.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`, {
          Connection: 'close',
        });
      },
    }),
  );
  if (options.token) app.use(tokenAuth(options.token));
  app.route('/api', campaignRoutes(gate));
  app.route('/api', serviceRoutes(gate, changes));
  app.route('/api', webhookRoutes(webhooksNow));
  const openapi = openApiDocument(app, SERVICE_VERSION);
  app.get('/openapi.json', async (c) => c.json(await openapi(c)));
  app.get('/docs/*', async (c, next) => (await serveDocs(c)) ?? next());
  app.get('/docs', async (c, next) => (await serveDocs(c)) ?? next());
  app.get('*', async (c, next) => (await serveDashboard(c)) ?? next());
  app.notFound((c) => c.json({ error: 'RouteNotFound', message: `No route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    const mapped = mapError(error);
    if (mapped.body.error === 'InternalError') report(error);
    return c.json(mapped.body, mapped.status as ContentfulStatusCode, mapped.headers);
  });

  let server: Server | null = null;

  return {
    app,
    ready: gate.opened,
    listen({ port = 3000, host = '127.0.0.1' } = {}) {
      const http = createAdaptorServer({ fetch: app.fetch }) as Server;
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          http.on('error', report);
          server = http;
          const actual = (http.address() as AddressInfo).port;
          const shown = host === '127.0.0.1' || host === '::1' || host === '::' || host === '0.0.0.0' ? 'localhost' : host;
          resolve({ url: `http://${shown}:${actual}`, port: actual });
        });
      });
    },
    async close() {
      closing = true;
      await webhooksStarted.catch(() => {});
      await webhooks?.stop();
      const http = server;
      const closed = http ? new Promise<void>((resolve) => http.close(() => resolve())) : Promise.resolve();
      await changes.close();
      if (inflight > 0) await new Promise<void>((resolve) => (idle = resolve));
      http?.closeIdleConnections();
      http?.closeAllConnections();
      await closed;
    },
  };
}
