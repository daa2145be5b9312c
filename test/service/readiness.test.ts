/**
 * Readiness (issue 9, item 11): the port listens at once; /healthz answers immediately, /readyz and
 * every API call answer 503 with Retry-After until start-up catch-up is done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CampaignRuntime, createCampaignRuntime, createManualClock, memoryStore, sqliteStore } from '../../src/index.js';
import { createServer } from '../../src/service/createServer.js';
import { startService } from '../../src/service/startService.js';

describe('readiness', () => {
  it('answers /healthz at once and 503 NotReady with Retry-After until the runtime is open', async () => {
    let open!: (rt: CampaignRuntime) => void;
    const opening = new Promise<CampaignRuntime>((resolve) => (open = resolve));
    const server = createServer({ runtime: opening });
    const { port } = await server.listen({ port: 0 });
    const url = `http://127.0.0.1:${port}`;
    try {
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'alive' });
      const starting = await fetch(`${url}/readyz`);
      expect(starting.status).toBe(503);
      expect(starting.headers.get('retry-after')).toBe('5');
      expect(await starting.json()).toMatchObject({ status: 'starting' });
      for (const path of ['/api/campaigns', '/api/health', '/api/changes', '/api/counts']) {
        const res = await fetch(`${url}${path}`);
        expect(res.status, path).toBe(503);
        expect(res.headers.get('retry-after'), path).toBe('5');
        expect(((await res.json()) as { error: string }).error, path).toBe('NotReady');
      }
      const write = await fetch(`${url}/api/campaigns`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ preset: 'discount', name: 'Early' }) });
      expect(write.status).toBe(503);

      const rt = await createCampaignRuntime({ store: memoryStore(), clock: createManualClock('2026-01-01T00:00:00Z') });
      open(rt);
      await server.ready;
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
      expect((await fetch(`${url}/api/campaigns`)).status).toBe(200);
      await server.close();
      await rt.stop();
    } finally {
      await server.close();
    }
  });

  it('startService listens before its start-up catch-up of a backlog of missed timers has finished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-ready-'));
    try {
      const past = Date.now() - 3_600_000;
      const seeding = await createCampaignRuntime({ store: sqliteStore({ path: join(dir, 'campaigns.db') }), clock: createManualClock(past) });
      for (let batch = 0; batch < 30; batch++) {
        await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const c = await seeding.create({ preset: 'gifting', name: `Backlog ${batch}-${i}`, products: ['mug'], endAt: new Date(past + 60_000 + i).toISOString() });
            await seeding.send(c.id, { type: 'ACTIVATE' });
          }),
        );
      }
      await seeding.stop();
      const seen: { healthz: number; readyz: number }[] = [];
      const service = await startService({
        dataDir: dir,
        port: 0,
        demo: false,
        onListening: ({ port }) => {
          void (async () => {
            const [healthz, readyz] = await Promise.all([fetch(`http://127.0.0.1:${port}/healthz`), fetch(`http://127.0.0.1:${port}/readyz`)]);
            seen.push({ healthz: healthz.status, readyz: readyz.status });
          })();
        },
      });
      try {
        await expect.poll(() => seen.length).toBe(1);
        expect(seen[0]).toEqual({ healthz: 200, readyz: 503 });
        expect((await fetch(`${service.url.replace('localhost', '127.0.0.1')}/readyz`)).status).toBe(200);
        expect((await service.runtime.counts())['Expired']).toBe(3_000);
      } finally {
        await service.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
