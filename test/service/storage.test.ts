/**
 * The fault suite of issue 9: the service on a real, tiny, size-limited file system (tmpfs). Fill
 * it: writes answer 503 with the reason, due timers back off (bounded log), nothing half-written;
 * free it: the service recovers by itself — every acknowledged write kept, every timer fired once.
 * A read-only location is refused at start with the path. Needs `mount` (root): CI runs it; a
 * machine without it skips loudly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock, sqliteStore, StoreReadOnlyError } from '../../src/index.js';
import { startService } from '../../src/service/startService.js';

const mount = (dir: string, options: string) => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const probe = mkdtempSync(join(tmpdir(), 'cl-tmpfs-probe-'));
const canMount = mount(probe, 'size=64k');
if (canMount) execFileSync('umount', [probe]);
rmSync(probe, { recursive: true, force: true });
const skip = !canMount && !process.env['CI'];
if (skip) console.warn('Skipping the storage fault suite: this machine cannot mount a tmpfs (it needs root)');

describe.skipIf(skip)('storage faults of the service, on a real tiny file system', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cl-tmpfs-'));
    if (!mount(dir, 'size=8m')) throw new Error('mount -t tmpfs failed');
  });
  afterAll(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('disk full: 503 with the reason, bounded log, then recovery with nothing lost or fired twice', async () => {
    const T0 = Date.parse('2026-03-02T09:00:00Z');
    const clock = createManualClock(T0);
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    const service = await startService({ dataDir: join(dir, 'data'), port: 0, demo: false, clock });
    const url = service.url.replace('localhost', '127.0.0.1');
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    try {
      const acked: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await post('/api/campaigns', { preset: 'discount', name: `Sale ${i}`, startAt: new Date(T0 + 3_600_000).toISOString(), endAt: new Date(T0 + 86_400_000).toISOString() });
        const view = (await res.json()) as { id: string };
        expect((await post(`/api/campaigns/${view.id}/commands`, { type: 'PUBLISH' })).status).toBe(200);
        acked.push(view.id);
      }

      const { bavail, bsize } = statfsSync(dir);
      writeFileSync(join(dir, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 4096)));
      let refused: Response | null = null;
      for (let i = 0; i < 50 && !refused; i++) {
        const res = await post('/api/campaigns', { preset: 'discount', name: `Too many ${i}`, content: { blob: 'x'.repeat(20_000) } });
        if (res.status === 201) acked.push(((await res.json()) as { id: string }).id);
        else refused = res;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBe('30');
      expect(await refused!.json()).toMatchObject({ error: 'StoreFullError', reason: 'storage full' });

      logged.splice(0);
      await clock.advanceTo(T0 + 2 * 3_600_000); // the start dates fall due on a full disk, for an hour
      expect((await fetch(`${url}/api/health`)).status).toBe(503);
      const failures = logged.filter((line) => line.includes('could not be saved'));
      expect(failures.length).toBeGreaterThan(3);
      expect(failures.length).toBeLessThan(30); // backoff: 1 s, 2 s … 5 min — not a line per millisecond
      expect(failures[0]).toContain('storage full');

      rmSync(join(dir, 'filler'));
      await clock.advanceTo(T0 + 2 * 3_600_000 + 10 * 60_000);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; retrying: { count: number } };
      expect(health).toMatchObject({ ok: true, retrying: { count: 0 } });
      const page = (await (await fetch(`${url}/api/campaigns?limit=500`)).json()) as { items: { id: string; status: string; name: string }[] };
      expect(page.items.map((c) => c.id).sort()).toEqual([...acked].sort());
      for (const id of acked.slice(0, 10)) {
        const history = (await (await fetch(`${url}/api/campaigns/${id}/history`)).json()) as { items: { event: string; dueAt: string | null }[] };
        expect(history.items.filter((h) => h.event === 'startAt'), id).toEqual([expect.objectContaining({ dueAt: new Date(T0 + 3_600_000).toISOString() })]);
      }
      expect((await post('/api/campaigns', { preset: 'gifting', name: 'After', products: ['mug'] })).status).toBe(201);
    } finally {
      await service.stop();
      spy.mockRestore();
    }
    const check = sqliteStore({ path: join(dir, 'data', 'campaigns.db') });
    await check.open();
    expect((await check.changes(0, 100_000)).map((c) => c.seq)).toEqual(Array.from({ length: (await check.lastSeq()) }, (_, i) => i + 1));
    await check.close();
  });

  it('read-only location: the store is refused at start with the path', async () => {
    const ro = mkdtempSync(join(tmpdir(), 'cl-rofs-'));
    try {
      expect(mount(ro, 'size=64k,ro')).toBe(true);
      const error = await startService({ dataDir: join(ro, 'data'), port: 0, demo: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreReadOnlyError);
      expect((error as StoreReadOnlyError).reason).toBe(`read-only: ${join(ro, 'data', 'campaigns.db')}`);
    } finally {
      execFileSync('umount', ['-l', ro]);
      rmSync(ro, { recursive: true, force: true });
    }
  });
});
