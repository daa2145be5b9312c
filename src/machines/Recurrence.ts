import { TZDate } from '@date-fns/tz';
import { add } from 'date-fns';
import rrule, { type Options as RRuleOptions, type RRule as RRuleInstance } from 'rrule';
import { parse as parseDuration, type Duration } from 'tinyduration';
import { z } from 'zod';

const { RRule } = rrule;
const MAX_DURATION_MS = 366 * 24 * 3_600_000;

function parseRule(text: string): Partial<RRuleOptions> | string {
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(text.replace(/^RRULE:/i, ''));
  } catch (error) {
    return `rule is not an RFC 5545 RRULE: ${(error as Error).message}`;
  }
  if (options.freq === undefined) return 'rule needs FREQ';
  if (options.freq > RRule.HOURLY) return 'rule may not repeat more often than HOURLY';
  if (options.dtstart) return 'rule must not carry DTSTART: the first occurrence starts at startAt';
  if (options.tzid) return 'rule must not carry TZID: set the campaign timezone instead';
  return options;
}

function parseIsoDuration(text: string): Duration | string {
  let duration: Duration;
  try {
    duration = parseDuration(text);
  } catch {
    return 'duration must be an ISO-8601 duration such as PT48H or P1D';
  }
  if (duration.negative) return 'duration must be positive';
  const ms = add(0, duration).getTime();
  if (!(ms > 0)) return 'duration must be positive';
  if (ms > MAX_DURATION_MS) return 'duration must be at most one year';
  return duration;
}

/**
 * A recurring schedule: an RFC 5545 rule (no DTSTART; the first occurrence is the campaign's
 * `startAt`, read in its `timezone`) and how long each occurrence lasts (ISO-8601 duration).
 */
export const Recurrence = z.strictObject({
  rule: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .superRefine((rule, ctx) => {
      const parsed = parseRule(rule);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
  duration: z
    .string()
    .trim()
    .max(40)
    .superRefine((duration, ctx) => {
      const parsed = parseIsoDuration(duration);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    }),
});
export type Recurrence = z.infer<typeof Recurrence>;

/** One occurrence: `[start, end)` in epoch milliseconds. */
export interface OccurrenceWindow {
  start: number;
  end: number;
}

export interface Schedule {
  recurrence: Recurrence;
  startAt: number;
  endAt: number | null;
  timezone: string | null;
}

const ruleCache = new Map<string, RRuleInstance>();

/*
 * rrule runs in "floating" time: a Date whose UTC fields are the wall-clock time in the campaign's
 * zone. Occurrences are converted back to instants with TZDate, so 09:00 stays 09:00 across DST.
 */
function floating(ms: number, zone: string): Date {
  const local = new TZDate(ms, zone);
  return new Date(
    Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    ),
  );
}

function instant(wall: Date, zone: string): number {
  return new TZDate(
    wall.getUTCFullYear(),
    wall.getUTCMonth(),
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
    zone,
  ).getTime();
}

function ruleFor(schedule: Schedule, zone: string): RRuleInstance {
  const key = `${schedule.recurrence.rule}|${schedule.startAt}|${zone}`;
  let rule = ruleCache.get(key);
  if (!rule) {
    const options = parseRule(schedule.recurrence.rule);
    if (typeof options === 'string') throw new Error(options);
    rule = new RRule({ ...options, dtstart: floating(schedule.startAt, zone) });
    if (ruleCache.size >= 1000) ruleCache.delete(ruleCache.keys().next().value as string);
    ruleCache.set(key, rule);
  }
  return rule;
}

function windowFrom(start: number, schedule: Schedule, zone: string): OccurrenceWindow {
  const duration = parseIsoDuration(schedule.recurrence.duration);
  if (typeof duration === 'string') throw new Error(duration);
  const end = add(new TZDate(start, zone), duration).getTime();
  return { start, end: schedule.endAt === null ? end : Math.min(end, schedule.endAt) };
}

/**
 * Where `at` falls in a recurring schedule: the occurrence running at `at` (if any) and the first
 * one starting after `at` (if any). Occurrences starting at or after `endAt` do not count.
 */
export function occurrencesAround(schedule: Schedule, at: number): {
  current: OccurrenceWindow | null;
  next: OccurrenceWindow | null;
} {
  const zone = schedule.timezone ?? 'UTC';
  const rule = ruleFor(schedule, zone);
  const inRange = (start: number) => schedule.endAt === null || start < schedule.endAt;

  let current: OccurrenceWindow | null = null;
  const previous = rule.before(floating(at, zone), true);
  if (previous) {
    const start = instant(previous, zone);
    if (start <= at && inRange(start)) {
      const window = windowFrom(start, schedule, zone);
      if (window.end > at) current = window;
    }
  }

  let next: OccurrenceWindow | null = null;
  let cursor = floating(at, zone);
  for (let guard = 0; guard < 3 && next === null; guard++) {
    const candidate = rule.after(cursor, false);
    if (!candidate) break;
    const start = instant(candidate, zone);
    if (!inRange(start)) break;
    if (start > at) next = windowFrom(start, schedule, zone);
    cursor = candidate;
  }
  return { current, next };
}

/** The occurrence to plan around `at`: the one running, else the next one, else `null`. */
export function occurrenceFor(schedule: Schedule, at: number): OccurrenceWindow | null {
  const { current, next } = occurrencesAround(schedule, at);
  return current ?? next;
}
