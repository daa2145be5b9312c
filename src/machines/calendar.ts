import type { CampaignView } from './CampaignView.js';
import { occurrencesBetween } from './Recurrence.js';

/** One bar on a calendar: a campaign's visible-before-start window, its run, or one occurrence of it. */
export interface CalendarEntry {
  id: string;
  name: string;
  preset: string;
  status: string;
  labels: string[];
  /** The campaign's time zone (its dates are wall time there); null: none set. */
  timezone: string | null;
  kind: 'visible' | 'run' | 'occurrence';
  /** ISO instants; `end` null: runs on with no end date. */
  start: string;
  end: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The windows of a campaign that overlap `[from, to)`: visible from `visibleAt` until the start,
 * the run from `startAt` to `endAt` — or, for a recurring campaign, each occurrence. A campaign
 * without a start date is not on the calendar.
 */
export function calendarEntries(view: CampaignView, from: number, to: number): CalendarEntry[] {
  const base = { id: view.id, name: view.name, preset: view.preset, status: view.status, labels: view.labels, timezone: view.timezone };
  const startAt = view.startAt === null ? null : Date.parse(view.startAt);
  const endAt = view.endAt === null ? null : Date.parse(view.endAt);
  if (startAt === null) return [];
  const entries: CalendarEntry[] = [];
  const overlaps = (start: number, end: number | null) => start < to && (end === null || end > from);
  if (view.visibleAt !== null) {
    const visibleAt = Date.parse(view.visibleAt);
    if (visibleAt < startAt && overlaps(visibleAt, startAt)) entries.push({ ...base, kind: 'visible', start: iso(visibleAt), end: iso(startAt) });
  }
  if (view.recurrence) {
    const schedule = { recurrence: view.recurrence, startAt, endAt, timezone: view.timezone };
    for (const o of occurrencesBetween(schedule, from, to)) entries.push({ ...base, kind: 'occurrence', start: iso(o.start), end: iso(o.end) });
  } else if (overlaps(startAt, endAt)) {
    entries.push({ ...base, kind: 'run', start: iso(startAt), end: endAt === null ? null : iso(endAt) });
  }
  return entries;
}
