import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import { fromTransition, initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  armedTimers,
  type CampaignEvent,
  type CampaignSnapshot,
  campaignMachine,
  phaseOf,
  presets,
  type Phase,
  type PresetTransition,
  TIMERS,
  type TimerKey,
} from '../../src/machines/index.js';
import { created, parseScenario, rerunEnd, rerunStart, type Scenario } from './scenarios.js';

/** A campaign snapshot plus the model's clock: events never go back in time. */
export interface TimedState {
  snapshot: CampaignSnapshot;
  now: number;
}

export type TimedLogic = ReturnType<typeof timedLogic>;
export type TimedSnapshot = SnapshotFrom<TimedLogic>;
export type TimedPath = StatePath<TimedSnapshot, CampaignEvent>;

/** Command payloads the model tries at every instant (only the accepted ones become edges). */
export const COMMAND_CASES: ReadonlyArray<Record<string, unknown> & { type: string }> = [
  { type: 'ACTIVATE' },
  { type: 'PUBLISH' },
  { type: 'ACTIVATE_NOW' },
  { type: 'PAUSE' },
  { type: 'RESUME' },
  { type: 'FREEZE' },
  { type: 'CLOSE' },
  { type: 'REACTIVATE' },
  { type: 'REACTIVATE', endAt: rerunEnd },
  { type: 'REACTIVATE', startAt: rerunStart, endAt: rerunEnd },
  { type: 'END' },
  { type: 'ABORT' },
  { type: 'CANCEL' },
  { type: 'ARCHIVE' },
  { type: 'UPDATE', patch: { labels: ['edited'] } },
  { type: 'SYSTEM_FAULT', reason: 'mailer down' },
  { type: 'SYSTEM_RECOVER' },
  { type: 'AUDIENCE_LIST_LOADED' },
];

/**
 * The statechart wrapped with a clock, for @xstate/graph. From a state, the model offers:
 * the earliest armed timer (alone, if it is already due), and every accepted command at "now"
 * or at a landmark instant before that timer. So every path is one the runtime can live through.
 */
export function timedLogic(scenario: Scenario) {
  const definition = parseScenario(scenario);
  return fromTransition(
    (state: TimedState, event: CampaignEvent): TimedState => {
      const [snapshot] = transition(campaignMachine, state.snapshot, event);
      return { snapshot, now: Math.max(state.now, event.at) };
    },
    (): TimedState => ({ snapshot: initialTransition(campaignMachine, definition)[0], now: created }),
  );
}

export function modelEvents(scenario: Scenario) {
  return (state: TimedSnapshot): CampaignEvent[] => {
    const { snapshot, now } = state.context;
    const timer = armedTimers(snapshot)[0];
    const events: CampaignEvent[] = [];
    if (timer) events.push({ type: timer.eventType, at: timer.dueAt } as unknown as CampaignEvent);
    if (timer && timer.dueAt <= now) return events;
    const horizon = timer?.dueAt ?? Number.POSITIVE_INFINITY;
    const instants = [now, ...scenario.landmarks.filter((at) => at > now && at < horizon)];
    for (const at of instants) {
      for (const command of COMMAND_CASES) {
        if (scenario.skip?.includes(command.type)) continue;
        const event = { ...command, at } as CampaignEvent;
        if (snapshot.can(event)) events.push(event);
      }
    }
    return events;
  };
}

export function serializeTimed(scenario: Scenario) {
  return (state: TimedSnapshot): string => {
    const { snapshot, now } = state.context;
    const { pauses: _pauses, definitionVersion: _version, fault, ...context } = snapshot.context;
    const bucket = scenario.landmarks.filter((at) => at <= now).length;
    // in Error, where SYSTEM_RECOVER returns to matters
    const history = fault === null ? null : Object.values(snapshot.historyValue).map((nodes) => nodes.map((n) => n.id));
    return JSON.stringify({ v: snapshot.value, c: context, h: history, n: bucket });
  };
}

/** The preset-table key of an event: the command type, or the timer of an `xstate.after` event. */
export function eventKey(event: { type: string }): PresetTransition[1] {
  const match = /^xstate\.after\.([^.]+)\./.exec(event.type);
  if (match) {
    const timer = match[1] as TimerKey;
    if (!TIMERS.includes(timer)) throw new Error(`Unknown timer in ${event.type}`);
    return timer;
  }
  return event.type as PresetTransition[1];
}

export const tripleKey = ([from, on, to]: readonly [Phase, string, Phase]) => `${from} --${on}--> ${to}`;

export interface ModelGraph {
  scenario: Scenario;
  logic: TimedLogic;
  options: {
    events: (state: TimedSnapshot) => CampaignEvent[];
    serializeState: (state: TimedSnapshot) => string;
  };
  /** Every accepted transition found by exhaustive traversal, as preset-table triples. */
  triples: Map<string, { from: Phase; on: string; to: Phase; fromState: TimedSnapshot; event: CampaignEvent }>;
  /** Distinct state values reached. */
  stateValues: Set<string>;
  phases: Set<Phase>;
  shortestPaths: TimedPath[];
  vertices: number;
}

export function exploreModel(scenario: Scenario): ModelGraph {
  const logic = timedLogic(scenario);
  const options = { events: modelEvents(scenario), serializeState: serializeTimed(scenario) };
  const adjacency = getAdjacencyMap(logic, options);
  const triples: ModelGraph['triples'] = new Map();
  const stateValues = new Set<string>();
  const phases = new Set<Phase>();
  for (const vertex of Object.values(adjacency)) {
    const fromPhase = phaseOf(vertex.state.context.snapshot.value);
    stateValues.add(JSON.stringify(vertex.state.context.snapshot.value));
    phases.add(fromPhase);
    const transitions = Object.values(vertex.transitions) as { event: CampaignEvent; state: TimedSnapshot }[];
    for (const { event, state } of transitions) {
      const triple = [fromPhase, eventKey(event), phaseOf(state.context.snapshot.value)] as const;
      const key = tripleKey(triple);
      if (!triples.has(key)) {
        triples.set(key, { from: triple[0], on: triple[1], to: triple[2], fromState: vertex.state, event });
      }
    }
  }
  const shortestPaths = getShortestPaths(logic, options);
  return { scenario, logic, options, triples, stateValues, phases, shortestPaths, vertices: Object.keys(adjacency).length };
}

/**
 * Paths that together take every transition found: the shortest path to each state, plus, for
 * each transition not already on one of them, the shortest path to its source and that step.
 */
export function transitionCoverPaths(graph: ModelGraph): TimedPath[] {
  const byState = new Map(graph.shortestPaths.map((path) => [graph.options.serializeState(path.state), path]));
  const covered = new Set<string>();
  const record = (path: TimedPath) => {
    for (let i = 1; i < path.steps.length; i++) {
      const before = path.steps[i - 1]!.state.context.snapshot;
      const step = path.steps[i]!;
      covered.add(tripleKey([phaseOf(before.value), eventKey(step.event), phaseOf(step.state.context.snapshot.value)]));
    }
  };
  const paths: TimedPath[] = [];
  for (const path of graph.shortestPaths) {
    paths.push(path);
    record(path);
  }
  for (const [key, { fromState, event }] of graph.triples) {
    if (covered.has(key)) continue;
    const head = byState.get(graph.options.serializeState(fromState));
    if (!head) throw new Error(`No path reaches the source of ${key}`);
    const next = graph.logic.transition(fromState, event, undefined as never);
    const path: TimedPath = { state: next, weight: head.weight + 1, steps: [...head.steps, { event, state: next }] };
    paths.push(path);
    record(path);
  }
  return paths;
}

/**
 * Simple (non-cyclic) paths of the scenario with commands only at "now" (time moves only when a
 * timer fires), when that graph has at most `maxVertices` states; otherwise none.
 */
export function simplePaths(scenario: Scenario, maxVertices: number): { paths: TimedPath[]; vertices: number } {
  const reduced = { ...scenario, landmarks: [] };
  const logic = timedLogic(reduced);
  const options = { events: modelEvents(reduced), serializeState: serializeTimed(reduced) };
  const vertices = Object.keys(getAdjacencyMap(logic, options)).length;
  return { paths: vertices > maxVertices ? [] : getSimplePaths(logic, options), vertices };
}

/** Preset-table triples of a preset, as keys. */
export function declaredTriples(scenarioPreset: keyof typeof presets): Set<string> {
  return new Set(presets[scenarioPreset].transitions.map((row) => tripleKey(row)));
}

/**
 * The fewest paths that still take every transition found: for each transition, the shortest
 * path that ends with it.
 */
export function minimalCoverPaths(graph: ModelGraph): TimedPath[] {
  const best = new Map<string, TimedPath>();
  for (const path of transitionCoverPaths(graph)) {
    for (let i = 1; i < path.steps.length; i++) {
      const before = path.steps[i - 1]!.state.context.snapshot;
      const step = path.steps[i]!;
      const key = tripleKey([phaseOf(before.value), eventKey(step.event), phaseOf(step.state.context.snapshot.value)]);
      const known = best.get(key);
      if (!known || known.steps.length > i + 1) {
        best.set(key, { state: step.state, weight: i, steps: path.steps.slice(0, i + 1) });
      }
    }
  }
  return [...new Set(best.values())];
}
