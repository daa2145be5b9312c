const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatDate = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');

/** "in 3 minutes", "2 hours ago". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const units = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') return relativeTime.format(Math.round(seconds / size), unit);
  }
  return '';
}

/** `ACTIVATE_NOW` → "Activate now". */
export const commandLabel = (type) =>
  ({ UPDATE: 'Edit', END: 'End early', DELETE: 'Delete' })[type] ??
  type.charAt(0) + type.slice(1).toLowerCase().replaceAll('_', ' ');

export const statusClass = (status) => `badge status-${String(status).toLowerCase().replace(/[^a-z]/g, '')}`;

export const splitList = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const EVENT_WORDS = {
  startAt: 'Start date',
  endAt: 'End date',
  visibleAt: 'Visible date',
  occurrenceStart: 'Occurrence starts',
  occurrenceEnd: 'Occurrence ends',
  CREATE: 'Created',
  DELETE: 'Deleted',
  SYSTEM_FAULT: 'System fault',
  SYSTEM_RECOVER: 'Recovered',
  AUDIENCE_LIST_LOADED: 'Audience list loaded',
};

/** A change's event in words: "End date", "Occurrence starts", "Pause". */
export const eventLabel = (event) => EVENT_WORDS[event] ?? commandLabel(event);

const FIELD_WORDS = {
  name: 'Name',
  startAt: 'Start',
  endAt: 'End',
  visibleAt: 'Visible from',
  timezone: 'Time zone',
  products: 'Products',
  labels: 'Labels',
  audience: 'Audience',
  recurrence: 'Repeats',
  content: 'Content',
  onResume: 'After a pause',
};

/** A definition field's value in words (dates formatted, lists joined, nothing as "none"). */
function fieldValue(field, value) {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return 'none';
  if (['startAt', 'endAt', 'visibleAt'].includes(field)) return formatDate(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : (v.id ?? JSON.stringify(v)))).join(', ');
  if (field === 'recurrence') return `${value.rule} for ${value.duration}`;
  if (field === 'audience') return value.mode ?? JSON.stringify(value);
  if (typeof value === 'object') return 'changed';
  return String(value);
}

/** What an UPDATE (its `detail.patch`, and `detail.before` when recorded) or an extending RESUME changed: ["End: Mar 1 → Mar 3", …]. */
export function changedFields(detail) {
  if (!detail || typeof detail !== 'object') return [];
  if (detail.extended) {
    return Object.entries(detail.extended).map(([field, { from, to }]) => `${eventLabel(field)} moved: ${formatDate(from)} → ${formatDate(to)}`);
  }
  if (!detail.patch) return [];
  return Object.entries(detail.patch).map(([field, value]) => {
    const label = FIELD_WORDS[field] ?? field;
    return detail.before && field in detail.before
      ? `${label}: ${fieldValue(field, detail.before[field])} → ${fieldValue(field, value)}`
      : `${label}: ${fieldValue(field, value)}`;
  });
}

/** Who made a change: the user (with the request's id), the system, or a date that fell due. */
export function changeSource(change) {
  if (change.source === 'timer') return 'date fell due';
  const who = change.source === 'system' ? 'by the system' : 'by a user';
  return change.commandId ? `${who} (request ${change.commandId})` : who;
}
