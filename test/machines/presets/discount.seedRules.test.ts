/**
 * Seed 001 — "Campaign Status Explained" (WordPress discount-campaign plugin), preset `discount`.
 * One test per sentence of the seed that states a rule, top to bottom, through the public API.
 */
import { describe, expect, it } from 'vitest';
import { type CampaignDefinitionInput, ValidationError } from '../../../src/index.js';
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

const discount = (over: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput => ({
  preset: 'discount',
  name: 'Spring sale',
  products: ['sku-shirt', 'sku-cap'],
  content: { discount: { percent: 20 }, badge: true },
  startAt: START,
  endAt: END,
  ...over,
});

/** Weekend deals: every Saturday 00:00 UTC for 48 hours, three weekends (Jan 10, 17, 24). */
const weekend = (over: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput =>
  discount({
    name: 'Weekend deals',
    startAt: '2026-01-10T00:00:00Z',
    endAt: '2026-01-26T00:00:00Z',
    timezone: 'UTC',
    recurrence: { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'PT48H' },
    ...over,
  });

type Status = 'Draft' | 'Scheduled' | 'Active' | 'Paused' | 'Expired';

/** A discount campaign brought to `status` at the clock's current instant. */
async function reach(h: Harness, status: Status, over: Partial<CampaignDefinitionInput> = {}): Promise<string> {
  const start = status === 'Scheduled' ? START : plus(iso(h.clock.now()), -HOUR);
  const c = await h.rt.create(discount({ startAt: start, ...over }));
  if (status !== 'Draft') await h.rt.send(c.id, { type: 'PUBLISH' });
  if (status === 'Paused') await h.rt.send(c.id, { type: 'PAUSE' });
  if (status === 'Expired') await h.rt.send(c.id, { type: 'END' });
  expect((await h.rt.get(c.id)).status).toBe(status);
  return c.id;
}

describe('discount — Campaign Statuses Overview (table)', () => {
  it.each([
    ['Active', 'Campaign is currently running', true],
    ['Scheduled', 'Campaign will start at a future date', false],
    ['Paused', 'Campaign temporarily suspended', false],
    ['Draft', 'Campaign not yet published', false],
    ['Expired', 'Campaign end date has passed', false],
  ] as const)('"%s — %s — Discounts Applied? %s"', async (status, _meaning, applied) => {
    const h = await runtimes.setup();
    const id = await reach(h, status);
    const view = await h.rt.get(id);
    expect(view.status).toBe(status);
    expect(view.processing).toBe(applied);
    expect(view.visible).toBe(applied);
  });
});

describe('discount — Active Status', () => {
  it('"The campaign is currently live and applying discounts to products"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: null }));
    const view = await h.rt.send(c.id, { type: 'PUBLISH' });
    expect(view).toMatchObject({ status: 'Active', processing: true, visible: true, startAt: T0 });
  });

  it('When Active: "Current time is between start and end dates" — published inside the dates it is Active; with the end passed, Publish is refused', async () => {
    const h = await runtimes.setup();
    const inside = await h.rt.create(discount({ startAt: plus(T0, -DAY), endAt: plus(T0, DAY) }));
    expect(await h.rt.send(inside.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Active', startAt: plus(T0, -DAY) });
    const over = await h.rt.create(discount({ startAt: plus(T0, -2 * DAY), endAt: plus(T0, -DAY) }));
    await expectRefusedUnchanged(h.rt, over.id, () => h.rt.send(over.id, { type: 'PUBLISH' }), {
      command: 'PUBLISH',
      status: 'Draft',
      reason: /end date .* has passed/,
    });
  });

  it('When Active: "Campaign is not paused" — pausing takes it out of Active', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect(await h.rt.send(id, { type: 'PAUSE' })).toMatchObject({ status: 'Paused', processing: false });
  });

  it('When Active: "Campaign was published (not saved as draft)" — a draft inside its dates is not Active', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: plus(T0, -DAY), endAt: plus(T0, DAY) }));
    await h.clock.advanceTo(plus(T0, HOUR));
    expect(await h.rt.get(c.id)).toMatchObject({ status: 'Draft', processing: false, visible: false });
  });

  it('"Discounts apply to selected products": the Active view carries exactly the selected products', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { products: ['sku-1', { id: 'sku-2', variant: 'XL' }] });
    expect(await h.rt.get(id)).toMatchObject({ processing: true, products: ['sku-1', { id: 'sku-2', variant: 'XL' }] });
  });

  it('Actions Available (Active): exactly Pause, Edit, End Early — no Delete', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const view = await h.rt.get(id);
    expect(view.actions).toEqual(['END', 'PAUSE', 'UPDATE']);
    expect(view.deletable).toBe(false);
  });

  it('"Pause: Temporarily stop the campaign"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'PAUSE', source: 'user', from: 'Active', to: 'Paused' });
    expect((await h.rt.get(id)).actions).toContain('RESUME');
  });

  it('"Edit: Modify settings (some restrictions apply)": products and a later end date are accepted; start date, past end date and recurrence are not', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect((await h.rt.get(id)).editable).toBe('restricted');
    const edited = await h.rt.send(id, { type: 'UPDATE', patch: { products: ['sku-shirt'], content: { discount: { percent: 25 } } } });
    expect(edited).toMatchObject({ status: 'Active', products: ['sku-shirt'], content: { discount: { percent: 25 } } });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { startAt: plus(T0, DAY) } }), {
      command: 'UPDATE',
      status: 'Active',
      reason: /startAt cannot change once the campaign has started/,
    });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { endAt: plus(T0, -1) } }), {
      command: 'UPDATE',
      status: 'Active',
      reason: /endAt must be in the future \(use END/,
    });
    await expectRefused(
      h.rt.send(id, { type: 'UPDATE', patch: { recurrence: { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'PT48H' } } }),
      { command: 'UPDATE', status: 'Active', reason: /recurrence cannot change once the campaign has started/ },
    );
  });

  it('moving the end date of an Active campaign re-arms its timer: the old instant passes, the new one fires exactly', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const later = plus(END, 3 * DAY);
    expect(await h.rt.send(id, { type: 'UPDATE', patch: { endAt: later } })).toMatchObject({ nextTimer: { event: 'endAt', at: later } });
    await h.clock.advanceTo(plus(END, HOUR));
    expect((await h.rt.get(id)).status).toBe('Active');
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: later, from: 'Active', to: 'Expired' });
  });

  it('"End Early: Set end date to now"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.clock.advanceTo(plus(T0, 2 * HOUR));
    const view = await h.rt.send(id, { type: 'END' });
    expect(view).toMatchObject({ status: 'Expired', endAt: plus(T0, 2 * HOUR), processing: false, nextTimer: null });
    await h.clock.advanceTo(plus(END, DAY));
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });
});

describe('discount — Scheduled Status', () => {
  it('"set to start at a future date and time" / "Start date is in the future" + "Campaign was published": Publish with a future start gives Scheduled', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount());
    expect(c.status).toBe('Draft');
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', startAt: START });
  });

  it('"No discounts apply yet"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(plus(START, -1));
    expect(await h.rt.get(id)).toMatchObject({ status: 'Scheduled', processing: false, visible: false });
  });

  it('"Campaign visible in campaign list with Scheduled badge"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    const listed = await h.rt.list({ status: 'Scheduled' });
    expect(listed.map((v) => v.id)).toEqual([id]);
    expect(listed[0]?.status).toBe('Scheduled');
  });

  it('"System monitors for start time": the next timer and the forecast name the start date', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    expect((await h.rt.get(id)).nextTimer).toEqual({ event: 'startAt', at: START });
    expect(await h.rt.forecast(id)).toEqual([
      { at: START, event: 'startAt', timer: 'startAt', from: 'Scheduled', to: 'Active' },
      { at: END, event: 'endAt', timer: 'windowEnd', from: 'Active', to: 'Expired' },
    ]);
    expect((await h.rt.health()).nextTimerAt).toBe(START);
  });

  it('Actions Available (Scheduled): Edit, Activate Now (and Delete); Pause is not offered', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    const view = await h.rt.get(id);
    expect(view.actions).toEqual(['ACTIVATE_NOW', 'UPDATE']);
    expect(view.deletable).toBe(true);
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'PAUSE' }), {
      command: 'PAUSE',
      status: 'Scheduled',
      reason: /only when Active/,
      allowed: ['ACTIVATE_NOW', 'UPDATE'],
    });
  });

  it('"Edit: Full editing available (change dates, products, discounts)": a moved start date re-arms the timer', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    const later = plus(START, 2 * DAY);
    const view = await h.rt.send(id, {
      type: 'UPDATE',
      patch: { startAt: later, endAt: plus(END, DAY), products: ['sku-hat'], content: { discount: { percent: 30 } } },
    });
    expect(view).toMatchObject({ status: 'Scheduled', editable: 'full', startAt: later, products: ['sku-hat'], nextTimer: { event: 'startAt', at: later } });
    await h.clock.advanceTo(plus(START, HOUR));
    expect((await h.rt.get(id)).status).toBe('Scheduled');
    await expectFiresExactlyAt(h, id, { event: 'startAt', at: later, from: 'Scheduled', to: 'Active' });
  });

  it('"Activate Now: Override schedule to start immediately" — the start date becomes now and the old one never fires', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(plus(T0, HOUR));
    const view = await h.rt.send(id, { type: 'ACTIVATE_NOW' });
    expect(view).toMatchObject({ status: 'Active', startAt: plus(T0, HOUR), processing: true });
    await h.clock.advanceTo(plus(START, HOUR));
    expect(timerEntries(await h.rt.history(id), 'startAt')).toHaveLength(0);
    expect((await h.rt.get(id)).status).toBe('Active');
  });

  it('Activate Now is refused for a recurring campaign, which follows its rule (decisions.md)', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(weekend());
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await expectRefusedUnchanged(h.rt, c.id, () => h.rt.send(c.id, { type: 'ACTIVATE_NOW' }), {
      command: 'ACTIVATE_NOW',
      status: 'Scheduled',
      reason: /recurring campaign follows its rule/,
    });
  });

  it('"Delete: Remove the campaign" (Scheduled) — and its start never fires', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.rt.delete(id);
    await expect(h.rt.get(id)).rejects.toMatchObject({ name: 'NotFoundError' });
    await h.clock.advanceTo(plus(START, HOUR));
    expect(await h.rt.list({ preset: 'discount' })).toEqual([]);
    expect((await h.rt.health()).overdueTimers).toBe(0);
  });

  it('Automatic Transition: "When the start date/time arrives, status automatically changes to Active" — at the exact instant', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    const view = await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    expect(view).toMatchObject({ processing: true, nextTimer: { event: 'endAt', at: END } });
  });
});

describe('discount — Paused Status', () => {
  it('"temporarily suspended by an administrator" / "User clicked Pause on an active campaign" — Pause is refused on a Draft', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect(await h.rt.send(id, { type: 'PAUSE' })).toMatchObject({ status: 'Paused' });
    const draft = await reach(h, 'Draft');
    await expectRefusedUnchanged(h.rt, draft, () => h.rt.send(draft, { type: 'PAUSE' }), {
      command: 'PAUSE',
      status: 'Draft',
      reason: /PAUSE is not available while the campaign is Draft \(only when Active\)/,
    });
  });

  it('"Campaign was active but manually suspended": the pause window is recorded from the instant of Pause', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.clock.advanceTo(plus(T0, 5 * HOUR));
    const view = await h.rt.send(id, { type: 'PAUSE' });
    expect(view.pauses).toEqual([{ from: plus(T0, 5 * HOUR), to: null }]);
  });

  it('"Discounts stop applying immediately"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const view = await h.rt.send(id, { type: 'PAUSE' });
    expect(view.processing).toBe(false);
    expect((await h.rt.get(id)).processing).toBe(false);
  });

  it('"Products revert to regular prices": a Paused campaign is not shown and is not among the Active ones', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.get(id)).visible).toBe(false);
    expect(await h.rt.list({ status: 'Active' })).toEqual([]);
  });

  it('"Schedule timers pause (remaining time preserved)": while Paused no date fires, not even the end date', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.get(id)).nextTimer).toBeNull();
    expect(await h.rt.forecast(id)).toEqual([]);
    await h.clock.advanceTo(plus(END, DAY));
    expect((await h.rt.get(id)).status).toBe('Paused');
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });

  it('Actions Available (Paused): Resume, Edit, Delete — End is not offered', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    const view = await h.rt.get(id);
    expect(view.actions).toEqual(['RESUME', 'UPDATE']);
    expect(view.deletable).toBe(true);
    await expectRefused(h.rt.send(id, { type: 'END' }), { command: 'END', status: 'Paused', reason: /only when Active/ });
  });

  it('"Resume: Reactivate the campaign" — and its end date is armed again', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    await h.clock.advanceTo(plus(T0, DAY));
    const view = await h.rt.send(id, { type: 'RESUME' });
    expect(view).toMatchObject({ status: 'Active', processing: true, nextTimer: { event: 'endAt', at: END } });
    expect(view.pauses).toEqual([{ from: T0, to: plus(T0, DAY) }]);
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Expired' });
  });

  it('"Edit: Modify any settings while paused" (products, discount, name, end date; the start date stays locked)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    const view = await h.rt.send(id, {
      type: 'UPDATE',
      patch: { name: 'Spring sale (fixed)', products: ['sku-x'], content: { discount: { percent: 10 } }, endAt: plus(END, DAY) },
    });
    expect(view).toMatchObject({ status: 'Paused', name: 'Spring sale (fixed)', products: ['sku-x'], endAt: plus(END, DAY) });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { startAt: plus(T0, DAY) } }), {
      command: 'UPDATE',
      status: 'Paused',
      reason: /startAt cannot change once the campaign has started/,
    });
  });

  it('"Delete: Remove the campaign" (Paused)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    await h.rt.delete(id);
    await expect(h.rt.get(id)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('Resume Behavior: "If within original date range: Returns to Active"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    await h.clock.advanceTo(plus(END, -1));
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Active', nextTimer: { event: 'endAt', at: END } });
    await h.clock.advanceTo(END);
    expect((await h.rt.get(id)).status).toBe('Expired');
  });

  it('Resume Behavior: "If past original end date: May need new dates set" — Resume is refused and asks for a new end date', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    await h.clock.advanceTo(END);
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'RESUME' }), {
      command: 'RESUME',
      status: 'Paused',
      reason: /end date .* has passed: set a new endAt/,
    });
    const newEnd = plus(END, 7 * DAY);
    await h.rt.send(id, { type: 'UPDATE', patch: { endAt: newEnd } });
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Active', nextTimer: { event: 'endAt', at: newEnd } });
  });
});

describe('discount — "remaining time preserved": onResume "extend" (issue 12)', () => {
  it('RESUME moves the end date by the time paused, records both instants in history, and the campaign expires that much later', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { onResume: 'extend' });
    expect((await h.rt.get(id)).onResume).toBe('extend');
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(END, 3 * DAY)); // paused 3 days past the original end: nothing fires
    expect((await h.rt.get(id)).status).toBe('Paused');
    const pausedFor = Date.parse(plus(END, 3 * DAY)) - Date.parse(T0);
    const extendedEnd = plus(END, pausedFor);
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Active', endAt: extendedEnd, nextTimer: { event: 'endAt', at: extendedEnd } });
    const resume = (await h.rt.history(id)).at(-1)!;
    expect(resume).toMatchObject({ event: 'RESUME', detail: { extended: { endAt: { from: END, to: extendedEnd } } } });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: extendedEnd, from: 'Active', to: 'Expired' });
  });

  it('a recurring campaign paused inside an occurrence gets that occurrence’s remaining window back', async () => {
    const h = await runtimes.setup('2026-01-10T12:00:00Z'); // inside the first weekend (Jan 10 00:00 – Jan 12 00:00)
    const c = await h.rt.create(weekend({ onResume: 'extend' }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.rt.send(c.id, { type: 'PAUSE' });
    await h.clock.advanceTo('2026-01-10T18:00:00Z'); // paused 6 hours
    const resumed = await h.rt.send(c.id, { type: 'RESUME' });
    expect(resumed).toMatchObject({ status: 'Active', occurrence: { start: iso('2026-01-10T00:00:00Z'), end: iso('2026-01-12T06:00:00Z') } });
    expect(resumed.endAt).toBe(iso('2026-01-26T06:00:00Z'));
    expect((await h.rt.history(c.id)).at(-1)!.detail).toEqual({
      extended: { endAt: { from: iso('2026-01-26T00:00:00Z'), to: iso('2026-01-26T06:00:00Z') }, occurrenceEnd: { from: iso('2026-01-12T00:00:00Z'), to: iso('2026-01-12T06:00:00Z') } },
    });
    // paused past the occurrence's original end, it resumes in the extended window, which then ends on time
    await h.clock.advanceTo('2026-01-11T00:00:00Z');
    await h.rt.send(c.id, { type: 'PAUSE' });
    await h.clock.advanceTo('2026-01-12T03:00:00Z'); // a 27-hour pause: the window ends 2026-01-13T09:00
    expect(await h.rt.send(c.id, { type: 'RESUME' })).toMatchObject({ status: 'Active', occurrence: { end: iso('2026-01-13T09:00:00Z') } });
    await h.clock.advanceTo('2026-01-13T09:00:00Z');
    expect(await h.rt.get(c.id)).toMatchObject({ status: 'Scheduled', occurrence: { start: iso('2026-01-17T00:00:00Z') } });
  });

  it('by default (onResume "keep") the dates stay absolute, as before; presets whose seeds keep dates refuse "extend"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect((await h.rt.get(id)).onResume).toBe('keep');
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(T0, DAY));
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ endAt: END });
    expect((await h.rt.history(id)).at(-1)!.detail).toBeNull();
    for (const preset of ['franchise', 'gifting', 'journey'] as const) {
      await expect(h.rt.create({ preset, name: 'x', onResume: 'extend' })).rejects.toBeInstanceOf(ValidationError);
    }
    // it can be switched while paused: the next RESUME extends by that pause
    await h.clock.advanceTo(plus(T0, DAY + HOUR));
    await h.rt.send(id, { type: 'PAUSE' });
    await h.rt.send(id, { type: 'UPDATE', patch: { onResume: 'extend' } });
    await h.clock.advanceTo(plus(T0, 2 * DAY + HOUR));
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ endAt: plus(END, DAY) });
  });
});

describe('discount — Draft Status', () => {
  it('"saved but not yet published/activated" / "User clicked Save as Draft instead of Launch": nothing is armed', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount());
    expect(c).toMatchObject({ status: 'Draft', nextTimer: null, processing: false });
    await h.clock.advanceTo(plus(START, HOUR));
    expect(await transitions(h.rt, c.id)).toEqual(['CREATE:∅→Draft']);
  });

  it('"Campaign creation was interrupted": a campaign with only a name is a Draft', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create({ preset: 'discount', name: 'Half-finished' });
    expect(c).toMatchObject({ status: 'Draft', startAt: null, endAt: null, products: [] });
  });

  it('"Campaign exists in the system": it is stored, listed and counted', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount());
    expect((await h.rt.get(c.id)).name).toBe('Spring sale');
    expect((await h.rt.list({ status: 'Draft' })).map((v) => v.id)).toEqual([c.id]);
    expect((await h.rt.counts({ preset: 'discount' }))['Draft']).toBe(1);
  });

  it('"No discounts apply" / "Not visible to customers"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: plus(T0, -DAY) }));
    expect(c).toMatchObject({ processing: false, visible: false, acceptsAudience: false });
  });

  it('"Can be edited freely" / "Edit: Full editing, no restrictions": dates, products and recurrence all change', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount());
    expect(c.editable).toBe('full');
    const view = await h.rt.send(c.id, {
      type: 'UPDATE',
      patch: {
        startAt: plus(START, DAY),
        endAt: plus(END, DAY),
        products: ['a', 'b', 'c'],
        timezone: 'Europe/Berlin',
        recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', duration: 'P1D' },
      },
    });
    expect(view).toMatchObject({
      status: 'Draft',
      startAt: plus(START, DAY),
      endAt: plus(END, DAY),
      products: ['a', 'b', 'c'],
      timezone: 'Europe/Berlin',
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO', duration: 'P1D' },
    });
  });

  it('"Publish/Launch: Activate the campaign"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: null }));
    expect(c.actions).toEqual(['PUBLISH', 'UPDATE']);
    const view = await h.rt.send(c.id, { type: 'PUBLISH' });
    expect(view.status).toBe('Active');
    await expectRefused(h.rt.send(c.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Active',
      reason: /discount campaigns have no ACTIVATE; use PUBLISH/,
    });
  });

  it('"Delete: Remove the draft"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount());
    expect(c.deletable).toBe(true);
    await h.rt.delete(c.id);
    await expect(h.rt.get(c.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect((await h.rt.counts({ preset: 'discount' }))['Draft']).toBe(0);
  });

  it('Use case "Testing configuration without affecting store": a Draft whose dates pass never applies a discount', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: plus(T0, HOUR), endAt: plus(T0, 2 * HOUR) }));
    await h.clock.advanceTo(plus(T0, 90 * 60_000));
    expect(await h.rt.get(c.id)).toMatchObject({ status: 'Draft', processing: false });
  });

  it('Use case "Building templates to duplicate later": a duplicate of a Draft is a new Draft with the same settings', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ labels: ['template'] }));
    const copy = await h.rt.duplicate(c.id, { name: 'Summer sale' });
    expect(copy).toMatchObject({ status: 'Draft', name: 'Summer sale', products: c.products, content: c.content, labels: ['template'], startAt: null, endAt: null });
    expect(copy.id).not.toBe(c.id);
  });
});

describe('discount — Expired Status', () => {
  it('"The campaign\'s end date has passed" / "Campaign ran its full scheduled duration": Active → Expired at the exact end instant', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Expired' });
  });

  it('"Discounts no longer apply" / "Products return to regular prices"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.clock.advanceTo(END);
    expect(await h.rt.get(id)).toMatchObject({ status: 'Expired', processing: false, visible: false, nextTimer: null });
  });

  it('"Campaign remains visible in list for records"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.clock.advanceTo(plus(END, 30 * DAY));
    expect((await h.rt.list({ status: 'Expired' })).map((v) => v.id)).toEqual([id]);
    expect((await h.rt.counts({ preset: 'discount' }))['Expired']).toBe(1);
  });

  it('"Analytics data preserved": the whole history stays readable after expiry', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(plus(END, DAY));
    expect(await transitions(h.rt, id)).toEqual([
      'CREATE:∅→Draft',
      'PUBLISH:Draft→Scheduled',
      'startAt:Scheduled→Active',
      'endAt:Active→Expired',
    ]);
  });

  it('"Reactivate: Set new dates to run again" — refused without new dates; with them it runs again on schedule', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.clock.advanceTo(END);
    const expired = await h.rt.get(id);
    // no dead end: Reactivate is offered, saying it needs new dates; sent without them it is refused, saying so
    expect(expired.actions).toContain('REACTIVATE');
    expect(expired.needs.REACTIVATE).toMatch(/new dates/);
    expect(expired.refusals.REACTIVATE).toBeUndefined();
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'REACTIVATE' }), {
      command: 'REACTIVATE',
      status: 'Expired',
      reason: /Set new dates to reactivate/,
    });
    const start = plus(END, 7 * DAY);
    const end = plus(END, 14 * DAY);
    expect(await h.rt.send(id, { type: 'REACTIVATE', startAt: start, endAt: end })).toMatchObject({ status: 'Scheduled', startAt: start, endAt: end });
    await expectFiresExactlyAt(h, id, { event: 'startAt', at: start, from: 'Scheduled', to: 'Active' });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: end, from: 'Active', to: 'Expired' });
  });

  it('Status Transitions: "Expired —Reactivate→ Active" with a new end date only (starts now)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    await h.clock.advanceTo(plus(T0, HOUR));
    const view = await h.rt.send(id, { type: 'REACTIVATE', endAt: plus(T0, DAY) });
    expect(view).toMatchObject({ status: 'Active', startAt: plus(T0, HOUR), endAt: plus(T0, DAY), processing: true });
  });

  it('"Duplicate: Create a copy with new dates"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    const start = plus(END, DAY);
    const end = plus(END, 8 * DAY);
    const copy = await h.rt.duplicate(id, { startAt: start, endAt: end });
    expect(copy).toMatchObject({ status: 'Draft', startAt: start, endAt: end, products: ['sku-shirt', 'sku-cap'] });
    expect(await h.rt.send(copy.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled' });
    expect((await h.rt.get(id)).status).toBe('Expired');
  });

  it('"Delete: Remove from system" (Expired)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    expect((await h.rt.get(id)).deletable).toBe(true);
    await h.rt.delete(id);
    await expect(h.rt.history(id)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('"View: Review settings and performance": an Expired campaign is readable but not editable', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    const view = await h.rt.get(id);
    expect(view).toMatchObject({ editable: 'none', products: ['sku-shirt', 'sku-cap'], content: { discount: { percent: 20 }, badge: true } });
    await expectRefused(h.rt.send(id, { type: 'UPDATE', patch: { name: 'x' } }), {
      command: 'UPDATE',
      status: 'Expired',
      reason: /not available while the campaign is Expired/,
    });
  });
});

describe('discount — Status Transitions (diagram)', () => {
  it('"Draft —Publish→ Scheduled | Active", "Scheduled —Start Date→ Active", "Active → Paused", "Paused —Resume→ Active"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(START);
    await h.rt.send(id, { type: 'PAUSE' });
    await h.rt.send(id, { type: 'RESUME' });
    expect(await transitions(h.rt, id)).toEqual([
      'CREATE:∅→Draft',
      'PUBLISH:Draft→Scheduled',
      'startAt:Scheduled→Active',
      'PAUSE:Active→Paused',
      'RESUME:Paused→Active',
    ]);
  });

  it('"Active → (deleted)" is not allowed: delete is refused while Active (DESIGN §2)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await expectRefusedUnchanged(h.rt, id, () => h.rt.delete(id), {
      command: 'DELETE',
      status: 'Active',
      reason: /cannot be deleted while Active \(only when Draft, Scheduled, Paused, Expired\)/,
    });
  });
});

describe('discount — Status in Dashboard and Lists', () => {
  it('"The main dashboard shows campaign counts by status"', async () => {
    const h = await runtimes.setup();
    for (const status of ['Draft', 'Scheduled', 'Active', 'Active', 'Paused', 'Expired'] as const) await reach(h, status);
    expect(await h.rt.counts({ preset: 'discount' })).toEqual({ Draft: 1, Scheduled: 1, Active: 2, Paused: 1, Expired: 1 });
  });

  it('"Click status tabs to filter (All, Active, Scheduled, Draft, Paused, Expired)"', async () => {
    const h = await runtimes.setup();
    const ids: Record<string, string> = {};
    for (const status of ['Draft', 'Scheduled', 'Active', 'Paused', 'Expired'] as const) ids[status] = await reach(h, status);
    for (const [status, id] of Object.entries(ids)) {
      expect((await h.rt.list({ status })).map((v) => v.id), status).toEqual([id]);
    }
    expect((await h.rt.list({ preset: 'discount' })).map((v) => v.id).sort()).toEqual(Object.values(ids).sort());
    expect((await h.rt.list({ status: ['Active', 'Scheduled'] })).map((v) => v.id).sort()).toEqual([ids['Active'], ids['Scheduled']].sort());
  });
});

describe('discount — Automatic Status Changes', () => {
  it('"Recurring occurrence starts → (Re)activates within pattern" — at the occurrence start instant', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(weekend());
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({
      status: 'Scheduled',
      occurrence: { start: '2026-01-10T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z' },
      nextTimer: { event: 'occurrenceStart', at: '2026-01-10T00:00:00.000Z' },
    });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceStart', at: '2026-01-10T00:00:00Z', from: 'Scheduled', to: 'Active' });
  });

  it('"Recurring occurrence ends → Waits for next occurrence", and it reactivates at the next one; after the last it is Expired', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(weekend());
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.clock.advanceTo('2026-01-10T00:00:00Z');
    const waiting = await expectFiresExactlyAt(h, c.id, { event: 'occurrenceEnd', at: '2026-01-12T00:00:00Z', from: 'Active', to: 'Scheduled' });
    expect(waiting).toMatchObject({ processing: false, nextTimer: { event: 'occurrenceStart', at: '2026-01-17T00:00:00.000Z' } });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceStart', at: '2026-01-17T00:00:00Z', from: 'Scheduled', to: 'Active' });
    await h.clock.advanceTo('2026-01-24T12:00:00Z');
    expect((await h.rt.get(c.id)).status).toBe('Active');
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceEnd', at: '2026-01-26T00:00:00Z', from: 'Active', to: 'Expired' });
    expect(timerEntries(await h.rt.history(c.id), 'occurrenceStart')).toHaveLength(3);
  });

  it('Publishing a recurring campaign with no occurrence left is refused (decisions.md)', async () => {
    const h = await runtimes.setup('2026-01-27T00:00:00Z');
    const c = await h.rt.create(weekend({ startAt: '2026-01-10T00:00:00Z', endAt: '2026-01-28T00:00:00Z' }));
    await expectRefused(h.rt.send(c.id, { type: 'PUBLISH' }), { command: 'PUBLISH', status: 'Draft', reason: /No occurrence .* left/ });
  });

  it('"These transitions happen via WordPress cron": our timers survive a restart and fire once each, at their instants (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const c = await h.rt.create(discount());
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.restart();
    await expectFiresExactlyAt(h, c.id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    await h.restart();
    await expectFiresExactlyAt(h, c.id, { event: 'endAt', at: END, from: 'Active', to: 'Expired' });
    await h.restart();
    await h.clock.advanceTo(plus(END, DAY));
    expect(await transitions(h.rt, c.id)).toEqual([
      'CREATE:∅→Draft',
      'PUBLISH:Draft→Scheduled',
      'startAt:Scheduled→Active',
      'endAt:Active→Expired',
    ]);
  });

  it('a recurring occurrence that falls due during a restart fires once, at its instant (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const c = await h.rt.create(weekend());
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.clock.advanceTo('2026-01-11T00:00:00Z');
    expect((await h.rt.get(c.id)).status).toBe('Active');
    await h.restart();
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceEnd', at: '2026-01-12T00:00:00Z', from: 'Active', to: 'Scheduled' });
    await h.restart();
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceStart', at: '2026-01-17T00:00:00Z', from: 'Scheduled', to: 'Active' });
    expect(timerEntries(await h.rt.history(c.id), 'occurrenceEnd')).toHaveLength(1);
    expect(timerEntries(await h.rt.history(c.id), 'occurrenceStart')).toHaveLength(2);
  });
});

describe('discount — Troubleshooting Status Issues', () => {
  it('"Campaign stuck in Scheduled — WordPress cron not running properly": dates missed while nothing ran fire on start-up, in order, once (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const c = await h.rt.create(discount());
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.stop();
    const back = plus(END, 2 * HOUR);
    await h.clock.advanceTo(back);
    await h.start();
    expect((await h.rt.get(c.id)).status).toBe('Expired');
    const history = await h.rt.history(c.id);
    expect(history.filter((e) => e.source === 'timer')).toMatchObject([
      { event: 'startAt', dueAt: START, at: back, from: 'Scheduled', to: 'Active' },
      { event: 'endAt', dueAt: END, at: back, from: 'Active', to: 'Expired' },
    ]);
    const health = await h.rt.health();
    expect(health).toMatchObject({ ok: true, overdueTimers: 0, oldestOverdue: null });
    await h.restart();
    expect((await h.rt.history(c.id)).filter((e) => e.source === 'timer')).toHaveLength(2);
  });

  it('"Caching showing stale data": reads right after the start show Active, never a stale Scheduled', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(START);
    expect((await h.rt.get(id)).status).toBe('Active');
    expect(await h.rt.list({ status: 'Scheduled' })).toEqual([]);
    expect((await h.rt.list({ status: 'Active' })).map((v) => v.id)).toEqual([id]);
    expect(await h.rt.counts({ preset: 'discount' })).toMatchObject({ Scheduled: 0, Active: 1 });
  });

  it('"Campaign expired too early — Timezone mismatch": an end date given with an offset expires at that exact instant, not hours early', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(discount({ startAt: null, endAt: '2026-02-01T00:00:00+02:00' }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    expect((await h.rt.get(c.id)).endAt).toBe('2026-01-31T22:00:00.000Z');
    await h.clock.advanceTo('2026-01-31T21:59:59.999Z');
    expect((await h.rt.get(c.id)).status).toBe('Active');
    await expectFiresExactlyAt(h, c.id, { event: 'endAt', at: '2026-01-31T22:00:00Z', from: 'Active', to: 'Expired' });
  });

  it('"Timezone mismatch": dates without an offset are rejected, nothing is written', async () => {
    const h = await runtimes.setup();
    await expect(h.rt.create(discount({ endAt: '2026-02-01T00:00:00' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(h.rt.create(discount({ endAt: '2026-02-01' }))).rejects.toMatchObject({ name: 'ValidationError' });
    const c = await h.rt.create(discount());
    await expect(h.rt.send(c.id, { type: 'UPDATE', patch: { endAt: '2026-02-01T00:00:00' } })).rejects.toBeInstanceOf(ValidationError);
    expect(await h.rt.list({ preset: 'discount' })).toHaveLength(1);
    expect((await h.rt.get(c.id)).version).toBe(1);
  });

  it('"Timezone mismatch" (recurring): 09:00 Berlin stays 09:00 across the DST change — the occurrence starts at 07:00Z in April, 08:00Z in March', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(
      discount({
        name: 'Saturday morning',
        startAt: '2026-03-21T09:00:00+01:00',
        endAt: '2026-04-30T00:00:00+02:00',
        timezone: 'Europe/Berlin',
        recurrence: { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'PT12H' },
      }),
    );
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceStart', at: '2026-03-28T08:00:00Z', from: 'Scheduled', to: 'Active' });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceEnd', at: '2026-03-28T20:00:00Z', from: 'Active', to: 'Scheduled' });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceStart', at: '2026-04-04T07:00:00Z', from: 'Scheduled', to: 'Active' });
    await expectFiresExactlyAt(h, c.id, { event: 'occurrenceEnd', at: '2026-04-04T19:00:00Z', from: 'Active', to: 'Scheduled' });
  });

  it('"End time set incorrectly": an end date not after the start date is rejected', async () => {
    const h = await runtimes.setup();
    const error: unknown = await h.rt.create(discount({ startAt: END, endAt: START })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    if (error instanceof ValidationError) expect(error.issues.map((i) => i.message)).toContain('endAt must be after startAt');
    const c = await h.rt.create(discount());
    await expectRefused(h.rt.send(c.id, { type: 'UPDATE', patch: { endAt: plus(START, -DAY) } }), {
      command: 'UPDATE',
      status: 'Draft',
      reason: /endAt must be after startAt/,
    });
  });

  it('"Server time drift": a date never fires early, whatever the gap to it (60 days away, beyond 2^31-1 ms)', async () => {
    const h = await runtimes.setup();
    const far = plus(T0, 60 * DAY);
    const id = await reach(h, 'Active', { endAt: far });
    await h.clock.advanceTo(plus(T0, 30 * DAY));
    expect((await h.rt.get(id)).status).toBe('Active');
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: far, from: 'Active', to: 'Expired' });
  });
});
