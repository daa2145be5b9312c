import { CampaignError } from '../machines/ValidationError.js';

export { CampaignError, parseInput, ValidationError, type ValidationIssue } from '../machines/ValidationError.js';

/** No campaign has this id (or it was deleted). */
export class NotFoundError extends CampaignError {
  readonly campaignId: string;
  constructor(campaignId: string) {
    super(`Campaign ${campaignId} not found`);
    this.campaignId = campaignId;
  }
}

/** The campaign refused the command in its current status; nothing changed. */
export class TransitionRejectedError extends CampaignError {
  readonly campaignId: string;
  readonly status: string;
  readonly command: string;
  /** User commands the campaign accepts now. */
  readonly allowed: string[];
  readonly reason: string;
  constructor(details: { campaignId: string; status: string; command: string; allowed: string[]; reason: string }) {
    super(`${details.command} refused for campaign ${details.campaignId} (${details.status}): ${details.reason}`);
    this.campaignId = details.campaignId;
    this.status = details.status;
    this.command = details.command;
    this.allowed = details.allowed;
    this.reason = details.reason;
  }
}

/** `expectedVersion` was stale, a `commandId` was reused for something else, or an id is taken. */
export class ConflictError extends CampaignError {
  readonly campaignId: string;
  readonly expectedVersion: number | null;
  readonly actualVersion: number | null;
  constructor(details: { campaignId: string; message: string; expectedVersion?: number; actualVersion?: number }) {
    super(details.message);
    this.campaignId = details.campaignId;
    this.expectedVersion = details.expectedVersion ?? null;
    this.actualVersion = details.actualVersion ?? null;
  }
}

/**
 * The store refused a write because the campaign is no longer at the version it was based on:
 * another runtime sharing the store changed it (or a duplicate command won). The runtime retries
 * a command on the fresh state; a caller sees this only when the campaign kept changing under it.
 */
export class StaleCampaignError extends ConflictError {}

/**
 * A `commandId` (an HTTP `Idempotency-Key`) came back with another request than the one it was
 * first used for: a different command, payload or campaign. The first request's result stands;
 * nothing was applied.
 */
export class IdempotencyKeyReusedError extends ConflictError {
  readonly commandId: string;
  /** What the id was first used for. */
  readonly usedFor: { campaignId: string | null; type: string };
  constructor(details: { commandId: string; campaignId: string; usedFor: { campaignId: string | null; type: string } }) {
    const used = `${details.usedFor.type}${details.usedFor.campaignId ? ` on campaign ${details.usedFor.campaignId}` : ''}`;
    super({ campaignId: details.campaignId, message: `commandId ${details.commandId} was already used for another request (${used})` });
    this.commandId = details.commandId;
    this.usedFor = details.usedFor;
  }
}

/**
 * A stored campaign cannot be read (its snapshot is not valid JSON, or not a state of this
 * statechart): it is quarantined — left out of lists, its timers held — until an operator
 * repairs the record or deletes the campaign.
 */
export class CampaignUnreadableError extends CampaignError {
  readonly campaignId: string;
  readonly reason: string;
  constructor(campaignId: string, reason: string, options?: ErrorOptions) {
    super(`Campaign ${campaignId} cannot be read: ${reason}`, options);
    this.campaignId = campaignId;
    this.reason = reason;
  }
}

/** The runtime was stopped. */
export class RuntimeStoppedError extends CampaignError {
  constructor() {
    super('The campaign runtime is stopped');
  }
}
