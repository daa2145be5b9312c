import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../actors/errors.js';
import { HttpError } from './errors.js';

const WHAT: Record<keyof ValidationTargets, string> = {
  json: 'request body',
  query: 'query',
  header: 'headers',
  param: 'path',
  form: 'form',
  cookie: 'cookies',
};

/**
 * Validates one part of the request with a zod schema — the schema the runtime itself uses for
 * that shape — and hands the handler the parsed value (`c.req.valid(target)`); the same schema
 * documents the route in the OpenAPI document. A failure is a 400 `ValidationError` with the zod issues.
 */
export function validate<S extends z.ZodType, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) throw new ValidationError(result.error as unknown as ValidationIssue[], WHAT[target]);
  });
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

/**
 * Checks a JSON request body before it is validated: not JSON → 415, malformed → 400
 * `MalformedJson`, not an object → 400 `ValidationError`; an empty body is allowed only when
 * `optional` (it then reads as `{}`). Error bodies never echo the input.
 */
export function jsonObjectBody(options: { optional?: boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    const text = await c.req.text();
    if (text.trim() === '') {
      if (options.optional) return next();
      throw new ValidationError([{ code: 'invalid_type', expected: 'object', path: [], message: 'A JSON object body is required', input: undefined }], 'request body');
    }
    if (!isJson(c.req.header('Content-Type'))) {
      throw new HttpError(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json)');
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      throw new HttpError(400, 'MalformedJson', `The request body is not valid JSON: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError([{ code: 'invalid_type', expected: 'object', path: [], message: 'The request body must be a JSON object', input: undefined }], 'request body');
    }
    return next();
  };
}
