import { z } from 'zod';
import type { HeaderName, Route } from './route.js';

type JsonSchema = Record<string, unknown>;

const HEADER_DOCS: Record<HeaderName, { description: string; schema: JsonSchema }> = {
  'If-Match': {
    description: 'Optimistic concurrency: the campaign version the change is based on (its ETag, e.g. "3")',
    schema: { type: 'string' },
  },
  'Idempotency-Key': {
    description: 'Makes the request idempotent: a retry with the same key returns the first result',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
  'Last-Event-ID': {
    description: 'Resume the change stream after this sequence number',
    schema: { type: 'string' },
  },
};

/** JSON Schema of the request side (`io: 'input'`) or response side of a zod schema. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    // the library also accepts `Date` objects; over HTTP an instant is always a string
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') ctx.jsonSchema.not = {};
    },
  }) as JsonSchema;
  delete json['$schema'];
  return json;
}

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** An OpenAPI 3.1 document for the routes, generated from the zod schemas they parse with. */
export function openApiDocument(routes: readonly Route[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const match of route.path.matchAll(/:(\w+)/g)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
    if (route.query) {
      const query = jsonSchema(route.query, 'input');
      const properties = (query['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((query['required'] ?? []) as string[]);
      for (const [name, schema] of Object.entries(properties)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema, explode: true });
      }
    }
    for (const header of route.headers) {
      parameters.push({ name: header, in: 'header', required: false, ...HEADER_DOCS[header] });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(route.responses)) {
      responses[status] = {
        description: doc.description,
        ...(doc.schema || doc.contentType
          ? { content: { [doc.contentType ?? 'application/json']: doc.schema ? { schema: jsonSchema(doc.schema, 'output') } : {} } }
          : {}),
      };
    }
    responses['401'] ??= { description: 'Missing or invalid bearer token (when the service runs with a token)' };
    if (route.body) responses['413'] ??= { description: 'Request body larger than the limit' };
    (paths[toOpenApiPath(route.path)] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Campaign lifecycles as persisted XState actors: JSON API and change stream.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Only when the service runs with CAMPAIGNS_TOKEN' } },
    },
    security: [{}, { bearer: [] }],
  };
}
