import { TZDate, tzName } from './vendor/tz/index.js';

/**
 * Dates in a campaign's time zone: what a person types is wall time there, and every date is
 * shown there with the zone's name (the viewer's own time on hover). Conversions are
 * @date-fns/tz's (served from the package), display is the browser's Intl.
 */

/** The browser's own time zone. */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zone a campaign's dates are entered and shown in: its own, else the browser's. */
export const zoneOf = (campaign) => campaign?.timezone || browserZone();

const formatters = new Map();
const formatter = (zone) => {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
    formatters.set(zone, format);
  }
  return format;
};

/** "Mar 10, 2026, 9:00 AM GMT+1": an instant as wall time in `zone`, labelled with the zone. */
export function formatInZone(iso, zone) {
  if (!iso) return '—';
  const date = new Date(iso);
  return `${formatter(zone).format(date)} ${tzName(zone, date, 'short')}`;
}

const viewer = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** The hover text of a date shown in a campaign's zone: the same instant in the viewer's time. */
export const viewerTime = (iso) => (iso ? `Your time: ${viewer.format(new Date(iso))}` : '');

const pad = (n) => String(n).padStart(2, '0');

/** An instant → a `datetime-local` value holding its wall time in `zone`. */
export function toZoneInput(iso, zone) {
  if (!iso) return '';
  const d = new TZDate(Date.parse(iso), zone);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value read as wall time in `zone` → the ISO instant (null when empty). */
export function fromZoneInput(value, zone) {
  if (!value) return null;
  const [day, time = '00:00'] = value.split('T');
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(new TZDate(y, m - 1, d, hh, mm, zone).getTime()).toISOString();
}
