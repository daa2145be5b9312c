import type { AnyStateNode, StateValue } from 'xstate';
import { campaignMachine, PHASE_STATE, type Phase, presets } from '../machines/index.js';
import type { Statechart, StateNodeTree } from './schemas.js';

const AFTER = /^xstate\.after\.([^.]+)\./;

function tree(node: AnyStateNode): StateNodeTree {
  const events = new Set<string>();
  const timers = new Set<string>();
  for (const event of node.ownEvents) {
    const after = AFTER.exec(event);
    if (after) timers.add(after[1]!);
    else if (!event.startsWith('xstate.')) events.add(event);
  }
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    events: [...events],
    timers: [...timers],
    children: Object.values(node.states).map(tree),
  };
}

const VISIBILITY = 'campaign.published.scheduled.visibility';

const descendants = (node: AnyStateNode): string[] =>
  Object.values(node.states).flatMap((child) => [child.id, ...descendants(child)]);

/** State node ids a (possibly partial) state value stands for; unnamed parallel regions count whole. */
function nodesOf(node: AnyStateNode, value: StateValue): string[] {
  const entries = typeof value === 'string' ? [[value, null] as const] : Object.entries(value);
  const ids: string[] = [];
  for (const [key, sub] of entries) {
    const child = node.states[key];
    if (!child) continue;
    ids.push(child.id, ...(sub === null || sub === undefined ? descendants(child) : nodesOf(child, sub)));
  }
  if (node.type === 'parallel') {
    for (const [key, region] of Object.entries(node.states)) {
      if (!entries.some(([k]) => k === key)) ids.push(region.id, ...descendants(region));
    }
  }
  return ids;
}

/**
 * The campaign statechart as a tree of state nodes (for the dashboard to draw nested boxes), and
 * for each preset the nodes each of its phases stands for (its status labels on the chart).
 */
export function statechart(): Statechart {
  const root = campaignMachine.root;
  const byPreset = Object.fromEntries(
    Object.values(presets).map((preset) => [
      preset.name,
      {
        phases: (Object.entries(preset.statuses) as [Phase, string][]).map(([phase, status]) => ({
          phase,
          status,
          nodes: [root.id, ...nodesOf(root, PHASE_STATE[phase] as StateValue)].filter(
            // a preset whose scheduled campaigns are never visible does not use the visibility region
            (id) => preset.visible.includes('scheduled') || !id.startsWith(VISIBILITY),
          ),
        })),
      },
    ]),
  ) as Statechart['presets'];
  return { root: tree(root), presets: byPreset };
}
