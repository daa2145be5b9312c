/**
 * No client input is a 500, and no error body echoes unbounded input (issue 9, item 5): hand-made
 * nasty requests on every route, then random JSON bodies from fast-check.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignView } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('bad input over HTTP', () => {
  let s: TestServer;
  let id: string;
  beforeAll(async () => {
    s = await startTestServer();
    id = (await s.rt.create({ preset: 'discount', name: 'Target' })).id;
  });
  afterAll(async () => {
    await s.close();
    expect(s.errors).toEqual([]);
  });

  const send = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${s.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, text: await response.text() };
  };

  it('answers 4xx, never 500, to malformed requests on every route — with bounded bodies', async () => {
    const cases: [string, string, string?, Record<string, string>?][] = [
      ['GET', '/api/campaigns?after=garbage'],
      ['GET', '/api/campaigns?after=1:'],
      ['GET', '/api/campaigns?limit=abc'],
      ['GET', '/api/campaigns?limit=0'],
      ['GET', '/api/campaigns?status='],
      ['GET', '/api/campaigns?preset=nope'],
      ['GET', '/api/campaigns?unknown=1'],
      ['GET', '/api/counts?preset=%00'],
      ['GET', `/api/campaigns/${'x'.repeat(5000)}`],
      ['GET', '/api/campaigns/%E2%80%AE%00'],
      ['GET', '/api/changes?after=-1'],
      ['GET', '/api/changes', undefined, { 'Last-Event-ID': '9'.repeat(40) }],
      ['POST', '/api/campaigns', deepArray(100_000)],
      ['POST', '/api/campaigns', deepObject(100_000)],
      ['POST', '/api/campaigns', JSON.stringify({ preset: 'discount', name: 'x', content: JSON.parse(deepArray(1000)) })],
      ['POST', '/api/campaigns', JSON.stringify({ preset: 'discount', name: 'x', ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) })],
      ['POST', '/api/campaigns', JSON.stringify({ preset: 'discount', name: 'x'.repeat(100_000) })],
      ['POST', '/api/campaigns', '{"preset":"discount","name":"x","__proto__":{"polluted":1}}'],
      ['POST', `/api/campaigns/${id}/commands`, JSON.stringify({ type: 'UPDATE', patch: { startAt: 'yesterday' } })],
      ['POST', `/api/campaigns/${id}/commands`, JSON.stringify({ type: 'PAUSE' }), { 'If-Match': 'W/"abc"' }],
      ['POST', `/api/campaigns/${id}/commands`, JSON.stringify({ type: 'PAUSE' }), { 'Idempotency-Key': 'k'.repeat(5000) }],
      ['POST', `/api/campaigns/${id}/commands`, deepArray(50_000)],
      ['POST', '/api/campaigns/bulk', JSON.stringify({ ids: Array.from({ length: 5000 }, (_, i) => `id${i}`), command: { type: 'PAUSE' } })],
      ['POST', `/api/campaigns/${id}/admit`, JSON.stringify({ memberId: 'm', inviteExpiresAt: 12 })],
      ['POST', `/api/campaigns/${id}/duplicate`, JSON.stringify({ recurrence: { rule: 'FREQ=SECONDLY', duration: 'PT1S' } })],
      ['DELETE', `/api/campaigns/${id}`, undefined, { 'If-Match': '"0"' }],
    ];
    for (const [method, path, body, headers] of cases) {
      const { status, text } = await send(method, path, body, headers);
      const label = `${method} ${path.slice(0, 60)} ${body?.slice(0, 40) ?? ''}`;
      expect(status, label).toBeGreaterThanOrEqual(400);
      expect(status, label).toBeLessThan(500);
      expect(text.length, label).toBeLessThan(16_384);
      expect(text, label).not.toContain('x'.repeat(1_000));
    }
    expect((await s.rt.get(id)).version).toBe(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('random JSON bodies on every write route: never a 500', async () => {
    const routes = ['/api/campaigns', `/api/campaigns/${id}/commands`, '/api/campaigns/bulk', `/api/campaigns/${id}/admit`, `/api/campaigns/${id}/duplicate`];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue({ maxDepth: 6 }), async (route, value) => {
        const { status } = await send('POST', route, JSON.stringify(value));
        expect(status, `${route} ${JSON.stringify(value).slice(0, 80)}`).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 20261202 },
    );
    const view = (await (await fetch(`${s.url}/api/campaigns/${id}`)).json()) as CampaignView;
    expect(view.id).toBe(id);
  });
});
