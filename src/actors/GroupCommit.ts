import type { CampaignStore, CampaignWrite } from '../persistence/CampaignStore.js';
import { StoreConflictError } from '../persistence/errors.js';

interface Pending {
  write: CampaignWrite;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the writes made during one turn of the event loop and commits them in one store
 * transaction; each writer's promise settles once its write is durable (or refused). While a
 * commit is in flight the next batch gathers. A conflicting write is refused with the writes of its
 * campaign built on it (a store failure likewise), and the rest of its batch is retried.
 */
export class GroupCommit {
  readonly #store: CampaignStore;
  readonly #maxBatch: number;
  readonly #onCommitted: (writes: readonly CampaignWrite[], seqs: readonly number[]) => void;
  #pending: Pending[] = [];
  #scheduled = false;
  #flushing: Promise<void> | null = null;

  constructor(
    store: CampaignStore,
    onCommitted: (writes: readonly CampaignWrite[], seqs: readonly number[]) => void,
    maxBatch = 4096,
  ) {
    this.#store = store;
    this.#onCommitted = onCommitted;
    this.#maxBatch = maxBatch;
  }

  /** Number of writes not yet durable. */
  get backlog(): number {
    return this.#pending.length;
  }

  enqueue(write: CampaignWrite): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#pending.push({ write, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every write enqueued so far has settled. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#flushing) {
      await (this.#flushing ?? this.flush());
    }
  }

  private schedule(): void {
    if (this.#scheduled || this.#flushing) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (!this.#flushing) {
      this.#flushing = (async () => {
        while (this.#pending.length > 0) {
          const batch = this.#pending.splice(0, this.#maxBatch);
          await this.commit(batch);
        }
      })().finally(() => {
        this.#flushing = null;
        // writes enqueued after the loop's last look and before this: their enqueue saw a flush running
        if (this.#pending.length > 0) this.schedule();
      });
    }
    return this.#flushing;
  }

  private async commit(batch: Pending[]): Promise<void> {
    let items = batch;
    while (items.length > 0) {
      const writes = items.map((item) => item.write);
      try {
        const seqs = await this.#store.commit(writes);
        this.#onCommitted(writes, seqs);
        items.forEach((item, i) => item.resolve(seqs[i]!));
        return;
      } catch (error) {
        if (error instanceof StoreConflictError && items[error.index]) {
          const refused = items[error.index]!;
          refused.reject(error);
          items = items.filter((item) => item !== refused && !this.refuseIfChained(item, refused.write, error));
          this.#pending = this.#pending.filter((item) => !this.refuseIfChained(item, refused.write, error));
          continue;
        }
        for (const item of items) item.reject(error);
        const failed = new Set(items.map((item) => item.write.campaignId));
        this.#pending = this.#pending.filter((item) => {
          if (!failed.has(item.write.campaignId)) return true;
          item.reject(error);
          return false;
        });
        return;
      }
    }
  }

  /**
   * A later write of the campaign whose write was refused was built on it (its `fromVersion` is
   * the refused write's version, or later): committing it could land on another runtime's equal
   * version. It is refused too (and its writer reloads, as for the first).
   */
  private refuseIfChained(item: Pending, refused: CampaignWrite, cause: StoreConflictError): boolean {
    if (item.write.campaignId !== refused.campaignId || item.write.fromVersion <= refused.fromVersion) return false;
    item.reject(new StoreConflictError(cause.index, refused.campaignId, `${cause.message} (a write built on a refused one)`));
    return true;
  }
}
