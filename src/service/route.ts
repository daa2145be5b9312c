import type { Context } from 'hono';
import { z } from 'zod';
import { ValidationError } from '../index.js';
import { HttpError } from './errors.js';

export type Method = 'GET' | 'POST' | 'DELETE';

/** What a handler answers; the route turns it into a JSON response. */
export interface Reply {
  status: 200 | 201 | 204 | 503;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** Content type of the response body (default `application/json`). */
  contentType?: string;
}

/** Request headers a route reads. */
export type HeaderName = 'If-Match' | 'Idempotency-Key' | 'Last-Event-ID';

const NoQuery = z.strictObject({});
type NoQuery = typeof NoQuery;

export interface RouteInput<Q extends z.ZodType, B extends z.ZodType> {
  params: Record<string, string>;
  query: z.output<Q>;
  /** The body as sent, validated against the route's schema (the runtime parses it again). */
  body: z.input<B>;
  /** `If-Match` as a version number. */
  ifMatch: number | undefined;
  idempotencyKey: string | undefined;
  lastEventId: number | undefined;
  c: Context;
}

export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Hono path, e.g. `/api/campaigns/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  query?: Q;
  body?: B;
  /** An absent or empty body counts as `{}`. */
  bodyOptional?: boolean;
  headers?: readonly HeaderName[];
  responses: Record<number, ResponseDoc>;
  handle(input: RouteInput<Q, B>): Promise<Reply | Response>;
}

/** A route with its types erased: what the server registers and the OpenAPI document describes. */
export interface Route {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description: string | undefined;
  tag: string;
  query: z.ZodType | undefined;
  body: z.ZodType | undefined;
  bodyOptional: boolean;
  headers: readonly HeaderName[];
  responses: Record<number, ResponseDoc>;
  run(c: Context): Promise<Response>;
}

/** Declares a route: its documentation, its schemas (parsed at the edge) and a thin handler. */
export function defineRoute<Q extends z.ZodType = NoQuery, B extends z.ZodType = z.ZodUndefined>(
  spec: RouteSpec<Q, B>,
): Route {
  const headers = spec.headers ?? [];
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tag: spec.tag,
    query: spec.query,
    body: spec.body,
    bodyOptional: spec.bodyOptional ?? false,
    headers,
    responses: spec.responses,
    async run(c) {
      const query = parse((spec.query ?? NoQuery) as Q, queryObject(c), 'query') as z.output<Q>;
      const body = spec.body ? await readBody(c, spec.body, spec.bodyOptional ?? false) : (undefined as z.input<B>);
      const reply = await spec.handle({
        params: c.req.param() as Record<string, string>,
        query,
        body,
        ifMatch: headers.includes('If-Match') ? ifMatch(c.req.header('If-Match')) : undefined,
        idempotencyKey: headers.includes('Idempotency-Key') ? idempotencyKey(c.req.header('Idempotency-Key')) : undefined,
        lastEventId: headers.includes('Last-Event-ID') ? lastEventId(c.req.header('Last-Event-ID')) : undefined,
        c,
      });
      if (reply instanceof Response) return reply;
      const responseHeaders = { ...reply.headers };
      if (reply.status === 204) return c.body(null, 204, responseHeaders);
      return c.json(reply.body ?? null, reply.status, responseHeaders);
    },
  };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(result.error.issues, what);
  return result.data;
}

/** Query parameters; a repeated parameter becomes an array. */
function queryObject(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim());

async function readBody<B extends z.ZodType>(c: Context, schema: B, optional: boolean): Promise<z.input<B>> {
  const text = await c.req.text();
  let value: unknown;
  if (text.trim() === '') {
    value = optional ? {} : undefined;
  } else {
    if (!isJson(c.req.header('Content-Type'))) {
      throw new HttpError(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json)');
    }
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      throw new HttpError(400, 'MalformedJson', `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(
      [{ code: 'invalid_type', expected: 'object', path: [], message: 'The request body must be a JSON object', input: value }],
      'request body',
    );
  }
  parse(schema, value, 'request body');
  return value as z.input<B>;
}

const VERSION = /^(?:W\/)?"?(\d{1,15})"?$/;

function ifMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = VERSION.exec(header.trim());
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ValidationError(
      [{ code: 'custom', path: ['If-Match'], message: 'If-Match must be a campaign version, e.g. "3"', input: header }],
      'If-Match header',
    );
  }
  return version;
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (key.length === 0 || key.length > 200) {
    throw new ValidationError(
      [{ code: 'custom', path: ['Idempotency-Key'], message: 'Idempotency-Key must be 1 to 200 characters', input: header }],
      'Idempotency-Key header',
    );
  }
  return key;
}

function lastEventId(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const seq = Number(header.trim());
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new ValidationError(
      [{ code: 'custom', path: ['Last-Event-ID'], message: 'Last-Event-ID must be a change sequence number', input: header }],
      'Last-Event-ID header',
    );
  }
  return seq;
}
