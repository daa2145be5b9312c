import { api } from '../api.js';
import { fill, h } from '../dom.js';
import { browserZone, formatInZone, viewerTime } from '../zone.js';

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
const calendarHash = (params) => {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#/calendar${query ? `?${query}` : ''}`;
};

/**
 * A month of campaigns: each day lists the campaigns visible, running or in an occurrence that
 * day (days in the viewer's time; hover shows the window in the campaign's zone), filtered by
 * preset and label; weeks start on Monday.
 */
export function mountCalendar(main, params, meta) {
  const shown = monthOf(params.month);
  const preset = params.preset ?? '';
  const label = params.label ?? '';
  const first = new Date(shown.year, shown.month, 1);
  const gridStart = new Date(shown.year, shown.month, 1 - ((first.getDay() + 6) % 7));
  const days = Array.from({ length: 42 }, (_, i) => new Date(gridStart.getFullYear(), gridStart.getMonth(), gridStart.getDate() + i));
  const title = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(first);
  const message = h('p', { class: 'error', role: 'alert' });
  const grid = h('div', { class: 'calendar', role: 'grid', 'aria-label': title, 'data-testid': 'calendar' });
  const here = { month: monthParam(shown), preset, label };

  fill(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, title),
      h(
        'nav',
        { class: 'calendar-nav', 'aria-label': 'Month' },
        h('a', { class: 'button secondary', href: calendarHash({ ...here, month: monthParam(shift(shown, -1)) }), 'data-testid': 'previous-month' }, '← Previous'),
        h('a', { class: 'button secondary', href: calendarHash({ ...here, month: '' }) }, 'This month'),
        h('a', { class: 'button secondary', href: calendarHash({ ...here, month: monthParam(shift(shown, 1)) }), 'data-testid': 'next-month' }, 'Next →'),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'select',
        { 'aria-label': 'Preset', onchange: (e) => location.assign(calendarHash({ ...here, preset: e.target.value })) },
        h('option', { value: '' }, 'All presets'),
        meta.presets.map((p) => h('option', { value: p.name, selected: p.name === preset }, p.title)),
      ),
      h(
        'form',
        { class: 'inline', onsubmit: (e) => (e.preventDefault(), location.assign(calendarHash({ ...here, label: e.target.elements.label.value.trim() }))) },
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
        const key = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
        return h(
          'div',
          { class: `calendar-day${day.getMonth() === shown.month ? '' : ' other-month'}`, role: 'gridcell', 'data-day': key },
          h('div', { class: 'calendar-date' }, String(day.getDate())),
          today.map((e) =>
            h(
              'a',
              {
                class: `calendar-entry kind-${e.kind} preset-${e.preset}`,
                href: `#/campaigns/${encodeURIComponent(e.id)}`,
                title: `${e.name} (${e.status}) — ${KIND_WORDS[e.kind]}: ${formatInZone(e.start, e.timezone ?? browserZone())} → ${e.end ? formatInZone(e.end, e.timezone ?? browserZone()) : 'no end date'}. ${viewerTime(e.start)}`,
              },
              e.times > 1 ? `${e.name} ×${e.times}` : e.name,
            ),
          ),
        );
      });
    // rows are `display: contents`: the cells sit in the grid's 7 columns, the roles make a table of weeks
    fill(
      grid,
      h('div', { class: 'calendar-row', role: 'row' }, weekdays.map((d) => h('div', { class: 'calendar-weekday', role: 'columnheader' }, d))),
      Array.from({ length: 6 }, (_, week) => h('div', { class: 'calendar-row', role: 'row' }, cells.slice(week * 7, week * 7 + 7))),
    );
  }

  async function refresh() {
    try {
      const query = new URLSearchParams({ from: days[0].toISOString(), to: new Date(days[41].getTime() + DAY).toISOString() });
      if (preset) query.set('preset', preset);
      if (label) query.set('label', label);
      const { items } = await api('GET', `/api/calendar?${query}`);
      message.textContent = '';
      render(items);
    } catch (error) {
      message.textContent = error.message;
    }
  }

  let pending = null;
  return {
    refresh,
    onChange() {
      clearTimeout(pending);
      pending = setTimeout(() => void refresh(), 500);
    },
    unmount() {
      clearTimeout(pending);
    },
  };
}
