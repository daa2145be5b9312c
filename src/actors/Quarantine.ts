/** A campaign set aside because its stored record cannot be read. */
export interface QuarantinedCampaign {
  campaignId: string;
  reason: string;
  /** When it was first found unreadable (epoch ms). */
  since: number;
}

/**
 * The campaigns whose stored record cannot be read, with the reason. They are left out of lists
 * and their timers are held, instead of failing everything around them; a campaign leaves the
 * quarantine as soon as its record reads again (an operator repaired it) or it is deleted.
 */
export class Quarantine {
  readonly #campaigns = new Map<string, QuarantinedCampaign>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  add(campaignId: string, reason: string): void {
    const known = this.#campaigns.get(campaignId);
    this.#campaigns.set(campaignId, { campaignId, reason, since: known?.since ?? this.#now() });
  }

  release(campaignId: string): void {
    this.#campaigns.delete(campaignId);
  }

  has(campaignId: string): boolean {
    return this.#campaigns.has(campaignId);
  }

  list(): QuarantinedCampaign[] {
    return [...this.#campaigns.values()];
  }
}
