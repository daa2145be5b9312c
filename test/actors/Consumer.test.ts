import { afterEach, describe, expect, it } from 'vitest';
import { type CampaignChange, type CampaignRuntime, createCampaignRuntime, createManualClock, type ManualClock, memoryStore, ValidationError } from '../../src/index.js';
import type { CampaignStore } from '../../src/persistence/index.js';
import { until } from '../support/until.js';

const T0 = Date.parse('2026-01-05T08:00:00Z');

describe('durable consumers (rt.consume)', () => {
  let rt: CampaignRuntime;
  let store: CampaignStore;
  let clock: ManualClock;
  const open = async () => {
    rt = await createCampaignRuntime({ store, clock, onError: () => {} });
    return rt;
  };
  const setup = async () => {
    store = memoryStore();
    clock = createManualClock(T0);
    return open();
  };
  afterEach(async () => {
    await rt?.stop();
  });

  it('delivers every change from the beginning in feed order, stores the cursor, and resumes after it on restart', async () => {
    await setup();
    const a = await rt.create({ preset: 'gifting', name: 'A', products: ['mug'] });
    await rt.send(a.id, { type: 'ACTIVATE' });
    const seen: number[] = [];
    const consumer = rt.consume('audit', (change) => void seen.push(change.seq));
    await until(() => seen.length === 2, 'the existing changes');
    await rt.send(a.id, { type: 'PAUSE' });
    await until(() => seen.length === 3, 'the new change');
    expect(seen).toEqual([1, 2, 3]);
    await consumer.stop();
    expect((await rt.health()).consumers).toEqual([{ name: 'audit', cursor: 3, lag: { changes: 0, seconds: null }, parked: 0, held: 'nobody' }]);
    await rt.send(a.id, { type: 'RESUME' }); // while nobody consumes
    await rt.stop();
    await open();
    const after: number[] = [];
    rt.consume('audit', (change) => void after.push(change.seq));
    await until(() => after.length === 1, 'the change made while stopped');
    expect(after).toEqual([4]);
  });

  it('filters by preset, event and status; starts from now when asked', async () => {
    await setup();
    const g = await rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const d = await rt.create({ preset: 'discount', name: 'D' });
    const fromNow: CampaignChange[] = [];
    rt.consume('new-only', (c) => void fromNow.push(c), { from: 'now' });
    const paused: CampaignChange[] = [];
    rt.consume('gifting-paused', (c) => void paused.push(c), { filter: { preset: 'gifting', status: ['Paused'] } });
    const publishes: CampaignChange[] = [];
    rt.consume('publishes', (c) => void publishes.push(c), { filter: { event: 'PUBLISH' } });
    await rt.send(g.id, { type: 'ACTIVATE' });
    await rt.send(g.id, { type: 'PAUSE' });
    await rt.send(d.id, { type: 'PUBLISH' });
    await until(() => fromNow.length === 3 && paused.length === 1 && publishes.length === 1, 'filtered changes');
    expect(paused[0]).toMatchObject({ campaignId: g.id, preset: 'gifting', event: 'PAUSE', to: 'Paused' });
    expect(publishes[0]).toMatchObject({ campaignId: d.id, preset: 'discount' });
    expect(fromNow.map((c) => c.event)).toEqual(['ACTIVATE', 'PAUSE', 'PUBLISH']);
  });

  it('retries a failing change with backoff while other campaigns go on and its campaign waits; parks it after maxAttempts; a retry by hand delivers it', async () => {
    await setup();
    const a = await rt.create({ preset: 'gifting', name: 'A', products: ['mug'] });
    const b = await rt.create({ preset: 'gifting', name: 'B', products: ['mug'] });
    let failA = true;
    const handled: string[] = [];
    const attempts: number[] = [];
    rt.consume(
      'shop',
      (c) => {
        if (c.campaignId === a.id && c.event === 'ACTIVATE' && failA) {
          attempts.push(clock.now());
          throw new Error('shop answered 503');
        }
        handled.push(`${c.campaignId === a.id ? 'A' : 'B'}:${c.event}`);
      },
      { from: 'now', maxAttempts: 3, retry: { initialMs: 1_000, maxMs: 60_000 } },
    );
    await rt.send(a.id, { type: 'ACTIVATE' }); // fails
    await rt.send(a.id, { type: 'PAUSE' }); // waits behind it
    await rt.send(b.id, { type: 'ACTIVATE' }); // goes on
    await until(() => handled.includes('B:ACTIVATE'), "the other campaign's change");
    expect(handled).toEqual(['B:ACTIVATE']);
    expect((await rt.health()).consumers[0]).toMatchObject({ name: 'shop', cursor: 2, held: 'here' }); // stuck before A's ACTIVATE (seq 3)
    await clock.advanceBy(1_000); // first retry (backoff with jitter: 500–1,000 ms)
    await until(() => attempts.length === 2, 'the second attempt');
    await clock.advanceBy(2_000); // third and last attempt: parked
    await until(() => handled.includes('A:PAUSE'), 'the parked campaign’s next change');
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(500);
    expect(handled).toEqual(['B:ACTIVATE', 'A:PAUSE']);
    await until(async () => (await rt.health()).consumers[0]!.parked === 1, 'parked');
    const [parked] = await rt.parked('shop');
    expect(parked).toMatchObject({ seq: 3, campaignId: a.id, attempts: 3, error: 'shop answered 503', retry: false, change: { event: 'ACTIVATE' } });
    expect((await rt.health()).consumers[0]).toMatchObject({ cursor: 5, lag: { changes: 0 } });
    failA = false;
    expect(await rt.retryParked('shop', 3)).toBe(true);
    expect(await rt.retryParked('shop', 99)).toBe(false);
    await clock.advanceBy(1_000);
    await until(() => handled.includes('A:ACTIVATE'), 'the retry by hand');
    await until(async () => (await rt.parked('shop')).length === 0, 'unparked');
  });

  it('one consumer per name in a runtime, names and options checked, stop drains and gives the lease up', async () => {
    await setup();
    const consumer = rt.consume('one', () => {});
    expect(() => rt.consume('one', () => {})).toThrow(/already runs/);
    expect(() => rt.consume('bad name!', () => {})).toThrow(ValidationError);
    expect(() => rt.consume('x', () => {}, { maxAttempts: 0 })).toThrow(ValidationError);
    await until(() => consumer.active, 'the lease');
    await consumer.stop();
    expect(consumer.active).toBe(false);
    expect((await rt.health()).consumers).toMatchObject([{ name: 'one', held: 'nobody' }]);
    rt.consume('one', () => {}); // free again
  });
});
