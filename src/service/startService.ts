import { mkdirSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { CampaignRuntime } from '../actors/CampaignRuntime.js';
import type { Clock } from '../actors/Clock.js';
import { createCampaignRuntime } from '../createCampaignRuntime.js';
import { sqliteStore } from '../persistence/sqlite/sqliteStore.js';
import { createServer } from './createServer.js';
import { seedDemo } from './demo.js';

export interface ServiceOptions {
  /** Directory of the SQLite store (`<dataDir>/campaigns.db`), created if missing. */
  dataDir: string;
  /** HTTP port (default 3000; 0 picks a free one). */
  port?: number;
  host?: string;
  /** Create demo campaigns when the store is empty (default true). */
  demo?: boolean;
  /** Require this bearer token on every route. */
  token?: string | undefined;
  /** Start a Stately inspector server on this port (0 picks a free one) and inspect every campaign actor. */
  inspectPort?: number | undefined;
  /** The inspector UI the bridge page embeds (default https://stately.ai/inspect). */
  inspectorUiUrl?: string | undefined;
  heartbeatMs?: number;
  clock?: Clock;
}

export interface RunningService {
  url: string;
  port: number;
  /** The page that shows the Stately inspector, when inspection is on. */
  inspectorUrl: string | null;
  inspectorPort: number | null;
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
 * and the HTTP server (API + dashboard).
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const databasePath = join(dataDir, 'campaigns.db');

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

  let runtime: CampaignRuntime;
  try {
    runtime = await createCampaignRuntime({
      store: sqliteStore({ path: databasePath, thread: true }),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(inspectorPort !== null ? { inspect: { url: `ws://localhost:${inspectorPort}` } } : {}),
    });
  } catch (error) {
    inspector?.stop();
    throw error;
  }

  const server = createServer({
    runtime,
    token: options.token,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  let address: { url: string; port: number };
  let demoCampaigns = 0;
  try {
    if (options.demo ?? true) demoCampaigns = await seedDemo(runtime);
    address = await server.listen({ port: options.port ?? 3000, ...(options.host ? { host: options.host } : {}) });
  } catch (error) {
    await runtime.stop();
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
