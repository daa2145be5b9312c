import { z } from 'zod';

const ISO_WITH_OFFSET = z.iso.datetime({
  offset: true,
  error: 'Expected an ISO-8601 date-time with an offset, e.g. 2026-05-01T09:00:00+02:00 or 2026-05-01T07:00:00Z',
});

/**
 * An absolute instant at the boundary: an ISO-8601 string **with** an offset, or a valid `Date`.
 * Numbers and offset-less strings are rejected because they do not say which instant they mean.
 * Parses to epoch milliseconds, the only time representation used inside.
 */
export const Instant = z
  .union([ISO_WITH_OFFSET, z.date({ error: 'Expected an ISO-8601 date-time string with an offset, or a Date' })])
  .transform((value, ctx) => {
    const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'Invalid date' });
      return z.NEVER;
    }
    return ms;
  });
export type Instant = z.output<typeof Instant>;

/** Recent conversions: a campaign's dates repeat in every view and history entry of it. */
const isoCache = new Map<number, string>();

/** Epoch milliseconds → ISO string (UTC), `null` stays `null`. */
export function toIso(ms: number): string;
export function toIso(ms: number | null): string | null;
export function toIso(ms: number | null): string | null {
  if (ms === null) return null;
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    iso = new Date(ms).toISOString();
    if (isoCache.size >= 20_000) isoCache.clear();
    isoCache.set(ms, iso);
  }
  return iso;
}
