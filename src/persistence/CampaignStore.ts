/**
 * The store contract: everything the runtime keeps durable. Adapters (`memoryStore`,
 * `sqliteStore`) implement it; one contract test suite (`test/persistence/storeContract.ts`) runs
 * against each. Errors a store throws on purpose are in `errors.ts`.
 *
 * Every change to a campaign is one {@link CampaignWrite}: its new snapshot, its history entry
 * (which is also the change-feed item), its complete set of pending timers, and optionally the
 * idempotency record of the command — committed atomically with the other writes of the same
 * batch. An exclusive store has one writing runtime; a shared one (`sharing: 'shared'`) any number.
 * Beside campaigns a store keeps the state of durable consumers of the feed (cursor, lease,
 * parked changes) and the service's webhook endpoints and delivery log.
 *
 * @module
 */

/** A campaign as stored: the XState persisted snapshot plus columns for listing. */
export interface CampaignRecord {
  id: string;
  preset: string;
  /** Status label, kept as a column for filtering and counts. */
  status: string;
  name: string;
  /** Incremented by every committed change; starts at 1. */
  version: number;
  /** The statechart snapshot as stored: XState's persisted snapshot and the `statechartVersion` that wrote it (JSON). */
  snapshot: string;
  createdAt: number;
  updatedAt: number;
}

/** What {@link StoredCampaigns} reads of each campaign. */
export type StoredCampaignRow = Pick<CampaignRecord, 'id' | 'preset' | 'status' | 'snapshot'>;

/**
 * A store's campaigns as they lie, read without opening the store for use: no schema migration,
 * no lock held beyond the read, no row written. What `npm run migrate -- --check` reads; each
 * adapter with a durable form offers one (`readSqliteCampaigns`, `readPostgresCampaigns`).
 */
export interface StoredCampaigns {
  /** The file, or the database and schema (password hidden). */
  readonly location: string;
  /** The store schema version found. */
  readonly schemaVersion: number;
  /** The store schema version this code migrates the store to when it opens it. */
  readonly latestSchemaVersion: number;
  /** Every campaign as stored, in id order. */
  rows(): AsyncIterable<StoredCampaignRow>;
  close(): Promise<void>;
}

/**
 * A pending delayed transition: deliver `eventType` (with `at: dueAt`) to the campaign at `dueAt`.
 * A campaign has at most one timer per `eventType`.
 */
export interface TimerRecord {
  campaignId: string;
  timer: string;
  eventType: string;
  dueAt: number;
}

export type ChangeSource = 'user' | 'system' | 'timer';

/** One committed change: a campaign's history entry and an item of the global change feed. */
export interface Change {
  /** Global, strictly increasing, never reused. */
  seq: number;
  campaignId: string;
  /** The campaign's version after the change. */
  version: number;
  /** When it was applied (for a timer: when it fired). */
  at: number;
  /** For a timer: when it was due. */
  dueAt: number | null;
  /** Command type, timer name, `CREATE` or `DELETE`. */
  event: string;
  source: ChangeSource;
  /** Status before (null on create) and after (null on delete). */
  from: string | null;
  to: string | null;
  commandId: string | null;
  /** JSON text with details (an UPDATE's patch, a fault's reason, …) or null. */
  detail: string | null;
  /** The campaign's preset (`null` in changes stored before 0.2 whose campaign is gone). */
  preset: string | null;
}

/** One atomic change to one campaign. */
export interface CampaignWrite {
  campaignId: string;
  preset: string;
  /** Version before the write: 0 when the write creates the campaign. */
  fromVersion: number;
  /** The campaign after the write; `null` deletes it. */
  record: CampaignRecord | null;
  /** The campaign's complete set of pending timers after the write. */
  timers: readonly TimerRecord[];
  /**
   * The history entry; the store assigns `seq`. `null` only for a repair that rewrites the
   * campaign's timers without changing it (`record` at the same version).
   */
  change: Omit<Change, 'seq' | 'preset'> | null;
  /** When the command carried a `commandId`: what a retry returns. */
  idempotency?: { commandId: string; result: string };
}

/** A durable consumer of the change feed, as stored. */
export interface ConsumerRecord {
  name: string;
  /** Every change with `seq ≤ cursor` was handled (or parked). */
  cursor: number;
  /** The runtime instance that holds the consumer and until when (epoch ms); `null` when free. */
  owner: string | null;
  leaseUntil: number | null;
  updatedAt: number;
}

/** A change a consumer gave up on after its attempts: kept until handled by hand or discarded. */
export interface ParkedChange {
  consumer: string;
  seq: number;
  campaignId: string;
  attempts: number;
  /** The last failure, in words. */
  error: string;
  parkedAt: number;
  /** Asked to be delivered again (by hand): the consumer's holder takes it up. */
  retry: boolean;
}

/** How a consumer's stored state moves after some of its work is done. */
export interface ConsumerProgress {
  /** The new cursor (never moved back). */
  cursor: number;
  /** Changes to park (or park again), and parked changes now handled. */
  park?: readonly Omit<ParkedChange, 'consumer' | 'retry'>[];
  unpark?: readonly number[];
  /** Give the lease up (on stop). */
  release?: boolean;
}

/** A webhook endpoint of the service. `secret` is kept to sign deliveries and never shown. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Change events delivered (`PAUSE`, `startAt`, …); empty: all. */
  events: string[];
  /** Presets delivered; empty: all. */
  presets: string[];
  secret: string;
  description: string | null;
  createdAt: number;
}

/** One attempt to deliver a change to an endpoint. */
export interface WebhookDelivery {
  endpointId: string;
  seq: number;
  attempt: number;
  at: number;
  /** The receiver's HTTP status, or `null` when none came (refused, timed out). */
  status: number | null;
  ok: boolean;
  error: string | null;
  /** When the next attempt is due; `null` when delivered or parked. */
  nextAttemptAt: number | null;
}

/** A campaign with timers due, as `dueCampaigns` gives it. */
export interface DueCampaign {
  record: CampaignRecord;
  /** Its timers due by the instant asked, earliest first. */
  timers: TimerRecord[];
}

export interface ListQuery {
  status?: string | readonly string[];
  preset?: string;
  /** Maximum number of records (default: all). */
  limit?: number;
  /** Cursor: the `cursorOf` of the last record of the previous page. */
  after?: string;
}

export interface StatusCount {
  preset: string;
  status: string;
  count: number;
}

export interface TimerStats {
  pending: number;
  /** Timers due at or before `now` and not fired yet. */
  overdue: number;
  oldestOverdue: number | null;
  nextDueAt: number | null;
}

/** What another runtime sharing the store committed: where the feed ends now, its earliest new timer. */
export interface StoreSignal {
  lastSeq: number | null;
  nextDueAt: number | null;
}

/**
 * A place campaigns live. Reads may run while a commit is in flight; `commit` calls are made
 * one at a time by each runtime. Records are listed newest first (`createdAt`, then `id`).
 */
export interface CampaignStore {
  /** Adapter name, for messages. */
  readonly kind: string;
  /**
   * `exclusive` (default): this runtime is the store's only writer (SQLite locks the file, memory is
   * one process). `shared`: any number of runtimes write it at once — the runtime then checks the
   * version of what it caches before deciding on a command, retries a command another runtime
   * raced, and follows their commits through `watch`.
   */
  readonly sharing?: 'exclusive' | 'shared';
  /**
   * Shared stores: calls `listener` when another runtime committed (NOTIFY or the like) and at
   * least every poll interval (the safety net for lost notifications). Returns the stop function.
   */
  watch?(listener: (signal: StoreSignal) => void): () => void;
  /** Opens (and migrates) the store; rejects with `StoreLockedError`, `StoreVersionError` or `StoreDriverMissingError`. */
  open(): Promise<void>;
  close(): Promise<void>;
  /**
   * Commits writes atomically, in order; resolves with the `seq` of each write's change once
   * durable (0 for a write without a change). A write whose `fromVersion` does not match, that
   * creates a campaign under an id ever used before (ids are never reused, even after a delete),
   * that deletes a campaign that does not exist, or that records a `commandId` already recorded,
   * rejects the whole batch with a `StoreConflictError` naming its index; nothing is written.
   */
  commit(writes: readonly CampaignWrite[]): Promise<number[]>;
  get(id: string): Promise<CampaignRecord | null>;
  list(query?: ListQuery): Promise<CampaignRecord[]>;
  counts(query?: { preset?: string }): Promise<StatusCount[]>;
  /** A campaign's changes in order (kept after it is deleted). */
  history(campaignId: string, options?: { after?: number; limit?: number }): Promise<Change[]>;
  /** The change feed: changes with `seq > after`, in order. */
  changes(after: number, limit: number): Promise<Change[]>;
  lastSeq(): Promise<number>;
  /** The stored result of an idempotent command. */
  idempotency(commandId: string): Promise<{ campaignId: string; result: string } | null>;
  /**
   * Pending timers due at or before `until`, earliest first (ties by campaign id), leaving out the
   * campaigns in `except` (the runtime's campaigns in backoff). A shared store claims the
   * campaigns it returns for this store instance for a lease (`FOR UPDATE SKIP LOCKED`): another
   * instance gets them only once the lease expired (its holder died) or after a write released it.
   */
  dueTimers(until: number, limit: number, except?: readonly string[]): Promise<TimerRecord[]>;
  /**
   * The campaigns `dueTimers` would give timers of — at most `limit`, by their earliest due timer
   * (ties by id) — each with its record and its timers due by `until`, earliest first: what the
   * timer loop needs to fire a batch, in one read. Leaves out `except`; a shared store claims
   * what it returns, as `dueTimers` does.
   */
  dueCampaigns(until: number, limit: number, except?: readonly string[]): Promise<DueCampaign[]>;
  /** A campaign's pending timers, earliest first (for checks and tools: the runtime derives them from the snapshot). */
  timers(campaignId: string): Promise<TimerRecord[]>;
  /**
   * The earliest instant a pending timer may be fired here (cheap: the runtime calls it after every
   * batch of timers): its due instant, or — claimed by another instance of a shared store — when the
   * claim expires.
   */
  nextDueAt(except?: readonly string[]): Promise<number | null>;
  /** Counts for health checks (may scan). */
  timerStats(now: number): Promise<TimerStats>;

  /**
   * Takes consumer `name` for `owner` until `leaseUntil` when it is free, its lease expired
   * (before `now`) or `owner` holds it already (a renewal); creates it with cursor `startAfter`
   * the first time. The record as now stored, or `null` while another instance holds it.
   */
  leaseConsumer(name: string, owner: string, now: number, leaseUntil: number, startAfter: number): Promise<ConsumerRecord | null>;
  /** Records a consumer's progress atomically, only while `owner` holds it; `false` (nothing written) when the lease was lost. */
  saveConsumer(name: string, owner: string, progress: ConsumerProgress): Promise<boolean>;
  /** Every consumer, with how many changes it has parked. */
  consumers(): Promise<(ConsumerRecord & { parked: number })[]>;
  /** A consumer's parked changes, oldest first (only those asked to be retried with `retry: true`). */
  parkedChanges(name: string, options?: { retry?: boolean; limit?: number }): Promise<ParkedChange[]>;
  /** Asks for a parked change to be delivered again; `false` when it is not parked. */
  retryParked(name: string, seq: number): Promise<boolean>;
  /** Forgets a consumer: its cursor, lease and parked changes; `false` when there was none. */
  removeConsumer(name: string): Promise<boolean>;

  /** Webhook endpoints, oldest first. */
  webhookEndpoints(): Promise<WebhookEndpoint[]>;
  /** Adds an endpoint (its id must be new). */
  addWebhookEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  /** Removes an endpoint and its delivery log; `false` when it did not exist. */
  removeWebhookEndpoint(id: string): Promise<boolean>;
  /** Appends delivery attempts to the log (the oldest beyond the last 1,000 of an endpoint are dropped). */
  recordDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void>;
  /** An endpoint's most recent delivery attempts, newest first. */
  deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** The store's webhook tables, as a host's webhook deliveries use them (`CampaignRuntime.webhookStore`). */
export type WebhookStore = Pick<CampaignStore, 'webhookEndpoints' | 'addWebhookEndpoint' | 'removeWebhookEndpoint' | 'recordDeliveries' | 'deliveries'>;

/** The list cursor of a record. */
export function cursorOf(record: Pick<CampaignRecord, 'createdAt' | 'id'>): string {
  return `${record.createdAt}:${record.id}`;
}

const CURSOR = /^(\d{1,16}):(.+)$/s;

/** Whether a string is a list cursor made by {@link cursorOf}. */
export function isCursor(cursor: string): boolean {
  return CURSOR.test(cursor);
}

/** The position a list cursor stands for; callers validate it first ({@link isCursor}). */
export function parseCursor(cursor: string): { createdAt: number; id: string } {
  const match = CURSOR.exec(cursor);
  if (!match) throw new TypeError('Invalid list cursor: pass back the `next` of the previous page');
  return { createdAt: Number(match[1]), id: match[2]! };
}
