import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/actors/errors.js';
import type { CampaignEvent } from '../../src/machines/index.js';
import { DAY, discount, parts, T0 } from './parts.js';

const created = { event: 'CREATE', source: 'user' as const, from: null, at: T0, dueAt: null, commandId: null, detail: null };

describe('CampaignWriter', () => {
  it('after a transition: bumps the version, derives status and timers, and resolves with the view once durable', async () => {
    const { live, writer, store } = parts();
    const campaign = live.create('a', discount(), T0);
    await writer.transitioned(campaign, created);
    live.send(campaign, { type: 'PUBLISH', at: T0 } as CampaignEvent);
    const view = await writer.transitioned(campaign, { ...created, event: 'PUBLISH', from: 'Draft', commandId: 'k', fingerprint: 'f' });
    expect(view).toMatchObject({ id: 'a', status: 'Scheduled', version: 2, nextTimer: { event: 'startAt', at: new Date(T0 + DAY).toISOString() } });
    expect(campaign).toMatchObject({ version: 2, status: 'Scheduled', pending: 0 });
    expect((await store.get('a'))!.version).toBe(2);
    expect(JSON.parse((await store.idempotency('k'))!.result)).toMatchObject({ type: 'PUBLISH', view: { status: 'Scheduled' } });
  });

  it('does not re-arm the timer that just fired, and answers a timer with no view', async () => {
    const { live, writer } = parts();
    const campaign = live.create('a', discount(), T0);
    await writer.transitioned(campaign, created);
    live.send(campaign, { type: 'PUBLISH', at: T0 } as CampaignEvent);
    await writer.transitioned(campaign, { ...created, event: 'PUBLISH' });
    const start = campaign.timers[0]!;
    live.send(campaign, { type: start.eventType, at: start.dueAt } as unknown as CampaignEvent);
    const fired = await writer.transitioned(campaign, { ...created, event: 'startAt', source: 'timer', dueAt: start.dueAt, firedTimer: start });
    expect(fired).toBeNull();
    expect(campaign.status).toBe('Active');
    expect(campaign.timers.map((t) => t.timer)).toEqual(['windowEnd']);
  });

  it('turns a refused write into a ConflictError and forgets the campaign (memory is ahead of the store)', async () => {
    const { live, writer, store } = parts();
    const campaign = live.create('a', discount(), T0);
    await writer.transitioned(campaign, created);
    campaign.version = 7; // as if another writer had moved on
    live.send(campaign, { type: 'PUBLISH', at: T0 } as CampaignEvent);
    await expect(writer.transitioned(campaign, { ...created, event: 'PUBLISH' })).rejects.toBeInstanceOf(ConflictError);
    expect(live.has('a')).toBe(false);
    expect((await store.get('a'))!.version).toBe(1);
  });

  it('deletes: the record goes, history keeps a DELETE, a retry of its command id returns the last view', async () => {
    const { live, writer, store } = parts();
    const campaign = live.create('a', discount(), T0);
    const view = await writer.transitioned(campaign, created);
    await writer.deleted(campaign, { ...created, event: 'DELETE', from: 'Draft', commandId: 'del', fingerprint: 'f' }, view!);
    expect(await store.get('a')).toBeNull();
    expect((await store.history('a')).map((c) => [c.event, c.version, c.to])).toEqual([
      ['CREATE', 1, 'Draft'],
      ['DELETE', 2, null],
    ]);
    expect(JSON.parse((await store.idempotency('del'))!.result)).toMatchObject({ type: 'DELETE', view: { id: 'a' } });
    expect(live.has('a')).toBe(false);
  });
});
