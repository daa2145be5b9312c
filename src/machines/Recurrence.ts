import { TZDate } from '@date-fns/tz';
import { add, formatDuration } from 'date-fns';
import rrule, { type Options as RRuleOptions, type RRule as RRuleInstance } from 'rrule';
import { parse as parseDuration, type Duration } from 'tinyduration';
import { z } from 'zod';

const { RRule } = rrule;
const HOUR = 3_600_000;
const MAX_DURATION_MS = 366 * 24 * HOUR;
const MAX_COUNT = 10_000;
/** Where validation tries a rule: it must occur within 8 years, at least an hour apart. */
const PROBE_START = new Date(Date.UTC(2026, 0, 5, 9, 0, 0));
const PROBE_SPAN_MS = 8 * 366 * 24 * HOUR;

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
  if (options.interval !== undefined && options.interval < 1) return 'INTERVAL must be at least 1';
  if (options.count !== undefined && options.count !== null && (options.count < 1 || options.count > MAX_COUNT)) {
    return `COUNT must be between 1 and ${MAX_COUNT}`;
  }
  return options;
}

/** Tries the rule from a fixed start: it must occur, and never twice within an hour. */
function probeRule(options: Partial<RRuleOptions>): string | null {
  const rule = new RRule({ ...options, dtstart: PROBE_START, count: options.count ?? null });
  const first = rule.between(PROBE_START, new Date(PROBE_START.getTime() + PROBE_SPAN_MS), true, (_, i) => i < 200);
  if (first.length === 0) return 'rule has no occurrence within 8 years of its start';
  for (let i = 1; i < first.length; i++) {
    if (first[i]!.getTime() - first[i - 1]!.getTime() < HOUR) return 'occurrences must be at least one hour apart';
  }
  return null;
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
      const problem = typeof parsed === 'string' ? parsed : probeRule(parsed);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
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

/**
 * The instant of a wall-clock time in `zone`. In a DST gap the offset before the gap applies
 * (02:30 → 03:30); an ambiguous time (the hour repeated when clocks go back) means its first
 * occurrence — both as RFC 5545 §3.3.5 says.
 */
function instant(wall: Date, zone: string): number {
  const candidate = tzInstant(wall, zone);
  for (const earlier of [candidate - HOUR, candidate - HOUR / 2]) {
    if (floating(earlier, zone).getTime() === wall.getTime()) return earlier;
  }
  return candidate;
}

function tzInstant(wall: Date, zone: string): number {
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

const PERIOD_HOURS: Record<number, number> = { [RRule.HOURLY]: 1, [RRule.DAILY]: 24, [RRule.WEEKLY]: 24 * 7 };

/**
 * The rule, starting at `startAt` — or, for a periodic rule without COUNT, at the last whole
 * period before `from`: rrule walks every occurrence since its start, so a rule that began years
 * ago would cost a walk through years on every evaluation. Shifting the start by whole periods
 * (in floating wall time) keeps every occurrence from there on identical.
 */
function ruleFor(schedule: Schedule, zone: string, from: number): RRuleInstance {
  const options = parseRule(schedule.recurrence.rule);
  if (typeof options === 'string') throw new Error(options);
  let dtstart = floating(schedule.startAt, zone);
  const hours = options.freq === undefined ? undefined : PERIOD_HOURS[options.freq];
  if (hours !== undefined && (options.count === undefined || options.count === null)) {
    const period = hours * HOUR * (options.interval ?? 1);
    const periods = Math.floor((floating(from, zone).getTime() - dtstart.getTime()) / period) - 1;
    if (periods > 0) dtstart = new Date(dtstart.getTime() + periods * period);
  }
  const key = `${schedule.recurrence.rule}|${dtstart.getTime()}|${zone}`;
  let rule = ruleCache.get(key);
  if (!rule) {
    rule = new RRule({ ...options, dtstart });
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
  const duration = parseIsoDuration(schedule.recurrence.duration);
  if (typeof duration === 'string') throw new Error(duration);
  // an occurrence running at `at` started at most one duration (plus a DST hour) earlier
  const rule = ruleFor(schedule, zone, at - (add(0, duration).getTime() + HOUR));
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

/** A recurring schedule in words, and where an instant falls in it. */
export interface RecurrenceSummary {
  /** "every hour for 6 times, 15 minutes each" (English, rrule's `toText`). */
  text: string;
  /** The occurrence running or last started (1-based) and how many there are (`of: null` when unbounded or past counting); `null` before the first. */
  occurrence: { number: number; of: number | null } | null;
}

const COUNT_LIMIT = 2_000;

/** Describes a recurring schedule at `at`: the rule in words and "occurrence 2 of 6". */
export function summarizeRecurrence(schedule: Schedule, at: number): RecurrenceSummary {
  const options = parseRule(schedule.recurrence.rule);
  const duration = parseIsoDuration(schedule.recurrence.duration);
  if (typeof options === 'string') throw new Error(options);
  if (typeof duration === 'string') throw new Error(duration);
  const text = `${new RRule(options).toText()}, ${formatDuration(duration)} each`;
  const zone = schedule.timezone ?? 'UTC';
  const start = floating(schedule.startAt, zone);
  const rule = ruleFor(schedule, zone, schedule.startAt); // the schedule's own start: the rule the occurrences use, cached
  const upTo = (until: number) => rule.between(start, floating(until, zone), true, (_, i) => i < COUNT_LIMIT).length;
  const last = schedule.endAt === null ? at : Math.min(at, schedule.endAt - 1);
  const number = last < schedule.startAt ? 0 : upTo(last);
  const bounded = schedule.endAt !== null || (options.count !== undefined && options.count !== null);
  const total = !bounded ? null : schedule.endAt !== null ? upTo(schedule.endAt - 1) : Math.min(options.count!, COUNT_LIMIT);
  return {
    text,
    occurrence: number === 0 ? null : { number, of: total === null || total >= COUNT_LIMIT ? null : total },
  };
}

/** The occurrences of a schedule that overlap `[from, to)`, at most `limit`, in order. */
export function occurrencesBetween(schedule: Schedule, from: number, to: number, limit = 500): OccurrenceWindow[] {
  const zone = schedule.timezone ?? 'UTC';
  const duration = parseIsoDuration(schedule.recurrence.duration);
  if (typeof duration === 'string') throw new Error(duration);
  // an occurrence overlapping `from` started at most one duration (plus a DST hour) before it
  const since = Math.max(schedule.startAt, from - (add(0, duration).getTime() + HOUR));
  const rule = ruleFor(schedule, zone, since);
  const until = schedule.endAt === null ? to : Math.min(to, schedule.endAt);
  const windows: OccurrenceWindow[] = [];
  for (const wall of rule.between(floating(since, zone), floating(until, zone), true, (_, i) => i < limit * 2)) {
    const start = instant(wall, zone);
    if (start < schedule.startAt || start >= until) continue;
    const window = windowFrom(start, schedule, zone);
    if (window.end > from && windows.length < limit) windows.push(window);
  }
  return windows;
}
