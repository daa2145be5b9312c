import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignChange, CampaignView, ForecastItem, RuntimeHealth } from '../../src/index.js';
import type { Statechart } from '../../src/service/schemas.js';
import { startTestServer, type TestServer } from './helpers.js';

type Page = { items: CampaignView[]; next: string | null };
type Bulk = { results: ({ id: string; ok: true; campaign: CampaignView | null } | { id: string; ok: false; httpStatus: number; error: { error: string; reason?: string } })[] };
type Issue = { code: string; path: (string | number)[]; message: string; keys?: string[] };

const discount = (name: string, extra: Record<string, unknown> = {}) => ({ preset: 'discount', name, ...extra });

describe('JSON API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
    expect(s.errors).toEqual([]);
  });

  describe('create and get', () => {
    it('creates a campaign: 201, Location, ETag, the view', async () => {
      const res = await s.request<CampaignView>('POST', '/api/campaigns', { body: discount('Spring', { startAt: '2026-03-10T00:00:00Z' }) });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Spring', preset: 'discount', status: 'Draft', state: 'draft', version: 1 });
      expect(res.headers.get('location')).toBe(`/api/campaigns/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"1"');
      const got = await s.request<CampaignView>('GET', `/api/campaigns/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(res.body);
      expect(got.headers.get('etag')).toBe('"1"');
    });

    it('Idempotency-Key makes a retried create return the first campaign', async () => {
      const headers = { 'Idempotency-Key': 'create-once' };
      const first = await s.request<CampaignView>('POST', '/api/campaigns', { body: discount('Once'), headers });
      const again = await s.request<CampaignView>('POST', '/api/campaigns', { body: discount('Once'), headers });
      expect(again.body.id).toBe(first.body.id);
      const all = await s.request<Page>('GET', '/api/campaigns?limit=500');
      expect(all.body.items.filter((c) => c.name === 'Once')).toHaveLength(1);
    });

    it('an unknown campaign is 404 NotFoundError', async () => {
      const res = await s.request('GET', '/api/campaigns/nope');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'NotFoundError', campaignId: 'nope' });
      expect(res.body.message).toContain('nope');
    });
  });

  describe('input at the edge', () => {
    it('a schema violation is 400 ValidationError with the zod issues', async () => {
      const res = await s.request<{ error: string; issues: Issue[] }>('POST', '/api/campaigns', { body: { preset: 'discount' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('ValidationError');
      expect(res.body.issues.some((i) => i.path[0] === 'name')).toBe(true);
    });

    it('unknown fields are refused', async () => {
      const res = await s.request<{ error: string; issues: Issue[] }>('POST', '/api/campaigns', { body: discount('X', { colour: 'red' }) });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['colour'] })]);
      const cmd = await s.request<{ issues: Issue[] }>('POST', '/api/campaigns/any/commands', { body: { type: 'PAUSE', force: true } });
      expect(cmd.status).toBe(400);
      expect(cmd.body.issues[0]?.code).toBe('unrecognized_keys');
    });

    it('malformed JSON is 400 MalformedJson', async () => {
      const res = await s.request('POST', '/api/campaigns', { raw: '{"preset": "discount",' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('MalformedJson');
    });

    it('a body that is not a JSON object is 400', async () => {
      for (const raw of ['[]', '"discount"', 'null', '42']) {
        const res = await s.request('POST', '/api/campaigns', { raw });
        expect(res.status, raw).toBe(400);
        expect(res.body.error, raw).toBe('ValidationError');
      }
      const empty = await s.request('POST', '/api/campaigns', { raw: '' });
      expect(empty.status).toBe(400);
    });

    it('a body that is not JSON is 415', async () => {
      const res = await s.request('POST', '/api/campaigns', { raw: 'preset=discount', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(415);
      expect(res.body.error).toBe('UnsupportedMediaType');
    });

    it('a body over 256 KiB is 413, with or without Content-Length', async () => {
      const big = JSON.stringify(discount('Big', { content: { text: 'x'.repeat(300 * 1024) } }));
      const res = await s.request('POST', '/api/campaigns', { raw: big });
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('PayloadTooLarge');
      const chunks = [big.slice(0, 100_000), big.slice(100_000)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      const chunked = await fetch(`${s.url}/api/campaigns`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
    });

    it('unknown query parameters and bad values are 400', async () => {
      expect((await s.request('GET', '/api/campaigns?colour=red')).status).toBe(400);
      expect((await s.request('GET', '/api/campaigns?preset=coupon')).status).toBe(400);
      expect((await s.request('GET', '/api/campaigns?limit=0')).status).toBe(400);
      expect((await s.request('GET', '/api/counts?preset=nope')).status).toBe(400);
      const empty = await s.request('POST', '/api/campaigns', { body: {} });
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain('name is required');
      expect(empty.body.message).toContain('preset is required');
      expect(empty.body.message).not.toContain('expected string');
      const badCursor = await s.request('GET', '/api/changes', { headers: { 'Last-Event-ID': 'abc' } });
      expect(badCursor.status).toBe(400);
      expect(JSON.stringify(badCursor.body)).not.toContain('pattern'); // no regex in an error body
      expect(badCursor.body.message).toContain('Last-Event-ID must be a change sequence number');
      const unknown = await s.request('GET', '/api/campaigns?status=Actve');
      expect(unknown.status).toBe(400); // an unknown status is a typo, not an empty list
      expect(unknown.body.message).toContain('unknown status "Actve"; one of Designing, Scheduled, Active');
      expect((await s.request('GET', '/api/campaigns?status=Active&status=Nope')).status).toBe(400);
      expect((await s.request('GET', '/api/campaigns?status=Designing')).status).toBe(200);
    });

    it('an unknown route is 404 RouteNotFound', async () => {
      const res = await s.request('GET', '/api/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('RouteNotFound');
    });
  });

  describe('commands', () => {
    let id: string;
    beforeAll(async () => {
      id = (await s.request<CampaignView>('POST', '/api/campaigns', { body: discount('Commands', { startAt: '2026-03-05T00:00:00Z', endAt: '2026-03-20T00:00:00Z' }) })).body.id;
    });

    it('an accepted command answers the new view and ETag', async () => {
      const res = await s.request<CampaignView>('POST', `/api/campaigns/${id}/commands`, { body: { type: 'PUBLISH' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'Scheduled', version: 2, actions: ['ACTIVATE_NOW', 'UPDATE'] });
      expect(res.headers.get('etag')).toBe('"2"');
    });

    it('a refused command is 409 TransitionRejectedError with status, command, allowed and reason', async () => {
      const res = await s.request('POST', `/api/campaigns/${id}/commands`, { body: { type: 'PAUSE' } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: 'TransitionRejectedError', status: 'Scheduled', command: 'PAUSE', allowed: ['ACTIVATE_NOW', 'UPDATE'] });
      expect(res.body.reason).toEqual(expect.any(String));
      const view = await s.request<CampaignView>('GET', `/api/campaigns/${id}`);
      expect(view.body.refusals.PAUSE).toBe(res.body.reason);
    });

    it('system-only commands are refused: the API always sends as a user', async () => {
      const res = await s.request('POST', `/api/campaigns/${id}/commands`, { body: { type: 'SYSTEM_FAULT', reason: 'disk on fire' } });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error: 'TransitionRejectedError', command: 'SYSTEM_FAULT' });
      expect(res.body.reason).toContain('system');
    });

    it('If-Match carries the expected version: a stale one is 409 ConflictError with both versions', async () => {
      const stale = await s.request('POST', `/api/campaigns/${id}/commands`, { body: { type: 'UPDATE', patch: { name: 'Renamed' } }, headers: { 'If-Match': '"1"' } });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ error: 'ConflictError', expectedVersion: 1, actualVersion: 2 });
      const fresh = await s.request<CampaignView>('POST', `/api/campaigns/${id}/commands`, { body: { type: 'UPDATE', patch: { name: 'Renamed' } }, headers: { 'If-Match': '"2"' } });
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ name: 'Renamed', version: 3 });
      expect((await s.request('POST', `/api/campaigns/${id}/commands`, { body: { type: 'PAUSE' }, headers: { 'If-Match': 'yesterday' } })).status).toBe(400);
    });

    it('Idempotency-Key makes a retried command answer the first result', async () => {
      const headers = { 'Idempotency-Key': `now-${id}` };
      const first = await s.request<CampaignView>('POST', `/api/campaigns/${id}/commands`, { body: { type: 'ACTIVATE_NOW' }, headers });
      const again = await s.request<CampaignView>('POST', `/api/campaigns/${id}/commands`, { body: { type: 'ACTIVATE_NOW' }, headers });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.body.version).toBe(first.body.version);
      expect(first.body.status).toBe('Active');
      const reused = await s.request('POST', `/api/campaigns/${id}/commands`, { body: { type: 'PAUSE' }, headers });
      expect(reused.status).toBe(422);
      expect(reused.body).toMatchObject({ error: 'IdempotencyKeyReusedError', reason: expect.stringContaining('ACTIVATE_NOW') });
    });

    it('an unknown command type is 400', async () => {
      const res = await s.request<{ error: string; issues: Issue[] }>('POST', `/api/campaigns/${id}/commands`, { body: { type: 'LAUNCH' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('ValidationError');
    });

    it('history lists every change, timers with when they were due; forecast lists what is ahead', async () => {
      const forecast = await s.request<{ items: ForecastItem[] }>('GET', `/api/campaigns/${id}/forecast`);
      expect(forecast.body.items).toEqual([{ at: '2026-03-20T00:00:00.000Z', event: 'endAt', timer: 'windowEnd', from: 'Active', to: 'Expired' }]);
      await s.clock.advanceTo('2026-03-21T00:00:00Z');
      const history = await s.request<{ items: CampaignChange[] }>('GET', `/api/campaigns/${id}/history`);
      expect(history.body.items.map((c) => [c.event, c.source, c.from, c.to])).toEqual([
        ['CREATE', 'user', null, 'Draft'],
        ['PUBLISH', 'user', 'Draft', 'Scheduled'],
        ['UPDATE', 'user', 'Scheduled', 'Scheduled'],
        ['ACTIVATE_NOW', 'user', 'Scheduled', 'Active'],
        ['endAt', 'timer', 'Active', 'Expired'],
      ]);
      expect(history.body.items.at(-1)).toMatchObject({ dueAt: '2026-03-20T00:00:00.000Z' });
      expect((await s.request<{ items: ForecastItem[] }>('GET', `/api/campaigns/${id}/forecast`)).body.items).toEqual([]);
      expect((await s.request('GET', '/api/campaigns/nope/history')).status).toBe(404);
      expect((await s.request('GET', '/api/campaigns/nope/forecast')).status).toBe(404);
    });
  });

  describe('duplicate and delete', () => {
    it('duplicates into a new draft, dates cleared unless given', async () => {
      const source = (await s.request<CampaignView>('POST', '/api/campaigns', { body: discount('Original', { startAt: '2026-04-01T00:00:00Z', labels: ['a'] }) })).body;
      const copy = await s.request<CampaignView>('POST', `/api/campaigns/${source.id}/duplicate`);
      expect(copy.status).toBe(201);
      expect(copy.body).toMatchObject({ name: 'Original', status: 'Draft', startAt: null, labels: ['a'] });
      expect(copy.body.id).not.toBe(source.id);
      const renamed = await s.request<CampaignView>('POST', `/api/campaigns/${source.id}/duplicate`, { body: { name: 'Copy', startAt: '2026-05-01T00:00:00Z' } });
      expect(renamed.body).toMatchObject({ name: 'Copy', startAt: '2026-05-01T00:00:00.000Z' });
      expect((await s.request('POST', `/api/campaigns/${source.id}/duplicate`, { body: { preset: 'gifting' } })).status).toBe(400);
      expect((await s.request('POST', '/api/campaigns/nope/duplicate')).status).toBe(404);
    });

    it('deletes (204, then 404); a refused delete is 409 with command DELETE', async () => {
      const draft = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'Gift', products: ['mug'] } })).body;
      expect((await s.request('DELETE', `/api/campaigns/${draft.id}`, { headers: { 'If-Match': '"1"' } })).status).toBe(204);
      expect((await s.request('GET', `/api/campaigns/${draft.id}`)).status).toBe(404);
      const active = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'Live gift', products: ['mug'] } })).body;
      await s.request('POST', `/api/campaigns/${active.id}/commands`, { body: { type: 'ACTIVATE' } });
      const refused = await s.request('DELETE', `/api/campaigns/${active.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error: 'TransitionRejectedError', command: 'DELETE', status: 'Active' });
      const stale = await s.request('DELETE', `/api/campaigns/${active.id}`, { headers: { 'If-Match': '"1"' } });
      expect(stale.body).toMatchObject({ error: 'ConflictError', expectedVersion: 1, actualVersion: 2 });
    });
  });

  describe('list, counts, bulk', () => {
    const ids: string[] = [];
    beforeAll(async () => {
      for (let i = 0; i < 5; i++) {
        ids.push((await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'franchise', name: `Franchise ${i}`, startAt: '2026-06-01T00:00:00Z', endAt: '2026-07-01T00:00:00Z' } })).body.id);
      }
    });

    it('pages through a filtered list with limit and after → next', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const query: string = `/api/campaigns?preset=franchise&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const page = await s.request<Page>('GET', query);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((c) => c.id));
        after = page.body.next;
        pages += 1;
      } while (after !== null && pages < 10);
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(seen).toHaveLength(5);
      expect(pages).toBe(3);
    });

    it('bulk: one command to many ids, one result each', async () => {
      const res = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids: [ids[0], ids[1], 'ghost'], command: { type: 'PUBLISH' } } });
      expect(res.status).toBe(200);
      const [a, b, ghost] = res.body.results;
      expect(a).toMatchObject({ id: ids[0], ok: true, campaign: { status: 'Scheduled' } });
      expect(b).toMatchObject({ id: ids[1], ok: true });
      expect(ghost).toMatchObject({ id: 'ghost', ok: false, httpStatus: 404, error: { error: 'NotFoundError' } });
      const again = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids: [ids[0], ids[2]], command: { type: 'PAUSE' } } });
      expect(again.body.results[0]).toMatchObject({ ok: true, campaign: { status: 'Paused' } });
      expect(again.body.results[1]).toMatchObject({ ok: false, httpStatus: 409, error: { error: 'TransitionRejectedError', reason: expect.any(String) } });
      const system = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids: [ids[3]], command: { type: 'SYSTEM_RECOVER' } } });
      expect(system.body.results[0]).toMatchObject({ ok: false, httpStatus: 409 });
      const deleted = await s.request<Bulk>('POST', '/api/campaigns/bulk', { body: { ids: [ids[4]], command: { type: 'DELETE' } } });
      expect(deleted.body.results[0]).toMatchObject({ ok: true, campaign: null });
      expect((await s.request('GET', `/api/campaigns/${ids[4]}`)).status).toBe(404);
      expect((await s.request('POST', '/api/campaigns/bulk', { body: { ids: [], command: { type: 'PAUSE' } } })).status).toBe(400);
    });

    it('filters by status (repeatable) and counts by status', async () => {
      const paused = await s.request<Page>('GET', '/api/campaigns?status=Paused&preset=franchise');
      expect(paused.body.items.map((c) => c.id)).toEqual([ids[0]]);
      const two = await s.request<Page>('GET', '/api/campaigns?status=Paused&status=Scheduled&preset=franchise');
      expect(new Set(two.body.items.map((c) => c.id))).toEqual(new Set([ids[0], ids[1]]));
      const counts = await s.request<Record<string, number>>('GET', '/api/counts?preset=franchise');
      expect(counts.body).toEqual({ Draft: 2, Scheduled: 1, Paused: 1, Active: 0, Completed: 0, Archived: 0 });
      const all = await s.request<Record<string, number>>('GET', '/api/counts');
      expect(Object.keys(all.body)).toEqual(expect.arrayContaining(['Designing', 'Expired', 'Completed', 'Frozen']));
    });
  });

  describe('admit, health, presets, statechart, openapi', () => {
    it('admit answers from the intake and the invite expiry', async () => {
      const gift = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'Admit', products: ['mug'] } })).body;
      await s.request('POST', `/api/campaigns/${gift.id}/commands`, { body: { type: 'ACTIVATE' } });
      expect((await s.request('POST', `/api/campaigns/${gift.id}/admit`, { body: { memberId: 'm1' } })).body).toEqual({ admitted: true });
      const expired = await s.request<{ admitted: boolean; reason: string }>('POST', `/api/campaigns/${gift.id}/admit`, { body: { memberId: 'm1', inviteExpiresAt: '2026-01-01T00:00:00Z' } });
      expect(expired.body.admitted).toBe(false);
      expect(expired.body.reason).toContain('invite');
      expect((await s.request('POST', `/api/campaigns/${gift.id}/admit`, { body: {} })).status).toBe(400);
      expect((await s.request('POST', `/api/campaigns/${gift.id}/admit`, { body: { memberId: 'm', inviteExpiresAt: 5 } })).status).toBe(400);
    });

    it('health', async () => {
      const res = await s.request<RuntimeHealth>('GET', '/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, overdueTimers: 0 });
    });

    it('presets and the statechart for the dashboard', async () => {
      const presets = await s.request<{ name: string; statuses: string[]; commands: string[] }[]>('GET', '/api/presets');
      expect(presets.body.map((p) => p.name)).toEqual(['journey', 'discount', 'gifting', 'franchise']);
      expect(presets.body.find((p) => p.name === 'gifting')?.statuses).toEqual(['Draft', 'Active', 'Paused', 'Expired']);
      const chart = (await s.request<Statechart>('GET', '/api/statechart')).body;
      expect(chart.root.id).toBe('campaign');
      const published = chart.root.children.find((n) => n.key === 'published');
      const running = published?.children.find((n) => n.key === 'running');
      expect(running?.type).toBe('parallel');
      expect(running?.children.map((n) => n.key)).toEqual(['intake', 'processing']);
      const waiting = published?.children.find((n) => n.key === 'scheduled')?.children[0]?.children[0];
      expect(waiting).toMatchObject({ key: 'waiting', timers: ['startAt'] });
      const active = chart.presets.gifting.phases.find((p) => p.phase === 'active');
      expect(active?.nodes).toEqual(expect.arrayContaining(['campaign.published.running.intake.accepting', 'campaign.published.running.processing.active']));
    });

    it('serves an OpenAPI 3.1 document describing every route with its zod schemas', async () => {
      const doc = (await s.request<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> }>('GET', '/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
      expect(operations.sort()).toEqual(
        [
          'POST /api/campaigns',
          'GET /api/campaigns',
          'GET /api/counts',
          'GET /api/calendar',
          'POST /api/campaigns/bulk',
          'GET /api/campaigns/{id}',
          'DELETE /api/campaigns/{id}',
          'POST /api/campaigns/{id}/commands',
          'POST /api/campaigns/{id}/duplicate',
          'GET /api/campaigns/{id}/history',
          'GET /api/campaigns/{id}/forecast',
          'POST /api/campaigns/{id}/admit',
          'GET /api/health',
          'GET /api/presets',
          'GET /api/statechart',
          'GET /api/changes',
          'POST /api/webhooks',
          'GET /api/webhooks',
          'GET /api/webhooks/{id}',
          'DELETE /api/webhooks/{id}',
          'GET /api/webhooks/{id}/deliveries',
          'GET /api/webhooks/{id}/parked',
          'POST /api/webhooks/{id}/parked/{seq}/redeliver',
        ].sort(),
      );
      const create = doc.paths['/api/campaigns']?.['post']?.requestBody?.content['application/json']?.schema;
      expect(create).toMatchObject({ type: 'object', additionalProperties: false, required: ['preset', 'name'] });
    });
  });

  describe('search', () => {
    it('finds campaigns by a part of their name or a label, in any case, a page at a time', async () => {
      const post = async (body: Record<string, unknown>) => (await s.request<{ id: string }>('POST', '/api/campaigns', { body })).body.id;
      const a = await post({ preset: 'discount', name: 'Search Zebrafish sale' });
      const b = await post({ preset: 'gifting', name: 'Search thanks', labels: ['zebrafish-VIP'] });
      await post({ preset: 'discount', name: 'Search autumn' });
      const found = (await s.request<{ items: { id: string }[]; next: string | null }>('GET', '/api/campaigns?search=zebrafish')).body;
      expect(found.items.map((c) => c.id).sort()).toEqual([a, b].sort());
      const first = (await s.request<{ items: { id: string }[]; next: string | null }>('GET', '/api/campaigns?search=ZEBRAFISH&limit=1')).body;
      expect(first.items).toHaveLength(1);
      const second = (await s.request<{ items: { id: string }[]; next: string | null }>('GET', `/api/campaigns?search=zebrafish&limit=1&after=${encodeURIComponent(first.next!)}`)).body;
      expect([...first.items, ...second.items].map((c) => c.id).sort()).toEqual([a, b].sort());
      expect((await s.request<{ items: unknown[] }>('GET', '/api/campaigns?search=zebrafish&preset=gifting')).body.items).toHaveLength(1);
      expect((await s.request('GET', `/api/campaigns?search=${'x'.repeat(101)}`)).status).toBe(400);
    });
  });

  describe('sorting', () => {
    it('orders the whole list by a column either way, a page at a time (offsets), campaigns without the date last', async () => {
      const post = async (body: Record<string, unknown>) => (await s.request<{ id: string }>('POST', '/api/campaigns', { body })).body.id;
      await post({ preset: 'discount', name: 'Sortme B', startAt: '2027-05-02T00:00:00Z', labels: ['sortme'] });
      await post({ preset: 'discount', name: 'sortme a', labels: ['sortme'] });
      await post({ preset: 'discount', name: 'Sortme C', startAt: '2027-05-01T00:00:00Z', labels: ['sortme'] });
      type Page = { items: { name: string }[]; next: string | null };
      const get = async (query: string) => (await s.request<Page>('GET', `/api/campaigns?search=sortme&${query}`)).body;
      expect((await get('sort=name')).items.map((c) => c.name)).toEqual(['sortme a', 'Sortme B', 'Sortme C']);
      expect((await get('sort=name&order=desc')).items.map((c) => c.name)).toEqual(['Sortme C', 'Sortme B', 'sortme a']);
      expect((await get('sort=startAt')).items.map((c) => c.name)).toEqual(['Sortme C', 'Sortme B', 'sortme a']);
      const first = await get('sort=name&limit=2');
      expect(first).toMatchObject({ items: [{ name: 'sortme a' }, { name: 'Sortme B' }], next: '2' });
      expect(await get(`sort=name&limit=2&after=${first.next}`)).toMatchObject({ items: [{ name: 'Sortme C' }], next: null });
      expect((await s.request('GET', '/api/campaigns?sort=name&after=1700000000000:x')).status).toBe(400); // a cursor is not an offset
      expect((await s.request('GET', '/api/campaigns?order=desc')).status).toBe(400);
      expect((await s.request('GET', '/api/campaigns?sort=color')).status).toBe(400);
    });
  });

  describe('calendar', () => {
    it('gives each campaign’s visible window, run and occurrences in a window of up to 62 days, filtered by preset and label', async () => {
      const post = async (body: Record<string, unknown>) => (await s.request<{ id: string }>('POST', '/api/campaigns', { body })).body.id;
      const once = await post({ preset: 'discount', name: 'Cal once', startAt: '2027-03-03T09:00:00Z', endAt: '2027-03-05T09:00:00Z', labels: ['spring'] });
      const teaser = await post({ preset: 'franchise', name: 'Cal teaser', visibleAt: '2027-03-01T00:00:00Z', startAt: '2027-03-10T00:00:00Z', endAt: '2027-04-10T00:00:00Z' });
      const weekly = await post({
        preset: 'discount',
        name: 'Cal weekly',
        startAt: '2027-03-06T09:00:00Z',
        endAt: '2027-04-30T00:00:00Z',
        recurrence: { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'PT12H' },
      });
      await post({ preset: 'gifting', name: 'Cal undated' }); // no start date: not on a calendar
      const march = await s.request<{ items: { id: string; kind: string; start: string; end: string | null }[]; truncated: boolean }>(
        'GET',
        '/api/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z',
      );
      expect(march.status).toBe(200);
      const mine = march.body.items.filter((e) => [once, teaser, weekly].includes(e.id));
      expect(mine.filter((e) => e.id === once)).toEqual([expect.objectContaining({ kind: 'run', start: '2027-03-03T09:00:00.000Z', end: '2027-03-05T09:00:00.000Z' })]);
      expect(mine.filter((e) => e.id === teaser).map((e) => e.kind)).toEqual(['visible', 'run']);
      expect(mine.filter((e) => e.id === weekly).map((e) => e.start)).toEqual(
        ['2027-03-06', '2027-03-13', '2027-03-20', '2027-03-27'].map((d) => `${d}T09:00:00.000Z`),
      );
      const discounts = (await s.request<{ items: { preset: string }[] }>('GET', '/api/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&preset=discount')).body;
      expect(new Set(discounts.items.map((e) => e.preset))).toEqual(new Set(['discount']));
      const spring = (await s.request<{ items: { id: string }[] }>('GET', '/api/calendar?from=2027-03-01T00:00:00Z&to=2027-04-01T00:00:00Z&label=spring')).body;
      expect(spring.items.map((e) => e.id)).toEqual([once]);
      expect((await s.request('GET', '/api/calendar?from=2027-03-01T00:00:00Z&to=2027-06-01T00:00:00Z')).status).toBe(400);
      expect((await s.request('GET', '/api/calendar?from=2027-03-01&to=2027-03-02T00:00:00Z')).status).toBe(400);
    });
  });

  describe('dashboard assets', () => {
    it('serves the dashboard with a strict Content-Security-Policy and nothing outside its folder', async () => {
      const index = await fetch(`${s.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toContain('text/html');
      expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await index.text()).toContain('/dashboard/app.js');
      // the time-zone module comes from its npm package as it ships; nothing else of node_modules is reachable
      expect((await fetch(`${s.url}/dashboard/vendor/tz/index.js`)).status).toBe(200);
      expect((await fetch(`${s.url}/dashboard/vendor/tz/package.json`)).status).toBe(404);
      expect((await fetch(`${s.url}/dashboard/vendor/zod/index.js`)).status).toBe(404);
      expect((await fetch(`${s.url}/dashboard/vendor/tz/%2e%2e/%2e%2e/zod/index.js`)).status).toBe(404);
      const js = await fetch(`${s.url}/dashboard/pages/campaign.js`);
      expect(js.headers.get('content-type')).toContain('text/javascript');
      for (const path of ['/dashboard/%2e%2e/api.ts', '/dashboard/..%2fapi.ts', '/dashboard/nothing.js', '/dashboard/app.ts']) {
        expect((await fetch(`${s.url}${path}`)).status, path).toBe(404);
      }
    });
  });
});

describe('bearer token', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ token: 's3cret' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('every route needs the token: 401 Unauthorized without or with a wrong one', async () => {
    for (const path of ['/api/campaigns', '/api/health', '/api/changes', '/openapi.json', '/dashboard/app.js', '/']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toContain('Bearer');
      expect(await res.json(), path).toMatchObject({ error: 'Unauthorized', message: 'Missing bearer token' });
    }
    const wrong = await s.request('GET', '/api/health', { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('Invalid bearer token');
  });

  it('accepts the bearer token', async () => {
    const ok = await s.request('POST', '/api/campaigns', { body: discount('Authorized'), headers: { Authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(201);
    expect((await fetch(`${s.url}/openapi.json`, { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
  });

  it('a browser gets a login form, and a session cookie from /?token= or the form', async () => {
    const page = await fetch(`${s.url}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('<form method="post" action="/login">');
    const signIn = await fetch(`${s.url}/?token=s3cret`, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/');
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain('s3cret');
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${s.url}/api/health`, { headers: { Cookie: session } })).status).toBe(200);
    const form = await fetch(`${s.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ token: 's3cret' }),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('set-cookie')?.split(';')[0]).toBe(session);
    const bad = await fetch(`${s.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'guess' }) });
    expect(bad.status).toBe(401);
    expect((await fetch(`${s.url}/?token=guess`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${s.url}/api/health`, { headers: { Cookie: 'campaigns_session=forged' } })).status).toBe(401);
  });
});
