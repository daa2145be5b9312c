import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CampaignRuntime,
  type CampaignRuntimeOptions,
  type CampaignStore,
  createCampaignRuntime,
  createManualClock,
  type ManualClock,
  memoryStore,
  postgresStore,
  sqliteStore,
} from '../../src/index.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from './postgres.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';
/** Every adapter the runtime tests run on (PostgreSQL when a server answers — always in CI). */
export const STORE_KINDS: StoreKind[] = SKIP_PG ? ['memory', 'sqlite'] : ['memory', 'sqlite', 'postgres'];

/**
 * A store that can be "restarted": `next()` gives a fresh adapter on the same data (a new
 * `sqliteStore` on the same file, a new `postgresStore` on the same schema, or the same memory
 * instance).
 */
export function storeFactory(kind: StoreKind): { next: () => CampaignStore; cleanup: () => Promise<void>; path: string | null } {
  if (kind === 'memory') {
    const store = memoryStore();
    return { next: () => store, cleanup: async () => {}, path: null };
  }
  if (kind === 'postgres') {
    const schema = freshSchema('rt');
    return { next: () => postgresStore({ connectionString: PG_URL, schema, pollMs: 200 }), cleanup: () => dropSchema(schema).then(() => {}), path: null };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cl-runtime-'));
  const path = join(dir, 'campaigns.db');
  return { next: () => sqliteStore({ path }), cleanup: async () => rmSync(dir, { recursive: true, force: true }), path };
}

export interface Harness {
  clock: ManualClock;
  rt: CampaignRuntime;
  /** Stops the runtime and starts a new one on the same data and clock. */
  restart(options?: Partial<CampaignRuntimeOptions>): Promise<CampaignRuntime>;
  close(): Promise<void>;
}

export async function harness(
  kind: StoreKind,
  start: string | number = '2026-01-05T08:00:00Z',
  options: Partial<CampaignRuntimeOptions> = {},
): Promise<Harness> {
  const stores = storeFactory(kind);
  const clock = createManualClock(start);
  const errors: unknown[] = [];
  const open = (extra: Partial<CampaignRuntimeOptions> = {}) =>
    createCampaignRuntime({ store: stores.next(), clock, onError: (e) => errors.push(e), ...options, ...extra });
  const h: Harness = {
    clock,
    rt: await open(),
    async restart(extra) {
      await h.rt.stop();
      h.rt = await open(extra);
      return h.rt;
    },
    async close() {
      await h.rt.stop();
      await stores.cleanup();
      if (errors.length > 0) throw new Error(`Background errors: ${errors.map(String).join('; ')}`);
    },
  };
  return h;
}
