import { api, ApiError, newKey } from '../api.js';
import { debounce, fill, h } from '../dom.js';
import { definitionFields } from '../fields.js';
import { consequenceOf } from '../consequences.js';
import { changedFields, changeSource, commandLabel, eventLabel, formatDate, relative, statusClass } from '../format.js';
import { createChart } from '../statechart.js';
import { formatInZone, fromZoneInput, viewerTime, zoneOf } from '../zone.js';

const ORDER = ['ACTIVATE', 'PUBLISH', 'ACTIVATE_NOW', 'PAUSE', 'RESUME', 'FREEZE', 'CLOSE', 'REACTIVATE', 'END', 'CANCEL', 'ARCHIVE', 'ABORT', 'UPDATE'];

const yesNo = (value) => (value ? 'yes' : 'no');

/** One campaign: status, facts, actions (refused ones with their reason), statechart, history and forecast. */
export function mountCampaign(main, params, meta) {
  const id = params.id;
  let view = null;
  const chart = createChart(meta.statechart);

  const title = h('h1', { 'data-testid': 'campaign-name' });
  const badge = h('span', { 'data-testid': 'status' });
  const sub = h('p', { class: 'muted' });
  const facts = h('dl', { class: 'facts' });
  const actions = h('div', { class: 'actions', 'data-testid': 'actions' });
  const panel = h('div', { class: 'action-panel' });
  // what an action did (or why not): announced, and where the focus goes after an action
  const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite', tabindex: '-1', 'data-testid': 'message' });
  const history = h('ol', { class: 'timeline', 'data-testid': 'history' });
  const forecast = h('ul', { class: 'forecast', 'data-testid': 'forecast' });

  fill(
    main,
    h('p', {}, h('a', { href: '#/' }, '← All campaigns')),
    h('div', { class: 'campaign-head' }, title, badge),
    sub,
    facts,
    h('section', {}, h('h2', {}, 'Actions'), actions, panel, message),
    h('section', {}, h('h2', {}, 'Statechart'), chart.el),
    h(
      'div',
      { class: 'columns' },
      h('section', {}, h('h2', {}, 'Forecast'), forecast),
      h('section', {}, h('h2', {}, 'History'), history),
    ),
  );

  const presetOf = (v) => meta.presets.find((p) => p.name === v.preset);

  function renderView() {
    const v = view;
    title.textContent = v.name;
    badge.className = statusClass(v.status);
    badge.textContent = v.status;
    sub.textContent = `${presetOf(v)?.title ?? v.preset} · version ${v.version} · id ${v.id}`;
    const fact = (label, value, title) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', { title }, value));
    const zone = zoneOf(v);
    const at = (label, iso) => fact(label, formatInZone(iso, zone), viewerTime(iso));
    fill(
      facts,
      fact('Intake', v.intake ?? '—'),
      fact('Accepts audience', yesNo(v.acceptsAudience)),
      fact('Processing', yesNo(v.processing)),
      fact('Visible', yesNo(v.visible)),
      v.visibleAt || presetOf(v)?.fields.visibleAt ? at('Visible from', v.visibleAt) : null,
      at('Starts', v.startAt),
      at(v.preset === 'gifting' ? 'Expires' : 'Ends', v.endAt),
      fact(
        'Next date',
        v.nextTimer ? `${eventLabel(v.nextTimer.event)}: ${formatInZone(v.nextTimer.at, zone)} (${relative(v.nextTimer.at)})` : '—',
        v.nextTimer ? viewerTime(v.nextTimer.at) : null,
      ),
      v.recurrence ? fact('Repeats', v.recurrenceText ?? v.recurrence.rule, `${v.recurrence.rule}; ${v.recurrence.duration} each`) : null,
      progressFact(v, fact),
      fact('Time zone', v.timezone ?? `${zone} (not set: your browser's)`),
      v.labels.length > 0 ? fact('Labels', v.labels.join(', ')) : null,
      v.products.length > 0 ? fact('Products', v.products.map((p) => (typeof p === 'string' ? p : p.id)).join(', ')) : null,
      v.fault ? fact('Fault', `${v.fault.reason} (${formatDate(v.fault.at)})`) : null,
    );
    renderActions();
    chart.update(v);
  }

  /** How far the campaign is: its window's elapsed share, and for a recurring one "occurrence 2 of 6". */
  function progressFact(v, fact) {
    const now = Date.parse(v.asOf);
    const share = (from, to) => Math.min(100, Math.max(0, Math.round(((now - Date.parse(from)) / (Date.parse(to) - Date.parse(from))) * 100)));
    const parts = [];
    if (v.occurrenceNumber) parts.push(`occurrence ${v.occurrenceNumber.number}${v.occurrenceNumber.of ? ` of ${v.occurrenceNumber.of}` : ''}`);
    const window = v.recurrence ? v.occurrence : v.startAt && v.endAt ? { start: v.startAt, end: v.endAt } : null;
    if (window && Date.parse(window.start) <= now && now < Date.parse(window.end)) {
      parts.push(`${share(window.start, window.end)} % of ${v.recurrence ? 'this occurrence' : 'its run'} elapsed`);
    }
    return parts.length > 0 ? fact('Progress', parts.join(', ')) : null;
  }

  function actionButton(type, { allowed, reason, onclick, danger = false }) {
    const reasonId = `reason-${type}`;
    return h(
      'button',
      {
        type: 'button',
        class: `action${allowed ? '' : ' refused'}${danger ? ' danger' : ''}`,
        'data-command': type,
        'aria-disabled': allowed ? null : 'true',
        'aria-describedby': allowed ? null : reasonId,
        title: allowed ? null : reason,
        onclick: () => {
          if (allowed) onclick();
          else message.textContent = `${commandLabel(type)}: ${reason}`;
        },
      },
      commandLabel(type),
      allowed ? null : h('span', { class: 'reason', id: reasonId, role: 'tooltip' }, reason),
    );
  }

  function renderActions() {
    const v = view;
    const known = ORDER.filter((c) => v.actions.includes(c) || c in v.refusals);
    // a live update must not take the keyboard focus away from the action the user is on
    const focused = actions.contains(document.activeElement) ? document.activeElement.dataset.command : null;
    fill(
      actions,
      known.map((type) =>
        actionButton(type, {
          allowed: v.actions.includes(type),
          reason: v.refusals[type] ?? '',
          onclick: () => (type === 'UPDATE' ? openEdit() : type === 'REACTIVATE' ? openReactivate() : void confirmAndSend({ type })),
        }),
      ),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'secondary', 'data-command': 'DUPLICATE', onclick: () => void duplicate() }, 'Duplicate'),
      actionButton('DELETE', {
        danger: true,
        allowed: v.deletable,
        reason: v.refusals.DELETE ?? '',
        onclick: () => void remove(),
      }),
    );
    if (focused) actions.querySelector(`[data-command="${focused}"]`)?.focus();
  }

  /** Asks first when the command cannot be undone, saying what it does in the preset's words. */
  async function confirmAndSend(command) {
    const consequence = consequenceOf(view.preset, command.type);
    if (consequence && !confirm(`${commandLabel(command.type)} “${view.name}”?\n\n${consequence}`)) {
      message.textContent = `${commandLabel(command.type)}: nothing was changed.`;
      return null;
    }
    return send(command);
  }

  async function send(command) {
    message.textContent = '';
    const before = view.status;
    try {
      view = await api('POST', `/api/campaigns/${encodeURIComponent(id)}/commands`, {
        body: command,
        headers: { 'If-Match': `"${view.version}"`, 'Idempotency-Key': newKey() },
      });
      fill(panel);
      renderView();
      message.textContent =
        command.type === 'UPDATE'
          ? `Saved: ${Object.keys(command.patch ?? {}).join(', ') || 'nothing'} changed.`
          : `${commandLabel(command.type)} done: ${before === view.status ? `still ${view.status}` : `${before} → ${view.status}`}.`;
      message.focus(); // not the button just pressed, which may now be refused
      await refreshTimeline();
      return null;
    } catch (error) {
      showError(error);
      if (error instanceof ApiError && error.status === 409) await refresh();
      return error;
    }
  }

  function showError(error) {
    if (error instanceof ApiError && error.body.issues) {
      message.textContent = error.body.issues.map((i) => `${i.path?.join('.') || 'input'}: ${i.message}`).join('; ');
    } else message.textContent = error.message;
  }

  function openEdit() {
    const preset = presetOf(view);
    const fields = definitionFields(preset, view);
    const form = h(
      'form',
      {
        class: 'definition',
        'data-testid': 'edit-form',
        novalidate: true,
        onsubmit: async (e) => {
          e.preventDefault();
          const values = fields.read();
          const patch = Object.fromEntries([...fields.changed()].map((name) => [name, values[name]]));
          if (Object.keys(patch).length === 0) return fill(panel);
          const error = await send({ type: 'UPDATE', patch });
          const issues = error instanceof ApiError ? (error.body.issues ?? []) : [];
          fields.showIssues(issues.map((i) => (i.path?.[0] === 'patch' ? { ...i, path: i.path.slice(1) } : i)));
        },
      },
      fields.nodes,
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Save changes'), h('button', { type: 'button', class: 'secondary', onclick: () => fill(panel) }, 'Cancel')),
    );
    fill(panel, form);
  }

  function openReactivate() {
    const needs = view.needs?.REACTIVATE ?? null;
    const start = h('input', { type: 'datetime-local', name: 'startAt' });
    const end = h('input', { type: 'datetime-local', name: 'endAt', required: Boolean(needs) });
    const form = h(
      'form',
      {
        class: 'definition inline',
        'data-testid': 'reactivate-form',
        onsubmit: async (e) => {
          e.preventDefault();
          const command = { type: 'REACTIVATE' };
          if (start.value) command.startAt = fromZoneInput(start.value, zoneOf(view));
          if (end.value) command.endAt = fromZoneInput(end.value, zoneOf(view));
          await send(command);
        },
      },
      needs ? h('p', { class: 'hint' }, `Reactivating needs ${needs}.`) : null,
      h('label', { class: 'field' }, h('span', { class: 'label' }, `New start in ${zoneOf(view)} (empty: now)`), start),
      h('label', { class: 'field' }, h('span', { class: 'label' }, `New end in ${zoneOf(view)}${needs ? '' : ' (optional)'}`), end),
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Reactivate'), h('button', { type: 'button', class: 'secondary', onclick: () => fill(panel) }, 'Cancel')),
    );
    fill(panel, form);
  }

  async function duplicate() {
    try {
      const copy = await api('POST', `/api/campaigns/${encodeURIComponent(id)}/duplicate`, { body: {} });
      location.assign(`#/campaigns/${encodeURIComponent(copy.id)}`);
    } catch (error) {
      showError(error);
    }
  }

  async function remove() {
    if (!confirm(`Delete “${view.name}”?\n\nThe campaign and its history are removed for good; its id is never used again.`)) return;
    try {
      await api('DELETE', `/api/campaigns/${encodeURIComponent(id)}`, { headers: { 'If-Match': `"${view.version}"` } });
      location.assign('#/');
    } catch (error) {
      showError(error);
    }
  }

  function renderHistory(items) {
    fill(
      history,
      [...items].reverse().map((c) =>
        h(
          'li',
          { class: `entry source-${c.source}` },
          h('time', { datetime: c.at, title: viewerTime(c.at) }, formatInZone(c.at, zoneOf(view))),
          h('span', { class: 'event', title: c.event }, eventLabel(c.event)),
          h('span', { class: 'source' }, changeSource(c)),
          h(
            'span',
            { class: 'transition' },
            !c.from ? `→ ${c.to}` : c.from === c.to ? `status unchanged (${c.to})` : `${c.from} → ${c.to ?? 'deleted'}`,
          ),
          changedFields(c.detail).map((line) => h('span', { class: 'changed' }, line)),
          c.detail?.reason ? h('span', { class: 'changed' }, `Reason: ${c.detail.reason}`) : null,
          c.dueAt ? h('span', { class: 'due' }, `due ${formatInZone(c.dueAt, zoneOf(view))}, fired +${Date.parse(c.at) - Date.parse(c.dueAt)} ms later`) : null,
        ),
      ),
    );
  }

  function renderForecast(items) {
    fill(
      forecast,
      items.length === 0
        ? h('li', { class: 'muted' }, 'Nothing ahead: no date will change this campaign unless someone acts.')
        : items.map((f) =>
            h('li', {}, h('time', { datetime: f.at, title: viewerTime(f.at) }, formatInZone(f.at, zoneOf(view))), h('span', { class: 'muted' }, ` ${relative(f.at)} `), h('span', { class: 'event', title: f.event }, eventLabel(f.event)), h('span', { class: 'transition' }, f.from === f.to ? ` status stays ${f.to}` : ` ${f.from} → ${f.to}`)),
          ),
    );
  }

  async function refreshTimeline() {
    const [h1, f1] = await Promise.all([
      api('GET', `/api/campaigns/${encodeURIComponent(id)}/history`),
      api('GET', `/api/campaigns/${encodeURIComponent(id)}/forecast`),
    ]);
    renderHistory(h1.items);
    renderForecast(f1.items);
  }

  async function refresh() {
    try {
      view = await api('GET', `/api/campaigns/${encodeURIComponent(id)}`);
      renderView();
      await refreshTimeline();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        fill(main, h('p', {}, h('a', { href: '#/' }, '← All campaigns')), h('p', { class: 'error' }, 'This campaign does not exist (any more).'));
      } else showError(error);
    }
  }

  const refreshSoon = debounce(() => void refresh(), 100);
  return {
    refresh,
    onChange(change) {
      if (change.campaignId === id) refreshSoon();
    },
  };
}
