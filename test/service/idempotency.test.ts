/**
 * Idempotency-Key as the IETF draft asks (issue 9): the same key with another payload is 422, the
 * same key while the first request is in flight is 409, a retry of the same request gets the first
 * answer; bulk keys always fit; ids of deleted campaigns are never reused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignView } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

describe('Idempotency-Key and ids over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a create retried with another payload (another preset) is 422 and creates nothing', async () => {
    const headers = { 'Idempotency-Key': 'create-k' };
    const first = await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'A' }, headers });
    const same = await s.request<CampaignView>('POST', '/api/campaigns', { body: { name: 'A', preset: 'discount' }, headers });
    expect(same.status).toBe(201);
    expect(same.body.id).toBe(first.body.id);
    const other = await s.request('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'A', products: ['mug'] }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('IdempotencyKeyReusedError');
    expect((await s.rt.list()).filter((c) => c.name === 'A')).toHaveLength(1);
  });

  it('an UPDATE retried with another patch is 422 and the first patch stands', async () => {
    const c = await s.rt.create({ preset: 'discount', name: 'Patch me' });
    const headers = { 'Idempotency-Key': `update-${c.id}` };
    const first = await s.request<CampaignView>('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'UPDATE', patch: { labels: ['one'] } }, headers });
    expect(first.status).toBe(200);
    const again = await s.request<CampaignView>('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'UPDATE', patch: { labels: ['one'] } }, headers });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(first.body.version);
    const other = await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'UPDATE', patch: { labels: ['two'] } }, headers });
    expect(other.status).toBe(422);
    expect((await s.rt.get(c.id)).labels).toEqual(['one']);
  });

  it('the same key while the first request is still in flight is 409 with Retry-After', async () => {
    const c = await s.rt.create({ preset: 'gifting', name: 'Busy', products: ['mug'] });
    const headers = { 'Idempotency-Key': `busy-${c.id}` };
    const both = await Promise.all([0, 1, 2, 3].map(() => fetch(`${s.url}/api/campaigns/${c.id}/commands`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'ACTIVATE' }),
    })));
    const statuses = both.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThan(0);
    for (const response of both.filter((r) => r.status !== 200)) {
      expect(response.status).toBe(409);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { error: string }).error).toBe('IdempotencyKeyInFlight');
    }
    expect((await s.rt.get(c.id)).version).toBe(2);
  });

  it('a bulk request with a 200-character key applies every item, and its retry applies none again', async () => {
    const ids: string[] = [];
    for (const name of ['Bulk 1', 'Bulk 2']) ids.push((await s.rt.create({ preset: 'gifting', name, products: ['mug'] })).id);
    const headers = { 'Idempotency-Key': 'k'.repeat(200) };
    type Bulk = { results: { ok: boolean; campaign: CampaignView | null }[] };
    const first = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids, command: { type: 'ACTIVATE' } }, headers });
    expect(first.body.results.map((r) => r.ok)).toEqual([true, true]);
    const again = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids, command: { type: 'ACTIVATE' } }, headers });
    expect(again.body.results.map((r) => r.campaign?.version)).toEqual([2, 2]);
  });

  it('an id of a deleted campaign is never used again: 409, and its old command ids still answer its own result', async () => {
    const c = await s.rt.create({ preset: 'discount', name: 'Old life' }, { id: 'reused-id' });
    await s.rt.send(c.id, { type: 'UPDATE', patch: { labels: ['x'] } }, { commandId: 'old-life-update' });
    await s.rt.delete(c.id);
    const again = await s.request('POST', '/api/campaigns', { body: { preset: 'discount', name: 'New life' } });
    expect(again.status).toBe(201);
    const error = await s.rt.create({ preset: 'discount', name: 'New life' }, { id: 'reused-id' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConflictError', campaignId: 'reused-id' });
    expect((error as Error).message).toContain('never reused');
    expect((await s.rt.history('reused-id').catch(() => null))).toBeNull();
  });
});
