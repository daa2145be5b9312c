/**
 * A due timer that cannot be saved (issue 9, item 1): no hot loop — capped exponential backoff per
 * failing campaign, one report per backoff step, other campaigns' timers unaffected; a campaign
 * whose record cannot be read is quarantined: listed in health(), left out of lists with a marker,
 * until it is repaired or deleted. Manual clock: no real time passes.
 */
import { describe, expect, it } from 'vitest';
import {
  type CampaignStore,
  CampaignUnreadableError,
  createCampaignRuntime,
  createManualClock,
  memoryStore,
  StoreFullError,
} from '../../src/index.js';
import { TimersFailedError } from '../../src/actors/TimerLoop.js';
import { faultyStore } from '../support/faultyStore.js';

const T0 = '2026-01-05T08:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();

async function runtime(store: CampaignStore) {
  const clock = createManualClock(T0);
  const errors: unknown[] = [];
  const rt = await createCampaignRuntime({ store, clock, onError: (e) => errors.push(e), timerRetry: { initialMs: 1_000, maxMs: 60_000 } });
  return { rt, clock, errors };
}

/** Overwrites a campaign's stored snapshot with `snapshot`, keeping its timers (what a bad migration or a hand edit leaves). */
async function poison(store: CampaignStore, id: string, snapshot: string) {
  const record = (await store.get(id))!;
  await store.commit([{ campaignId: id, preset: record.preset, fromVersion: record.version, record: { ...record, snapshot }, timers: await store.timers(id), change: null }]);
}

describe('faults on the timer path', () => {
  it('quarantines an unreadable campaign: backoff, not a hot loop; others fire; lists skip it with a marker; delete ends it', async () => {
    const store = memoryStore();
    const { rt, errors } = await runtime(store);
    const bad = await rt.create({ preset: 'discount', name: 'Poisoned', startAt: at(1), endAt: at(48) });
    const good = await rt.create({ preset: 'discount', name: 'Healthy', startAt: at(1), endAt: at(48) });
    await rt.send(bad.id, { type: 'PUBLISH' });
    await rt.send(good.id, { type: 'PUBLISH' });
    await rt.stop(); // the poisoned record is found by a fresh runtime, as after a restart
    await poison(store, bad.id, '{"status":"active","value":"nowhere"');
    const counting = faultyStore(store);
    const second = await runtime(counting.store);

    await second.clock.advanceTo(at(2)); // due at 1 h: fails, then retried after 1 s, 2 s, 4 s … capped at 60 s
    expect((await second.rt.get(good.id)).status).toBe('Active');
    const reportsOf = () => second.errors.filter((e) => e instanceof TimersFailedError) as TimersFailedError[];
    const [callsBefore, reportsBefore] = [counting.calls['dueCampaigns']!, reportsOf().length];
    await second.clock.advanceTo(at(3)); // one more hour at the cap: about 60 attempts, each one store query and one report
    const [queries, steps] = [counting.calls['dueCampaigns']! - callsBefore, reportsOf().length - reportsBefore];
    expect(steps).toBeGreaterThanOrEqual(59);
    expect(steps).toBeLessThanOrEqual(61); // a hot loop would be millions
    expect(queries).toBeLessThanOrEqual(2 * steps + 2);
    const reports = reportsOf();
    expect(reports[0]!.campaignIds).toEqual([bad.id]);
    expect(reports[0]!.reason).toContain('not valid JSON');
    expect(reports.map((r) => r.retryInMs).slice(0, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);

    const health = await second.rt.health();
    expect(health.ok).toBe(false);
    expect(health.quarantined).toEqual([{ campaignId: bad.id, reason: expect.stringContaining('not valid JSON'), since: at(1) }]);
    expect(health.retrying.campaigns[0]).toMatchObject({ campaignId: bad.id, reason: expect.stringContaining('not valid JSON') });
    const page = await second.rt.listPage({ limit: 10 });
    expect(page.items.map((c) => c.id)).toEqual([good.id]);
    expect(page.unreadable).toEqual([{ id: bad.id, reason: expect.stringContaining('not valid JSON') }]);
    await expect(second.rt.get(bad.id)).rejects.toBeInstanceOf(CampaignUnreadableError);
    expect((await second.rt.history(bad.id)).map((c) => c.event)).toEqual(['CREATE', 'PUBLISH']);

    await second.rt.delete(bad.id);
    const after = await second.rt.health();
    expect(after.quarantined).toEqual([]);
    expect((await second.rt.history(bad.id).catch((e: unknown) => e))).toMatchObject({ name: 'NotFoundError' });
    expect((await store.history(bad.id)).at(-1)).toMatchObject({ event: 'DELETE', to: null, detail: expect.stringContaining('quarantined') });
    const calls = counting.calls['dueCampaigns']!;
    await second.clock.advanceTo(at(4));
    expect(counting.calls['dueCampaigns']! - calls).toBeLessThan(3);
    await second.rt.stop();
    expect(errors).toEqual([]);
  });

  it('a repaired record leaves the quarantine and its missed dates fire', async () => {
    const store = memoryStore();
    const { rt } = await runtime(store);
    const c = await rt.create({ preset: 'discount', name: 'Repaired', startAt: at(1), endAt: at(48) });
    await rt.send(c.id, { type: 'PUBLISH' });
    await rt.stop();
    const good = (await store.get(c.id))!.snapshot;
    await poison(store, c.id, 'garbage');
    const second = await runtime(store);
    await second.clock.advanceTo(at(2));
    expect((await second.rt.health()).quarantined.map((q) => q.campaignId)).toEqual([c.id]);
    await poison(store, c.id, good); // the operator restores the record
    await second.clock.advanceTo(at(2.1));
    expect((await second.rt.get(c.id)).status).toBe('Active');
    const health = await second.rt.health();
    expect(health).toMatchObject({ ok: true, quarantined: [], retrying: { count: 0 } });
    expect((await second.rt.history(c.id)).at(-1)).toMatchObject({ event: 'startAt', dueAt: at(1) });
    await second.rt.stop();
  });

  it('a full disk: commands fail with StoreFullError, timers back off, and everything goes on once space is back — nothing lost, nothing twice', async () => {
    const fault = faultyStore(memoryStore());
    const { rt, clock, errors } = await runtime(fault.store);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await rt.create({ preset: 'discount', name: `Sale ${i}`, startAt: at(1), endAt: at(48) });
      await rt.send(c.id, { type: 'PUBLISH' });
      ids.push(c.id);
    }
    fault.fill();
    await clock.advanceTo(at(1.5));
    await expect(rt.send(ids[0]!, { type: 'UPDATE', patch: { labels: ['x'] } })).rejects.toBeInstanceOf(StoreFullError);
    const reports = errors.filter((e) => e instanceof TimersFailedError) as TimersFailedError[];
    expect(reports.length).toBeGreaterThan(3);
    expect(reports.length).toBeLessThan(60);
    expect(reports[0]).toMatchObject({ reason: 'storage full' });
    expect(reports[0]!.campaignIds.sort()).toEqual([...ids].sort());
    expect((await rt.health()).retrying.count).toBe(5);
    for (const id of ids) expect((await rt.get(id)).status).toBe('Scheduled');

    fault.free();
    await clock.advanceTo(at(2));
    for (const id of ids) {
      expect((await rt.get(id)).status).toBe('Active');
      const starts = (await rt.history(id)).filter((c) => c.event === 'startAt');
      expect(starts).toHaveLength(1);
      expect(starts[0]).toMatchObject({ dueAt: at(1) });
    }
    expect((await rt.health())).toMatchObject({ ok: true, retrying: { count: 0 } });
    await rt.send(ids[0]!, { type: 'UPDATE', patch: { labels: ['after'] } });
    await rt.stop();
  });
});
