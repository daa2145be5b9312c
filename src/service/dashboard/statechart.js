import { h } from './dom.js';

/** Ids of the state nodes a state value makes active, e.g. `{ published: 'ended' }` → campaign, campaign.published, campaign.published.ended. */
export function activeIds(value, prefix = 'campaign') {
  const ids = [prefix];
  if (typeof value === 'string') ids.push(`${prefix}.${value}`);
  else if (value && typeof value === 'object') {
    for (const [key, sub] of Object.entries(value)) ids.push(...activeIds(sub, `${prefix}.${key}`));
  }
  return ids;
}

const TYPE_LABEL = { parallel: 'parallel', final: 'final', history: 'history' };

function node(n) {
  if (n.type === 'history') {
    return h('div', { class: 'sc-node sc-history', 'data-state-id': n.id, title: 'deep history' }, 'H*');
  }
  const title = h(
    'div',
    { class: 'sc-title' },
    h('span', { class: 'sc-key' }, n.key),
    TYPE_LABEL[n.type] ? h('span', { class: 'sc-type' }, TYPE_LABEL[n.type]) : null,
  );
  const details = [];
  if (n.timers.length > 0) details.push(h('div', { class: 'sc-timers' }, n.timers.map((t) => h('span', { class: 'sc-timer' }, `after ${t}`))));
  if (n.events.length > 0) details.push(h('div', { class: 'sc-events' }, n.events.join(' · ')));
  const children =
    n.children.length > 0
      ? h('div', { class: n.type === 'parallel' ? 'sc-regions' : 'sc-states' }, n.children.map(node))
      : null;
  return h('div', { class: `sc-node sc-${n.type}`, 'data-state-id': n.id }, title, details, children);
}

/**
 * Draws the statechart as nested boxes (parallel regions side by side). `update(view)` highlights
 * the active state nodes and dims the nodes the campaign's preset never uses.
 */
export function createChart(chart) {
  const el = h('div', { class: 'statechart', 'data-testid': 'statechart' }, node(chart.root));
  const nodes = [...el.querySelectorAll('[data-state-id]')];
  return {
    el,
    update(view) {
      const active = new Set(activeIds(view.state));
      const used = new Set((chart.presets[view.preset]?.phases ?? []).flatMap((p) => p.nodes));
      for (const box of nodes) {
        const id = box.dataset.stateId;
        const unused = used.size > 0 && !used.has(id) && !box.classList.contains('sc-history');
        // a node the preset does not use is never highlighted: the facts speak the preset's words
        const on = active.has(id) && !unused;
        box.classList.toggle('active', on);
        box.classList.toggle('unused', unused);
        if (on) box.setAttribute('aria-current', 'true');
        else box.removeAttribute('aria-current');
      }
    },
  };
}
