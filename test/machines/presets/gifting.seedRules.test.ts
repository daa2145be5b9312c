/**
 * Seed 002 — gifting / redemption-link campaigns, preset `gifting`.
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
  plus,
  seedRuntimes,
  START,
  T0,
  timerEntries,
  transitions,
} from './seedRules.js';

const runtimes = seedRuntimes();

const gifting = (over: Partial<CampaignDefinitionInput> = {}): CampaignDefinitionInput => ({
  preset: 'gifting',
  name: 'Q1 client gifts',
  products: ['mug', { id: 'hoodie', sizes: ['M', 'L'] }],
  audience: { recipients: ['ana@example.com', 'bo@example.com'] },
  content: { limits: { perRecipient: 1, budget: 5000 }, branding: { logo: 'acme.svg' }, redemptionPage: { title: 'Pick a gift' } },
  labels: ['clients'],
  ...over,
});

type Status = 'Draft' | 'Active' | 'Paused' | 'Expired';

async function reach(h: Harness, status: Status, over: Partial<CampaignDefinitionInput> = {}): Promise<string> {
  const c = await h.rt.create(gifting(over));
  if (status !== 'Draft') await h.rt.send(c.id, { type: 'ACTIVATE' });
  if (status === 'Paused') await h.rt.send(c.id, { type: 'PAUSE' });
  if (status === 'Expired') await h.rt.send(c.id, { type: 'END' });
  expect((await h.rt.get(c.id)).status).toBe(status);
  return c.id;
}

describe('gifting — intro and "The four states"', () => {
  it('"The status … controls what you and your recipients can do at any moment": four states, and no Scheduled', async () => {
    const h = await runtimes.setup();
    expect(Object.keys(await h.rt.counts({ preset: 'gifting' })).sort()).toEqual(['Active', 'Draft', 'Expired', 'Paused']);
    const error: unknown = await h.rt.create(gifting({ startAt: START })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    if (error instanceof ValidationError) expect(error.issues.map((i) => i.message).join('\n')).toMatch(/no start date: they start when activated/);
  });
});

describe('gifting — Draft', () => {
  it('"You\'ve created the campaign but it\'s not yet live"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(gifting());
    expect(c).toMatchObject({ status: 'Draft', visible: false, processing: false, acceptsAudience: false, nextTimer: null });
  });

  it('"You can edit anything, add products, change limits, and set up the redemption page"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(gifting({ products: [] }));
    expect(c.editable).toBe('full');
    const view = await h.rt.send(c.id, {
      type: 'UPDATE',
      patch: {
        name: 'Q1 VIP gifts',
        products: ['candle'],
        content: { limits: { perRecipient: 2 }, redemptionPage: { title: 'Choose one' } },
        endAt: END,
      },
    });
    expect(view).toMatchObject({
      status: 'Draft',
      name: 'Q1 VIP gifts',
      products: ['candle'],
      content: { limits: { perRecipient: 2 }, redemptionPage: { title: 'Choose one' } },
      endAt: END,
      definitionVersion: 2,
    });
  });

  it('"Recipients can\'t redeem from a Draft"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(gifting());
    const admission = await h.rt.admit(c.id, { memberId: 'ana@example.com' });
    expect(admission.admitted).toBe(false);
    expect(admission.reason).toMatch(/Draft and does not accept new audience/);
  });
});

describe('gifting — Active', () => {
  it('"The campaign is live. The redemption link works, invite emails can be sent, and recipients can place orders"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    expect(await h.rt.get(id)).toMatchObject({ status: 'Active', visible: true, acceptsAudience: true, processing: true, intake: 'accepting', startAt: T0 });
    expect(await h.rt.admit(id, { memberId: 'ana@example.com', inviteExpiresAt: plus(T0, DAY) })).toEqual({ admitted: true });
  });

  it('"Most edits still work, but changes you make take effect right away"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    expect((await h.rt.get(id)).editable).toBe('restricted');
    const view = await h.rt.send(id, {
      type: 'UPDATE',
      patch: { products: ['mug', 'candle'], content: { limits: { perRecipient: 3 } }, endAt: plus(T0, 2 * DAY) },
    });
    expect(view).toMatchObject({ status: 'Active', products: ['mug', 'candle'], nextTimer: { event: 'endAt', at: plus(T0, 2 * DAY) } });
    expect((await h.rt.get(id)).content).toEqual({ limits: { perRecipient: 3 } });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: plus(T0, 2 * DAY), from: 'Active', to: 'Expired' });
  });

  it('an edit of an Active campaign may not remove its last product (decisions.md)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'UPDATE', patch: { products: [] } }), {
      command: 'UPDATE',
      status: 'Active',
      reason: /Attach at least one product/,
    });
  });
});

describe('gifting — Paused', () => {
  it('"The campaign is temporarily off. New redemptions are blocked"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const view = await h.rt.send(id, { type: 'PAUSE' });
    expect(view).toMatchObject({ status: 'Paused', acceptsAudience: false, visible: false });
    const admission = await h.rt.admit(id, { memberId: 'bo@example.com', inviteExpiresAt: plus(T0, DAY) });
    expect(admission).toMatchObject({ admitted: false, reason: expect.stringMatching(/Paused and does not accept new audience/) });
  });

  it('"Orders that were already placed continue to ship"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    expect((await h.rt.get(id)).processing).toBe(true);
  });

  it('"You can resume at any time"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused', { endAt: END });
    await h.clock.advanceTo(plus(END, -1));
    const view = await h.rt.send(id, { type: 'RESUME' });
    expect(view).toMatchObject({ status: 'Active', acceptsAudience: true });
    expect(await h.rt.admit(id, { memberId: 'bo@example.com' })).toEqual({ admitted: true });
  });
});

describe('gifting — Expired', () => {
  it('"The campaign is closed. The redemption link no longer works"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const view = await h.rt.send(id, { type: 'END' });
    expect(view).toMatchObject({ status: 'Expired', acceptsAudience: false, visible: false, endAt: T0 });
    expect(await h.rt.admit(id, { memberId: 'ana@example.com' })).toMatchObject({ admitted: false });
  });

  it('"Existing orders still ship" (Expired keeps processing what was placed)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    expect((await h.rt.get(id)).processing).toBe(true);
  });

  it('"you can still see analytics": the campaign and its whole history stay readable', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    expect(await transitions(h.rt, id)).toEqual(['CREATE:∅→Draft', 'ACTIVATE:Draft→Active', 'END:Active→Expired']);
    expect((await h.rt.list({ status: 'Expired', preset: 'gifting' })).map((v) => v.id)).toEqual([id]);
  });

  it('"but you can\'t restart it": Resume, Activate and Reactivate are all refused', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    expect((await h.rt.get(id)).actions).toEqual([]);
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'RESUME' }), {
      command: 'RESUME',
      status: 'Expired',
      reason: /only when Paused/,
      allowed: [],
    });
    await expectRefused(h.rt.send(id, { type: 'ACTIVATE' }), { command: 'ACTIVATE', status: 'Expired', reason: /only when Draft/ });
    await expectRefused(h.rt.send(id, { type: 'REACTIVATE', endAt: plus(T0, DAY) }), {
      command: 'REACTIVATE',
      status: 'Expired',
      reason: /gifting campaigns have no REACTIVATE/,
    });
  });
});

describe('gifting — How a campaign moves between states (table)', () => {
  it('"Draft → Active: You click Activate once products are added"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(gifting({ products: [] }));
    expect(c.actions).toEqual(['UPDATE']);
    expect(c.refusals.ACTIVATE).toMatch(/Attach at least one product first/);
    await h.rt.send(c.id, { type: 'UPDATE', patch: { products: ['mug'] } });
    const view = await h.rt.send(c.id, { type: 'ACTIVATE' });
    expect(view.status).toBe('Active');
    expect((await h.rt.history(c.id)).at(-1)).toMatchObject({ event: 'ACTIVATE', source: 'user', from: 'Draft', to: 'Active' });
  });

  it('"Active → Paused: You click Pause"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    await h.rt.send(id, { type: 'PAUSE' });
    expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'PAUSE', from: 'Active', to: 'Paused' });
    await expectRefused(h.rt.send(id, { type: 'PAUSE' }), { command: 'PAUSE', status: 'Paused', reason: /only when Active/ });
  });

  it('"Active → Expired: You click End"', async () => {
    const h = await runtimes.setup();
    const draft = await reach(h, 'Draft');
    await expectRefusedUnchanged(h.rt, draft, () => h.rt.send(draft, { type: 'END' }), {
      command: 'END',
      status: 'Draft',
      reason: /END is not available while the campaign is Draft \(only when Active, Paused\)/,
    });
    const id = await reach(h, 'Active', { endAt: END });
    await h.clock.advanceTo(plus(T0, HOUR));
    expect(await h.rt.send(id, { type: 'END' })).toMatchObject({ status: 'Expired', endAt: plus(T0, HOUR), nextTimer: null });
    await h.clock.advanceTo(plus(END, HOUR));
    expect(timerEntries(await h.rt.history(id), 'endAt')).toHaveLength(0);
  });

  it('"Active → Expired: … or the expiration date passes" — at the exact instant', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Active', to: 'Expired' });
  });

  it('"Paused → Active: You click Resume"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    await h.clock.advanceTo(plus(T0, DAY));
    const view = await h.rt.send(id, { type: 'RESUME' });
    expect(view.status).toBe('Active');
    expect(view.pauses).toEqual([{ from: T0, to: plus(T0, DAY) }]);
  });

  it('"Paused → Expired: You click End"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused');
    expect(await h.rt.send(id, { type: 'END' })).toMatchObject({ status: 'Expired' });
    expect((await h.rt.history(id)).at(-1)).toMatchObject({ event: 'END', from: 'Paused', to: 'Expired' });
  });

  it('"Paused → Expired: … or the expiration date passes" — the expiration timer keeps running while Paused', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Paused', { endAt: END });
    expect((await h.rt.get(id)).nextTimer).toEqual({ event: 'endAt', at: END });
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: END, from: 'Paused', to: 'Expired' });
  });

  it('"click the status tag next to the campaign name to see the actions available at that moment"', async () => {
    const h = await runtimes.setup();
    const expected: Record<Status, string[]> = {
      Draft: ['ACTIVATE', 'UPDATE'],
      Active: ['END', 'PAUSE', 'UPDATE'],
      Paused: ['END', 'RESUME', 'UPDATE'],
      Expired: [],
    };
    for (const [status, actions] of Object.entries(expected)) {
      const id = await reach(h, status as Status);
      const view = await h.rt.get(id);
      expect(view.actions, status).toEqual(actions);
      for (const refused of Object.keys(view.refusals)) expect(actions).not.toContain(refused);
    }
  });
});

describe('gifting — What enables and blocks each state', () => {
  it('"A Draft can only be activated once it has at least one product attached"', async () => {
    const h = await runtimes.setup();
    const c = await h.rt.create(gifting({ products: [] }));
    await expectRefusedUnchanged(h.rt, c.id, () => h.rt.send(c.id, { type: 'ACTIVATE' }), {
      command: 'ACTIVATE',
      status: 'Draft',
      reason: /Attach at least one product first/,
      allowed: ['UPDATE'],
    });
    const withOne = await h.rt.create(gifting({ products: ['mug'] }));
    expect(await h.rt.send(withOne.id, { type: 'ACTIVATE' })).toMatchObject({ status: 'Active' });
  });

  it('"An Active campaign cannot be turned back into a Draft. To stop redemptions, pause or end it"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    const view = await h.rt.get(id);
    expect(view.actions).toEqual(['END', 'PAUSE', 'UPDATE']);
    expect((await h.rt.forecast(id)).map((f) => f.to)).not.toContain('Draft');
    const paused = await h.rt.send(id, { type: 'PAUSE' });
    expect(paused.acceptsAudience).toBe(false);
    const ended = await h.rt.send(id, { type: 'END' });
    expect(ended.acceptsAudience).toBe(false);
    expect((await h.rt.history(id)).map((e) => e.to)).toEqual(['Draft', 'Active', 'Paused', 'Expired']);
  });

  it('"A Paused campaign keeps everything intact — limits, products, branding, recipients — so you can resume cleanly"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active');
    const before = await h.rt.get(id);
    const paused = await h.rt.send(id, { type: 'PAUSE' });
    const resumed = await h.rt.send(id, { type: 'RESUME' });
    for (const view of [paused, resumed]) {
      expect(view).toMatchObject({
        products: before.products,
        content: before.content,
        audience: before.audience,
        labels: before.labels,
        definitionVersion: before.definitionVersion,
      });
    }
    expect(resumed.status).toBe('Active');
  });

  it('"An Expired campaign is read-only": no edit, no delete', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Expired');
    expect(await h.rt.get(id)).toMatchObject({ editable: 'none', deletable: false });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.send(id, { type: 'UPDATE', patch: { name: 'renamed' } }), {
      command: 'UPDATE',
      status: 'Expired',
      reason: /not available while the campaign is Expired/,
    });
    await expectRefusedUnchanged(h.rt, id, () => h.rt.delete(id), {
      command: 'DELETE',
      status: 'Expired',
      reason: /cannot be deleted while Expired \(only when Draft\)/,
    });
  });

  it('"If you want to run it again, duplicate it"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    await h.clock.advanceTo(END);
    const copy = await h.rt.duplicate(id);
    expect(copy).toMatchObject({
      status: 'Draft',
      startAt: null,
      endAt: null,
      products: ['mug', { id: 'hoodie', sizes: ['M', 'L'] }],
      audience: { recipients: ['ana@example.com', 'bo@example.com'] },
      labels: ['clients'],
    });
    expect(await transitions(h.rt, copy.id)).toEqual(['CREATE:∅→Draft']);
    expect(await h.rt.send(copy.id, { type: 'ACTIVATE' })).toMatchObject({ status: 'Active', startAt: END });
  });
});

describe('gifting — What happens when the expiration date hits', () => {
  it('"If you set an expiration date when creating the campaign, we automatically end the campaign at that date"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: '2026-03-31T23:59:59-05:00' });
    expect(await h.rt.forecast(id)).toEqual([
      { at: '2026-04-01T04:59:59.000Z', event: 'endAt', timer: 'windowEnd', from: 'Active', to: 'Expired' },
    ]);
    await expectFiresExactlyAt(h, id, { event: 'endAt', at: '2026-04-01T04:59:59Z', from: 'Active', to: 'Expired' });
  });

  it('the expiration fires exactly once across a runtime restart, and once when it fell due while the runtime was down (SQLite)', async () => {
    const h = await runtimes.setupSqlite();
    const live = await reach(h, 'Active', { endAt: END });
    const down = await reach(h, 'Paused', { endAt: plus(END, DAY) });
    await h.restart();
    await expectFiresExactlyAt(h, live, { event: 'endAt', at: END, from: 'Active', to: 'Expired' });
    await h.stop();
    await h.clock.advanceTo(plus(END, 2 * DAY));
    await h.start();
    expect((await h.rt.get(down)).status).toBe('Expired');
    expect(timerEntries(await h.rt.history(down), 'endAt')).toMatchObject([
      { dueAt: plus(END, DAY), at: plus(END, 2 * DAY), from: 'Paused', to: 'Expired' },
    ]);
    await h.restart();
    expect(timerEntries(await h.rt.history(live), 'endAt')).toHaveLength(1);
    expect(timerEntries(await h.rt.history(down), 'endAt')).toHaveLength(1);
  });

  it('"The redemption link stops accepting new orders, and any outstanding unredeemed invites stop working"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    const invite = { memberId: 'ana@example.com', inviteExpiresAt: plus(END, 30 * DAY) };
    await h.clock.advanceTo(plus(END, -1));
    expect(await h.rt.admit(id, invite)).toEqual({ admitted: true });
    await h.clock.advanceTo(END);
    const admission = await h.rt.admit(id, invite);
    expect(admission.admitted).toBe(false);
    expect(admission.reason).toMatch(/campaign ended at 2026-02-02T08:00:00.000Z/);
  });

  it('"Anything already in flight continues normally" (processing goes on after expiry)', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    await h.clock.advanceTo(END);
    expect(await h.rt.get(id)).toMatchObject({ status: 'Expired', processing: true });
  });

  it('"You don\'t need to do anything to close an expiring campaign — that part takes care of itself"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    await h.clock.advanceTo(plus(END, DAY));
    expect(await transitions(h.rt, id)).toEqual(['CREATE:∅→Draft', 'ACTIVATE:Draft→Active', 'endAt:Active→Expired']);
    expect((await h.rt.history(id)).at(-1)?.source).toBe('timer');
  });

  it('"You can also expire individual invites independently of the campaign — a tighter window for a specific recipient"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    const inviteEnd = plus(T0, 2 * DAY);
    await h.clock.advanceTo(plus(inviteEnd, -1));
    expect(await h.rt.admit(id, { memberId: 'ana@example.com', inviteExpiresAt: inviteEnd })).toEqual({ admitted: true });
    await h.clock.advanceTo(inviteEnd);
    const refused = await h.rt.admit(id, { memberId: 'ana@example.com', inviteExpiresAt: inviteEnd });
    expect(refused).toEqual({ admitted: false, reason: `The invite expired at ${inviteEnd}` });
    expect(await h.rt.admit(id, { memberId: 'bo@example.com', inviteExpiresAt: null })).toEqual({ admitted: true });
    expect((await h.rt.get(id)).status).toBe('Active');
  });

  it('"If both are set, whichever fires first wins"', async () => {
    const h = await runtimes.setup();
    const id = await reach(h, 'Active', { endAt: END });
    const early = plus(END, -DAY);
    const late = plus(END, DAY);
    await h.clock.advanceTo(early);
    expect(await h.rt.admit(id, { memberId: 'a', inviteExpiresAt: early })).toMatchObject({ admitted: false, reason: expect.stringMatching(/invite expired/) });
    expect(await h.rt.admit(id, { memberId: 'b', inviteExpiresAt: late })).toEqual({ admitted: true });
    await h.clock.advanceTo(END);
    expect(await h.rt.admit(id, { memberId: 'b', inviteExpiresAt: late })).toMatchObject({ admitted: false, reason: expect.stringMatching(/campaign ended/) });
    expect(await h.rt.admit(id, { memberId: 'a', inviteExpiresAt: early })).toMatchObject({ admitted: false, reason: expect.stringMatching(/invite expired/) });
  });
});
