import type { CampaignEvent } from './CampaignCommand.js';
import type { CampaignContext } from './CampaignContext.js';
import { type Phase, phaseOf } from './phase.js';
import type { PresetTransition } from './Preset.js';
import { presetAllows } from './presets/index.js';

type On = PresetTransition[1];

/** A named condition of a guard, over the context and the event (which carries its instant). */
export interface Condition {
  readonly name: string;
  test(context: CampaignContext, event: CampaignEvent): boolean;
}

/** A condition from a predicate; its name is what diagrams and errors show. */
export const condition = (name: string, test: Condition['test']): Condition => ({ name, test });

/** The opposite of a condition. */
export const not = (c: Condition): Condition => ({ name: `not ${c.name}`, test: (context, event) => !c.test(context, event) });

/** The preset-table row a guard stands for (what diagrams read to say which presets take an edge). */
export interface TableRow {
  from: Phase;
  on: On;
  to: Phase | undefined;
}

/** A guard made by {@link when}. */
export interface WhenGuard {
  (): boolean;
  readonly row: TableRow;
  readonly conditions: readonly Condition[];
  check(snapshot: { value: unknown }, args: { context: CampaignContext; event: CampaignEvent }): boolean;
}

/**
 * The guard of a transition of the preset tables: the campaign's preset has the row
 * `from --on--> to`, the campaign is in phase `from`, and every condition holds. One plain
 * function call per candidate transition — a table lookup, the phase and the conditions —
 * instead of XState's nested `and([...])`/`stateIn` objects. It uses the protocol of XState's own
 * built-in guards (`stateIn`, `and`): a function whose `check` receives the snapshot.
 */
export function when(from: Phase, on: On, to: Phase | undefined, ...conditions: Condition[]): WhenGuard {
  const guard = (() => false) as unknown as WhenGuard & { row: TableRow; conditions: readonly Condition[] };
  Object.defineProperty(guard, 'name', { value: `${from} --${on}--> ${to ?? '*'}${conditions.map((c) => `, ${c.name}`).join('')}` });
  guard.row = { from, on, to };
  guard.conditions = conditions;
  guard.check = (snapshot, { context, event }) =>
    presetAllows(context.preset, from, on, to) &&
    phaseOf(snapshot.value as Parameters<typeof phaseOf>[0]) === from &&
    conditions.every((c) => c.test(context, event));
  return guard;
}
