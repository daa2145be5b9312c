/**
 * Several runtimes on one PostgreSQL store (issue 10): the guarantees the SQLite runtime proves
 * alone, kept when runtimes race. Each runtime has its own pool (as separate processes would);
 * the crash harness covers real processes and SIGKILL.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CampaignChange,
  type CampaignRuntime,
  ConflictError,
  createCampaignRuntime,
  createManualClock,
  type ManualClock,
  postgresStore,
} from '../../src/index.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from '../support/postgres.js';

const T0 = Date.parse('2026-01-05T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

interface Node {
  rt: CampaignRuntime;
  clock: ManualClock;
  errors: unknown[];
}

describe.skipIf(SKIP_PG)('runtimes sharing one PostgreSQL store', () => {
  let schema: string;
  const nodes: Node[] = [];
  const start = async (options: { pollMs?: number; timerLeaseMs?: number; timerBatchSize?: number } = {}): Promise<Node> => {
    const clock = createManualClock(T0);
    const errors: unknown[] = [];
    const rt = await createCampaignRuntime({
      store: postgresStore({ connectionString: PG_URL, schema, pollMs: options.pollMs ?? 100, timerLeaseMs: options.timerLeaseMs ?? 3_000 }),
      clock,
      onError: (e) => errors.push(e),
      ...(options.timerBatchSize ? { timerBatchSize: options.timerBatchSize } : {}),
    });
    const node = { rt, clock, errors };
    nodes.push(node);
    return node;
  };
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.rt.stop().catch(() => {});
    await dropSchema(schema);
  });
  const begin = () => {
    schema = freshSchema('shared');
  };

  it('reads on one runtime reflect what another committed before the read; commands act on the fresh state', async () => {
    begin();
    const [a, b] = [await start(), await start()];
    const c = await a.rt.create({ preset: 'gifting', name: 'Shared', products: ['mug'] });
    expect((await b.rt.get(c.id)).status).toBe('Draft'); // b caches it now
    await a.rt.send(c.id, { type: 'ACTIVATE' });
    expect((await b.rt.get(c.id)).status).toBe('Active');
    await b.rt.send(c.id, { type: 'PAUSE' }); // b's cached actor was stale: it acts on version 2
    expect(await a.rt.get(c.id)).toMatchObject({ status: 'Paused', version: 3 });
    expect((await a.rt.list()).map((v) => v.status)).toEqual(['Paused']);
    expect(await b.rt.counts({ preset: 'gifting' })).toMatchObject({ Paused: 1, Active: 0 });
    expect((await b.rt.history(c.id)).map((h) => h.event)).toEqual(['CREATE', 'ACTIVATE', 'PAUSE']);
  });

  it('a runtime that heard nothing of another’s commits never decides on its stale cache: writes are refused by the version check, refusals re-checked', async () => {
    begin();
    const a = await start();
    // b's store hears no notifications and never polls: only the decisions' own checks protect it
    const deaf = postgresStore({ connectionString: PG_URL, schema });
    const store = new Proxy(deaf, {
      get: (target, key) => {
        const value = Reflect.get(target, key, target) as unknown;
        return key === 'watch' ? undefined : typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const b: Node = { rt: await createCampaignRuntime({ store, clock: a.clock }), clock: a.clock, errors: [] };
    nodes.push(b);
    const c = await a.rt.create({ preset: 'gifting', name: 'Deaf', products: ['mug'] });
    await b.rt.send(c.id, { type: 'ACTIVATE' }); // b caches version 2, Active
    await a.rt.send(c.id, { type: 'PAUSE' }); // version 3, Paused
    // b's cache says Active: RESUME looks refused there, but the store says Paused
    expect(await b.rt.send(c.id, { type: 'RESUME' })).toMatchObject({ status: 'Active', version: 4 });
    await a.rt.send(c.id, { type: 'PAUSE' }); // version 5
    // b's cache says version 4: the version the caller expects is the stored one
    expect(await b.rt.send(c.id, { type: 'RESUME' }, { expectedVersion: 5 })).toMatchObject({ status: 'Active', version: 6 });
    await a.rt.send(c.id, { type: 'PAUSE' }); // version 7
    // b's cache says Active: PAUSE would be written on version 6 — the commit refuses it and b retries on 7, where it is refused
    await expect(b.rt.send(c.id, { type: 'PAUSE' })).rejects.toThrow(/Paused|PAUSE/);
    expect((await a.rt.history(c.id)).map((h) => `${h.version}:${h.event}`)).toEqual(['1:CREATE', '2:ACTIVATE', '3:PAUSE', '4:RESUME', '5:PAUSE', '6:RESUME', '7:PAUSE']);
  });

  it('races between runtimes are retried on the fresh state: no lost update, no ConflictError without expectedVersion', async () => {
    begin();
    const [a, b] = [await start(), await start()];
    const c = await a.rt.create({ preset: 'discount', name: 'Contended' });
    await b.rt.get(c.id);
    const labels = Array.from({ length: 40 }, (_, i) => `l${i}`);
    await Promise.all(labels.map((label, i) => (i % 2 ? a : b).rt.send(c.id, { type: 'UPDATE', patch: { labels: [label] } })));
    const history = await a.rt.history(c.id);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(new Set(history.slice(1).map((h) => (h.detail as { patch: { labels: string[] } }).patch.labels[0]))).toEqual(new Set(labels));
    const stale = await a.rt.send(c.id, { type: 'UPDATE', patch: { labels: ['x'] } }, { expectedVersion: 3 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('the same commandId sent to two runtimes at once applies once and both callers get the first result', async () => {
    begin();
    const [a, b] = [await start(), await start()];
    const c = await a.rt.create({ preset: 'discount', name: 'Once' });
    for (let i = 0; i < 10; i++) {
      const [x, y] = await Promise.all([
        a.rt.send(c.id, { type: 'UPDATE', patch: { labels: [`k${i}`] } }, { commandId: `k${i}` }),
        b.rt.send(c.id, { type: 'UPDATE', patch: { labels: [`k${i}`] } }, { commandId: `k${i}` }),
      ]);
      expect(x.version).toBe(y.version);
    }
    const created = await Promise.all([a, b].map((n) => n.rt.create({ preset: 'gifting', name: 'Twice?', products: ['mug'] }, { commandId: 'create-once' })));
    expect(created[0]!.id).toBe(created[1]!.id);
    const history = await a.rt.history(c.id);
    expect(history).toHaveLength(11);
    expect((await a.rt.list()).filter((v) => v.name === 'Twice?')).toHaveLength(1);
  });

  it('each due timer is fired by exactly one runtime, and both runtimes share the work', async () => {
    begin();
    const [a, b] = [await start({ timerBatchSize: 10 }), await start({ timerBatchSize: 10 })];
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const c = await (i % 2 ? a : b).rt.create({ preset: 'discount', name: `T${i}`, startAt: iso(T0 + 3_600_000), endAt: iso(T0 + 86_400_000) });
        await (i % 2 ? a : b).rt.send(c.id, { type: 'PUBLISH' });
        ids.push(c.id);
      }),
    );
    await Promise.all([a.clock.advanceTo(T0 + 3_600_000), b.clock.advanceTo(T0 + 3_600_000)]);
    await expect.poll(async () => (await a.rt.counts({ preset: 'discount' }))['Active'], { timeout: 10_000 }).toBe(200);
    const changes = [] as CampaignChange[];
    for (const id of ids) {
      const starts = (await a.rt.history(id)).filter((h) => h.event === 'startAt');
      expect(starts, id).toHaveLength(1);
      expect(starts[0]!.dueAt).toBe(iso(T0 + 3_600_000));
      changes.push(starts[0]!);
    }
    expect(changes).toHaveLength(200);
    // each runtime records the lag of the timers it fired: together exactly 200, each its share
    const [firedByA, firedByB] = await Promise.all([a.rt.health(), b.rt.health()]).then((h) => h.map((x) => x.lag.samples));
    expect(firedByA! + firedByB!).toBe(200);
    expect(Math.min(firedByA!, firedByB!)).toBeGreaterThan(0);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('a runtime that dies holding claimed timers loses nothing: another fires them once its lease expires', async () => {
    begin();
    const a = await start({ timerLeaseMs: 5_000 });
    const c = await a.rt.create({ preset: 'discount', name: 'Orphan', startAt: iso(T0 + 60_000), endAt: iso(T0 + 86_400_000) });
    await a.rt.send(c.id, { type: 'PUBLISH' });
    // a "process" claims the due timer and dies before firing it
    const dying = postgresStore({ connectionString: PG_URL, schema, timerLeaseMs: 5_000 });
    await dying.open();
    expect((await dying.dueTimers(T0 + 60_000, 10)).map((t) => t.campaignId)).toEqual([c.id]);
    await dying.close();
    await a.clock.advanceTo(T0 + 60_000);
    expect((await a.rt.get(c.id)).status).toBe('Scheduled'); // claimed by the dead one
    await a.clock.advanceTo(T0 + 65_000); // its lease expired
    await expect.poll(async () => (await a.rt.get(c.id)).status, { timeout: 5_000 }).toBe('Active');
    const fired = (await a.rt.history(c.id)).find((h) => h.event === 'startAt')!;
    expect(fired).toMatchObject({ dueAt: iso(T0 + 60_000), at: iso(T0 + 65_000) });
  });

  it('a timer armed by one runtime wakes the others (NOTIFY): it fires after the first one stopped', async () => {
    begin();
    const a = await start({ pollMs: 60_000 });
    const b = await start({ pollMs: 60_000 });
    const c = await a.rt.create({ preset: 'discount', name: 'Wake', startAt: iso(T0 + 60_000), endAt: iso(T0 + 86_400_000) });
    await a.rt.send(c.id, { type: 'PUBLISH' });
    await new Promise((r) => setTimeout(r, 300)); // the notification travels
    await a.rt.stop();
    await b.clock.advanceTo(T0 + 60_000);
    await expect.poll(async () => (await b.rt.get(c.id)).status, { timeout: 5_000 }).toBe('Active');
  });

  it('the feed is gap-free and in order across runtimes, and subscribe on one delivers the other’s changes', async () => {
    begin();
    const [a, b] = [await start(), await start()];
    const seen: number[] = [];
    b.rt.subscribe((change) => void seen.push(change.seq), { after: 0 });
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).rt.create({ preset: 'discount', name: `F${i}` })));
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(60);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('a consumer name runs on exactly one runtime; when its holder dies the other takes over within the lease and every change arrives at least once, in order per campaign', async () => {
    begin();
    const clock = createManualClock(T0);
    const stores = [postgresStore({ connectionString: PG_URL, schema, pollMs: 100 }), postgresStore({ connectionString: PG_URL, schema, pollMs: 100 })];
    const runtimes: Node[] = [];
    for (const store of stores) {
      const errors: unknown[] = [];
      const node = { rt: await createCampaignRuntime({ store, clock, onError: (e) => errors.push(e) }), clock, errors };
      nodes.push(node);
      runtimes.push(node);
    }
    const delivered: { by: number; campaignId: string; version: number }[] = [];
    const leaseMs = 2_000;
    const consumers = runtimes.map((node, by) =>
      node.rt.consume('sync', (c) => void delivered.push({ by, campaignId: c.campaignId, version: c.version }), { leaseMs }),
    );
    const wait = async (check: () => boolean, step = 0) => {
      for (let i = 0; i < 500 && !check(); i++) {
        await new Promise((r) => setTimeout(r, 10));
        if (step) await clock.advanceBy(step);
      }
      expect(check()).toBe(true);
    };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await runtimes[i % 2]!.rt.create({ preset: 'discount', name: `C${i}` })).id);
    await wait(() => delivered.length >= 6);
    expect(consumers.filter((c) => c.active)).toHaveLength(1); // one holder
    const holder = consumers.findIndex((c) => c.active);
    expect(new Set(delivered.map((d) => d.by))).toEqual(new Set([holder]));
    // the holder's process dies: its connection to the database goes, the lease is not given up
    await stores[holder]!.close();
    const alive = runtimes[1 - holder]!;
    for (const id of ids) await alive.rt.send(id, { type: 'UPDATE', patch: { labels: ['after'] } });
    const killedAt = clock.now();
    // the dead holder's lease runs out; the other tries every third of a lease (the clock moves 50 ms a step)
    await wait(() => ids.every((id) => delivered.some((d) => d.campaignId === id && d.version === 2)), 50);
    expect(clock.now() - killedAt).toBeLessThanOrEqual(leaseMs + leaseMs / 3 + 500); // taken over within the lease (+ one try)
    expect(delivered.filter((d) => d.version === 2).every((d) => d.by === 1 - holder)).toBe(true);
    for (const id of ids) {
      const versions = delivered.filter((d) => d.campaignId === id).map((d) => d.version);
      expect(versions, id).toEqual([...versions].sort((x, y) => x - y)); // in order per campaign
      expect(new Set(versions), id).toEqual(new Set([1, 2])); // at least once each
    }
  });

  it('a transaction that took a sequence number and commits late never lets a reader skip it', async () => {
    begin();
    const a = await start();
    await a.rt.create({ preset: 'discount', name: 'Before' }); // seq 1
    // an outside transaction takes seq 2 through the commit function and holds it open
    const slow = new pg.Client({ connectionString: PG_URL });
    await slow.connect();
    await slow.query('BEGIN');
    const write = {
      campaignId: 'held',
      preset: 'discount',
      fromVersion: 0,
      record: { id: 'held', preset: 'discount', status: 'Draft', name: 'Held', version: 1, snapshot: '{}', createdAt: T0, updatedAt: T0 },
      timers: [],
      nextDueAt: null,
      change: { campaignId: 'held', version: 1, at: T0, dueAt: null, event: 'CREATE', source: 'user', from: null, to: 'Draft', commandId: null, detail: null },
    };
    const [taken] = (await slow.query(`SELECT "${schema}".commit_writes($1::jsonb, NULL) AS seqs`, [JSON.stringify([write])])).rows as { seqs: string[] }[];
    expect(taken!.seqs.map(Number)).toEqual([2]);
    // meanwhile the runtime commits: it must wait behind seq 2, and a reader never sees seq 3 without seq 2
    const later = a.rt.create({ preset: 'discount', name: 'After' });
    const reader = postgresStore({ connectionString: PG_URL, schema });
    await reader.open();
    await new Promise((r) => setTimeout(r, 200));
    expect((await reader.changes(0, 10)).map((c) => c.seq)).toEqual([1]);
    await slow.query('COMMIT');
    await slow.end();
    await later;
    expect((await reader.changes(0, 10)).map((c) => [c.seq, c.campaignId === 'held' ? 'held' : 'runtime'])).toEqual([
      [1, 'runtime'],
      [2, 'held'],
      [3, 'runtime'],
    ]);
    await reader.close();
  });
});
