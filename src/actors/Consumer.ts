import { z } from 'zod';
import { PresetName } from '../machines/Preset.js';
import type { CampaignStore, Change, ParkedChange } from '../persistence/CampaignStore.js';
import type { CampaignChange } from './CampaignChange.js';
import type { ChangeFeed } from './ChangeFeed.js';
import type { Clock, ClockTimer } from './Clock.js';
import { changeAt, toCampaignChange } from './ChangeFeed.js';

/** A consumer's name: what its cursor and lease are stored under. */
export const ConsumerName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w.:-]+$/, 'a consumer name may contain letters, digits, _ . : -');

const OneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

/** How a durable consumer follows the feed; every field is checked. */
export const ConsumeOptions = z.strictObject({
  /** Where a consumer seen for the first time starts: every change ever (default) or only those from now on. */
  from: z.enum(['beginning', 'now']).optional(),
  /** Only these changes reach the handler (the others are passed over, cursor included). */
  filter: z
    .strictObject({
      preset: OneOrMany(PresetName).optional(),
      /** Change events: command types, timer names, CREATE, DELETE. */
      event: OneOrMany(z.string().min(1).max(100)).optional(),
      /** The status after the change. */
      status: OneOrMany(z.string().min(1).max(100)).optional(),
    })
    .optional(),
  /** Attempts before a change is parked (default 8). */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  /** Backoff between attempts: `initialMs` doubling up to `maxMs`, with jitter (defaults 1 s and 5 min). */
  retry: z
    .strictObject({ initialMs: z.number().int().min(1).max(600_000), maxMs: z.number().int().min(1).max(86_400_000) })
    .refine((r) => r.maxMs >= r.initialMs, 'maxMs must not be below initialMs')
    .optional(),
  /** How long this runtime holds the consumer before another may take it over (default 15 s; renewed every third of it). */
  leaseMs: z.number().int().min(100).max(600_000).optional(),
  /** Changes read per batch (default 500). */
  batchSize: z.number().int().min(1).max(10_000).optional(),
  /** Told of every failed attempt: when the next one is due, or that the change is parked (`retryAt: null`). */
  onFailure: z.custom<(change: CampaignChange, failure: ConsumeFailure) => void>((value) => typeof value === 'function', 'onFailure must be a function').optional(),
});
export type ConsumeOptions = z.input<typeof ConsumeOptions>;

/** Which attempt at a change this is. */
export interface ConsumeAttempt {
  /** 1 for the first delivery; counts on across retries (and a retry by hand). */
  attempt: number;
  /** A parked change delivered again because someone asked (`retryParked`). */
  byHand: boolean;
}

/** A failed attempt, as `onFailure` is told of it. */
export interface ConsumeFailure extends ConsumeAttempt {
  error: string;
  /** What the handler threw. */
  cause: unknown;
  /** When the next attempt is due (ms since the epoch); `null`: the change is parked. */
  retryAt: number | null;
}

/** Handles one change; a rejection (or throw) is a failure to be retried. */
export type ConsumeHandler = (change: CampaignChange, attempt: ConsumeAttempt) => void | Promise<void>;

/** A running durable consumer. */
export interface Consumer {
  readonly name: string;
  /** Whether this runtime holds the consumer now (another may, on a shared store). */
  readonly active: boolean;
  /** Finishes the change in hand, records progress, gives the lease up. */
  stop(): Promise<void>;
}

interface Blocked {
  /** The campaign's changes waiting, in feed order; the first is the one being retried. */
  queue: Change[];
  attempts: number;
  retryAt: number;
  error: string;
}

interface ConsumerDeps {
  store: CampaignStore;
  feed: ChangeFeed;
  clock: Clock;
  /** This runtime instance (what holds leases). */
  owner: string;
  onError: (error: unknown) => void;
}

const POLL_MS = 1_000;
const HAND_RETRY_MS = 1_000;
/** Changes read ahead of the cursor at most while some wait for a retry. */
const WINDOW = 10_000;

const listOf = (value: string | readonly string[] | undefined) => (value === undefined ? null : new Set([value].flat()));
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 2_000);

/**
 * A durable named consumer of the change feed: its cursor lives in the store and moves only
 * past changes handled (at least once, in feed order per campaign). A failing change is retried
 * with exponential backoff and jitter while the changes of other campaigns go on (later changes
 * of the same campaign wait behind it); after `maxAttempts` it is parked — stored, visible,
 * retried by hand with `retryParked` — and its campaign's later changes proceed. One runtime
 * holds a consumer at a time (a lease in the store, renewed, taken over when its holder dies).
 */
export class DurableConsumer implements Consumer {
  readonly name: string;
  readonly #handler: ConsumeHandler;
  readonly #onFailure: ((change: CampaignChange, failure: ConsumeFailure) => void) | undefined;
  readonly #deps: ConsumerDeps;
  readonly #from: 'beginning' | 'now';
  readonly #filter: { preset: Set<string> | null; event: Set<string> | null; status: Set<string> | null };
  readonly #maxAttempts: number;
  readonly #retry: { initialMs: number; maxMs: number };
  readonly #leaseMs: number;
  readonly #batchSize: number;

  #held = false;
  #leaseRenewAt = 0;
  #readSeq = 0;
  #savedCursor = 0;
  readonly #pending = new Set<number>();
  readonly #blocked = new Map<string, Blocked>();
  #park: Omit<ParkedChange, 'consumer' | 'retry'>[] = [];
  #unpark: number[] = [];
  #handRetriesAt = 0;
  #stopping = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #sleep: ClockTimer | null = null;
  /** Resolves when the turn a clock timer started is over (a manual clock waits for it before moving on). */
  #turnOver: (() => void) | null = null;
  #unwatch: (() => void) | null = null;

  constructor(name: string, handler: ConsumeHandler, options: z.output<typeof ConsumeOptions>, deps: ConsumerDeps) {
    this.name = name;
    this.#handler = handler;
    this.#deps = deps;
    this.#from = options.from ?? 'beginning';
    this.#filter = { preset: listOf(options.filter?.preset), event: listOf(options.filter?.event), status: listOf(options.filter?.status) };
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#retry = options.retry ?? { initialMs: 1_000, maxMs: 300_000 };
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#batchSize = options.batchSize ?? 500;
    this.#onFailure = options.onFailure;
  }

  get active(): boolean {
    return this.#held && !this.#stopping;
  }

  /** Starts following the feed in the background. */
  start(): void {
    this.#unwatch = this.#deps.feed.onAdvance(() => this.wake());
    this.#loop = this.run();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return this.#loop ?? undefined;
    this.#stopping = true;
    this.wake();
    await this.#loop;
  }

  private wake(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    try {
      while (!this.#stopping) {
        try {
          await this.step();
        } catch (error) {
          this.#deps.onError(error);
          await this.idle(POLL_MS);
        }
      }
      await this.release();
    } finally {
      this.#unwatch?.();
      this.endTurn();
    }
  }

  private endTurn(): void {
    const over = this.#turnOver;
    this.#turnOver = null;
    over?.();
  }

  /** One turn: hold the lease, retry what is due, read and handle new changes, record progress, wait. */
  private async step(): Promise<void> {
    const { clock } = this.#deps;
    if (!(await this.holdLease())) {
      await this.idle(Math.max(100, Math.floor(this.#leaseMs / 3)));
      return;
    }
    let worked = await this.retryDue();
    worked = (await this.retryByHand()) || worked;
    if (this.#pending.size < WINDOW && !this.#stopping) worked = (await this.readNew()) || worked;
    await this.save(false);
    if (!worked && !this.#stopping) {
      const nextRetry = Math.min(...[...this.#blocked.values()].map((b) => b.retryAt));
      const until = Math.min(nextRetry, this.#leaseRenewAt, clock.now() + POLL_MS);
      await this.idle(Math.max(0, until - clock.now()));
    }
  }

  /** Takes or renews the lease when due; on losing it, everything in hand is dropped (the new holder redoes it). */
  private async holdLease(): Promise<boolean> {
    const { store, clock, owner, feed } = this.#deps;
    const now = clock.now();
    if (this.#held && now < this.#leaseRenewAt) return true;
    const record = await store.leaseConsumer(this.name, owner, now, now + this.#leaseMs, this.#from === 'now' ? feed.lastSeq : 0);
    if (!record) {
      if (this.#held) this.drop();
      return false;
    }
    if (!this.#held) {
      this.#held = true;
      this.#savedCursor = record.cursor;
      this.#readSeq = record.cursor;
    }
    this.#leaseRenewAt = now + Math.floor(this.#leaseMs / 3);
    return true;
  }

  private drop(): void {
    this.#held = false;
    this.#pending.clear();
    this.#blocked.clear();
    this.#park = [];
    this.#unpark = [];
  }

  private matches(change: Change): boolean {
    const { preset, event, status } = this.#filter;
    return (
      (preset === null || (change.preset !== null && preset.has(change.preset))) &&
      (event === null || event.has(change.event)) &&
      (status === null || (change.to !== null && status.has(change.to)))
    );
  }

  /** Reads the changes after what was read; hands each over unless its campaign waits for a retry. */
  private async readNew(): Promise<boolean> {
    const changes = await this.#deps.store.changes(this.#readSeq, this.#batchSize);
    for (const change of changes) {
      if (this.#stopping || !(await this.holdLease())) break; // a long batch renews the lease as it goes
      this.#readSeq = change.seq;
      if (!this.matches(change)) continue;
      const blocked = this.#blocked.get(change.campaignId);
      this.#pending.add(change.seq);
      if (blocked) blocked.queue.push(change);
      else await this.deliver(change, null);
    }
    return changes.length > 0;
  }

  /** Hands a change over; `blocked` is its campaign's retry state when it is the head of the queue. */
  private async deliver(change: Change, blocked: Blocked | null): Promise<boolean> {
    const attempts = (blocked?.attempts ?? 0) + 1;
    const delivered = toCampaignChange(change);
    try {
      await this.#handler(delivered, { attempt: attempts, byHand: false });
      this.#pending.delete(change.seq);
      return true;
    } catch (error) {
      if (attempts >= this.#maxAttempts) {
        this.#park.push({ seq: change.seq, campaignId: change.campaignId, attempts, error: reasonOf(error), parkedAt: this.#deps.clock.now() });
        this.#pending.delete(change.seq);
        this.failed(delivered, { attempt: attempts, byHand: false, error: reasonOf(error), cause: error, retryAt: null });
        return true; // parked: the campaign's later changes go on
      }
      const state = blocked ?? { queue: [change], attempts: 0, retryAt: 0, error: '' };
      state.attempts = attempts;
      state.error = reasonOf(error);
      state.retryAt = this.#deps.clock.now() + this.backoff(attempts);
      this.#blocked.set(change.campaignId, state);
      this.failed(delivered, { attempt: attempts, byHand: false, error: state.error, cause: error, retryAt: state.retryAt });
      return false;
    }
  }

  private failed(change: CampaignChange, failure: ConsumeFailure): void {
    try {
      this.#onFailure?.(change, failure);
    } catch (error) {
      this.#deps.onError(error);
    }
  }

  private backoff(attempts: number): number {
    const ceiling = Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** (attempts - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** Retries the campaigns whose backoff ran out, each from the head of its queue on. */
  private async retryDue(): Promise<boolean> {
    const now = this.#deps.clock.now();
    let worked = false;
    for (const [campaignId, blocked] of [...this.#blocked]) {
      if (blocked.retryAt > now || this.#stopping) continue;
      worked = true;
      while (blocked.queue.length > 0) {
        const head = blocked.queue[0]!;
        if (!(await this.deliver(head, blocked))) break;
        blocked.queue.shift();
        blocked.attempts = 0;
      }
      if (blocked.queue.length === 0) this.#blocked.delete(campaignId);
    }
    return worked;
  }

  /** Parked changes someone asked to deliver again: handled out of order; on failure parked again. */
  private async retryByHand(): Promise<boolean> {
    const { store, clock } = this.#deps;
    if (clock.now() < this.#handRetriesAt) return false;
    this.#handRetriesAt = clock.now() + HAND_RETRY_MS;
    const asked = await store.parkedChanges(this.name, { retry: true, limit: 100 });
    for (const parked of asked) {
      if (this.#stopping) break;
      const change = await changeAt(store, parked.seq);
      if (!change) {
        this.#unpark.push(parked.seq); // the change is gone from the feed: nothing left to deliver
        continue;
      }
      const delivered = toCampaignChange(change);
      const attempt = parked.attempts + 1;
      try {
        await this.#handler(delivered, { attempt, byHand: true });
        this.#unpark.push(parked.seq);
      } catch (error) {
        this.#park.push({ seq: parked.seq, campaignId: parked.campaignId, attempts: attempt, error: reasonOf(error), parkedAt: clock.now() });
        this.failed(delivered, { attempt, byHand: true, error: reasonOf(error), cause: error, retryAt: null });
      }
    }
    return asked.length > 0;
  }

  /** The cursor: everything up to it was handled or parked. */
  private cursor(): number {
    let lowest = Infinity;
    for (const seq of this.#pending) if (seq < lowest) lowest = seq;
    return lowest === Infinity ? this.#readSeq : lowest - 1;
  }

  private async save(release: boolean): Promise<void> {
    if (!this.#held) return;
    const cursor = this.cursor();
    if (!release && cursor === this.#savedCursor && this.#park.length === 0 && this.#unpark.length === 0) return;
    const [park, unpark] = [this.#park, this.#unpark];
    const saved = await this.#deps.store.saveConsumer(this.name, this.#deps.owner, { cursor, park, unpark, release });
    if (!saved) {
      this.drop(); // another runtime took the consumer over: it redoes what was not saved
      return;
    }
    this.#park = this.#park.slice(park.length);
    this.#unpark = this.#unpark.slice(unpark.length);
    this.#savedCursor = cursor;
  }

  private async release(): Promise<void> {
    try {
      await this.save(true);
    } catch (error) {
      this.#deps.onError(error);
    }
    this.drop();
  }

  /**
   * Waits `ms` on the runtime's clock, or until woken (the feed grew, stop). A turn started by the
   * clock ends when the loop waits again: the clock's callback returns that, so a manual clock
   * moves on only once the consumer did what was due.
   */
  private idle(ms: number): Promise<void> {
    this.endTurn();
    return new Promise<void>((resolve) => {
      const { clock } = this.#deps;
      const done = () => {
        if (this.#sleep) clock.clearTimeout(this.#sleep);
        this.#sleep = null;
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      this.#sleep = clock.setTimeout(() => {
        done();
        return new Promise<void>((over) => {
          this.#turnOver = over;
        });
      }, ms);
      if (this.#stopping) done();
    });
  }
}
