/**
 * Seed 003 — franchise marketing (HQ publishes campaigns to franchisees), preset `franchise`.
 * One test per sentence of the seed that states a rule, top to bottom, through the public API.
 */
import { describe, expect, it } from 'vitest';
import { type CampaignChange, type CampaignDefinitionInput, ValidationError } from '../../../src/index.js';
import {
  DAY,
  END,
  expectFiresExactlyAt,
  expectRefused,
  expectRefusedUnchanged,
  type Harness,
  HOUR,
  plus,
  seedRuntimes,
  START,
  T0,
  timerEntries,
  transitions,
  VISIBLE,
} from './seedRules.js';

const runtimes = seedRuntimes();

const franchise = (over: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput => ({
  preset: 'franchise',
  name: 'Spring menu launch',
  startAt: START,
  endAt: END,
  audience: { regions: ['north', 'south'], franchisees: 'all' },
  content: { tasks: [{ id: 't1', post: 'New menu!', approvals: ['store-12'] }], assets: ['menu.pdf'] },
  labels: ['menu', 'spring'],
  ...over,
});

type Status = 'Draft' | 'Scheduled' | 'Active' | 'Paused' | 'Completed' | 'Archived';

/** A franchise campaign brought to `status` at the clock's current instant (Paused = paused while Active). */
async function reach(h: Harness, status: Status, over: Partial<CampaignDefinitionInput> = {}): Promise<string> {
  const now = new Date(h.clock.now()).toISOString();
  const running = ['Active', 'Paused', 'Completed', 'Archived'].includes(status);
  const c = await h.rt.create(franchise(running ? { startAt: plus(now, -DAY), endAt: plus(now, DAY), ...over } : over));
  if (status !== 'Draft') await h.rt.send(c.id, { type: 'PUBLISH' });
  if (status === 'Paused') await h.rt.send(c.id, { type: 'PAUSE' });
  if (status === 'Completed' || status === 'Archived') await h.clock.advanceTo(plus(now, DAY));
  if (status === 'Archived') await h.rt.send(c.id, { type: 'ARCHIVE' });
  expect((await h.rt.get(c.id)).status).toBe(status);
  return c.id;
}

describe('franchise — Statuses overview (table)', () => {
  it('"Every campaign moves through a set of statuses from creation to completion": Draft, Scheduled, Active, Paused, Completed, Archived', async () => {
    const h = await runtimes.setup();
    expect(Object.keys(await h.rt.counts({ preset: 'franchise' })).sort()).toEqual(
      ['Active', 'Archived', 'Completed', 'Draft', 'Paused', 'Scheduled'],
    );
  });

  it('"Draft — Created but not published. Only HQ can see it." — franchisees: No', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ visibleAt: plus(T0, -DAY) }));
    expect(c).toMatchObject({ status: 'Draft', visible: false, processing: false, nextTimer: null });
  });

  it('"Scheduled — Published, waiting for start date." — franchisees: "Yes, if the visible date has passed"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ visibleAt: VISIBLE }));
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', visible: false, processing: false });
    const view = await expectFiresExactlyAt(h, c.id, { event: 'visibleAt', at: VISIBLE, from: 'Scheduled', to: 'Scheduled' });
    expect(view).toMatchObject({ visible: true, processing: false, nextTimer: { event: 'startAt', at: START } });
    const alreadyPassed = await h.rt.create(franchise({ visibleAt: plus(VISIBLE, -HOUR) }));
    expect(await h.rt.send(alreadyPassed.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', visible: true });
  });

  it('"Active — Start date has been reached. Content is live." — franchisees: Yes', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    const view = await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    expect(view).toMatchObject({ visible: true, processing: true });
  });

  it('"Paused — Temporarily suspended by HQ." — franchisees: No (hidden from calendars)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect(await h.rt.send(id, { type: 'PAUSE' })).toMatchObject({ status: 'Paused', visible: false, processing: false });
  });

  it('"Completed — End date has passed." — franchisees: No', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { startAt: plus(T0, -DAY), endAt: END });
    const view = await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Completed' });
    expect(view).toMatchObject({ visible: false, processing: false, nextTimer: null });
  });

  it('"Archived — Manually archived after completion, or cancelled." — franchisees: No', async () => {
    const h = await runtimes.setup();
    const archived = await reach(h, 'Archived');
    expect(await h.rt.get(archived)).toMatchObject({ visible: false, processing: false });
    const cancelled = await reach(h, 'Active');
    expect(await h.rt.send(cancelled, { type: 'CANCEL' })).toMatchObject({ status: 'Archived', visible: false });
  });
});

describe('franchise — Publishing a campaign', () => {
  it('"When you click Publish, the campaign moves out of Draft" — it needs a start and an end date first', async () => {
    const h = await runtimes.setup();
    for (const missing of [{ endAt: null }, { startAt: null }] as const) {
      const c = await h.rt.create(franchise(missing));
      expect(c.refusals.PUBLISH).toMatch(/Set both a start date and an end date first/);
      await expectRefusedUnchanged(h.rt, c.id, () => h.rt.send(c.id, { type: 'PUBLISH' }), {
        command: 'PUBLISH',
        status: 'Draft',
        reason: /Set both a start date and an end date first/,
        allowed: ['UPDATE'],
      });
    }
    const ready = await h.rt.create(franchise());
    await h.rt.send(ready.id, { type: 'PUBLISH' });
    expect((await h.rt.history(ready.id)).at(-1)).toMatchObject({ event: 'PUBLISH', source: 'user', from: 'Draft', to: 'Scheduled' });
  });

  it('"If the start date is in the future → status becomes Scheduled"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ startAt: plus(T0, 1) }));
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', nextTimer: { event: 'startAt', at: plus(T0, 1) } });
  });

  it('"If the start date has already passed → status becomes Active immediately"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ startAt: plus(T0, -HOUR) }));
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Active', startAt: plus(T0, -HOUR), visible: true });
    const over = await h.rt.create(franchise({ startAt: plus(T0, -2 * DAY), endAt: plus(T0, -DAY) }));
    await expectRefused(h.rt.send(over.id, { type: 'PUBLISH' }), { command: 'PUBLISH', status: 'Draft', reason: /end date .* has passed/ });
  });

  it('"The platform transitions Scheduled campaigns to Active automatically when the start date is reached. You don\'t need to do anything."', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    expect(await transitions(h.rt, id)).toEqual(['CREATE:∅→Draft', 'PUBLISH:Draft→Scheduled', 'startAt:Scheduled→Active']);
  });

  it('the start date fires exactly once across runtime restarts, at its instant (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const c = await h.rt.create(franchise({ visibleAt: VISIBLE }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.restart();
    await expectFiresExactlyAt(h, c.id, { event: 'visibleAt', at: VISIBLE, from: 'Scheduled', to: 'Scheduled' });
    await h.restart();
    expect((await h.rt.get(c.id)).visible).toBe(true);
    await expectFiresExactlyAt(h, c.id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
    await h.restart();
    await h.clock.advanceTo(plus(START, DAY));
    const history = await h.rt.history(c.id);
    expect(timerEntries(history, 'visibleAt')).toHaveLength(1);
    expect(timerEntries(history, 'startAt')).toHaveLength(1);
  });

  it('dates missed while the runtime was down fire on start-up in due order, once each (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const c = await h.rt.create(franchise({ visibleAt: VISIBLE }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.stop();
    const back = plus(END, HOUR);
    await h.clock.advanceTo(back);
    await h.start();
    expect((await h.rt.get(c.id)).status).toBe('Completed');
    const timers = (await h.rt.history(c.id)).filter((e) => e.source === 'timer');
    expect(timers).toMatchObject([
      { event: 'visibleAt', dueAt: VISIBLE, at: back, from: 'Scheduled', to: 'Scheduled' },
      { event: 'startAt', dueAt: START, at: back, from: 'Scheduled', to: 'Active' },
      { event: 'endAt', dueAt: END, at: back, from: 'Active', to: 'Completed' },
    ]);
    await h.restart();
    expect((await h.rt.history(c.id)).filter((e) => e.source === 'timer')).toHaveLength(3);
  });
});

describe('franchise — Controlling when franchisees see the campaign', () => {
  it('"set a visible date that\'s separate from the start date … publish the campaign early without franchisees seeing it yet"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ visibleAt: VISIBLE }));
    const view = await h.rt.send(c.id, { type: 'PUBLISH' });
    expect(view).toMatchObject({ status: 'Scheduled', visible: false, visibleAt: VISIBLE, nextTimer: { event: 'visibleAt', at: VISIBLE } });
    const error: unknown = await h.rt.create(franchise({ visibleAt: plus(START, 1) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    if (error instanceof ValidationError) expect(error.issues.map((i) => i.message)).toContain('visibleAt must not be after startAt');
  });

  it('example: start October 1, visible September 15 — it appears in calendars on Sept 15, posts start on Oct 1', async () => {
    const h = await runtimes.setup();
    const visible = '2026-09-15T00:00:00-04:00';
    const start = '2026-10-01T00:00:00-04:00';
    const c = await h.rt.create(franchise({ visibleAt: visible, startAt: start, endAt: '2026-10-31T23:59:59-04:00' }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    const seen = await expectFiresExactlyAt(h, c.id, { event: 'visibleAt', at: visible, from: 'Scheduled', to: 'Scheduled' });
    expect(seen).toMatchObject({ visible: true, processing: false });
    await h.clock.advanceTo('2026-09-30T12:00:00Z');
    expect(await h.rt.get(c.id)).toMatchObject({ status: 'Scheduled', visible: true, processing: false });
    const live = await expectFiresExactlyAt(h, c.id, { event: 'startAt', at: start, from: 'Scheduled', to: 'Active' });
    expect(live).toMatchObject({ visible: true, processing: true, startAt: '2026-10-01T04:00:00.000Z' });
  });

  it('"If you don\'t set a visible date, franchisees see the campaign as soon as it\'s published"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ visibleAt: null }));
    expect(c.visible).toBe(false);
    expect(await h.rt.send(c.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', visible: true });
  });

  it('a visible date moved later after the campaign became visible keeps it visible (decisions.md)', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(franchise({ visibleAt: VISIBLE }));
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.clock.advanceTo(VISIBLE);
    const view = await h.rt.send(c.id, { type: 'UPDATE', patch: { visibleAt: plus(VISIBLE, DAY) } });
    expect(view).toMatchObject({ status: 'Scheduled', visibleAt: plus(VISIBLE, DAY), visible: true });
  });
});

describe('franchise — Pausing and resuming', () => {
  it('"You can pause a campaign at any time while it\'s Scheduled or Active" — and not otherwise', async () => {
    const h = await runtimes.setup();
    for (const status of ['Scheduled', 'Active'] as const) {
      const id = await reach(h, status);
      expect(await h.rt.send(id, { type: 'PAUSE' }), status).toMatchObject({ status: 'Paused' });
      expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'PAUSE', from: status, to: 'Paused' });
    }
    for (const status of ['Draft', 'Completed'] as const) {
      const id = await reach(h, status);
      await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'PAUSE' }), {
        command: 'PAUSE',
        status,
        reason: /PAUSE is not available while the campaign is (Draft|Completed) \(only when Scheduled, Active\)/,
      });
    }
  });

  it('While paused: "Campaign tasks are hidden from franchisee calendars"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled', { visibleAt: VISIBLE });
    await h.clock.advanceTo(VISIBLE);
    expect((await h.rt.get(id)).visible).toBe(true);
    expect(await h.rt.send(id, { type: 'PAUSE' })).toMatchObject({ status: 'Paused', visible: false });
    expect((await h.rt.send(id, { type: 'RESUME' })).visible).toBe(true);
  });

  it('the visible date passing while Paused keeps the campaign hidden; it shows on resume', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled', { visibleAt: VISIBLE });
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(VISIBLE, HOUR));
    expect(await h.rt.get(id)).toMatchObject({ status: 'Paused', visible: false });
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Scheduled', visible: true });
  });

  it('While paused: "No posts will publish" — the start date passing while Paused does not start it', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.get(id)).nextTimer).toEqual({ event: 'endAt', at: END });
    await h.clock.advanceTo(plus(START, DAY));
    expect(await h.rt.get(id)).toMatchObject({ status: 'Paused', processing: false, visible: false });
    expect(timerEntries(await h.rt.history(id), 'startAt')).toHaveLength(0);
  });

  it('While paused: "Existing approvals are preserved"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const before = await h.rt.get(id);
    const paused = await h.rt.send(id, { type: 'PAUSE' });
    expect(paused).toMatchObject({ content: before.content, audience: before.audience, definitionVersion: before.definitionVersion });
  });

  it('"When you resume, the campaign returns to Scheduled or Active depending on whether the start date has passed" (before the start → Scheduled)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await expectRefused(h.rt.send(id, { type: 'RESUME' }), { command: 'RESUME', status: 'Scheduled', reason: /only when Paused/ });
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(START, -DAY));
    expect(await h.rt.send(id, { type: 'RESUME' })).toMatchObject({ status: 'Scheduled', nextTimer: { event: 'startAt', at: START } });
    await expectFiresExactlyAt(h, id, { event: 'startAt', at: START, from: 'Scheduled', to: 'Active' });
  });

  it('"… depending on whether the start date has passed" (after the start → Active, from a pause taken while Scheduled or while Active)', async () => {
    const h = await runtimes.setup();
    const early = await reach(h, 'Scheduled');
    await h.rt.send(early, { type: 'PAUSE' });
    const late = await reach(h, 'Active', { startAt: plus(T0, -DAY), endAt: END });
    await h.rt.send(late, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(START, HOUR));
    expect(await h.rt.send(early, { type: 'RESUME' })).toMatchObject({ status: 'Active', processing: true, visible: true });
    expect((await h.rt.history(early)).at(-1)).toMatchObject({ event: 'RESUME', from: 'Paused', to: 'Active' });
    expect(await h.rt.send(late, { type: 'RESUME' })).toMatchObject({ status: 'Active', processing: true });
  });

  it('"Franchisees who had already approved tasks before the pause don\'t need to re-approve them"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    const resumed = await h.rt.send(id, { type: 'RESUME' });
    expect(resumed.content).toEqual({ tasks: [{ id: 't1', post: 'New menu!', approvals: ['store-12'] }], assets: ['menu.pdf'] });
    expect(resumed.definitionVersion).toBe(1);
  });

  it('Note: "tasks scheduled to publish during the pause window are considered missed" — the pause window is recorded exactly, nothing is replayed', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(plus(START, -HOUR));
    await h.rt.send(id, { type: 'PAUSE' });
    await h.clock.advanceTo(plus(START, 5 * HOUR));
    const view = await h.rt.send(id, { type: 'RESUME' });
    expect(view.pauses).toEqual([{ from: plus(START, -HOUR), to: plus(START, 5 * HOUR) }]);
    expect(await transitions(h.rt, id)).toEqual([
      'CREATE:∅→Draft',
      'PUBLISH:Draft→Scheduled',
      'PAUSE:Scheduled→Paused',
      'RESUME:Paused→Active',
    ]);
  });

  it('the end date while Paused completes the campaign (decisions.md)', async () => {
    const h = await runtimes.setup();
    const held = await reach(h, 'Scheduled');
    await h.rt.send(held, { type: 'PAUSE' });
    const frozen = await reach(h, 'Active', { startAt: plus(T0, -DAY), endAt: END });
    await h.rt.send(frozen, { type: 'PAUSE' });
    await expectFiresExactlyAt(h, held, { event: 'endAt', at: END, from: 'Paused', to: 'Completed' });
    expect(timerEntries(await h.rt.history(frozen), 'endAt', END)).toMatchObject([{ from: 'Paused', to: 'Completed' }]);
  });
});

describe('franchise — Cancelling a campaign', () => {
  it('"Cancel is available for Scheduled, Active, or Paused campaigns" — not for Draft or Completed', async () => {
    const h = await runtimes.setup();
    for (const status of ['Scheduled', 'Active', 'Paused'] as const) {
      const id = await reach(h, status);
      expect((await h.rt.get(id)).actions, status).toContain('CANCEL');
      expect(await h.rt.send(id, { type: 'CANCEL' })).toMatchObject({ status: 'Archived' });
    }
    const held = await reach(h, 'Scheduled');
    await h.rt.send(held, { type: 'PAUSE' });
    expect(await h.rt.send(held, { type: 'CANCEL' })).toMatchObject({ status: 'Archived' });
    for (const status of ['Draft', 'Completed'] as const) {
      const id = await reach(h, status);
      await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'CANCEL' }), {
        command: 'CANCEL',
        status,
        reason: /CANCEL is not available while the campaign is (Draft|Completed) \(only when Scheduled, Paused, Active\)/,
      });
    }
  });

  it('"It moves the campaign to Archived and is permanent — there\'s no undo"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { startAt: plus(T0, -DAY), endAt: END });
    const view = await h.rt.send(id, { type: 'CANCEL' });
    expect(view).toMatchObject({ status: 'Archived', actions: [], editable: 'none', nextTimer: null });
    for (const type of ['RESUME', 'PUBLISH', 'CANCEL'] as const) {
      await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type }), {
        command: type,
        status: 'Archived',
        reason: new RegExp(`${type} is not available while the campaign is Archived`),
        allowed: [],
      });
    }
    await h.clock.advanceTo(plus(END, DAY));
    expect((await h.rt.get(id)).status).toBe('Archived');
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });

  it('"All pending approvals are deleted": the host is told through the change feed, so it can delete them', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const after = h.rt.lastSeq;
    let stop: () => void = () => {};
    const seen = new Promise<CampaignChange>((resolve) => {
      stop = h.rt.subscribe(
        (change) => {
          if (change.campaignId === id && change.event === 'CANCEL') resolve(change);
        },
        { after },
      );
    });
    await h.rt.send(id, { type: 'CANCEL' });
    const change = await seen;
    stop();
    expect(change).toMatchObject({ event: 'CANCEL', source: 'user', from: 'Active', to: 'Archived', at: T0 });
    expect(change.seq).toBeGreaterThan(after);
  });

  it('"Already-published posts stay (they\'re real posts at that point)": the Active period stays in the record', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(plus(START, DAY));
    await h.rt.send(id, { type: 'CANCEL' });
    expect(await transitions(h.rt, id)).toEqual([
      'CREATE:∅→Draft',
      'PUBLISH:Draft→Scheduled',
      'startAt:Scheduled→Active',
      'CANCEL:Active→Archived',
    ]);
    expect((await h.rt.get(id)).startAt).toBe(START);
  });

  it('"The campaign no longer appears in franchisee calendars or Asset Manager"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'CANCEL' });
    expect((await h.rt.get(id)).visible).toBe(false);
    expect(await h.rt.list({ status: ['Scheduled', 'Active'], preset: 'franchise' })).toEqual([]);
  });

  it('"If you need to reuse a cancelled campaign, use Duplicate to create a fresh draft copy"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.rt.send(id, { type: 'CANCEL' });
    const copy = await h.rt.duplicate(id);
    expect(copy).toMatchObject({ status: 'Draft', name: 'Spring menu launch', startAt: null, endAt: null, visibleAt: null });
    expect((await h.rt.get(id)).status).toBe('Archived');
  });
});

describe('franchise — Completing and archiving', () => {
  it('"When the end date passes, the campaign moves to Completed automatically"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled');
    await h.clock.advanceTo(START);
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Completed' });
  });

  it('the end date fires exactly once across a runtime restart (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const id = await reach(h, 'Active', { startAt: plus(T0, -DAY), endAt: END });
    await h.clock.advanceTo(plus(END, -DAY));
    await h.restart();
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Completed' });
    await h.restart();
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(1);
  });

  it('"Completed campaigns can be manually archived to clean up your campaign list" — Archive is only for Completed', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Completed');
    expect((await h.rt.get(id)).actions).toEqual(['ARCHIVE']);
    expect(await h.rt.send(id, { type: 'ARCHIVE' })).toMatchObject({ status: 'Archived' });
    expect(await h.rt.list({ status: 'Completed' })).toEqual([]);
    expect((await h.rt.list({ status: 'Archived' })).map((v) => v.id)).toEqual([id]);
    const active = await reach(h, 'Active');
    await expectRefusedUnchanged(h.rt, active, () => h.rt.send(active, { type: 'ARCHIVE' }), {
      command: 'ARCHIVE',
      status: 'Active',
      reason: /only when Completed/,
    });
  });

  it('"Archiving is permanent, but like cancellation, already-published posts are unaffected"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Archived');
    expect(await h.rt.get(id)).toMatchObject({ actions: [], editable: 'none', deletable: false });
    await expectRefused(h.rt.send(id, { type: 'PUBLISH' }), { command: 'PUBLISH', status: 'Archived', reason: /not available while the campaign is Archived/ });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.delete(id), {
      command: 'DELETE',
      status: 'Archived',
      reason: /cannot be deleted while Archived \(only when Draft\)/,
    });
    expect((await h.rt.history(id)).map((e) => e.to)).toEqual(['Draft', 'Active', 'Completed', 'Archived']);
  });
});

describe('franchise — Duplicating a campaign', () => {
  it('"Duplicate is available for campaigns in any status, including Archived"', async () => {
    const h = await runtimes.setup();
    for (const status of ['Draft', 'Scheduled', 'Active', 'Paused', 'Completed', 'Archived'] as const) {
      const id = await reach(h, status);
      const copy = await h.rt.duplicate(id);
      expect(copy.status, status).toBe('Draft');
      expect(copy.id).not.toBe(id);
      expect((await h.rt.get(id)).status).toBe(status);
    }
  });

  it('"designed for recurring promotions — create a Black Friday 2026 campaign by duplicating the previous year\'s"', async () => {
    const h = await runtimes.setup('2025-11-01T00:00:00Z');
    const bf2025 = await h.rt.create(
      franchise({ name: 'Black Friday 2025', startAt: '2025-11-28T00:00:00-05:00', endAt: '2025-12-01T23:59:59-05:00', visibleAt: '2025-11-14T00:00:00-05:00' }),
    );
    await h.rt.send(bf2025.id, { type: 'PUBLISH' });
    await h.clock.advanceTo('2025-12-15T00:00:00Z');
    await h.rt.send(bf2025.id, { type: 'ARCHIVE' });
    const bf2026 = await h.rt.duplicate(bf2025.id, {
      name: 'Black Friday 2026',
      visibleAt: '2026-11-13T00:00:00-05:00',
      startAt: '2026-11-27T00:00:00-05:00',
      endAt: '2026-11-30T23:59:59-05:00',
    });
    expect(bf2026).toMatchObject({
      status: 'Draft',
      name: 'Black Friday 2026',
      startAt: '2026-11-27T05:00:00.000Z',
      endAt: '2026-12-01T04:59:59.000Z',
      visibleAt: '2026-11-13T05:00:00.000Z',
    });
    expect(await h.rt.send(bf2026.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', visible: false });
  });

  it('"The copy includes all tasks, assets, targeting settings, and labels"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Completed');
    const source = await h.rt.get(id);
    const copy = await h.rt.duplicate(id);
    expect(copy.content).toEqual(source.content);
    expect(copy.audience).toEqual({ regions: ['north', 'south'], franchisees: 'all' });
    expect(copy.labels).toEqual(['menu', 'spring']);
  });

  it('"It starts as a Draft with no dates set, so you\'ll need to set new dates before publishing"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Scheduled', { visibleAt: VISIBLE });
    const copy = await h.rt.duplicate(id);
    expect(copy).toMatchObject({ status: 'Draft', startAt: null, endAt: null, visibleAt: null, nextTimer: null });
    await expectRefused(h.rt.send(copy.id, { type: 'PUBLISH' }), {
      command: 'PUBLISH',
      status: 'Draft',
      reason: /Set both a start date and an end date first/,
    });
    await h.rt.send(copy.id, { type: 'UPDATE', patch: { startAt: plus(START, 7 * DAY), endAt: plus(END, 7 * DAY) } });
    expect(await h.rt.send(copy.id, { type: 'PUBLISH' })).toMatchObject({ status: 'Scheduled', nextTimer: { event: 'startAt', at: plus(START, 7 * DAY) } });
  });

  it('"Enrollment is created fresh when you publish the copy": the copy has its own, fresh history and no pauses', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    await h.rt.send(id, { type: 'RESUME' });
    const copy = await h.rt.duplicate(id, { startAt: START, endAt: END });
    expect(copy).toMatchObject({ pauses: [], version: 1, definitionVersion: 1 });
    await h.rt.send(copy.id, { type: 'PUBLISH' });
    expect(await transitions(h.rt, copy.id)).toEqual(['CREATE:∅→Draft', 'PUBLISH:Draft→Scheduled']);
    expect((await h.rt.history(id)).length).toBe(4);
  });

  it('delete is for Drafts only (decisions.md)', async () => {
    const h = await runtimes.setup();
    const draft = await reach(h, 'Draft');
    await h.rt.delete(draft);
    await expect(h.rt.get(draft)).rejects.toMatchObject({ name: 'NotFoundError' });
    const scheduled = await reach(h, 'Scheduled');
    await expectRefused(h.rt.delete(scheduled), { command: 'DELETE', status: 'Scheduled', reason: /only when Draft/ });
  });
});
