import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/actors/createManualClock.js';
import { TimerLoop } from '../../src/actors/TimerLoop.js';
import type { CampaignEvent } from '../../src/machines/index.js';
import { DAY, discount, HOUR, parts, T0 } from './parts.js';

const created = { event: 'CREATE', source: 'user' as const, from: null, at: T0, dueAt: null, commandId: null, detail: null, idempotent: false };

/** A timer loop on the parts, with one published discount (start T0 + 1 day, end T0 + 7 days). */
async function loopWithCampaign() {
  const p = parts();
  const clock = createManualClock(T0);
  const errors: unknown[] = [];
  const loop = new TimerLoop({ ...p, clock, batchSize: 10, retry: { initialMs: 1_000, maxMs: 60_000 }, onError: (e) => errors.push(e) });
  const campaign = p.live.create('a', discount(), T0);
  await p.writer.transitioned(campaign, created);
  p.live.send(campaign, { type: 'PUBLISH', at: T0 } as CampaignEvent);
  await p.writer.transitioned(campaign, { ...created, event: 'PUBLISH', from: 'Draft' });
  return { ...p, clock, loop, errors, campaign };
}

describe('TimerLoop', () => {
  it('fires a stored timer at its instant, in the campaign lane, with both instants in history', async () => {
    const { loop, clock, store, errors, live } = await loopWithCampaign();
    await loop.fireDue(); // arms the clock for the start
    live.clear(); // fire from the store, not from memory
    await clock.advanceTo(T0 + DAY - 1);
    expect((await store.get('a'))!.status).toBe('Scheduled');
    await clock.advanceTo(T0 + DAY);
    expect((await store.get('a'))!.status).toBe('Active');
    expect((await store.history('a')).at(-1)).toMatchObject({ event: 'startAt', source: 'timer', dueAt: T0 + DAY, at: T0 + DAY, from: 'Scheduled', to: 'Active' });
    expect(loop.lag()).toMatchObject({ samples: 1, p50: 0, max: 0 });
    expect(errors).toEqual([]);
    await loop.stop();
  });

  it('catches up missed timers in due order, each with when it was due and when it fired', async () => {
    const { loop, clock, store } = await loopWithCampaign();
    await clock.advanceTo(T0 + 10 * DAY); // nothing armed yet: the loop has not started
    await loop.fireDue();
    const timers = (await store.history('a')).filter((c) => c.source === 'timer');
    expect(timers.map((c) => [c.event, c.dueAt, c.at])).toEqual([
      ['startAt', T0 + DAY, T0 + 10 * DAY],
      ['endAt', T0 + 7 * DAY, T0 + 10 * DAY],
    ]);
    expect((await store.get('a'))!.status).toBe('Expired');
    expect(loop.lag().max).toBe(9 * DAY);
    await loop.stop();
  });

  it('applyDue fires the due timers of a loaded campaign before a command, and none that are not due', async () => {
    const { loop, campaign } = await loopWithCampaign();
    expect(loop.applyDue(campaign, T0 + DAY - 1)).toHaveLength(0);
    const fired = loop.applyDue(campaign, T0 + 8 * DAY);
    expect(fired).toHaveLength(2);
    await Promise.all(fired);
    expect(campaign.status).toBe('Expired');
    expect(campaign.version).toBe(4);
  });

  it('re-arms for an earlier timer written later, and fires nothing once stopped', async () => {
    const { loop, clock, store, writer, campaign, live } = await loopWithCampaign();
    await loop.fireDue();
    live.send(campaign, { type: 'UPDATE', patch: { startAt: T0 + HOUR }, at: T0 } as unknown as CampaignEvent);
    const write = writer.transitioned(campaign, { ...created, event: 'UPDATE', from: 'Scheduled' });
    await write;
    loop.committed([{ campaignId: 'a', preset: 'discount', fromVersion: 2, record: null, timers: campaign.timers.map((t) => ({ campaignId: 'a', ...t })), change: null }]);
    await clock.advanceTo(T0 + HOUR);
    expect((await store.get('a'))!.status).toBe('Active');
    await loop.stop();
    await clock.advanceTo(T0 + 8 * DAY);
    expect((await store.get('a'))!.status).toBe('Active');
  });
});
