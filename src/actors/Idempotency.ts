import type { CampaignStore } from '../persistence/CampaignStore.js';
import type { IdempotentResult } from './campaignWrite.js';
import { IdempotencyKeyReusedError } from './errors.js';

/** What a command id was used for: a command type on a campaign (`null` for a create), and the request's fingerprint. */
export interface CommandTarget {
  campaignId: string | null;
  type: string;
  /** `fingerprint(request)`: the whole parsed request, so a different payload under the same id is caught. */
  fingerprint: string;
}

/**
 * Command-id idempotency: a command carrying a `commandId` already applied returns its first
 * result (stored with its write, with the request's fingerprint); the same request sent again
 * while the first is in flight shares its promise; the id sent with another request — another
 * command, payload or campaign — is an {@link IdempotencyKeyReusedError} and applies nothing.
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
      if (!same(inflight, target)) throw reused(commandId, target, inflight);
      return inflight.promise as Promise<T>;
    }
    const promise = (async () => {
      const stored = await this.#store.idempotency(commandId);
      if (!stored) return apply();
      const result = JSON.parse(stored.result) as IdempotentResult;
      const first = { campaignId: stored.campaignId, type: result.type, fingerprint: result.fingerprint };
      if (!same(first, target)) throw reused(commandId, target, first);
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

/** Same request: same command on the same campaign, and the same fingerprint when the first one recorded it (stores written before fingerprints did not). */
function same(first: { campaignId: string | null; type: string; fingerprint?: string | undefined }, target: CommandTarget): boolean {
  if (target.campaignId !== null && first.campaignId !== target.campaignId) return false;
  if (first.type !== target.type) return false;
  return first.fingerprint === undefined || first.fingerprint === target.fingerprint;
}

function reused(commandId: string, target: CommandTarget, usedFor: { campaignId: string | null; type: string }): IdempotencyKeyReusedError {
  return new IdempotencyKeyReusedError({
    commandId,
    campaignId: target.campaignId ?? usedFor.campaignId ?? '',
    usedFor: { campaignId: usedFor.campaignId, type: usedFor.type },
  });
}
