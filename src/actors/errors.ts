import { z } from 'zod';

/** Base class of the errors the runtime throws on purpose; `name` is the class name. */
export class CampaignError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ValidationIssue = z.core.$ZodIssue;

/** Input did not validate; nothing was written. `issues` are zod's. */
export class ValidationError extends CampaignError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], what = 'input') {
    super(`Invalid ${what}:\n${z.prettifyError(new z.ZodError(issues))}`);
    this.issues = issues;
  }
}

/** Parses `value` with `schema` at the boundary, or throws a {@link ValidationError}. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(result.error.issues, what);
  return result.data;
}

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

/** The runtime was stopped. */
export class RuntimeStoppedError extends CampaignError {
  constructor() {
    super('The campaign runtime is stopped');
  }
}
