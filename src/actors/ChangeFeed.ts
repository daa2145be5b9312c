import { toIso } from '../machines/Instant.js';
import type { CampaignStore, Change } from '../persistence/CampaignStore.js';
import type { CampaignChange, ChangeListener, FeedOptions } from './CampaignChange.js';

/** A stored change as the host sees it (ISO dates, parsed detail). */
export function toCampaignChange(change: Change): CampaignChange {
  return {
    seq: change.seq,
    campaignId: change.campaignId,
    preset: change.preset,
    version: change.version,
    at: toIso(change.at),
    dueAt: toIso(change.dueAt),
    event: change.event,
    source: change.source,
    from: change.from,
    to: change.to,
    commandId: change.commandId,
    detail: change.detail === null ? null : (JSON.parse(change.detail) as unknown),
  };
}

/** The stored change with sequence number `seq`, or `null` when it is no longer in the feed. */
export async function changeAt(store: Pick<CampaignStore, 'changes'>, seq: number): Promise<Change | null> {
  const [change] = await store.changes(seq - 1, 1);
  return change && change.seq === seq ? change : null;
}

const READ_BATCH = 1_000;
const RECENT = 10_000;

/**
 * The change feed of one process: the sequence of the last committed change, one reader that
 * reads each committed change from the store once, the recent ones kept in memory, and
 * subscriptions fed from memory — so a write costs the same however many subscribers watch.
 * A subscriber that is behind (it resumed from an older cursor, or its listener is slow) reads on
 * from memory or the store at its own pace, then rejoins; nothing relies on memory alone: a
 * subscriber that resubscribes with the last `seq` it handled gets exactly what it missed.
 */
export class ChangeFeed {
  readonly #store: Pick<CampaignStore, 'changes' | 'lastSeq'>;
  readonly #onError: (error: unknown) => void;
  readonly #onRead: ((changes: readonly CampaignChange[]) => void) | undefined;
  readonly #subscriptions = new Set<Subscription>();
  readonly #advanceListeners = new Set<() => void>();
  /** Changes read from the store, oldest first: `#recent[i].seq` ascending and gap-free. */
  #recent: CampaignChange[] = [];
  #lastSeq = 0;
  #readSeq = 0;
  #reading: Promise<void> | null = null;
  /** The last read stopped short (a store error, or nothing stored yet): wait for the next commit. */
  #failed = false;

  /** `onRead` sees every change once, as the reader reads it (whichever runtime committed it). */
  constructor(store: Pick<CampaignStore, 'changes' | 'lastSeq'>, onError: (error: unknown) => void, onRead?: (changes: readonly CampaignChange[]) => void) {
    this.#store = store;
    this.#onError = onError;
    this.#onRead = onRead;
  }

  /** Reads where the stored feed ends. */
  async open(): Promise<void> {
    this.#lastSeq = await this.#store.lastSeq();
    this.#readSeq = this.#lastSeq;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Subscriptions open now. */
  get size(): number {
    return this.#subscriptions.size;
  }

  /** After a commit: the feed ends at least at `seq`; the reader reads what is new, once, for everyone. */
  advance(seq: number): void {
    if (seq <= this.#lastSeq) return;
    this.#lastSeq = seq;
    this.read();
    this.advanced();
  }

  /** Calls `listener` whenever the feed grows (a wake-up: read the store for what is new). */
  onAdvance(listener: () => void): () => void {
    this.#advanceListeners.add(listener);
    return () => this.#advanceListeners.delete(listener);
  }

  private advanced(): void {
    for (const listener of this.#advanceListeners) listener();
  }

  /**
   * After a commit of this process, with its changes: when the reader is caught up and they
   * follow on without a gap (the store's only writer), they are taken as they are — no read back.
   * Otherwise (another writer's changes in between) the reader reads the store.
   */
  committed(changes: readonly Change[]): void {
    const last = changes.at(-1);
    if (!last) return;
    const contiguous = !this.#reading && this.#readSeq === this.#lastSeq && changes.every((c, i) => c.seq === this.#readSeq + 1 + i);
    if (!contiguous) return this.advance(last.seq);
    const read = changes.map(toCampaignChange);
    this.#lastSeq = last.seq;
    this.#readSeq = last.seq;
    this.remember(read);
    this.#onRead?.(read);
    for (const subscription of this.#subscriptions) subscription.offer(read);
    this.advanced();
  }

  private read(): void {
    this.#reading ??= this.readNew().finally(() => {
      this.#reading = null;
      if (this.#readSeq < this.#lastSeq && !this.#failed) this.read();
    });
  }

  /** Delivers every change after `after`, in order; returns the unsubscribe function. */
  subscribe(listener: ChangeListener, options: FeedOptions = {}): () => void {
    const subscription = new Subscription(this, listener, options.after ?? this.#lastSeq, options);
    this.#subscriptions.add(subscription);
    subscription.start();
    return () => this.unsubscribe(subscription);
  }

  /** Ends every subscription. */
  stop(): void {
    for (const subscription of this.#subscriptions) subscription.stop();
    this.#subscriptions.clear();
  }

  /** @internal */
  unsubscribe(subscription: Subscription): void {
    subscription.stop();
    this.#subscriptions.delete(subscription);
  }

  /** @internal the sequence the shared reader has reached (changes up to it are in memory or fanned out). */
  get readSeq(): number {
    return this.#readSeq;
  }

  /** @internal the changes after `cursor` for a subscriber catching up: from memory when they are there, else from the store. */
  async changesAfter(cursor: number): Promise<CampaignChange[]> {
    const first = this.#recent[0];
    if (first && cursor >= first.seq - 1) {
      const start = cursor - first.seq + 1;
      return this.#recent.slice(start, start + READ_BATCH);
    }
    return (await this.#store.changes(cursor, READ_BATCH)).map(toCampaignChange);
  }

  /** @internal */
  reportError(error: unknown): void {
    this.#onError(error);
  }

  private async readNew(): Promise<void> {
    this.#failed = false;
    try {
      while (this.#readSeq < this.#lastSeq) {
        const changes = (await this.#store.changes(this.#readSeq, READ_BATCH)).map(toCampaignChange);
        if (changes.length === 0) {
          this.#failed = true; // nothing stored past readSeq yet: the next commit reads on
          return;
        }
        this.remember(changes);
        this.#readSeq = changes.at(-1)!.seq;
        this.#onRead?.(changes);
        for (const subscription of this.#subscriptions) subscription.offer(changes);
      }
    } catch (error) {
      this.#failed = true; // the next commit retries
      this.#onError(error);
    }
  }

  private remember(changes: CampaignChange[]): void {
    const last = this.#recent.at(-1);
    if (last && changes[0]!.seq !== last.seq + 1) this.#recent = [];
    this.#recent.push(...changes);
    if (this.#recent.length > 2 * RECENT) this.#recent = this.#recent.slice(-RECENT);
  }
}

/** One subscriber: live (fed by the reader) or catching up (reading on its own), never both. */
class Subscription {
  readonly #feed: ChangeFeed;
  readonly #listener: ChangeListener;
  readonly #maxLag: number;
  readonly #onLagged: ((cursor: number) => void) | undefined;
  #cursor: number;
  #queue: CampaignChange[] = [];
  #live = false;
  #active = true;
  #wake: (() => void) | null = null;

  constructor(feed: ChangeFeed, listener: ChangeListener, after: number, options: FeedOptions) {
    this.#feed = feed;
    this.#listener = listener;
    this.#cursor = after;
    this.#maxLag = options.maxLag ?? 10_000;
    this.#onLagged = options.onLagged;
  }

  start(): void {
    void this.pump().catch((error) => this.#feed.reportError(error));
  }

  /** New changes read by the shared reader: queued when live; a live subscriber too far behind leaves the fan-out. */
  offer(changes: readonly CampaignChange[]): void {
    if (!this.#live || !this.#active) return;
    for (const change of changes) if (change.seq > this.#cursor && change.seq > (this.#queue.at(-1)?.seq ?? 0)) this.#queue.push(change);
    if (this.#queue.length > this.#maxLag) {
      if (this.#onLagged) {
        const cursor = this.#cursor;
        this.#feed.unsubscribe(this);
        this.#onLagged(cursor);
        return;
      }
      this.#queue = [];
      this.#live = false;
    }
    this.#wake?.();
  }

  stop(): void {
    this.#active = false;
    this.#queue = [];
    this.#wake?.();
  }

  private async pump(): Promise<void> {
    while (this.#active) {
      const change = this.#queue.shift();
      if (change) {
        await this.deliver(change);
        continue;
      }
      if (this.#live) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          if (!this.#active || this.#queue.length > 0 || !this.#live) resolve();
        });
        this.#wake = null;
        continue;
      }
      if (this.#cursor >= this.#feed.readSeq) {
        this.#live = true; // from here on the reader offers every change after the cursor
        continue;
      }
      const missed = await this.#feed.changesAfter(this.#cursor);
      if (missed.length === 0) this.#live = true; // nothing stored after the cursor yet: wait for the reader
      for (const change of missed) {
        if (!this.#active) return;
        await this.deliver(change);
      }
    }
  }

  private async deliver(change: CampaignChange): Promise<void> {
    if (change.seq <= this.#cursor) return;
    try {
      const result = this.#listener(change);
      if (result) await result;
    } catch (error) {
      this.#feed.reportError(error);
    }
    this.#cursor = change.seq;
  }
}
