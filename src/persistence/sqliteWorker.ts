import { parentPort, workerData } from 'node:worker_threads';
import type { CampaignStore } from './CampaignStore.js';
import { SqliteStore, type SqliteStoreOptions } from './sqliteStore.js';
import { toWire, type WireReply } from './ThreadedStore.js';

/* The worker side of ThreadedStore: one SqliteStore, calls answered in arrival order. */
const store = new SqliteStore(workerData as SqliteStoreOptions);
type Call = { id: number; method: Exclude<keyof CampaignStore, 'kind'>; args: unknown[] };

parentPort!.on('message', async ({ id, method, args }: Call) => {
  let reply: WireReply;
  try {
    const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
    reply = { id, ok: true, result: await fn.apply(store, args) };
  } catch (error) {
    reply = { id, ok: false, error: toWire(error) };
  }
  parentPort!.postMessage(reply);
});
