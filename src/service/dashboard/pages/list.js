import { api, ApiError, newKey } from '../api.js';
import { debounce, fill, h, hashFor } from '../dom.js';
import { consequenceOf } from '../consequences.js';
import { commandLabel, eventLabel, relative, statusClass } from '../format.js';
import { formatInZone, viewerTime, zoneOf } from '../zone.js';

const FIRST_TABS = ['Active', 'Scheduled', 'Draft', 'Paused', 'Expired'];
const PAGE_SIZE = 50;

/** The list's columns, each the sort the API orders by. */
const COLUMNS = [
  { key: 'name', label: 'Name' },
  { key: 'preset', label: 'Preset' },
  { key: 'status', label: 'Status' },
  { key: 'startAt', label: 'Starts' },
  { key: 'endAt', label: 'Ends' },
  { key: null, label: 'Next date' },
];

/** The campaign list: status tabs with counts, a preset filter, checkboxes and bulk actions. */
export function mountList(main, params, meta) {
  const status = params.status ?? '';
  const search = params.q ?? '';
  const preset = params.preset ?? '';
  const selected = new Set();
  let items = [];
  let next = null;
  const sort = { key: params.sort ?? null, ascending: params.order !== 'desc' };
  const here = { status, preset, q: search, sort: sort.key, order: sort.key && !sort.ascending ? 'desc' : null };

  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Status', 'data-testid': 'status-tabs' });
  const presetSelect = h(
    'select',
    { 'aria-label': 'Preset', onchange: (e) => location.assign(hashFor('', { ...here, preset: e.target.value })) },
    h('option', { value: '' }, 'All presets'),
    meta.presets.map((p) => h('option', { value: p.name, selected: p.name === preset }, p.title)),
  );
  const commands = [...new Set(meta.presets.flatMap((p) => p.commands))].filter((c) => c !== 'UPDATE');
  const bulkCommand = h(
    'select',
    { 'aria-label': 'Bulk action', 'data-testid': 'bulk-command' },
    commands.map((c) => h('option', { value: c }, commandLabel(c))),
    h('option', { value: 'DELETE' }, 'Delete'),
  );
  const bulkCount = h('span', { class: 'muted' });
  const bulkApply = h('button', { type: 'button', 'data-testid': 'bulk-apply', onclick: () => void applyBulk() }, 'Apply to selected');
  const bulkResult = h('div', { class: 'bulk-result', role: 'status', 'data-testid': 'bulk-result' });
  const selectAll = h('input', {
    type: 'checkbox',
    'aria-label': 'Select all',
    onchange: (e) => {
      for (const item of items) e.target.checked ? selected.add(item.id) : selected.delete(item.id);
      renderRows();
    },
  });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', onclick: () => void loadMore() }, 'Load more');
  const message = h('p', { class: 'error', role: 'alert' });

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Campaigns'), h('a', { class: 'button', href: '#/new' }, 'New campaign')),
    tabs,
    h(
      'div',
      { class: 'toolbar' },
      h(
        'div',
        { class: 'filters' },
        presetSelect,
        h(
          'form',
          { class: 'inline', role: 'search', onsubmit: (e) => (e.preventDefault(), location.assign(hashFor('', { ...here, q: e.target.elements.q.value.trim() }))) },
          h('input', { name: 'q', type: 'search', value: search, placeholder: 'Name or label', 'aria-label': 'Search by name or label', 'data-testid': 'search' }),
          h('button', { type: 'submit', class: 'secondary' }, 'Search'),
        ),
      ),
      h('div', { class: 'bulk' }, bulkCount, bulkCommand, bulkApply),
    ),
    bulkResult,
    message,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'campaigns', 'data-testid': 'campaign-table' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { class: 'check' }, selectAll), COLUMNS.map((column) => header(column))),
        ),
        tbody,
      ),
    ),
    more,
  );

  function renderTabs(counts) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    // one preset: its own statuses in its own order; all presets: the common ones, then any other that has campaigns
    const chosen = meta.presets.find((p) => p.name === preset);
    const order = chosen
      ? chosen.statuses
      : [...FIRST_TABS, ...Object.keys(counts).filter((s) => !FIRST_TABS.includes(s) && (counts[s] > 0 || s === status))];
    const tab = (label, value, count) =>
      h(
        'a',
        {
          class: `tab${count === 0 ? ' empty' : ''}`,
          href: hashFor('', { ...here, status: value }),
          'aria-current': value === status ? 'page' : null,
          'data-status': value || 'All',
        },
        h('span', {}, label),
        h('span', { class: 'count' }, String(count)),
      );
    fill(tabs, tab('All', '', total), order.filter((s) => s in counts).map((s) => tab(s, s, counts[s])));
  }

  function row(view) {
    const checkbox = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${view.name}`,
      checked: selected.has(view.id),
      onchange: (e) => {
        e.target.checked ? selected.add(view.id) : selected.delete(view.id);
        renderBulk();
      },
    });
    return h(
      'tr',
      { 'data-id': view.id },
      h('td', { class: 'check' }, checkbox),
      h('td', {}, h('a', { href: `#/campaigns/${encodeURIComponent(view.id)}`, class: 'name' }, view.name)),
      h('td', {}, view.preset),
      h('td', {}, h('span', { class: statusClass(view.status) }, view.status)),
      h('td', { title: viewerTime(view.startAt) }, formatInZone(view.startAt, zoneOf(view))),
      h('td', { title: viewerTime(view.endAt) }, formatInZone(view.endAt, zoneOf(view))),
      h('td', {}, view.nextTimer ? `${eventLabel(view.nextTimer.event)} ${relative(view.nextTimer.at)}` : '—'),
    );
  }

  /** A column header: a button that orders the whole list by it (the server sorts; pages follow the order), again for the other way. */
  function header(column) {
    if (!column.key) return h('th', { scope: 'col' }, column.label);
    const on = sort.key === column.key;
    const th = h('th', { scope: 'col', 'aria-sort': on ? (sort.ascending ? 'ascending' : 'descending') : 'none' });
    const order = on && sort.ascending ? 'desc' : null;
    return fill(
      th,
      h('button', { type: 'button', class: 'sort', 'data-sort': column.key, onclick: () => location.assign(hashFor('', { ...here, sort: column.key, order })) }, column.label),
    );
  }

  function renderRows() {
    fill(tbody, items.length > 0 ? items.map(row) : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No campaigns here.')));
    more.hidden = next === null;
    renderBulk();
  }

  function renderBulk() {
    for (const id of [...selected]) if (!items.some((i) => i.id === id)) selected.delete(id);
    bulkCount.textContent = `${selected.size} selected`;
    bulkApply.disabled = selected.size === 0;
    selectAll.checked = items.length > 0 && selected.size === items.length;
  }

  const query = (after) => {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status) q.set('status', status);
    if (preset) q.set('preset', preset);
    if (search) q.set('search', search);
    if (sort.key) q.set('sort', sort.key);
    if (sort.key && !sort.ascending) q.set('order', 'desc');
    if (after) q.set('after', after);
    return q.toString();
  };

  async function refresh() {
    try {
      const [counts, page] = await Promise.all([
        api('GET', `/api/counts${preset ? `?preset=${encodeURIComponent(preset)}` : ''}`),
        api('GET', `/api/campaigns?${query()}`),
      ]);
      message.textContent = '';
      renderTabs(counts);
      items = page.items;
      next = page.next;
      renderRows();
    } catch (error) {
      message.textContent = error.message;
    }
  }

  async function loadMore() {
    if (!next) return;
    const page = await api('GET', `/api/campaigns?${query(next)}`);
    items = [...items, ...page.items];
    next = page.next;
    renderRows();
  }

  async function applyBulk() {
    const ids = [...selected];
    if (ids.length === 0) return;
    const type = bulkCommand.value;
    const chosen = items.filter((i) => selected.has(i.id));
    const consequences = [...new Set(chosen.map((i) => (type === 'DELETE' ? 'Deleted campaigns and their history are removed for good.' : consequenceOf(i.preset, type))).filter(Boolean))];
    if (consequences.length > 0 && !confirm(`${commandLabel(type)} ${ids.length} campaign${ids.length === 1 ? '' : 's'}?\n\n${consequences.join('\n\n')}`)) return;
    bulkApply.disabled = true;
    try {
      const { results } = await api('POST', '/api/campaigns/bulk', {
        body: { ids, command: { type } },
        headers: { 'Idempotency-Key': newKey() },
      });
      const names = new Map(items.map((i) => [i.id, i.name]));
      const refused = results.filter((r) => !r.ok);
      fill(
        bulkResult,
        h('strong', {}, `${commandLabel(type)}: ${results.length - refused.length} done, ${refused.length} refused`),
        refused.length > 0
          ? h('ul', {}, refused.map((r) => h('li', {}, h('span', { class: 'name' }, names.get(r.id) ?? r.id), ': ', r.error.reason ?? r.error.message)))
          : null,
      );
      selected.clear();
    } catch (error) {
      fill(bulkResult, h('span', { class: 'error' }, error instanceof ApiError ? error.message : String(error)));
    }
    await refresh();
  }

  const refreshSoon = debounce(() => void refresh(), 250);
  return { refresh, onChange: refreshSoon };
}
