import { createActor } from 'xstate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  armedTimers,
  campaignMachine,
  describeCampaign,
  PRESET_NAMES,
  presets,
  type PresetName,
} from '../../src/machines/index.js';
import { checkInvariants } from '../support/invariants.js';
import {
  declaredTriples,
  exploreModel,
  type ModelGraph,
  simplePaths,
  type TimedPath,
  transitionCoverPaths,
} from '../support/model.js';
import { parseScenario, scenarios } from '../support/scenarios.js';

const noClock = { setTimeout: () => 0, clearTimeout: () => {} };
const graphs: ModelGraph[] = scenarios.map(exploreModel);
const rows: string[] = [];
const replayedStateValues = new Map<PresetName, Set<string>>();

function describePath(path: TimedPath): string {
  return path.steps
    .slice(1)
    .map((s) => `${s.event.type.replace(/^xstate\.after\.([^.]+)\..*/, '⏱$1')}@${new Date(s.event.at).toISOString().slice(0, 16)}`)
    .join(' → ');
}

/**
 * Replays a path on a plain XState actor beside the pure model (graph vertices merge states that
 * differ only in pause history, so the path's own step states are not the reference), checking
 * invariants and persist → restore at every step.
 */
function replay(graph: ModelGraph, path: TimedPath): number {
  const input = parseScenario(graph.scenario);
  let model = graph.logic.getInitialSnapshot(undefined as never, undefined);
  let actor = createActor(campaignMachine, { input, clock: noClock }).start();
  for (const step of path.steps.slice(1)) {
    model = graph.logic.transition(model, step.event, undefined as never);
    const expected = model.context;
    actor.send(step.event);
    const snapshot = actor.getSnapshot();
    const where = describePath(path);
    expect(snapshot.value, where).toEqual(step.state.context.snapshot.value);
    expect(snapshot.value, where).toEqual(expected.snapshot.value);
    expect(snapshot.context, where).toEqual(expected.snapshot.context);
    const description = checkInvariants(snapshot, expected.now);
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    actor.stop();
    actor = createActor(campaignMachine, { snapshot: persisted, input, clock: noClock }).start();
    expect(describeCampaign(actor.getSnapshot(), expected.now), where).toEqual(description);
    expect(armedTimers(actor.getSnapshot()), where).toEqual(armedTimers(snapshot));
  }
  actor.stop();
  return path.steps.length - 1;
}

describe.each(PRESET_NAMES)('%s preset: statechart graph', (preset: PresetName) => {
  const mine = graphs.filter((g) => g.scenario.preset === preset);
  const declared = declaredTriples(preset);
  const found = new Set(mine.flatMap((g) => [...g.triples.keys()]));
  const phases = new Set(mine.flatMap((g) => [...g.phases]));
  const declaredPhases = Object.keys(presets[preset].statuses);
  const stateValues = new Set(mine.flatMap((g) => [...g.stateValues]));

  it('takes exactly the transitions of the seed table, and all of them', () => {
    const undeclared = [...found].filter((t) => !declared.has(t));
    const missing = [...declared].filter((t) => !found.has(t));
    expect(undeclared, 'transitions the statechart takes that the preset does not declare').toEqual([]);
    expect(missing, 'declared transitions no path reaches').toEqual([]);
    expect([...phases].sort()).toEqual([...declaredPhases].sort());
  });

  for (const graph of mine) {
    it(`${graph.scenario.name}: every generated path replays with invariants and persist → restore`, () => {
      const cover = transitionCoverPaths(graph);
      const simple = simplePaths(graph.scenario, 20).paths;
      let steps = 0;
      const covered = new Set<string>();
      for (const path of [...cover, ...simple]) {
        steps += replay(graph, path);
        for (const step of path.steps) covered.add(JSON.stringify(step.state.context.snapshot.value));
      }
      expect([...graph.stateValues].filter((v) => !covered.has(v))).toEqual([]);
      const seen = replayedStateValues.get(preset) ?? new Set<string>();
      for (const value of covered) seen.add(value);
      replayedStateValues.set(preset, seen);
      rows.push(
        `${graph.scenario.name.padEnd(34)} ${String(graph.vertices).padStart(5)} vertices  ${String(cover.length).padStart(4)} cover + ${String(simple.length).padStart(5)} simple paths  ${String(steps).padStart(6)} steps`,
      );
    });
  }

  afterAll(() => {
    const pct = (a: number, b: number) => `${a}/${b} (${b === 0 ? 100 : Math.round((100 * a) / b)} %)`;
    const coveredTriples = [...declared].filter((t) => found.has(t)).length;
    const coveredPhases = declaredPhases.filter((p) => phases.has(p as never)).length;
    rows.push(
      `COVERAGE ${preset.padEnd(9)} statuses(phases) ${pct(coveredPhases, declaredPhases.length)}  state values ${pct([...stateValues].filter((v) => replayedStateValues.get(preset)?.has(v)).length, stateValues.size)}  transitions ${pct(coveredTriples, declared.size)}`,
    );
  });
});

afterAll(() => {
  console.log(`\nModel-based coverage (@xstate/graph)\n${rows.join('\n')}\n`);
});
