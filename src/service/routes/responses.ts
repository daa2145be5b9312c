import { resolver } from 'hono-openapi';
import type { z } from 'zod';
import { ErrorBody } from '../schemas.js';

type ResponseSpec = { description: string; content?: Record<string, { schema: ReturnType<typeof resolver> | Record<string, never> }> };

/** A JSON response documented with its schema. */
export const json = (description: string, schema: z.ZodType): ResponseSpec => ({
  description,
  content: { 'application/json': { schema: resolver(schema) } },
});

const ERRORS = {
  400: 'Invalid input: ValidationError (with the zod issues) or MalformedJson',
  404: 'No such campaign (NotFoundError)',
  409: 'Refused now (TransitionRejectedError: status, command, allowed, reason), a stale If-Match (ConflictError), or the same Idempotency-Key still in flight (IdempotencyKeyInFlight)',
  422: 'The Idempotency-Key was first used for another request (IdempotencyKeyReusedError)',
  413: 'Request body larger than the limit (PayloadTooLarge)',
  415: 'The request body is not JSON (UnsupportedMediaType)',
} as const;

/** The error responses a route can give, each with the error body; 401 and 503 are on every route. */
export function errors(...statuses: (keyof typeof ERRORS)[]): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  for (const status of statuses) out[status] = json(ERRORS[status], ErrorBody);
  out[401] = json('Missing or invalid bearer token (only when the service runs with CAMPAIGNS_TOKEN)', ErrorBody);
  out[500] = json('A stored campaign cannot be read (CampaignUnreadableError, quarantined), or an unexpected error (InternalError: logged, never detailed)', ErrorBody);
  out[503] = json('Not ready yet (start-up catch-up), shutting down, or the store cannot take writes (StoreFullError: storage full, StoreReadOnlyError); Retry-After says when to try again', ErrorBody);
  return out;
}

/** The error responses of a route with a JSON body. */
export const bodyErrors = (...statuses: (keyof typeof ERRORS)[]) => errors(400, 413, 415, ...statuses);
