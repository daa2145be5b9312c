/**
 * `/openapi.json` must be a valid OpenAPI 3.1 document for third-party tools, proven by two
 * independent validators; `/docs` renders it offline.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

describe('OpenAPI document', () => {
  let s: TestServer;
  let doc: OpenAPIV3_1.Document;
  beforeAll(async () => {
    s = await startTestServer();
    doc = (await s.request<OpenAPIV3_1.Document>('GET', '/openapi.json')).body;
  });
  afterAll(() => s.close());

  it('is valid for @apidevtools/swagger-parser (schema and every $ref resolved)', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('passes the Redocly "recommended" ruleset with no problem at all', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: `${s.url}/openapi.json`, config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('shares shapes under components/schemas and fills servers from the request', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: s.url, description: 'This service' }]);
    for (const name of ['CampaignView', 'CampaignChange', 'ForecastItem', 'Health', 'Error', 'Audience', 'Product', 'Json']) {
      expect(doc.components?.schemas, name).toHaveProperty(name);
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(ref).toMatch(/^"\$ref":"#\/components\/schemas\/[A-Za-z]+"$/);
  });

  it('gives every operation an operationId, a summary, a description and its documented errors', () => {
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      (['get', 'post', 'delete'] as const).flatMap((m) => (item?.[m] ? [{ id: `${m.toUpperCase()} ${path}`, op: item[m]! }] : [])),
    );
    expect(operations).toHaveLength(23);
    const ids = new Set<string>();
    for (const { id, op } of operations) {
      expect(op.operationId, id).toMatch(/^[a-z][A-Za-z]+$/);
      ids.add(op.operationId!);
      expect(op.summary, id).toBeTruthy();
      expect(op.description, id).toBeTruthy();
      for (const status of ['401', '500', '503']) expect(op.responses, `${id} ${status}`).toHaveProperty(status);
      if (op.requestBody) for (const status of ['400', '413', '415']) expect(op.responses, `${id} ${status}`).toHaveProperty(status);
      if (id.includes('{id}')) expect(op.responses, `${id} 404`).toHaveProperty('404');
    }
    expect(ids.size).toBe(operations.length);
  });

  it('describes a request body from the schema the runtime validates with', () => {
    const create = doc.paths?.['/api/campaigns']?.post?.requestBody as OpenAPIV3_1.RequestBodyObject;
    expect(create.content['application/json']!.schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['preset', 'name'] });
    const send = doc.paths?.['/api/campaigns/{id}/commands']?.post;
    expect(send?.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'path', name: 'id', required: true }),
        expect.objectContaining({ in: 'header', name: 'if-match' }),
        expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
      ]),
    );
  });

  it('serves an API reference at /docs from files bundled with the package (no CDN)', async () => {
    const page = await fetch(`${s.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((source) => !source.startsWith("data:"));
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) {
      expect(source, 'same origin').toMatch(/^\/docs\//);
      expect((await fetch(`${s.url}${source}`)).status, source).toBe(200);
    }
  });
});
