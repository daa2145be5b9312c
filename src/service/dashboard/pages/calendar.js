import { api } from '../api.js';
import { debounce, fill, h, hashFor } from '../dom.js';
import { formatInZone, viewerTime, zoneOf } from '../zone.js';

const DAY = 86_400_000;
const KIND_WORDS = { visible: 'visible, not started', run: 'running', occurrence: 'occurrence' };

const monthOf = (param) => {
  const match = /^(\d{4})-(\d{2})$/.exec(param ?? '');
  const now = new Date();
  return match ? { year: Number(match[1]), month: Number(match[2]) - 1 } : { year: now.getFullYear(), month: now.getMonth() };
};
const monthParam = ({ year, month }) => `${year}-${String(month + 1).padStart(2, '0')}`;
const shift = ({ year, month }, by) => {
  const d = new Date(year, month + by, 1);
  return { year: d.getFullYear(), month: d.getMonth() };
};
/**
 * A month (or, with `view=week`, a week) of campaigns: each day lists the campaigns visible, running or in an occurrence that
 * day (days in the viewer's time; hover shows the window in the campaign's zone), filtered by
 * preset and label; weeks start on Monday.
 */
export function mountCalendar(main, params, meta) {
  const week = params.view === 'week';
  const shown = monthOf(params.month);
  const preset = params.preset ?? '';
  const label = params.label ?? '';
  const first = new Date(shown.year, shown.month, 1);
  // the month's grid starts on the Monday of its first week; the week view on the Monday of the week asked for (or this one)
  const monday = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7));
  const weekOf = /^\d{4}-\d{2}-\d{2}$/.test(params.week ?? '') ? monday(new Date(`${params.week}T12:00:00`)) : monday(new Date());
  const gridStart = week ? weekOf : monday(first);
  const length = week ? 7 : 42;
  const days = Array.from({ length }, (_, i) => new Date(gridStart.getFullYear(), gridStart.getMonth(), gridStart.getDate() + i));
  const dayKey = (day) => `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  const title = week
    ? `Week of ${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(gridStart)}`
    : new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(first);
  const message = h('p', { class: 'error', role: 'alert' });
  const grid = h('div', { class: `calendar${week ? ' week' : ''}`, role: 'grid', 'aria-label': title, 'data-testid': 'calendar' });
  const here = week ? { view: 'week', week: dayKey(gridStart), preset, label } : { month: monthParam(shown), preset, label };
  const moved = (by) =>
    week
      ? hashFor('calendar', { ...here, week: dayKey(new Date(gridStart.getFullYear(), gridStart.getMonth(), gridStart.getDate() + 7 * by)) })
      : hashFor('calendar', { ...here, month: monthParam(shift(shown, by)) });
  const hourMinute = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

  fill(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, title),
      h(
        'nav',
        { class: 'calendar-nav', 'aria-label': week ? 'Week' : 'Month' },
        h('a', { class: 'button secondary', href: moved(-1), 'data-testid': 'previous-month' }, '← Previous'),
        h('a', { class: 'button secondary', href: hashFor('calendar', { ...here, month: '', week: '' }) }, week ? 'This week' : 'This month'),
        h('a', { class: 'button secondary', href: moved(1), 'data-testid': 'next-month' }, 'Next →'),
        week
          ? h('a', { class: 'button secondary', href: hashFor('calendar', { month: monthParam({ year: gridStart.getFullYear(), month: gridStart.getMonth() }), preset, label }), 'data-testid': 'month-view' }, 'Month')
          : h('a', { class: 'button secondary', href: hashFor('calendar', { view: 'week', week: dayKey(monday(first)), preset, label }), 'data-testid': 'week-view' }, 'Week'),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'select',
        { 'aria-label': 'Preset', onchange: (e) => location.assign(hashFor('calendar', { ...here, preset: e.target.value })) },
        h('option', { value: '' }, 'All presets'),
        meta.presets.map((p) => h('option', { value: p.name, selected: p.name === preset }, p.title)),
      ),
      h(
        'form',
        { class: 'inline', onsubmit: (e) => (e.preventDefault(), location.assign(hashFor('calendar', { ...here, label: e.target.elements.label.value.trim() }))) },
        h('input', { name: 'label', value: label, placeholder: 'Label', 'aria-label': 'Label' }),
        h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
      ),
    ),
    message,
    grid,
  );

  function render(entries) {
    const weekdays = Array.from({ length: 7 }, (_, i) => new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(days[i]));
    const cells = days.map((day) => {
        const start = day.getTime();
        const end = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
        // one chip per campaign and kind a day: an hourly rule's occurrences are counted, not repeated
        const today = [];
        for (const e of entries.filter((e) => Date.parse(e.start) < end && (e.end === null || Date.parse(e.end) > start))) {
          const same = today.find((t) => t.id === e.id && t.kind === e.kind);
          if (same) same.times += 1;
          else today.push({ ...e, times: 1 });
        }
        const key = dayKey(day);
        return h(
          'div',
          { class: `calendar-day${week || day.getMonth() === shown.month ? '' : ' other-month'}`, role: 'gridcell', 'data-day': key },
          h('div', { class: 'calendar-date' }, String(day.getDate())),
          today.map((e) =>
            h(
              'a',
              {
                class: `calendar-entry kind-${e.kind} preset-${e.preset}`,
                href: `#/campaigns/${encodeURIComponent(e.id)}`,
                title: `${e.name} (${e.status}) — ${KIND_WORDS[e.kind]}: ${formatInZone(e.start, zoneOf(e))} → ${e.end ? formatInZone(e.end, zoneOf(e)) : 'no end date'}. ${viewerTime(e.start)}`,
              },
              week && Date.parse(e.start) >= start ? `${hourMinute.format(new Date(e.start))} ` : null,
              e.times > 1 ? `${e.name} ×${e.times}` : e.name,
            ),
          ),
        );
      });
    // rows are `display: contents`: the cells sit in the grid's 7 columns, the roles make a table of weeks
    fill(
      grid,
      h('div', { class: 'calendar-row', role: 'row' }, weekdays.map((d) => h('div', { class: 'calendar-weekday', role: 'columnheader' }, d))),
      Array.from({ length: length / 7 }, (_, row) => h('div', { class: 'calendar-row', role: 'row' }, cells.slice(row * 7, row * 7 + 7))),
    );
  }

  async function refresh() {
    try {
      const query = new URLSearchParams({ from: days[0].toISOString(), to: new Date(days.at(-1).getTime() + DAY).toISOString() });
      if (preset) query.set('preset', preset);
      if (label) query.set('label', label);
      const { items } = await api('GET', `/api/calendar?${query}`);
      message.textContent = '';
      render(items);
    } catch (error) {
      message.textContent = error.message;
    }
  }

  const refreshSoon = debounce(() => void refresh(), 500);
  return { refresh, onChange: refreshSoon, unmount: refreshSoon.cancel };
}
