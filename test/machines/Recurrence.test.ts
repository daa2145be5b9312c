import { describe, expect, it } from 'vitest';
import { summarizeRecurrence } from '../../src/machines/Recurrence.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');

describe('summarizeRecurrence', () => {
  it('says the rule in words and which occurrence of how many is running', () => {
    const schedule = { recurrence: { rule: 'FREQ=HOURLY;COUNT=6', duration: 'PT15M' }, startAt: T0, endAt: null, timezone: null };
    expect(summarizeRecurrence(schedule, T0 - 1)).toEqual({ text: 'every hour for 6 times, 15 minutes each', occurrence: null });
    expect(summarizeRecurrence(schedule, T0)).toMatchObject({ occurrence: { number: 1, of: 6 } });
    expect(summarizeRecurrence(schedule, T0 + HOUR + 10 * 60_000)).toMatchObject({ occurrence: { number: 2, of: 6 } });
    expect(summarizeRecurrence(schedule, T0 + 30 * HOUR)).toMatchObject({ occurrence: { number: 6, of: 6 } });
  });

  it('counts up to the end date in the campaign’s zone; an unbounded rule has no total', () => {
    const weekly = { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'P2D' };
    const saturday = Date.parse('2026-03-07T08:00:00Z'); // 09:00 in Berlin
    const bounded = { recurrence: weekly, startAt: saturday, endAt: Date.parse('2026-04-05T00:00:00Z'), timezone: 'Europe/Berlin' };
    expect(summarizeRecurrence(bounded, Date.parse('2026-03-15T12:00:00Z'))).toEqual({
      text: 'every week on Saturday, 2 days each',
      occurrence: { number: 2, of: 5 },
    });
    const open = { ...bounded, endAt: null };
    expect(summarizeRecurrence(open, Date.parse('2026-03-15T12:00:00Z')).occurrence).toEqual({ number: 2, of: null });
  });
});
