/**
 * Seed 000 — "Status of Journey" (customer-journey / blast-campaign platform), preset `journey`.
 * One test per sentence of the seed that states a rule, top to bottom, through the public API.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignDefinitionInput } from '../../../src/index.js';
import {
  DAY,
  END,
  expectFiresExactlyAt,
  expectRefused,
  expectRefusedUnchanged,
  type Harness,
  HOUR,
  iso,
  plus,
  seedRuntimes,
  START,
  T0,
  timerEntries,
  transitions,
} from './seedRules.js';

const runtimes = seedRuntimes();

const journey = (over: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput => ({
  preset: 'journey',
  name: 'May birthday offers',
  audience: { mode: 'trigger', segment: 'born-in-may' },
  content: { steps: ['offer', 'thank-you after 10 days', 'reminder after 5 days'] },
  labels: ['birthday'],
  ...over,
});

/** A journey activated now (no start date): Active. */
async function activeJourney(h: Harness, over: Partial<CampaignDefinitionInput> = {}): Promise<string> {
  const c = await h.rt.create(journey(over));
  const view = await h.rt.send(c.id, { type: 'ACTIVATE' });
  expect(view.status).toBe('Active');
  return c.id;
}

/** A journey activated with a future start date: Scheduled. */
async function scheduledJourney(h: Harness, over: Partial<CampaignDefinitionInput> = {}): Promise<string> {
  const c = await h.rt.create(journey({ startAt: START, endAt: END, ...over }));
  const view = await h.rt.send(c.id, { type: 'ACTIVATE' });
  expect(view.status).toBe('Scheduled');
  return c.id;
}

describe('journey — In Designed – Designing', () => {
  it('"still being created and has not yet been activated": a new journey is Designing, runs nothing and takes nobody', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey({ startAt: START, endAt: END }));
    expect(c).toMatchObject({
      preset: 'journey',
      status: 'Designing',
      intake: null,
      acceptsAudience: false,
      processing: false,
      visible: false,
      nextTimer: null,
      editable: 'full',
    });
    expect(c.actions).toContain('ACTIVATE');
    expect(await h.rt.admit(c.id, { memberId: 'm-1' })).toMatchObject({ admitted: false, reason: expect.stringMatching(/Designing/) });
  });

  it('"occurs when users create or edit a campaign but have not clicked Activate": editing keeps it Designing', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey());
    const edited = await h.rt.send(c.id, {
      type: 'UPDATE',
      patch: { name: 'May birthdays v2', content: { steps: ['offer'] }, startAt: START, audience: { mode: 'list' } },
    });
    expect(edited.status).toBe('Designing');
    expect(edited.definitionVersion).toBe(2);
    expect(edited).toMatchObject({ name: 'May birthdays v2', content: { steps: ['offer'] }, startAt: START, audience: { mode: 'list' } });
    expect(await transitions(h.rt, c.id)).toEqual(['CREATE:∅→Designing', 'UPDATE:Designing→Designing']);
  });

  it('"keep this status while preparing content, defining logic, and performing tests before going live": its dates passing never start it', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey({ startAt: START, endAt: END }));
    expect(await h.rt.forecast(c.id)).toEqual([]);
    await h.clock.advanceTo(plus(END, DAY));
    const view = await h.rt.get(c.id);
    expect(view.status).toBe('Designing');
    expect(view.processing).toBe(false);
    expect(await transitions(h.rt, c.id)).toEqual(['CREATE:∅→Designing']);
  });
});

describe('journey — Scheduled – Scheduled to Start', () => {
  it('"activated, but its Start Date is in the future": ACTIVATE with a future start gives Scheduled, not processing, taking nobody yet', async () => {
    const h = await runtimes.setup();
    const id = await scheduledJourney(h);
    const view = await h.rt.get(id);
    expect(view).toMatchObject({
      status: 'Scheduled',
      startAt: START,
      processing: false,
      acceptsAudience: false,
      intake: null,
      nextTimer: { event: 'startAt', at: START },
    });
    expect(await h.rt.admit(id, { memberId: 'early-bird' })).toMatchObject({ admitted: false });
  });

  it('"let the system automatically run it at the scheduled time without manual intervention": the forecast shows the start (and end) ahead', async () => {
    const h = await runtimes.setup();
    const id = await scheduledJourney(h);
    expect(await h.rt.forecast(id)).toEqual([
      { at: START, event: 'startAt', timer: 'startAt', from: 'Scheduled', to: 'Active' },
      { at: END, event: 'endAt', timer: 'endAt', from: 'Active', to: 'Closed' },
    ]);
  });

  it('"set a future Start Date and then click Activate": without valid audience settings Activate is refused and nothing is scheduled', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey({ startAt: START, audience: null }));
    await expectRefusedUnchanged(h.rt, c.id, () => h.rt.send(c.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Designing',
      reason: /audience\.mode must be "trigger" or "list"/,
    });
    expect((await h.rt.get(c.id)).nextTimer).toBeNull();
  });

  it('"Once the Start Date is reached, the status will automatically switch to Active" — at the exact instant', async () => {
    const h = await runtimes.setup();
    const id = await scheduledJourney(h);
    const view = await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    expect(view).toMatchObject({ processing: true, acceptsAudience: true, nextTimer: { event: 'endAt', at: END } });
  });

  it('the scheduled start fires exactly once across a runtime restart (SQLite), at its instant', async () => {
    const h = await runtimes.setupSqlite();
    const id = await scheduledJourney(h);
    await h.clock.advanceTo(plus(START, -HOUR));
    await h.restart();
    expect((await h.rt.get(id)).status).toBe('Scheduled');
    await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    await h.restart();
    await h.clock.advanceTo(plus(START, DAY));
    expect((await h.rt.get(id)).status).toBe('Active');
    expect(timerEntries(await h.rt.history(id), 'startAt')).toHaveLength(1);
  });

  it('a start date missed while the runtime was down fires on start-up, once, with its due instant (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const id = await scheduledJourney(h);
    await h.stop();
    await h.clock.advanceTo(plus(START, 3 * HOUR));
    await h.start();
    expect((await h.rt.get(id)).status).toBe('Active');
    const fired = timerEntries(await h.rt.history(id), 'startAt');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ dueAt: START, at: plus(START, 3 * HOUR), from: 'Scheduled', to: 'Active' });
    await h.restart();
    expect(timerEntries(await h.rt.history(id), 'startAt')).toHaveLength(1);
  });
});

describe('journey — Active – Running', () => {
  it('"The campaign is now active and running according to its designed flow": Active processes and accepts audience', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    expect(await h.rt.get(id)).toMatchObject({
      status: 'Active',
      intake: 'accepting',
      acceptsAudience: true,
      processing: true,
      visible: true,
    });
    expect(await h.rt.admit(id, { memberId: 'm-1' })).toEqual({ admitted: true });
  });

  it('"applied when the user clicks Activate and both the time conditions and audience settings are valid": Activate with no future start runs now', async () => {
    const h = await runtimes.setup();
    const past = await h.rt.create(journey({ startAt: plus(T0, -DAY), endAt: END }));
    expect(await h.rt.send(past.id, { type: 'ACTIVATE' })).toMatchObject({ status: 'Active', startAt: plus(T0, -DAY) });
    const undated = await h.rt.create(journey({ audience: { mode: 'list' } }));
    const view = await h.rt.send(undated.id, { type: 'ACTIVATE' });
    expect(view).toMatchObject({ status: 'Active', startAt: T0 });
    const [, activation] = await h.rt.history(undated.id);
    expect(activation).toMatchObject({ event: 'ACTIVATE', source: 'user', from: 'Designing', to: 'Active', at: T0, dueAt: null });
  });

  it('Activate is refused when the audience settings are not valid (no audience / unknown mode)', async () => {
    const h = await runtimes.setup();
    const none = await h.rt.create(journey({ audience: null }));
    await expectRefused(h.rt.send(none.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Designing',
      reason: /Set the audience first/,
      allowed: ['UPDATE'],
    });
    const bad = await h.rt.create(journey({ audience: { mode: 'segment' } }));
    await expectRefused(h.rt.send(bad.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Designing',
      reason: /audience\.mode "segment" is not valid/,
    });
    expect((await h.rt.get(bad.id)).refusals.ACTIVATE).toMatch(/"trigger" or "list"/);
  });

  it('Activate is refused when the time conditions are not valid (end date already passed)', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey({ startAt: plus(T0, -2 * DAY), endAt: plus(T0, -DAY) }));
    await expectRefusedUnchanged(h.rt, c.id, () => h.rt.send(c.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Designing',
      reason: /end date .* has passed/,
    });
  });

  it('"needs to start sending messages immediately": a start date equal to now activates straight to Active', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(journey({ startAt: T0 }));
    expect(await h.rt.send(c.id, { type: 'ACTIVATE' })).toMatchObject({ status: 'Active', processing: true });
  });
});

describe('journey — Closed – No New Audience', () => {
  it('"no longer accepts new customers but will continue processing those already in the flow"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    const view = await h.rt.send(id, { type: 'CLOSE' });
    expect(view).toMatchObject({ status: 'Closed', intake: 'closed', acceptsAudience: false, processing: true });
    const admission = await h.rt.admit(id, { memberId: 'late' });
    expect(admission.admitted).toBe(false);
    expect(admission.reason).toMatch(/Closed and does not accept new audience/);
  });

  it('"occurs when: The campaign has reached its End Date" — Active → Closed at the exact instant', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    const view = await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Closed' });
    expect(view).toMatchObject({ intake: 'closed', processing: true, acceptsAudience: false });
  });

  it('the end date fires exactly once across a runtime restart (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const id = await activeJourney(h, { endAt: END });
    await h.restart();
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Closed' });
    await h.restart();
    await h.clock.advanceTo(plus(END, 10 * DAY));
    expect((await h.rt.get(id)).status).toBe('Closed');
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(1);
  });

  it('"occurs when: The user manually clicks Close" — and Close is refused outside Active', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    const closed = await h.rt.send(id, { type: 'CLOSE' });
    expect(closed.status).toBe('Closed');
    expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'CLOSE', source: 'user', from: 'Active', to: 'Closed' });

    const other = await activeJourney(h);
    await h.rt.send(other, { type: 'PAUSE' });
    await expectRefusedUnchanged(h.rt, other, () => h.rt.send(other, { type: 'CLOSE' }), {
      command: 'CLOSE',
      status: 'Paused',
      reason: /only when Active/,
    });
  });

  it('"in Closed status and you want to accept new customers again, you can Reactivate it (as long as the Start/End Dates are still valid)"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    await h.rt.send(id, { type: 'CLOSE' });
    const view = await h.rt.send(id, { type: 'REACTIVATE' });
    expect(view).toMatchObject({ status: 'Active', intake: 'accepting', acceptsAudience: true, nextTimer: { event: 'endAt', at: END } });
    expect(await h.rt.admit(id, { memberId: 'again' })).toEqual({ admitted: true });
  });

  it('Reactivate from Closed is refused once the End Date has passed; with a new future end date it reopens and the new date fires', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    await h.clock.advanceTo(plus(END, HOUR));
    expect((await h.rt.get(id)).status).toBe('Closed');
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'REACTIVATE' }), {
      command: 'REACTIVATE',
      status: 'Closed',
      reason: /has passed: reactivate with a new endAt/,
    });
    await expectRefused(h.rt.send(id, { type: 'REACTIVATE', endAt: plus(END, -HOUR) }), {
      command: 'REACTIVATE',
      status: 'Closed',
      reason: /endAt must be in the future/,
    });
    const newEnd = plus(END, 7 * DAY);
    expect(await h.rt.send(id, { type: 'REACTIVATE', endAt: newEnd })).toMatchObject({ status: 'Active', endAt: newEnd });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: newEnd, from: 'Active', to: 'Closed' });
  });

  it('Reactivate may not move the start date of a journey that has started', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'CLOSE' });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'REACTIVATE', startAt: plus(T0, DAY) }), {
      command: 'REACTIVATE',
      status: 'Closed',
      reason: /startAt cannot move once the campaign has started/,
    });
  });

  it('"For Scheduled Journeys (triggered by a customer list or segment), this status appears immediately after the system finishes processing the initial audience list"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { audience: { mode: 'list', list: 'born-in-may' } });
    const view = await h.rt.send(id, { type: 'AUDIENCE_LIST_LOADED' }, { source: 'system' });
    expect(view).toMatchObject({ status: 'Closed', intake: 'closed', processing: true, acceptsAudience: false });
    expect((await h.rt.history(id)).at(-1)).toMatchObject({
      event: 'AUDIENCE_LIST_LOADED',
      source: 'system',
      from: 'Active',
      to: 'Closed',
    });
  });

  it('the audience-list event is the system\'s: a user cannot send it, and a trigger journey has no list to load', async () => {
    const h = await runtimes.setup();
    const listed = await activeJourney(h, { audience: { mode: 'list' } });
    await expectRefusedUnchanged(h.rt, listed, () => h.rt.send(listed, { type: 'AUDIENCE_LIST_LOADED' }), {
      command: 'AUDIENCE_LIST_LOADED',
      status: 'Active',
      reason: /system command/,
    });
    const triggered = await activeJourney(h, { audience: { mode: 'trigger' } });
    await expectRefusedUnchanged(
      h.rt,
      triggered,
      () => h.rt.send(triggered, { type: 'AUDIENCE_LIST_LOADED' }, { source: 'system' }),
      { command: 'AUDIENCE_LIST_LOADED', status: 'Active', reason: /Only list-triggered journeys/ },
    );
  });

  it('the audience list may finish loading while Paused: intake closes (still Paused) and Resume gives Closed (decisions.md)', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { audience: { mode: 'list' } });
    await h.rt.send(id, { type: 'PAUSE' });
    const view = await h.rt.send(id, { type: 'AUDIENCE_LIST_LOADED' }, { source: 'system' });
    expect(view).toMatchObject({ status: 'Paused', intake: 'closed', acceptsAudience: false, processing: false });
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Closed', processing: true });
  });

  it('example: "it won\'t look for new customers anymore, but the existing ones will continue receiving follow-ups" (10 days later still processing)', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { audience: { mode: 'list' }, endAt: plus(T0, 5 * DAY) });
    await h.rt.send(id, { type: 'AUDIENCE_LIST_LOADED' }, { source: 'system' });
    await h.clock.advanceTo(plus(T0, 10 * DAY));
    const view = await h.rt.get(id);
    expect(view).toMatchObject({ status: 'Closed', processing: true, acceptsAudience: false, nextTimer: null });
    expect(await h.rt.admit(id, { memberId: 'born-in-may-late' })).toMatchObject({ admitted: false });
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });
});

describe('journey — Paused – Temporarily On Hold (Still Accepting New Audience)', () => {
  it('"stops processing but still allows new customers to enter"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    const view = await h.rt.send(id, { type: 'PAUSE' });
    expect(view).toMatchObject({ status: 'Paused', processing: false, intake: 'accepting', acceptsAudience: true });
    expect(await h.rt.admit(id, { memberId: 'newcomer' })).toEqual({ admitted: true });
  });

  it('"Both new and current customers will pause their journey at the next step": nothing is processed while Paused, and the pause is recorded', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.clock.advanceTo(plus(T0, HOUR));
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(T0, 3 * HOUR));
    const view = await h.rt.get(id);
    expect(view.processing).toBe(false);
    expect(view.pauses).toEqual([{ from: plus(T0, HOUR), to: null }]);
  });

  it('"triggered when the user clicks Pause" — from Active only', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'PAUSE', source: 'user', from: 'Active', to: 'Paused' });
    const scheduled = await scheduledJourney(h);
    await expectRefusedUnchanged(h.rt, scheduled, () => h.rt.send(scheduled, { type: 'PAUSE' }), {
      command: 'PAUSE',
      status: 'Scheduled',
      reason: /only when Active/,
    });
  });

  it('"make minor adjustments or investigate issues without halting audience intake": edits are accepted while Paused and intake stays open', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'PAUSE' });
    const view = await h.rt.send(id, { type: 'UPDATE', patch: { content: { steps: ['offer (fixed copy)'] } } });
    expect(view).toMatchObject({ status: 'Paused', acceptsAudience: true, definitionVersion: 2, content: { steps: ['offer (fixed copy)'] } });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { startAt: plus(T0, DAY) } }), {
      command: 'UPDATE',
      status: 'Paused',
      reason: /startAt cannot change once the campaign has started/,
    });
  });

  it('a running journey is not edited live: UPDATE in Active or Closed is refused with "pause or freeze to edit" (decisions.md)', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    expect((await h.rt.get(id)).editable).toBe('none');
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'UPDATE', patch: { name: 'live edit' } }), {
      command: 'UPDATE',
      status: 'Active',
      reason: /pause or freeze to edit/i,
    });
    await h.rt.send(id, { type: 'CLOSE' });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'UPDATE', patch: { name: 'live edit' } }), {
      command: 'UPDATE',
      status: 'Closed',
      reason: /pause or freeze to edit/i,
    });
  });

  it('"New customers can still enter but won\'t receive any messages until you save changes, Reactivate the campaign, and Resume the processes"', async () => {
    const h = await runtimes.setup();
    const viaReactivate = await activeJourney(h);
    await h.rt.send(viaReactivate, { type: 'PAUSE' });
    const saved = await h.rt.send(viaReactivate, { type: 'UPDATE', patch: { labels: ['birthday', 'fixed'] } });
    expect(saved).toMatchObject({ status: 'Paused', processing: false });
    expect(await h.rt.send(viaReactivate, { type: 'REACTIVATE' })).toMatchObject({ status: 'Active', processing: true, labels: ['birthday', 'fixed'] });

    const viaResume = await activeJourney(h);
    await h.rt.send(viaResume, { type: 'PAUSE' });
    const resumed = await h.rt.send(viaResume, { type: 'RESUME' });
    expect(resumed).toMatchObject({ status: 'Active', processing: true, acceptsAudience: true });
    expect(resumed.pauses).toEqual([{ from: T0, to: T0 }]);
  });

  it('Resume belongs to Paused: a Frozen journey is refused Resume and told to Reactivate', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'FREEZE' });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'RESUME' }), {
      command: 'RESUME',
      status: 'Frozen',
      reason: /only when Paused/,
      allowed: ['ABORT', 'REACTIVATE', 'UPDATE'],
    });
  });

  it('the End Date while Paused closes intake (still Paused); Resume then gives Closed (decisions.md)', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    await h.rt.send(id, { type: 'PAUSE' });
    const view = await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Paused', to: 'Paused' });
    expect(view).toMatchObject({ intake: 'closed', acceptsAudience: false, processing: false });
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Closed', processing: true, acceptsAudience: false });
  });
});

describe('journey — Frozen – Fully Paused', () => {
  it('"fully paused – no more processing, no new entries. This happens when the user clicks Freeze" (from Active, Paused or Closed)', async () => {
    const h = await runtimes.setup();
    for (const before of ['Active', 'Paused', 'Closed'] as const) {
      const id = await activeJourney(h);
      if (before === 'Paused') await h.rt.send(id, { type: 'PAUSE' });
      if (before === 'Closed') await h.rt.send(id, { type: 'CLOSE' });
      const view = await h.rt.send(id, { type: 'FREEZE' });
      expect(view, before).toMatchObject({ status: 'Frozen', intake: 'frozen', processing: false, acceptsAudience: false });
      expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'FREEZE', from: before, to: 'Frozen' });
      expect(await h.rt.admit(id, { memberId: `m-${before}` })).toMatchObject({ admitted: false, reason: expect.stringMatching(/Frozen/) });
    }
  });

  it('Freeze is refused before the journey runs (Scheduled)', async () => {
    const h = await runtimes.setup();
    const id = await scheduledJourney(h);
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'FREEZE' }), {
      command: 'FREEZE',
      status: 'Scheduled',
      reason: /FREEZE is not available while the campaign is Scheduled/,
    });
  });

  it('"a full review or major edits are needed (audience issues, logic changes) … avoid affecting new or current customers": major edits are accepted while Frozen, and nobody is admitted or processed', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'FREEZE' });
    const view = await h.rt.send(id, {
      type: 'UPDATE',
      patch: { audience: { mode: 'list', list: 'may-fixed' }, content: { steps: ['new logic'] } },
    });
    expect(view).toMatchObject({ status: 'Frozen', processing: false, acceptsAudience: false, editable: 'restricted' });
    expect(await h.rt.admit(id, { memberId: 'm' })).toMatchObject({ admitted: false });
  });

  it('"You can Reactivate the campaign later to resume it with the latest version"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'FREEZE' });
    await h.rt.send(id, { type: 'UPDATE', patch: { content: { steps: ['v2'] } } });
    await h.rt.send(id, { type: 'UPDATE', patch: { content: { steps: ['v3'] } } });
    const view = await h.rt.send(id, { type: 'REACTIVATE' });
    expect(view).toMatchObject({ status: 'Active', processing: true, acceptsAudience: true, content: { steps: ['v3'] }, definitionVersion: 3 });
  });

  it('Reactivate from Frozen after the End Date resumes processing with intake closed; with a new future end date intake reopens (decisions.md)', async () => {
    const h = await runtimes.setup();
    const a = await activeJourney(h, { endAt: END });
    const b = await activeJourney(h, { endAt: END });
    await h.rt.send(a, { type: 'FREEZE' });
    await h.rt.send(b, { type: 'FREEZE' });
    await h.clock.advanceTo(plus(END, DAY));
    expect((await h.rt.get(a)).status).toBe('Frozen');
    expect(await h.rt.send(a, { type: 'REACTIVATE' })).toMatchObject({ status: 'Closed', processing: true, acceptsAudience: false });
    const newEnd = plus(END, 10 * DAY);
    expect(await h.rt.send(b, { type: 'REACTIVATE', endAt: newEnd })).toMatchObject({ status: 'Active', acceptsAudience: true, endAt: newEnd });
  });
});

describe('journey — Error – System Error', () => {
  it('"A system error has occurred – the campaign stops completely and cannot receive new audience"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    const view = await h.rt.send(id, { type: 'SYSTEM_FAULT', reason: 'ESP rejected the API key' }, { source: 'system' });
    expect(view).toMatchObject({
      status: 'Error',
      processing: false,
      acceptsAudience: false,
      visible: false,
      nextTimer: null,
      fault: { reason: 'ESP rejected the API key', at: T0 },
    });
    expect(await h.rt.admit(id, { memberId: 'm' })).toMatchObject({ admitted: false, reason: expect.stringMatching(/Error/) });
    await h.clock.advanceTo(plus(END, DAY));
    expect((await h.rt.get(id)).status).toBe('Error');
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });

  it('"Users cannot manually set this status": SYSTEM_FAULT from a user is refused', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'SYSTEM_FAULT', reason: 'I want Error' }), {
      command: 'SYSTEM_FAULT',
      status: 'Active',
      reason: /SYSTEM_FAULT is a system command: only the system may send it/,
    });
    const draft = await h.rt.create(journey());
    await expectRefused(h.rt.send(draft.id, { type: 'SYSTEM_FAULT', reason: 'x' }, { source: 'system' }), {
      command: 'SYSTEM_FAULT',
      status: 'Designing',
      reason: /not available while the campaign is Designing/,
    });
  });

  it('"you must contact the support team. Only the system can reactivate the campaign": users may only abort; the system recovers it to where it was', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'CLOSE' });
    await h.rt.send(id, { type: 'SYSTEM_FAULT', reason: 'queue down' }, { source: 'system' });
    const inError = await h.rt.get(id);
    expect(inError.actions).toEqual(['ABORT']);
    await expectRefused(h.rt.send(id, { type: 'REACTIVATE' }), {
      command: 'REACTIVATE',
      status: 'Error',
      reason: /not available while the campaign is Error/,
      allowed: ['ABORT'],
    });
    await expectRefused(h.rt.send(id, { type: 'RESUME' }), { command: 'RESUME', status: 'Error', reason: /not available while the campaign is Error/ });
    await expectRefused(h.rt.send(id, { type: 'SYSTEM_RECOVER' }), {
      command: 'SYSTEM_RECOVER',
      status: 'Error',
      reason: /only the system may send it/,
    });
    const recovered = await h.rt.send(id, { type: 'SYSTEM_RECOVER' }, { source: 'system' });
    expect(recovered).toMatchObject({ status: 'Closed', processing: true, acceptsAudience: false, fault: null });
  });

  it('the system recovers a Paused journey to Paused (still accepting, not processing)', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'PAUSE' });
    await h.rt.send(id, { type: 'SYSTEM_FAULT', reason: 'db failover' }, { source: 'system' });
    const view = await h.rt.send(id, { type: 'SYSTEM_RECOVER' }, { source: 'system' });
    expect(view).toMatchObject({ status: 'Paused', intake: 'accepting', processing: false });
  });
});

describe('journey — Aborted – Cancelled', () => {
  it('"fully terminated – no new customers can join, and existing ones won\'t be processed further. Triggered when the user clicks Abort"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { endAt: END });
    const view = await h.rt.send(id, { type: 'ABORT' });
    expect(view).toMatchObject({
      status: 'Aborted',
      intake: null,
      acceptsAudience: false,
      processing: false,
      visible: false,
      actions: [],
      nextTimer: null,
    });
    expect(await h.rt.admit(id, { memberId: 'm' })).toMatchObject({ admitted: false });
    await h.clock.advanceTo(plus(END, DAY));
    expect(await transitions(h.rt, id)).toEqual(['CREATE:∅→Designing', 'ACTIVATE:Designing→Active', 'ABORT:Active→Aborted']);
  });

  it('"requires an urgent stop that can\'t wait for edits": Abort works from Scheduled, Active, Closed, Paused, Frozen and Error — not from Designing', async () => {
    const h = await runtimes.setup();
    const statuses: string[] = [];
    const reach: Record<string, (id: string) => Promise<unknown>> = {
      Active: async () => {},
      Closed: (id) => h.rt.send(id, { type: 'CLOSE' }),
      Paused: (id) => h.rt.send(id, { type: 'PAUSE' }),
      Frozen: (id) => h.rt.send(id, { type: 'FREEZE' }),
      Error: (id) => h.rt.send(id, { type: 'SYSTEM_FAULT', reason: 'x' }, { source: 'system' }),
    };
    for (const [status, go] of Object.entries(reach)) {
      const id = await activeJourney(h);
      await go(id);
      expect((await h.rt.get(id)).actions).toContain('ABORT');
      statuses.push(`${status}→${(await h.rt.send(id, { type: 'ABORT' })).status}`);
    }
    const scheduled = await scheduledJourney(h);
    statuses.push(`Scheduled→${(await h.rt.send(scheduled, { type: 'ABORT' })).status}`);
    expect(statuses).toEqual(['Active→Aborted', 'Closed→Aborted', 'Paused→Aborted', 'Frozen→Aborted', 'Error→Aborted', 'Scheduled→Aborted']);

    const draft = await h.rt.create(journey());
    await expectRefused(h.rt.send(draft.id, { type: 'ABORT' }), {
      command: 'ABORT',
      status: 'Designing',
      reason: /ABORT is not available while the campaign is Designing/,
    });
  });

  it('"Aborted campaigns cannot be restored"', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h);
    await h.rt.send(id, { type: 'ABORT' });
    for (const type of ['REACTIVATE', 'RESUME', 'ACTIVATE', 'ABORT'] as const) {
      await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type }), {
        command: type,
        status: 'Aborted',
        reason: new RegExp(`${type} is not available while the campaign is Aborted`),
        allowed: [],
      });
    }
    await expectRefused(h.rt.send(id, { type: 'SYSTEM_RECOVER' }, { source: 'system' }), {
      command: 'SYSTEM_RECOVER',
      status: 'Aborted',
      reason: /not available while the campaign is Aborted/,
    });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { name: 'revive' } }), {
      command: 'UPDATE',
      status: 'Aborted',
      reason: /not available while the campaign is Aborted/,
    });
    expect((await h.rt.get(id)).editable).toBe('none');
  });

  it('"To run a similar campaign again, click Create a copy to start fresh": the copy is Designing, dates cleared, content kept, fresh history', async () => {
    const h = await runtimes.setup();
    const id = await activeJourney(h, { startAt: plus(T0, -DAY), endAt: END });
    await h.rt.send(id, { type: 'ABORT' });
    const copy = await h.rt.duplicate(id);
    expect(copy.id).not.toBe(id);
    expect(copy).toMatchObject({
      preset: 'journey',
      status: 'Designing',
      name: 'May birthday offers',
      startAt: null,
      endAt: null,
      audience: { mode: 'trigger', segment: 'born-in-may' },
      content: { steps: ['offer', 'thank-you after 10 days', 'reminder after 5 days'] },
      labels: ['birthday'],
      pauses: [],
      fault: null,
    });
    expect(await transitions(h.rt, copy.id)).toEqual(['CREATE:∅→Designing']);
    expect((await h.rt.get(id)).status).toBe('Aborted');
    expect(await h.rt.send(copy.id, { type: 'ACTIVATE' })).toMatchObject({ status: 'Active' });
  });

  it('delete: a Designing or Aborted journey can be deleted, one that ran and is still live cannot (decisions.md)', async () => {
    const h = await runtimes.setup();
    const draft = await h.rt.create(journey());
    await h.rt.delete(draft.id);
    await expect(h.rt.get(draft.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    const aborted = await activeJourney(h);
    await h.rt.send(aborted, { type: 'ABORT' });
    await h.rt.delete(aborted);
    await expect(h.rt.get(aborted)).rejects.toMatchObject({ name: 'NotFoundError' });
    const active = await activeJourney(h);
    await expectRefusedUnchanged(h.rt, active, () => h.rt.delete(active), {
      command: 'DELETE',
      status: 'Active',
      reason: /cannot be deleted while Active/,
    });
    expect(iso((await h.rt.get(active)).createdAt)).toBe(T0);
  });
});
