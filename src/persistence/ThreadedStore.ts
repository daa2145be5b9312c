import { Worker } from 'node:worker_threads';
import {
  type CampaignStore,
  StoreConflictError,
  StoreError,
  StoreLockedError,
  StoreVersionError,
} from './CampaignStore.js';
import type { SqliteStoreOptions } from './sqliteStore.js';

type Method = Exclude<keyof CampaignStore, 'kind'>;

/** What crosses the thread boundary for an error: enough to rebuild the store's error classes. */
export interface WireError {
  name: string;
  message: string;
  index?: number;
  campaignId?: string;
  found?: number;
  supported?: number;
}

export type WireReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

export function toWire(error: unknown): WireError {
  const e = error instanceof Error ? error : new Error(String(error));
  const wire: WireError = { name: e.name, message: e.message };
  if (e instanceof StoreConflictError) Object.assign(wire, { index: e.index, campaignId: e.campaignId });
  if (e instanceof StoreVersionError) Object.assign(wire, { found: e.found, supported: e.supported });
  return wire;
}

function fromWire(wire: WireError): Error {
  switch (wire.name) {
    case 'StoreConflictError':
      return new StoreConflictError(wire.index ?? 0, wire.campaignId ?? '', wire.message);
    case 'StoreVersionError':
      return Object.assign(new StoreError(wire.message), { name: 'StoreVersionError', found: wire.found, supported: wire.supported });
    case 'StoreLockedError':
      return Object.assign(new StoreLockedError(''), { message: wire.message });
    case 'StoreError':
      return new StoreError(wire.message);
    default:
      return Object.assign(new Error(wire.message), { name: wire.name });
  }
}

/**
 * Starts the worker: the compiled `sqliteWorker.js` next to this module, or — when running from
 * TypeScript sources (tests, `tsx`) — `sqliteWorker.ts` through tsx's loader.
 */
function startWorker(workerData: SqliteStoreOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqliteWorker.js', import.meta.url), { workerData });
  const entry = new URL('./sqliteWorker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * The SQLite store on a worker thread: every call is a message to a worker running
 * {@link SqliteStore}, so commits (and their fsync) overlap the runtime's work on the main thread.
 */
export class ThreadedStore implements CampaignStore {
  readonly kind = 'sqlite';
  readonly #options: SqliteStoreOptions;
  #worker: Worker | null = null;
  #next = 0;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  constructor(options: SqliteStoreOptions) {
    this.#options = { ...options, thread: false };
  }

  async open(): Promise<void> {
    if (this.#worker) return;
    const worker = startWorker(this.#options);
    worker.on('message', (reply: WireReply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(fromWire(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = null;
      this.failAll(new StoreError(`[campaign-lifecycle] sqlite worker exited (${code})`));
    });
    this.#worker = worker;
    try {
      await this.call('open');
    } catch (error) {
      this.#worker = null;
      await worker.terminate();
      throw error;
    }
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await this.call('close');
    this.#worker = null;
    await worker.terminate();
  }

  private failAll(error: unknown): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }

  private call<T>(method: Method, ...args: unknown[]): Promise<T> {
    const worker = this.#worker;
    if (!worker) return Promise.reject(new StoreError('[campaign-lifecycle] sqlite store is not open'));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args });
    });
  }

  commit: CampaignStore['commit'] = (writes) => this.call('commit', writes);
  get: CampaignStore['get'] = (id) => this.call('get', id);
  list: CampaignStore['list'] = (query) => this.call('list', query);
  counts: CampaignStore['counts'] = (query) => this.call('counts', query);
  history: CampaignStore['history'] = (campaignId, options) => this.call('history', campaignId, options);
  changes: CampaignStore['changes'] = (after, limit) => this.call('changes', after, limit);
  lastSeq: CampaignStore['lastSeq'] = () => this.call('lastSeq');
  idempotency: CampaignStore['idempotency'] = (commandId) => this.call('idempotency', commandId);
  dueTimers: CampaignStore['dueTimers'] = (until, limit) => this.call('dueTimers', until, limit);
  timers: CampaignStore['timers'] = (campaignId) => this.call('timers', campaignId);
  nextDueAt: CampaignStore['nextDueAt'] = () => this.call('nextDueAt');
  timerStats: CampaignStore['timerStats'] = (now) => this.call('timerStats', now);
}
