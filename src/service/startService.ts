import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { CampaignRuntime } from '../actors/CampaignRuntime.js';
import type { Clock } from '../actors/Clock.js';
import { createCampaignRuntime } from '../createCampaignRuntime.js';
import { redactedUrl } from '../persistence/postgres/PostgresOptions.js';
import { postgresStore } from '../persistence/postgres/postgresStore.js';
import { sqliteStore } from '../persistence/sqlite/sqliteStore.js';
import { whenAvailable } from '../persistence/whenAvailable.js';
import { createServer } from './createServer.js';
import { seedDemo } from './demo.js';
import { parseInput } from '../machines/ValidationError.js';

/** Options of {@link startService}; every one is checked (a `ValidationError` starts nothing). */
export const ServiceOptions = z.strictObject({
  /** Directory of the SQLite store (`<dataDir>/campaigns.db`), created if missing. Not used with `databaseUrl`. */
  dataDir: z.string().trim().min(1).max(4096),
  /** A PostgreSQL URL: the store is `postgresStore` (several instances may share it) instead of SQLite. */
  databaseUrl: z.string().trim().regex(/^postgres(ql)?:\/\//, 'databaseUrl must be a postgres:// URL').max(4096).optional(),
  /** The PostgreSQL schema (default `campaign_lifecycle`). */
  schema: z.string().optional(),
  /** HTTP port (default 3000; 0 picks a free one). */
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().trim().min(1).max(255).optional(),
  /** Create demo campaigns when the store is empty (default true). */
  demo: z.boolean().optional(),
  /** Require this bearer token on every route. */
  token: z.string().min(1).max(4096).optional(),
  /** Start a Stately inspector server on this port (0 picks a free one) and inspect every campaign actor. */
  inspectPort: z.number().int().min(0).max(65_535).optional(),
  /** The inspector UI the bridge page embeds (default https://stately.ai/inspect). */
  inspectorUiUrl: z.url().max(2048).optional(),
  heartbeatMs: z.number().int().min(10).max(3_600_000).optional(),
  clock: z.custom<Clock>((value) => typeof value === 'object' && value !== null && 'now' in value, 'clock must be a Clock').optional(),
  /** Called as soon as the port listens — before start-up catch-up ends (`/healthz` answers, the API answers 503 NotReady). */
  onListening: z.custom<(address: { url: string; port: number }) => void>((value) => typeof value === 'function').optional(),
});
export type ServiceOptions = z.input<typeof ServiceOptions>;

export interface RunningService {
  url: string;
  port: number;
  /** The page that shows the Stately inspector, when inspection is on. */
  inspectorUrl: string | null;
  inspectorPort: number | null;
  /** Where campaigns are stored: the SQLite file, or the PostgreSQL URL (password hidden) and schema. */
  databasePath: string;
  demoCampaigns: number;
  runtime: CampaignRuntime;
  /** Stops accepting requests, lets in-flight writes finish, stops timers, the runtime and the inspector. */
  stop(): Promise<void>;
}

/** Binds `port` (0: any) on all interfaces to prove it is free, and returns the port number. */
function reservePort(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(port, () => {
      const actual = (probe.address() as AddressInfo).port;
      probe.close(() => resolvePort(actual));
    });
  });
}

async function waitForListening(port: number, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ port, host: 'localhost' });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`The inspector server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts the whole service: the SQLite-backed runtime, optional demo data and Stately inspector,
 * and the HTTP server (API + dashboard). The port listens before the runtime has caught up with
 * the timers that fell due while nothing ran (`onListening`); resolves once it is ready.
 */
export async function startService(input: ServiceOptions): Promise<RunningService> {
  const options = parseInput(ServiceOptions, input, 'service options');
  const databasePath = options.databaseUrl ? `${redactedUrl(options.databaseUrl)} (schema ${options.schema ?? 'campaign_lifecycle'})` : join(resolve(options.dataDir), 'campaigns.db');

  let inspector: { stop(): void } | null = null;
  let inspectorPort: number | null = null;
  if (options.inspectPort !== undefined) {
    inspectorPort = await reservePort(options.inspectPort);
    inspector = createInspectorServer({
      port: inspectorPort,
      autoOpen: false,
      ...(options.inspectorUiUrl ? { url: options.inspectorUiUrl } : {}),
    });
    await waitForListening(inspectorPort);
  }

  const open = () =>
    createCampaignRuntime({
      store: options.databaseUrl
        ? postgresStore({ connectionString: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) })
        : sqliteStore({ path: databasePath, thread: true }),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(inspectorPort !== null ? { inspect: { url: `ws://localhost:${inspectorPort}` } } : {}),
    });
  // on PostgreSQL the database may be starting or restarting: /healthz answers meanwhile, /readyz says "starting"
  const opening = options.databaseUrl
    ? whenAvailable(open, {
        onWait: (error, attempt) => {
          if (attempt === 1 || attempt % 10 === 0) console.error(`[campaigns service] waiting for the database: ${error.reason}`);
        },
      })
    : open();
  const server = createServer({
    runtime: opening,
    ...(options.token ? { token: options.token } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  // listen at once: /healthz answers and the API says NotReady while missed timers fire
  let address: { url: string; port: number };
  try {
    address = await server.listen({ port: options.port ?? 3000, ...(options.host ? { host: options.host } : {}) });
  } catch (error) {
    inspector?.stop();
    await opening.then((rt) => rt.stop()).catch(() => {});
    throw error;
  }
  options.onListening?.(address);
  let runtime: CampaignRuntime;
  let demoCampaigns = 0;
  try {
    runtime = await opening;
    if (options.demo ?? true) demoCampaigns = await seedDemo(runtime);
  } catch (error) {
    await server.close();
    await opening.then((rt) => rt.stop()).catch(() => {});
    inspector?.stop();
    throw error;
  }

  let stopping: Promise<void> | null = null;
  return {
    ...address,
    inspectorUrl: inspectorPort !== null ? `http://localhost:${inspectorPort}` : null,
    inspectorPort,
    databasePath,
    demoCampaigns,
    runtime,
    stop() {
      stopping ??= (async () => {
        try {
          await server.close();
          await runtime.stop();
        } finally {
          inspector?.stop();
        }
      })();
      return stopping;
    },
  };
}
