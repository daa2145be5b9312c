import type { CampaignStore } from '../persistence/CampaignStore.js';
import type { IdempotentResult } from './campaignWrite.js';
import { ConflictError } from './errors.js';

/** What a command id was used for: a command type on a campaign (`null` for a create). */
export interface CommandTarget {
  campaignId: string | null;
  type: string;
}

/**
 * Command-id idempotency: a command carrying a `commandId` already applied returns its first
 * result (stored with its write); the same id sent again while the first is still in flight
 * shares its promise; an id used for another command or campaign is a {@link ConflictError}.
 */
export class Idempotency {
  readonly #store: Pick<CampaignStore, 'idempotency'>;
  readonly #inflight = new Map<string, CommandTarget & { promise: Promise<unknown> }>();

  constructor(store: Pick<CampaignStore, 'idempotency'>) {
    this.#store = store;
  }

  /** Runs `apply` unless `commandId` was already used; without a `commandId` it just runs it. */
  async run<T extends IdempotentResult['view']>(commandId: string | undefined, target: CommandTarget, apply: () => Promise<T>): Promise<T> {
    if (commandId === undefined) return apply();
    const inflight = this.#inflight.get(commandId);
    if (inflight) {
      if (inflight.campaignId !== target.campaignId || inflight.type !== target.type) throw reused(commandId, target, inflight);
      return inflight.promise as Promise<T>;
    }
    const promise = (async () => {
      const stored = await this.#store.idempotency(commandId);
      if (!stored) return apply();
      const result = JSON.parse(stored.result) as IdempotentResult;
      if ((target.campaignId !== null && stored.campaignId !== target.campaignId) || result.type !== target.type) {
        throw reused(commandId, target, { campaignId: stored.campaignId, type: result.type });
      }
      return result.view as T;
    })();
    this.#inflight.set(commandId, { ...target, promise });
    try {
      return await promise;
    } finally {
      this.#inflight.delete(commandId);
    }
  }
}

function reused(commandId: string, target: CommandTarget, usedFor: CommandTarget): ConflictError {
  return new ConflictError({
    campaignId: target.campaignId ?? usedFor.campaignId ?? '',
    message: `commandId ${commandId} was already used for ${usedFor.type}${usedFor.campaignId ? ` on campaign ${usedFor.campaignId}` : ''}`,
  });
}
