import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { armedTimers, type CampaignEvent, CampaignDefinition, campaignLogic, campaignMachine } from '../../src/machines/index.js';

const T0 = Date.parse('2026-01-05T08:00:00Z');
const HOUR = 3_600_000;
const definition = CampaignDefinition.parse({
  preset: 'franchise',
  name: 'Pure',
  visibleAt: new Date(T0 + HOUR).toISOString(),
  startAt: new Date(T0 + 2 * HOUR).toISOString(),
  endAt: new Date(T0 + 5 * HOUR).toISOString(),
});

describe('campaignLogic (pure transitions)', () => {
  it('gives the snapshots a started actor gives, event by event, and persists and restores them alike', () => {
    const actor = createActor(campaignMachine, { input: definition, clock: { setTimeout: () => 0, clearTimeout: () => {} } }).start();
    let snapshot = campaignLogic.start(definition);
    expect(campaignLogic.persist(snapshot)).toEqual(actor.getPersistedSnapshot());
    const events: CampaignEvent[] = [{ type: 'PUBLISH', at: T0 } as CampaignEvent];
    let applied = 0;
    for (let i = 0; i < 6; i++) {
      const event = events[i] ?? (() => {
        const next = armedTimers(snapshot)[0];
        return next ? ({ type: next.eventType, at: next.dueAt } as unknown as CampaignEvent) : null;
      })();
      if (!event) break;
      actor.send(event);
      snapshot = campaignLogic.next(campaignLogic.restore(JSON.parse(JSON.stringify(campaignLogic.persist(snapshot)))), event);
      expect(campaignLogic.persist(snapshot), event.type).toEqual(actor.getPersistedSnapshot());
      applied++;
    }
    // PUBLISH, visibleAt, startAt, endAt: the whole life of the campaign
    expect(applied).toBe(4);
    expect(snapshot.value).toEqual({ published: 'ended' });
  });

  it('returns the same snapshot for a refused event, and says where an eventless transition could still move it', () => {
    const draft = campaignLogic.start(definition);
    expect(campaignLogic.next(draft, { type: 'RESUME', at: T0 } as CampaignEvent)).toBe(draft);
    expect(campaignLogic.eventless(draft)).toBe(false);
    const scheduled = campaignLogic.next(draft, { type: 'PUBLISH', at: T0 } as CampaignEvent);
    expect(scheduled.value).toMatchObject({ published: { scheduled: { visibility: 'hidden' } } });
    expect(campaignLogic.eventless(scheduled)).toBe(true); // hidden becomes visible on any event once visibleAt passed
    const moved = campaignLogic.next(scheduled, { type: 'RESUME', at: T0 + HOUR + 1 } as CampaignEvent);
    expect(moved).not.toBe(scheduled); // why the runtime asks refusalReason first in such a state
  });
});
