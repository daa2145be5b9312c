import { parentPort, workerData } from 'node:worker_threads';
import { serializeStoreError } from '../errors.js';
import { InlineSqliteStore } from './InlineSqliteStore.js';
import type { SqliteStoreOptions } from './SqliteStoreOptions.js';
import type { WorkerCall, WorkerReply } from './ThreadedSqliteStore.js';

/* The worker side of ThreadedSqliteStore: one InlineSqliteStore, calls answered in arrival order. */
const store = new InlineSqliteStore(workerData as SqliteStoreOptions);

parentPort!.on('message', async ({ id, method, args }: WorkerCall) => {
  let reply: WorkerReply;
  try {
    const fn = store[method] as (...a: unknown[]) => Promise<unknown>;
    reply = { id, ok: true, result: await fn.apply(store, args) };
  } catch (error) {
    reply = { id, ok: false, error: serializeStoreError(error) };
  }
  parentPort!.postMessage(reply);
});
