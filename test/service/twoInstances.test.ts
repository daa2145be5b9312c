/**
 * The service on PostgreSQL (issue 10): two instances on two ports against one database. A
 * command sent to one shows up in the other's change stream; both fire timers; stopping one
 * loses nothing — the other fires what the stopped one left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/index.js';
import { type RunningService, startService } from '../../src/service/startService.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from '../support/postgres.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe.skipIf(SKIP_PG)('two service instances on one PostgreSQL database', () => {
  const schema = freshSchema('svc');
  const services: RunningService[] = [];
  afterAll(async () => {
    for (const service of services) await service.stop().catch(() => {});
    await dropSchema(schema);
  });

  it('share campaigns, change streams and timers; stopping one loses nothing', async () => {
    const clocks = [createManualClock(T0), createManualClock(T0)];
    for (const clock of clocks) services.push(await startService({ dataDir: '/nonexistent', databaseUrl: PG_URL, schema, port: 0, demo: false, clock }));
    const [a, b] = services as [RunningService, RunningService];
    expect(a.port).not.toBe(b.port);
    const url = (s: RunningService) => s.url.replace('localhost', '127.0.0.1');
    const post = (s: RunningService, path: string, body: unknown) =>
      fetch(`${url(s)}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    // B follows the change stream; A takes the commands
    const stream = await fetch(`${url(b)}/api/changes`, { headers: { Accept: 'text/event-stream' } });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: '' }));
        if (done) break;
        received += value;
      }
    })();
    const created = (await (await post(a, '/api/campaigns', { preset: 'gifting', name: 'Seen elsewhere', products: ['mug'] })).json()) as { id: string };
    await post(a, `/api/campaigns/${created.id}/commands`, { type: 'ACTIVATE' });
    await expect.poll(() => received, { timeout: 10_000 }).toContain('"event":"ACTIVATE"');
    expect(received).toContain(`"campaignId":"${created.id}"`);
    expect(((await (await fetch(`${url(b)}/api/campaigns/${created.id}`)).json()) as { status: string }).status).toBe('Active');

    // 30 start dates at T0 + 1 h, created through both; both instances fire
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const s = i % 2 ? a : b;
      const c = (await (await post(s, '/api/campaigns', { preset: 'discount', name: `Sale ${i}`, startAt: iso(T0 + 3_600_000), endAt: iso(T0 + 7_200_000) })).json()) as { id: string };
      await post(s, `/api/campaigns/${c.id}/commands`, { type: 'PUBLISH' });
      ids.push(c.id);
    }
    await Promise.all(clocks.map((clock) => clock.advanceTo(T0 + 3_600_000)));
    await expect.poll(async () => (await a.runtime.counts({ preset: 'discount' }))['Active'], { timeout: 10_000 }).toBe(30);
    for (const id of ids) expect((await b.runtime.history(id)).filter((h) => h.event === 'startAt')).toHaveLength(1);

    // A stops; B fires the end dates alone, once each
    await a.stop();
    services.splice(0, 1);
    await clocks[1]!.advanceTo(T0 + 7_200_000 + 10_000);
    await expect.poll(async () => (await b.runtime.counts({ preset: 'discount' }))['Expired'], { timeout: 10_000 }).toBe(30);
    for (const id of ids) expect((await b.runtime.history(id)).filter((h) => h.event === 'endAt')).toHaveLength(1);
    await reader.cancel().catch(() => {});
  });
});
