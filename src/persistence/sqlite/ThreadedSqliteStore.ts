import { Worker } from 'node:worker_threads';
import type { CampaignStore } from '../CampaignStore.js';
import { deserializeStoreError, type SerializedStoreError, StoreError } from '../errors.js';
import type { SqliteStoreOptions } from './SqliteStoreOptions.js';

type Method = Exclude<keyof CampaignStore, 'kind' | 'sharing' | 'watch'>;

/** A call to the worker, and its answer. */
export interface WorkerCall {
  id: number;
  method: Method;
  args: unknown[];
}
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedStoreError };

/**
 * Starts the worker: the compiled `sqliteWorker.js` next to this module, or — when running from
 * TypeScript sources (tests, `tsx`) — `sqliteWorker.ts` through tsx's loader.
 */
function startWorker(workerData: SqliteStoreOptions): Worker {
  // the parent's flags, but not --input-type (a program given with -e): the worker's entry is a file
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqliteWorker.js', import.meta.url), { workerData, execArgv });
  const entry = new URL('./sqliteWorker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * The SQLite store on a worker thread: every call is a message to a worker running
 * `InlineSqliteStore`, so commits (and their fsync) overlap the runtime's work on the main
 * thread. Store errors are rebuilt with their class on this side.
 */
export class ThreadedSqliteStore implements CampaignStore {
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
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(deserializeStoreError(reply.error));
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
      worker.postMessage({ id, method, args } satisfies WorkerCall);
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
  dueTimers: CampaignStore['dueTimers'] = (until, limit, except) => this.call('dueTimers', until, limit, except);
  dueCampaigns: CampaignStore['dueCampaigns'] = (until, limit, except) => this.call('dueCampaigns', until, limit, except);
  timers: CampaignStore['timers'] = (campaignId) => this.call('timers', campaignId);
  nextDueAt: CampaignStore['nextDueAt'] = (except) => this.call('nextDueAt', except);
  timerStats: CampaignStore['timerStats'] = (now) => this.call('timerStats', now);
  leaseConsumer: CampaignStore['leaseConsumer'] = (...args) => this.call('leaseConsumer', ...args);
  saveConsumer: CampaignStore['saveConsumer'] = (...args) => this.call('saveConsumer', ...args);
  consumers: CampaignStore['consumers'] = () => this.call('consumers');
  parkedChanges: CampaignStore['parkedChanges'] = (...args) => this.call('parkedChanges', ...args);
  retryParked: CampaignStore['retryParked'] = (...args) => this.call('retryParked', ...args);
  removeConsumer: CampaignStore['removeConsumer'] = (...args) => this.call('removeConsumer', ...args);
  webhookEndpoints: CampaignStore['webhookEndpoints'] = () => this.call('webhookEndpoints');
  addWebhookEndpoint: CampaignStore['addWebhookEndpoint'] = (endpoint) => this.call('addWebhookEndpoint', endpoint);
  removeWebhookEndpoint: CampaignStore['removeWebhookEndpoint'] = (id) => this.call('removeWebhookEndpoint', id);
  recordDeliveries: CampaignStore['recordDeliveries'] = (deliveries) => this.call('recordDeliveries', deliveries);
  deliveries: CampaignStore['deliveries'] = (...args) => this.call('deliveries', ...args);
}
