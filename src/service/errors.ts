import { HTTPException } from 'hono/http-exception';
import { StoreUnavailableError } from '../persistence/errors.js';
import {
  CampaignUnreadableError,
  ConflictError,
  IdempotencyKeyReusedError,
  NotFoundError,
  RuntimeStoppedError,
  TransitionRejectedError,
  ValidationError,
} from '../actors/errors.js';
import type { ErrorBody } from './schemas.js';

/** An error of the HTTP layer itself (malformed JSON, too large, unauthorized, …). */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * Maps any thrown value to an HTTP status and a JSON body carrying the typed error's fields.
 * The single place where errors become responses (also used for per-id bulk results).
 */
export function mapError(error: unknown): MappedError {
  const plain = (status: number, body: ErrorBody, headers: Record<string, string> = {}) => ({ status, body, headers });
  if (error instanceof ValidationError) {
    return plain(400, { error: error.name, message: error.message, issues: error.issues });
  }
  if (error instanceof NotFoundError) {
    return plain(404, { error: error.name, message: error.message, campaignId: error.campaignId });
  }
  if (error instanceof TransitionRejectedError) {
    return plain(409, {
      error: error.name,
      message: error.message,
      campaignId: error.campaignId,
      status: error.status,
      command: error.command,
      allowed: error.allowed,
      reason: error.reason,
    });
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return plain(422, { error: error.name, message: error.message, campaignId: error.campaignId, reason: `The key was first used for ${error.usedFor.type}${error.usedFor.campaignId ? ` on campaign ${error.usedFor.campaignId}` : ''}: send a new key for a new request` });
  }
  if (error instanceof ConflictError) {
    return plain(409, {
      error: error.name,
      message: error.message,
      campaignId: error.campaignId,
      expectedVersion: error.expectedVersion,
      actualVersion: error.actualVersion,
    });
  }
  if (error instanceof StoreUnavailableError) {
    return plain(503, { error: error.name, message: `The store cannot take writes now: ${error.reason}`, reason: error.reason }, { 'Retry-After': '30' });
  }
  if (error instanceof CampaignUnreadableError) {
    return plain(500, {
      error: error.name,
      message: error.message,
      campaignId: error.campaignId,
      reason: `${error.reason}; the campaign is quarantined until its record is repaired or it is deleted (DELETE /api/campaigns/${encodeURIComponent(error.campaignId)})`,
    });
  }
  if (error instanceof RuntimeStoppedError) {
    return plain(503, { error: error.name, message: error.message });
  }
  if (error instanceof HttpError) {
    return plain(error.status, { error: error.code, message: error.message }, error.headers);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return plain(error.status, { error: error.status === 400 ? 'MalformedJson' : 'BadRequest', message: error.message });
  }
  return plain(500, { error: 'InternalError', message: 'Internal server error' });
}
export type { ErrorBody } from './schemas.js';
