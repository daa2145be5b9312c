import type { AnyStateMachine, StateNode } from 'xstate';
import type { PresetName } from './Preset.js';
import { presetAllows, presets } from './presets/index.js';

type AnyNode = StateNode<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PRESET_CODES: Record<PresetName, string> = { journey: 'J', discount: 'D', gifting: 'G', franchise: 'F' };

/** Codes used in edge labels: which presets take a transition. */
export const MERMAID_LEGEND = Object.entries(PRESET_CODES)
  .map(([name, code]) => `${code} = ${name}`)
  .join(', ');

const nodeId = (node: AnyNode) => node.id.replace(/[^A-Za-z0-9]/g, '_');

interface AllowsParams {
  from: string;
  on: string;
  to?: string;
}

/** The preset-table row of a guard made by `when`. */
function allowsOf(guard: unknown): AllowsParams[] {
  const row = (guard as { row?: AllowsParams } | undefined)?.row;
  return row ? [row] : [];
}

/** The presets that can take a transition: those whose table has the row of its guard. */
export function presetsTaking(guard: unknown): PresetName[] {
  const allows = allowsOf(guard);
  return (Object.keys(presets) as PresetName[]).filter((name) => allows.every((a) => presetAllows(name, a.from, a.on, a.to)));
}

function eventLabel(eventType: string, delay: unknown): string {
  if (typeof delay === 'string' || typeof delay === 'number') return `after ${String(delay)}`;
  return eventType;
}

/**
 * A Mermaid `stateDiagram-v2` of a machine: nested and parallel states, history, final states,
 * and every transition labelled with its event (delayed ones as `after <date>`) and the presets
 * that take it. Pure: the same machine always gives the same text.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines: string[] = ['stateDiagram-v2'];
  const edges = new Map<string, Set<PresetName>>();
  const finals: string[] = [];

  const declare = (node: AnyNode, indent: string) => {
    const children = Object.values(node.states) as AnyNode[];
    const id = nodeId(node);
    if (node.type === 'history') {
      lines.push(`${indent}state "H*" as ${id}`);
      return;
    }
    if (children.length === 0) {
      lines.push(`${indent}state "${node.key}" as ${id}`);
      return;
    }
    lines.push(`${indent}state "${node.key}" as ${id} {`);
    if (node.type === 'parallel') {
      children.forEach((child, i) => {
        if (i > 0) lines.push(`${indent}  --`);
        declare(child, `${indent}  `);
      });
    } else {
      const initial = node.initial?.target?.[0] as AnyNode | undefined;
      if (initial) lines.push(`${indent}  [*] --> ${nodeId(initial)}`);
      for (const child of children) declare(child, `${indent}  `);
    }
    lines.push(`${indent}}`);
  };

  const collect = (node: AnyNode) => {
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const event = eventLabel(eventType, (transition as { delay?: unknown }).delay);
        for (const target of transition.target ?? []) {
          const key = `${nodeId(node)} --> ${nodeId(target as AnyNode)} : ${event}`;
          const taking = edges.get(key) ?? new Set<PresetName>();
          for (const name of presetsTaking(transition.guard)) taking.add(name);
          edges.set(key, taking);
        }
      }
    }
    for (const transition of node.always ?? []) {
      for (const target of transition.target ?? []) {
        edges.set(`${nodeId(node)} --> ${nodeId(target as AnyNode)} : always`, new Set(Object.keys(presets) as PresetName[]));
      }
    }
    if (node.type === 'final') finals.push(`  ${nodeId(node)} --> [*]`);
    for (const child of Object.values(node.states) as AnyNode[]) collect(child);
  };

  const root = machine.root as AnyNode;
  const initial = root.initial?.target?.[0] as AnyNode | undefined;
  if (initial) lines.push(`  [*] --> ${nodeId(initial)}`);
  for (const child of Object.values(root.states) as AnyNode[]) declare(child, '  ');
  collect(root);
  const all = Object.keys(presets).length;
  const labelled = [...edges]
    .filter(([, taking]) => taking.size > 0)
    .map(([edge, taking]) => {
      const codes = (Object.keys(PRESET_CODES) as PresetName[]).filter((n) => taking.has(n)).map((n) => PRESET_CODES[n]);
      return `  ${edge}${taking.size === all ? '' : ` (${codes.join(',')})`}`;
    });
  lines.push(...finals, ...labelled.sort());
  return `${lines.join('\n')}\n`;
}
