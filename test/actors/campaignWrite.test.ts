import { describe, expect, it } from 'vitest';
import { campaignWrite, commandDetail } from '../../src/actors/campaignWrite.js';
import { Quarantine } from '../../src/actors/Quarantine.js';
import { LiveCampaigns } from '../../src/actors/LiveCampaigns.js';
import { CampaignCommand, campaignLogic, STATECHART_VERSION } from '../../src/machines/index.js';
import { memoryStore } from '../../src/persistence/index.js';
import { DAY, discount, T0 } from './parts.js';

const entry = { event: 'PUBLISH', source: 'user' as const, from: 'Draft', at: T0, dueAt: null, commandId: 'k1', detail: { note: 1 } };

function liveCampaign() {
  const cache = new LiveCampaigns({ store: memoryStore(), maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0) });
  const live = cache.create('a', discount(), T0);
  cache.send(live, { type: 'PUBLISH', at: T0 });
  live.version = 2;
  live.status = 'Scheduled';
  return live;
}

describe('campaignWrite', () => {
  it('writes the snapshot, status, version, timers, history entry and idempotency record of a change', () => {
    const live = liveCampaign();
    live.timers = [{ timer: 'startAt', eventType: 'xstate.after.startAt.x', dueAt: T0 + DAY }];
    const write = campaignWrite(live, 1, entry, { commandId: 'k1', result: { type: 'PUBLISH', view: null } });
    expect(write).toMatchObject({
      campaignId: 'a',
      preset: 'discount',
      fromVersion: 1,
      record: { id: 'a', status: 'Scheduled', name: 'Spring sale', version: 2, createdAt: T0 },
      timers: [{ campaignId: 'a', timer: 'startAt', eventType: 'xstate.after.startAt.x', dueAt: T0 + DAY }],
      change: { campaignId: 'a', version: 2, event: 'PUBLISH', from: 'Draft', to: 'Scheduled', commandId: 'k1', detail: '{"note":1}' },
      idempotency: { commandId: 'k1', result: '{"type":"PUBLISH","view":null}' },
    });
    expect(JSON.parse(write.record!.snapshot)).toEqual({ ...campaignLogic.persist(live.snapshot), statechartVersion: STATECHART_VERSION });
  });

  it('writes a deletion as no record, no timers and a change to null', () => {
    const live = liveCampaign();
    live.deleted = true;
    const write = campaignWrite(live, 2, { ...entry, event: 'DELETE', commandId: null, detail: null });
    expect(write).toMatchObject({ record: null, timers: [], change: { to: null, event: 'DELETE', detail: null } });
    expect(write.idempotency).toBeUndefined();
  });

  it('writes a repair (timers only) without a change, at the same version', () => {
    const live = liveCampaign();
    expect(campaignWrite(live, 2, null)).toMatchObject({ fromVersion: 2, change: null, record: { version: 2 } });
  });
});

describe('commandDetail', () => {
  it("keeps an UPDATE's patch with its dates as ISO strings, and a fault's reason", () => {
    const update = CampaignCommand.parse({ type: 'UPDATE', patch: { endAt: '2026-02-01T10:00:00+01:00', labels: ['x'] } });
    expect(commandDetail(update)).toEqual({ patch: { endAt: '2026-02-01T09:00:00.000Z', labels: ['x'] } });
    expect(commandDetail(CampaignCommand.parse({ type: 'SYSTEM_FAULT', reason: 'mailer down' }))).toEqual({ reason: 'mailer down' });
    expect(commandDetail(CampaignCommand.parse({ type: 'PAUSE' }))).toBeNull();
  });

  it("keeps what an UPDATE's fields held before, so history can say from → to", () => {
    const before = campaignLogic.start(discount({ name: 'Old name', labels: ['a'] })).context;
    const update = CampaignCommand.parse({ type: 'UPDATE', patch: { name: 'New name', endAt: '2026-02-01T10:00:00+01:00', labels: ['b'] } });
    expect(commandDetail(update, before)).toEqual({
      patch: { name: 'New name', endAt: '2026-02-01T09:00:00.000Z', labels: ['b'] },
      before: { name: 'Old name', endAt: before.endAt === null ? null : new Date(before.endAt).toISOString(), labels: ['a'] },
    });
  });
});
