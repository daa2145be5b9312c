import { toIso } from '../machines/Instant.js';
import type { CampaignStore, Change } from '../persistence/CampaignStore.js';
import type { CampaignChange, ChangeListener } from './CampaignRuntime.js';

/** A stored change as the host sees it (ISO dates, parsed detail). */
export function toCampaignChange(change: Change): CampaignChange {
  return {
    seq: change.seq,
    campaignId: change.campaignId,
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

interface Subscriber {
  wake(): void;
  stop(): void;
}

/**
 * The change feed: the sequence of the last committed change, and subscriptions that read the
 * store after a cursor until caught up, then wait for the next commit. Delivery never relies on
 * memory: a subscriber that resubscribes with the last `seq` it handled gets exactly what it missed.
 */
export class ChangeFeed {
  readonly #store: Pick<CampaignStore, 'changes' | 'lastSeq'>;
  readonly #onError: (error: unknown) => void;
  readonly #subscribers = new Set<Subscriber>();
  #lastSeq = 0;

  constructor(store: Pick<CampaignStore, 'changes' | 'lastSeq'>, onError: (error: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Reads where the stored feed ends. */
  async open(): Promise<void> {
    this.#lastSeq = await this.#store.lastSeq();
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** After a commit: the feed ends at least at `seq`; waiting subscribers read on. */
  advance(seq: number): void {
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    for (const subscriber of this.#subscribers) subscriber.wake();
  }

  /** Delivers every change after `after` (default: from now), in order; returns the unsubscribe function. */
  subscribe(listener: ChangeListener, after: number = this.#lastSeq): () => void {
    let cursor = after;
    let active = true;
    let wake: (() => void) | null = null;
    const subscriber: Subscriber = {
      wake: () => wake?.(),
      stop: () => {
        active = false;
        wake?.();
      },
    };
    this.#subscribers.add(subscriber);
    void (async () => {
      while (active) {
        if (cursor >= this.#lastSeq) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (!active || cursor < this.#lastSeq) resolve();
          });
          wake = null;
          continue;
        }
        const changes = await this.#store.changes(cursor, 500);
        for (const change of changes) {
          if (!active) break;
          try {
            await listener(toCampaignChange(change));
          } catch (error) {
            this.#onError(error);
          }
          cursor = change.seq;
        }
      }
    })().catch((error) => this.#onError(error));
    return () => {
      subscriber.stop();
      this.#subscribers.delete(subscriber);
    };
  }

  /** Ends every subscription. */
  stop(): void {
    for (const subscriber of this.#subscribers) subscriber.stop();
    this.#subscribers.clear();
  }
}
