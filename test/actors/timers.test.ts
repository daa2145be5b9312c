import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCampaignRuntime, memoryStore, systemClock } from '../../src/index.js';
import { type Harness, harness, STORE_KINDS } from '../support/runtime.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(STORE_KINDS)('timers on the %s store', (kind) => {
  let h: Harness;
  afterEach(() => h.close());

  it('fires a start date at its exact instant, not a millisecond before, exactly once', async () => {
    h = await harness(kind);
    const startAt = Date.parse('2026-02-01T09:00:00Z');
    const c = await h.rt.create({ preset: 'discount', name: 'Sale', startAt: iso(startAt), endAt: iso(startAt + 7 * DAY) });
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.clock.advanceTo(startAt - 1);
    expect((await h.rt.get(c.id)).status).toBe('Scheduled');
    await h.clock.advanceTo(startAt);
    expect((await h.rt.get(c.id)).status).toBe('Active');
    await h.clock.advanceTo(startAt + DAY);
    const fired = (await h.rt.history(c.id)).filter((e) => e.source === 'timer');
    expect(fired).toEqual([
      expect.objectContaining({ event: 'startAt', dueAt: iso(startAt), at: iso(startAt), from: 'Scheduled', to: 'Active' }),
    ]);
  });

  it('keeps a date 90 days away across a restart: neither early nor lost', async () => {
    h = await harness(kind);
    const startAt = h.clock.now() + 90 * DAY;
    const c = await h.rt.create({ preset: 'franchise', name: 'Far', startAt: iso(startAt), endAt: iso(startAt + 10 * DAY) });
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.restart();
    await h.clock.advanceTo(startAt - 1);
    expect((await h.rt.get(c.id)).status).toBe('Scheduled');
    await h.restart();
    expect((await h.rt.get(c.id)).nextTimer).toEqual({ event: 'startAt', at: iso(startAt) });
    await h.clock.advanceTo(startAt);
    expect((await h.rt.get(c.id)).status).toBe('Active');
    expect((await h.rt.history(c.id)).filter((e) => e.event === 'startAt')).toHaveLength(1);
  });

  it('fires dates missed while stopped on start-up, in due order, recording due and fired instants', async () => {
    h = await harness(kind);
    const t0 = h.clock.now();
    const a = await h.rt.create({ preset: 'discount', name: 'A', startAt: iso(t0 + DAY), endAt: iso(t0 + 3 * DAY) });
    const b = await h.rt.create({ preset: 'gifting', name: 'B', products: ['mug'], endAt: iso(t0 + 2 * DAY) });
    await h.rt.send(a.id, { type: 'PUBLISH' });
    await h.rt.send(b.id, { type: 'ACTIVATE' });
    await h.rt.stop();
    await h.clock.advanceTo(t0 + 10 * DAY); // nothing runs: the runtime is stopped
    await h.restart();
    const historyA = (await h.rt.history(a.id)).filter((e) => e.source === 'timer');
    expect(historyA.map((e) => [e.event, e.dueAt, e.at, e.from, e.to])).toEqual([
      ['startAt', iso(t0 + DAY), iso(t0 + 10 * DAY), 'Scheduled', 'Active'],
      ['endAt', iso(t0 + 3 * DAY), iso(t0 + 10 * DAY), 'Active', 'Expired'],
    ]);
    const historyB = (await h.rt.history(b.id)).filter((e) => e.source === 'timer');
    expect(historyB.map((e) => [e.event, e.dueAt, e.to])).toEqual([['endAt', iso(t0 + 2 * DAY), 'Expired']]);
    const health = await h.rt.health();
    expect(health.overdueTimers).toBe(0);
    expect(health.ok).toBe(true);
  });

  it('re-arms a timer when UPDATE moves the date, and cancels it when the state is left', async () => {
    h = await harness(kind);
    const t0 = h.clock.now();
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'], endAt: iso(t0 + 10 * DAY) });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    await h.rt.send(c.id, { type: 'UPDATE', patch: { endAt: iso(t0 + 20 * DAY) } });
    expect((await h.rt.get(c.id)).nextTimer).toEqual({ event: 'endAt', at: iso(t0 + 20 * DAY) });
    await h.clock.advanceTo(t0 + 15 * DAY);
    expect((await h.rt.get(c.id)).status).toBe('Active');
    await h.rt.send(c.id, { type: 'END' });
    expect((await h.rt.get(c.id)).nextTimer).toBeNull();
    expect((await h.rt.health()).pendingTimers).toBe(0);
    await h.clock.advanceTo(t0 + 30 * DAY);
    expect((await h.rt.history(c.id)).filter((e) => e.source === 'timer')).toEqual([]);
  });

  it('a command after a date passed (timer not yet fired) sees the date first', async () => {
    h = await harness(kind);
    let now = h.clock.now();
    // a clock whose timers never fire: the scheduler lags forever behind the wall clock
    const lagging = { now: () => now, setTimeout: () => ({}), clearTimeout: () => {} };
    const rt = await h.restart({ clock: lagging });
    const c = await rt.create({ preset: 'discount', name: 'D', endAt: iso(now + DAY) });
    await rt.send(c.id, { type: 'PUBLISH' });
    now += 2 * DAY;
    await expect(rt.send(c.id, { type: 'PAUSE' })).rejects.toMatchObject({ name: 'TransitionRejectedError', status: 'Expired' });
    const history = await rt.history(c.id);
    expect(history.at(-1)).toMatchObject({ event: 'endAt', source: 'timer', dueAt: iso(now - DAY), at: iso(now) });
  });

  it('evicts idle actors and rehydrates them on demand with identical views', async () => {
    h = await harness(kind, '2026-01-05T08:00:00Z', { maxLiveActors: 2 });
    const t0 = h.clock.now();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await h.rt.create({ preset: 'discount', name: `C${i}`, startAt: iso(t0 + (i + 1) * DAY) });
      await h.rt.send(c.id, { type: 'PUBLISH' });
      ids.push(c.id);
    }
    expect((await h.rt.health()).liveActors).toBeLessThanOrEqual(2);
    const before = await Promise.all(ids.map((id) => h.rt.get(id)));
    await h.clock.advanceTo(t0 + 7 * DAY);
    const after = await Promise.all(ids.map((id) => h.rt.get(id)));
    expect(after.map((v) => v.status)).toEqual(ids.map(() => 'Active'));
    expect(after.map((v) => v.version)).toEqual(before.map((v) => v.version + 1));
    expect((await h.rt.health()).liveActors).toBeLessThanOrEqual(2);
  });
});

describe('the system clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out a date 90 days away in chunks (vitest fake timers: no overflow, no early start)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:00Z') });
    const rt = await createCampaignRuntime({ store: memoryStore(), clock: systemClock });
    try {
      const startAt = Date.now() + 90 * DAY;
      const c = await rt.create({ preset: 'discount', name: 'Far', startAt: iso(startAt) });
      await rt.send(c.id, { type: 'PUBLISH' });
      await vi.advanceTimersByTimeAsync(89 * DAY);
      expect((await rt.get(c.id)).status).toBe('Scheduled');
      await vi.advanceTimersByTimeAsync(DAY - 1);
      expect((await rt.get(c.id)).status).toBe('Scheduled');
      await vi.advanceTimersByTimeAsync(1);
      await vi.waitFor(async () => expect((await rt.get(c.id)).status).toBe('Active'));
      const fired = (await rt.history(c.id)).find((e) => e.event === 'startAt');
      expect(fired?.dueAt).toBe(iso(startAt));
      expect(fired?.at).toBe(iso(startAt));
    } finally {
      await rt.stop();
    }
  });

  it('a bare setTimeout of the same length would have fired at once (the bug the chunking avoids)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const fired = vi.fn();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    setTimeout(fired, 90 * DAY);
    vi.advanceTimersByTime(2);
    expect(fired).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
