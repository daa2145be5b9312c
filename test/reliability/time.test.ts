/**
 * Time: the SYSTEM clock under vitest fake timers (setTimeout, clearTimeout and Date faked;
 * `vi.setSystemTime` jumps the wall clock while timers keep their monotonic schedule, as in Node),
 * and recurrence across the 2026 DST changes of Europe/Berlin on the manual clock.
 *
 * Fake time is advanced in small steps with real event-loop turns in between: the runtime's group
 * commit waits on a real `setImmediate`, which fake time alone never runs.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CampaignChange,
  type CampaignRuntime,
  createCampaignRuntime,
  createManualClock,
  type ForecastItem,
  memoryStore,
  systemClock,
} from '../../src/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The system clock re-reads the wall clock at least this often (Clock.ts). */
const RECHECK = 60_000;
const STEP = 5_000;
const iso = (ms: number) => new Date(ms).toISOString();

const turns = async (n = 6) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Advances fake time by `ms` in steps of at most `step`, letting the runtime's writes land in between. */
async function advance(ms: number, step = STEP): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, left));
    await turns();
  }
  await turns();
}

const timerEntries = async (rt: CampaignRuntime, id: string) => (await rt.history(id)).filter((h) => h.source === 'timer');

describe('the system clock jumping (vitest fake timers)', () => {
  let rt: CampaignRuntime | null = null;
  afterEach(async () => {
    await rt?.stop();
    rt = null;
    vi.useRealTimers();
  });

  const start = async (now: number) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now });
    rt = await createCampaignRuntime({ store: memoryStore(), clock: systemClock });
    return rt;
  };

  it('a backward jump never fires a timer early: it fires when the wall clock reaches its instant again', async () => {
    const t0 = Date.parse('2026-03-01T12:00:00Z');
    const rt = await start(t0);
    const startAt = t0 + HOUR;
    const c = await rt.create({ preset: 'discount', name: 'D', startAt: iso(startAt), endAt: iso(t0 + 6 * HOUR) });
    await rt.send(c.id, { type: 'PUBLISH' });
    await advance(30 * MINUTE);
    vi.setSystemTime(t0 - 2 * HOUR); // NTP steps the clock back two hours; the process timer keeps counting
    for (let elapsed = 0; elapsed < 4 * HOUR; elapsed += 10 * MINUTE) {
      await advance(10 * MINUTE);
      const { status } = await rt.get(c.id);
      if (Date.now() < startAt) expect(status, `at ${iso(Date.now())}`).toBe('Scheduled');
    }
    const [fired] = await timerEntries(rt, c.id);
    expect(fired).toMatchObject({ event: 'startAt', dueAt: iso(startAt) });
    expect(Date.parse(fired!.at)).toBeGreaterThanOrEqual(startAt);
    expect(Date.parse(fired!.at) - startAt).toBeLessThanOrEqual(RECHECK + STEP);
    expect((await rt.get(c.id)).status).toBe('Active');
  });

  it('a forward jump past a due date fires it within ~60 s of (fake) time, once, at or after its instant', async () => {
    const t0 = Date.parse('2026-03-01T12:00:00Z');
    const rt = await start(t0);
    const a = await rt.create({ preset: 'discount', name: 'A', startAt: iso(t0 + DAY), endAt: iso(t0 + 2 * DAY) });
    const b = await rt.create({ preset: 'gifting', name: 'B', products: ['mug'], endAt: iso(t0 + 3 * DAY) });
    await rt.send(a.id, { type: 'PUBLISH' });
    await rt.send(b.id, { type: 'ACTIVATE' });
    await advance(10 * MINUTE);
    const jumpTo = t0 + 5 * DAY; // a suspended VM wakes up five days later: every date has passed
    vi.setSystemTime(jumpTo);
    await advance(RECHECK + STEP, 1_000);
    const firedA = await timerEntries(rt, a.id);
    const firedB = await timerEntries(rt, b.id);
    expect(firedA.map((h) => [h.event, h.dueAt])).toEqual([
      ['startAt', iso(t0 + DAY)],
      ['endAt', iso(t0 + 2 * DAY)],
    ]);
    expect(firedB.map((h) => [h.event, h.dueAt])).toEqual([['endAt', iso(t0 + 3 * DAY)]]);
    for (const h of [...firedA, ...firedB]) {
      expect(Date.parse(h.at)).toBeGreaterThanOrEqual(jumpTo);
      expect(Date.parse(h.at) - jumpTo).toBeLessThanOrEqual(RECHECK + 1_000);
    }
    expect((await rt.health()).overdueTimers).toBe(0);
  });

  it('random jumps back and forth: no timer early, none twice, none lost (history = forecast made at publish)', async () => {
    const jump = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3 * HOUR }) }),
      fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: -2 * DAY, max: 2 * DAY }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 10 * MINUTE, max: 2 * DAY }), { minLength: 4, maxLength: 4 }),
        fc.array(jump, { minLength: 3, maxLength: 10 }),
        async (delays, moves) => {
          const t0 = Date.parse('2026-06-01T00:00:00Z');
          const rt = await start(t0);
          try {
            const [d1, d2, d3, d4] = delays as [number, number, number, number];
            const created = [
              await rt.create({ preset: 'discount', name: 'D', startAt: iso(t0 + d1), endAt: iso(t0 + d1 + d2) }),
              await rt.create({ preset: 'gifting', name: 'G', products: ['mug'], endAt: iso(t0 + d2) }),
              await rt.create({ preset: 'franchise', name: 'F', visibleAt: iso(t0 + d3), startAt: iso(t0 + d3 + d4), endAt: iso(t0 + d3 + 2 * d4) }),
              await rt.create({ preset: 'journey', name: 'J', audience: { mode: 'trigger' }, startAt: iso(t0 + d4), endAt: iso(t0 + d4 + d1) }),
            ];
            const expected = new Map<string, ForecastItem[]>();
            for (const c of created) {
              await rt.send(c.id, { type: c.preset === 'gifting' || c.preset === 'journey' ? 'ACTIVATE' : 'PUBLISH' });
              expected.set(c.id, await rt.forecast(c.id));
            }
            let wallAtJump = t0;
            let sinceJump = 0;
            const check = async (final: boolean) => {
              for (const [id, forecast] of expected) {
                const fired = await timerEntries(rt, id);
                const where = `${id}: fired ${JSON.stringify(fired.map((h) => [h.event, h.dueAt, h.at]))}, forecast ${JSON.stringify(forecast.map((f) => [f.event, f.at]))}`;
                // in order, each once, each the forecast's date, never before it
                expect(fired.map((h) => [h.event, h.dueAt]), where).toEqual(forecast.slice(0, fired.length).map((f) => [f.event, f.at]));
                for (const h of fired) expect(Date.parse(h.at), where).toBeGreaterThanOrEqual(Date.parse(h.dueAt!));
                // none lost: what fell due a recheck (plus a step) ago has fired
                const horizon = final ? Date.now() : sinceJump >= RECHECK + STEP ? wallAtJump + sinceJump - RECHECK - STEP : null;
                if (horizon !== null) {
                  const due = forecast.filter((f) => Date.parse(f.at) <= horizon);
                  expect(fired.length, `${where} (due by ${iso(horizon)})`).toBeGreaterThanOrEqual(due.length);
                }
              }
            };
            for (const move of moves) {
              if (move.kind === 'advance') {
                await advance(move.ms);
                sinceJump += move.ms;
              } else {
                vi.setSystemTime(Date.now() + move.ms);
                wallAtJump = Date.now();
                sinceJump = 0;
              }
              await check(false);
            }
            // finally: jump past every date and give the clock one recheck
            vi.setSystemTime(Math.max(Date.now(), t0 + 8 * DAY));
            await advance(RECHECK + STEP);
            await check(true);
            for (const [id, forecast] of expected) expect((await timerEntries(rt, id)).length, id).toBe(forecast.length);
          } finally {
            await rt.stop();
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('daylight saving time (Europe/Berlin 2026: 29 March 02:00 → 03:00, 25 October 03:00 → 02:00)', () => {
  const ZONE = 'Europe/Berlin';
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    weekday: 'short',
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  /** "Mon 30/03 09:00 CEST": the wall time in Berlin. */
  const local = (date: string) => {
    const part = Object.fromEntries(format.formatToParts(new Date(date)).map((p) => [p.type, p.value]));
    return `${part['weekday']} ${part['day']}/${part['month']} ${part['hour']}:${part['minute']} ${part['timeZoneName']}`;
  };
  const weekdayAndTime = (date: string) => local(date).replace(/^(\w+) \S+ (\d\d:\d\d).*$/, '$1 $2');

  async function recurring(start: string, definition: { startAt: string; endAt: string; rule: string; duration: string }) {
    const clock = createManualClock(start);
    const rt = await createCampaignRuntime({ store: memoryStore(), clock });
    const c = await rt.create({
      preset: 'discount',
      name: 'Recurring',
      startAt: definition.startAt,
      endAt: definition.endAt,
      timezone: ZONE,
      recurrence: { rule: definition.rule, duration: definition.duration },
    });
    await rt.send(c.id, { type: 'PUBLISH' });
    return { clock, rt, id: c.id };
  }

  const occurrences = (history: CampaignChange[], event: 'occurrenceStart' | 'occurrenceEnd') =>
    history.filter((h) => h.event === event).map((h) => h.dueAt!);

  it('a weekly Monday 09:00 occurrence stays at 09:00 local (08:00Z in winter, 07:00Z in summer), 8 hours long', async () => {
    const { clock, rt, id } = await recurring('2026-03-01T00:00:00Z', {
      startAt: '2026-03-09T09:00:00+01:00',
      endAt: '2026-11-10T00:00:00Z',
      rule: 'FREQ=WEEKLY;BYDAY=MO',
      duration: 'PT8H',
    });
    try {
      const forecast = await rt.forecast(id);
      expect(forecast.slice(0, 8).map((f) => `${f.event} ${local(f.at)}`)).toEqual([
        'occurrenceStart Mon 09/03 09:00 CET',
        'occurrenceEnd Mon 09/03 17:00 CET',
        'occurrenceStart Mon 16/03 09:00 CET',
        'occurrenceEnd Mon 16/03 17:00 CET',
        'occurrenceStart Mon 23/03 09:00 CET',
        'occurrenceEnd Mon 23/03 17:00 CET',
        'occurrenceStart Mon 30/03 09:00 CEST',
        'occurrenceEnd Mon 30/03 17:00 CEST',
      ]);
      await clock.advanceTo('2026-11-10T00:00:00Z');
      const history = await rt.history(id);
      const starts = occurrences(history, 'occurrenceStart');
      const ends = occurrences(history, 'occurrenceEnd');
      expect(starts).toHaveLength(productMondays());
      expect(new Set(starts.map(weekdayAndTime))).toEqual(new Set(['Mon 09:00']));
      expect(new Set(ends.map(weekdayAndTime))).toEqual(new Set(['Mon 17:00']));
      // both sides of both changes, in UTC
      expect(starts).toEqual(expect.arrayContaining(['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z']));
      // every occurrence fired at its instant (manual clock), in order
      for (const h of history.filter((e) => e.source === 'timer')) expect(h.at).toBe(h.dueAt);
      expect(history.at(-1)).toMatchObject({ event: 'occurrenceEnd', to: 'Expired', dueAt: '2026-11-09T16:00:00.000Z' });
    } finally {
      await rt.stop();
    }

    function productMondays(): number {
      let n = 0;
      for (let d = Date.parse('2026-03-09T12:00:00Z'); d < Date.parse('2026-11-10T00:00:00Z'); d += 7 * DAY) n++;
      return n;
    }
  });

  it('a daily 09:00 occurrence lasting one (local) day stays back to back across the spring change (a 23-hour day)', async () => {
    const { clock, rt, id } = await recurring('2026-03-26T00:00:00Z', {
      startAt: '2026-03-27T09:00:00+01:00',
      endAt: '2026-04-01T00:00:00Z',
      rule: 'FREQ=DAILY',
      duration: 'P1D',
    });
    try {
      await clock.advanceTo('2026-04-01T00:00:00Z');
      const history = await rt.history(id);
      const starts = occurrences(history, 'occurrenceStart');
      const ends = occurrences(history, 'occurrenceEnd');
      expect(starts.map(local)).toEqual(['Fri 27/03 09:00 CET']);
      // back to back: each end is the next start, at 09:00 local whatever the offset
      expect(ends.map(local)).toEqual([
        'Sat 28/03 09:00 CET',
        'Sun 29/03 09:00 CEST',
        'Mon 30/03 09:00 CEST',
        'Tue 31/03 09:00 CEST',
        'Wed 01/04 02:00 CEST', // endAt clips the last one
      ]);
      expect(Date.parse(ends[1]!) - Date.parse(ends[0]!)).toBe(23 * HOUR);
    } finally {
      await rt.stop();
    }
  });

  it('an occurrence at 02:30 on the spring-forward night starts after the gap, at 03:30 CEST (docs/decisions.md)', async () => {
    const { clock, rt, id } = await recurring('2026-03-15T00:00:00Z', {
      startAt: '2026-03-22T02:30:00+01:00',
      endAt: '2026-04-13T00:00:00Z',
      rule: 'FREQ=WEEKLY;BYDAY=SU',
      duration: 'PT2H',
    });
    try {
      await clock.advanceTo('2026-04-13T00:00:00Z');
      const history = await rt.history(id);
      expect(occurrences(history, 'occurrenceStart').map(local)).toEqual([
        'Sun 22/03 02:30 CET',
        'Sun 29/03 03:30 CEST', // 02:30 does not exist that night
        'Sun 05/04 02:30 CEST',
        'Sun 12/04 02:30 CEST',
      ]);
      expect(occurrences(history, 'occurrenceEnd').map(local)).toEqual([
        'Sun 22/03 04:30 CET',
        'Sun 29/03 05:30 CEST', // two real hours after the start
        'Sun 05/04 04:30 CEST',
        'Sun 12/04 04:30 CEST',
      ]);
    } finally {
      await rt.stop();
    }
  });

  it('an occurrence at 02:30 on the fall-back night starts at the first 02:30 (CEST), as RFC 5545 §3.3.5 says', async () => {
    // Decision (not yet in docs/decisions.md): a wall time that occurs twice means its first occurrence,
    // RFC 5545's rule, the same "offset before the transition" that moves the gap's 02:30 to 03:30.
    const { clock, rt, id } = await recurring('2026-10-01T00:00:00Z', {
      startAt: '2026-10-18T02:30:00+02:00',
      endAt: '2026-11-09T00:00:00Z',
      rule: 'FREQ=WEEKLY;BYDAY=SU',
      duration: 'PT2H',
    });
    try {
      await clock.advanceTo('2026-11-09T00:00:00Z');
      const history = await rt.history(id);
      expect(occurrences(history, 'occurrenceStart')).toEqual([
        '2026-10-18T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST); the runtime now picks the second (01:30Z, CET)
        '2026-11-01T01:30:00.000Z', // 02:30 CET
        '2026-11-08T01:30:00.000Z',
      ]);
    } finally {
      await rt.stop();
    }
  });

  it('one-off dates written with either offset of an ambiguous or missing wall time are plain instants', async () => {
    const clock = createManualClock('2026-03-28T00:00:00Z');
    const rt = await createCampaignRuntime({ store: memoryStore(), clock });
    try {
      // "02:30+01:00" on 29 March names 01:30Z (03:30 CEST); "02:30+02:00" and "02:30+01:00" on 25 October are an hour apart
      const gap = await rt.create({ preset: 'gifting', name: 'G', products: ['mug'], endAt: '2026-03-29T02:30:00+01:00' });
      const first = await rt.create({ preset: 'gifting', name: 'O1', products: ['mug'], endAt: '2026-10-25T02:30:00+02:00' });
      const second = await rt.create({ preset: 'gifting', name: 'O2', products: ['mug'], endAt: '2026-10-25T02:30:00+01:00' });
      for (const c of [gap, first, second]) await rt.send(c.id, { type: 'ACTIVATE' });
      await clock.advanceTo('2026-10-26T00:00:00Z');
      const ends = await Promise.all([gap, first, second].map(async (c) => (await timerEntries(rt, c.id)).map((h) => [h.dueAt, h.at])));
      expect(ends).toEqual([
        [['2026-03-29T01:30:00.000Z', '2026-03-29T01:30:00.000Z']],
        [['2026-10-25T00:30:00.000Z', '2026-10-25T00:30:00.000Z']],
        [['2026-10-25T01:30:00.000Z', '2026-10-25T01:30:00.000Z']],
      ]);
    } finally {
      await rt.stop();
    }
  });
});
