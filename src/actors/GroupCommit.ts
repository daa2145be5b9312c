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
 * commit is in flight the next batch gathers. A conflicting write is refused alone and the rest
 * of its batch is retried.
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
      if (!this.#scheduled && !this.#flushing) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          void this.flush();
        });
      }
    });
  }

  /** Resolves once every write enqueued so far has settled. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#flushing) {
      await (this.#flushing ?? this.flush());
    }
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
          items[error.index]!.reject(error);
          items = items.filter((_, i) => i !== error.index);
          continue;
        }
        for (const item of items) item.reject(error);
        return;
      }
    }
  }
}
