import { describe, expect, it } from 'vitest';
import {
  type CampaignCommandInput,
  type CampaignEvent,
  createCampaignRuntime,
  createManualClock,
  toView,
} from '../../src/index.js';
import { isSystemCommand } from '../../src/machines/index.js';
import { checkInvariants } from '../support/invariants.js';
import { eventKey, exploreModel, minimalCoverPaths, type ModelGraph, type TimedPath, transitionCoverPaths } from '../support/model.js';
import { STORE_KINDS, storeFactory, type StoreKind } from '../support/runtime.js';
import { created, scenarios } from '../support/scenarios.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The model's event as a public-API command (dates as ISO strings, no `at`). */
function toCommand(event: CampaignEvent): CampaignCommandInput {
  const { at: _at, ...command } = event;
  if (command.type === 'REACTIVATE') {
    return {
      type: 'REACTIVATE',
      ...(command.startAt !== undefined ? { startAt: iso(command.startAt) } : {}),
      ...(command.endAt !== undefined ? { endAt: iso(command.endAt) } : {}),
    };
  }
  return command as CampaignCommandInput;
}

/**
 * Replays a model path through a fresh runtime that keeps nothing in memory (every step
 * restores the campaign from the store), comparing each view with the model's. `inspected`: with
 * an inspector attached, so campaigns are started actors instead of snapshots advanced by pure
 * transitions — both paths must give the model's views.
 */
async function replay(graph: ModelGraph, path: TimedPath, kind: StoreKind, inspected = false): Promise<number> {
  const stores = storeFactory(kind);
  const clock = createManualClock(created);
  const errors: unknown[] = [];
  let inspectedEvents = 0;
  const rt = await createCampaignRuntime({
    store: stores.next(),
    clock,
    maxLiveActors: 0,
    onError: (e) => errors.push(e),
    ...(inspected ? { inspect: (event: { type: string }) => void (event.type === '@xstate.event' && inspectedEvents++) } : {}),
  });
  const where = path.steps
    .slice(1)
    .map((s) => `${eventKey(s.event)}@${iso(s.event.at).slice(0, 16)}`)
    .join(' → ');
  try {
    const campaign = await rt.create(graph.scenario.definition);
    let model = graph.logic.getInitialSnapshot(undefined as never, undefined);
    let version = 1;
    for (const step of path.steps.slice(1)) {
      const before = model.context.snapshot;
      model = graph.logic.transition(model, step.event, undefined as never);
      const expected = toView(model.context.snapshot, { id: campaign.id, version: ++version, createdAt: created, updatedAt: step.event.at }, step.event.at);
      const isTimer = step.event.type.startsWith('xstate.after.');
      if (step.event.at > clock.now()) await clock.advanceTo(step.event.at);
      if (!isTimer) {
        const source = isSystemCommand(step.event.type) ? 'system' : 'user';
        const returned = await rt.send(campaign.id, toCommand(step.event), { source });
        expect(returned, where).toEqual(expected);
      }
      const stored = await rt.get(campaign.id);
      expect(stored, `${where} (restored from ${kind})`).toEqual(expected);
      checkInvariants(model.context.snapshot, step.event.at);
      const last = (await rt.history(campaign.id)).at(-1)!;
      expect(last, where).toMatchObject({ version, source: isTimer ? 'timer' : step.event.type.startsWith('SYSTEM') || step.event.type === 'AUDIENCE_LIST_LOADED' ? 'system' : 'user', from: toView(before, { id: '', version: 0, createdAt: 0, updatedAt: 0 }, step.event.at).status, to: expected.status });
      if (isTimer) expect(last.dueAt, where).toBe(iso(step.event.at));
    }
    expect(errors, where).toEqual([]);
    if (inspected) expect(inspectedEvents, where).toBeGreaterThanOrEqual(path.steps.length - 1);
    return path.steps.length - 1;
  } finally {
    await rt.stop();
    await stores.cleanup();
  }
}

describe.each(STORE_KINDS)('graph paths replayed through the runtime (%s store)', (kind) => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: every transition, persisted and restored at every step`, async () => {
      const graph = exploreModel(scenario);
      const paths = kind === 'memory' ? transitionCoverPaths(graph) : minimalCoverPaths(graph);
      let steps = 0;
      for (const path of paths) steps += await replay(graph, path, kind);
      const replayed = new Set(paths.flatMap((p) => p.steps.slice(1).map((s) => eventKey(s.event))));
      expect(replayed.size).toBeGreaterThan(0);
      console.log(`runtime replay [${kind}] ${scenario.name}: ${paths.length} paths, ${steps} steps`);
    });
  }
});

describe('graph paths replayed through the runtime with an inspector attached (actors, memory store)', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: every transition, each campaign a started actor`, async () => {
      const graph = exploreModel(scenario);
      let steps = 0;
      for (const path of transitionCoverPaths(graph)) steps += await replay(graph, path, 'memory', true);
      expect(steps).toBeGreaterThan(0);
    });
  }
});
