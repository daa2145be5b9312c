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

/** `datetime-local` value (local time) → ISO instant, or null when empty. */
export const fromLocalInput = (value) => (value ? new Date(value).toISOString() : null);

/** ISO instant → `datetime-local` value in local time. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const splitList = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
