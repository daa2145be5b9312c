import { z } from 'zod';
import type { CampaignView } from './CampaignView.js';
import { toIso } from './Instant.js';
import { occurrencesBetween } from './Recurrence.js';

/** One bar on a calendar: a campaign's visible-before-start window, its run, or one occurrence of it. */
export const CalendarEntry = z
  .object({
    id: z.string(),
    name: z.string(),
    preset: z.string(),
    status: z.string(),
    labels: z.array(z.string()),
    timezone: z.string().nullable().meta({ description: "The campaign's time zone (its dates are wall time there); null: none set" }),
    kind: z.enum(['visible', 'run', 'occurrence']).meta({ description: 'Visible before its start, its run, or one occurrence of a recurring campaign' }),
    start: z.string().meta({ format: 'date-time' }),
    end: z.string().nullable().meta({ format: 'date-time', description: 'null: no end date' }),
  })
  .meta({ id: 'CalendarEntry' });
export type CalendarEntry = z.output<typeof CalendarEntry>;

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
    if (visibleAt < startAt && overlaps(visibleAt, startAt)) entries.push({ ...base, kind: 'visible', start: toIso(visibleAt), end: toIso(startAt) });
  }
  if (view.recurrence) {
    const schedule = { recurrence: view.recurrence, startAt, endAt, timezone: view.timezone };
    for (const o of occurrencesBetween(schedule, from, to)) entries.push({ ...base, kind: 'occurrence', start: toIso(o.start), end: toIso(o.end) });
  } else if (overlaps(startAt, endAt)) {
    entries.push({ ...base, kind: 'run', start: toIso(startAt), end: endAt === null ? null : toIso(endAt) });
  }
  return entries;
}
