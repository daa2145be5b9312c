/**
 * Issue 11: what one statechart step costs, on a stored discount snapshot (~400 bytes), each
 * figure beside the actor path it replaced, measured in the same run (medians of 5 rounds of
 * 10,000 iterations, the variants interleaved so that machine noise hits both alike):
 *
 * - a timer event (`startAt`) applied to a restored snapshot by a pure transition — target
 *   ≤ 10 µs — against XState's `transition()` (a new actor and system per call);
 * - a timer fired from the stored record to the stored write: parse, restore, transition, armed
 *   timers, persist, stringify — against `createActor(…, { snapshot }).start()`, `send`,
 *   `getPersistedSnapshot()` and the same timers and JSON;
 * - a command (PAUSE) on a campaign held in memory, with its armed timers and stored JSON —
 *   against `actor.send` on a started actor.
 *
 * Run alone: `node --import tsx bench/transition.ts` (BENCH_ITERATIONS to change it).
 */
import { createActor, transition } from 'xstate';
import { armedTimers, type CampaignEvent, CampaignDefinition, campaignLogic, campaignMachine, type CampaignSnapshot } from '../src/machines/index.js';
import { type BenchRow, emit, fixed, log, machine, main, setting } from './support.js';

const ITERATIONS = setting('ITERATIONS', 10_000);
const ROUNDS = 5;
const TARGET_US = 10;
const INERT_CLOCK = { setTimeout: () => 0, clearTimeout: () => {} };
const T0 = Date.parse('2026-01-05T08:00:00Z');

/** µs per call of `fn`, over ITERATIONS calls (after a warm-up). */
function perCall(fn: () => void): number {
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return ((performance.now() - start) * 1000) / ITERATIONS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

main(async () => {
  log(`transition: ${machine()}`);
  const definition = CampaignDefinition.parse({
    preset: 'discount',
    name: 'Spring sale',
    startAt: new Date(T0 + 3_600_000).toISOString(),
    endAt: new Date(T0 + 7 * 86_400_000).toISOString(),
  });
  const published = campaignLogic.next(campaignLogic.start(definition), { type: 'PUBLISH', at: T0 } as CampaignEvent);
  const stored = JSON.stringify(campaignLogic.persist(published));
  const start = armedTimers(published)[0]!;
  const timerEvent = { type: start.eventType, at: start.dueAt } as unknown as CampaignEvent;
  const restored = campaignLogic.restore(JSON.parse(stored));
  const active = campaignLogic.next(restored, timerEvent);
  const pause = { type: 'PAUSE', at: start.dueAt + 60_000 } as CampaignEvent;
  const liveActor = createActor(campaignMachine, { snapshot: JSON.parse(JSON.stringify(campaignLogic.persist(active))) as CampaignSnapshot, input: undefined as never, clock: INERT_CLOCK }).start();

  const variants = {
    pureTimer: () => void campaignLogic.next(restored, timerEvent),
    xstateTimer: () => void transition(campaignMachine, restored, timerEvent),
    pureFire: () => {
      const next = campaignLogic.next(campaignLogic.restore(JSON.parse(stored)), timerEvent);
      armedTimers(next);
      JSON.stringify(campaignLogic.persist(next));
    },
    actorFire: () => {
      const actor = createActor(campaignMachine, { snapshot: JSON.parse(stored) as CampaignSnapshot, input: undefined as never, clock: INERT_CLOCK }).start();
      actor.send(timerEvent);
      armedTimers(actor.getSnapshot());
      JSON.stringify(actor.getPersistedSnapshot());
      actor.stop();
    },
    pureCommand: () => {
      const next = campaignLogic.next(active, pause);
      armedTimers(next);
      JSON.stringify(campaignLogic.persist(next));
    },
    actorCommand: () => {
      // a started actor takes PAUSE, then RESUME puts it back for the next iteration (half the cost is counted)
      liveActor.send(pause);
      armedTimers(liveActor.getSnapshot());
      JSON.stringify(liveActor.getPersistedSnapshot());
      liveActor.send({ type: 'RESUME', at: pause.at } as CampaignEvent);
    },
  };
  const samples: Record<keyof typeof variants, number[]> = { pureTimer: [], xstateTimer: [], pureFire: [], actorFire: [], pureCommand: [], actorCommand: [] };
  for (const fn of Object.values(variants)) for (let i = 0; i < 2_000; i++) fn();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(variants) as [keyof typeof variants, () => void][]) samples[name].push(perCall(fn));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof variants, number>;
  // the actor's command variant does two sends per iteration: one command is half of it
  m.actorCommand /= 2;
  log(`medians (µs): ${JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);
  const rows: BenchRow[] = [
    {
      benchmark: 'transition',
      metric: 'a timer event on a restored snapshot (pure transition)',
      figure: `${fixed(m.pureTimer, 2)} µs`,
      target: `≤ ${TARGET_US} µs`,
      baseline: `XState transition(): ${fixed(m.xstateTimer, 2)} µs`,
      pass: m.pureTimer <= TARGET_US,
    },
    {
      benchmark: 'transition',
      metric: 'a timer from stored JSON to stored JSON (restore, transition, armed timers, persist)',
      figure: `${fixed(m.pureFire, 2)} µs`,
      target: '—',
      baseline: `actor restored, started, sent to, persisted: ${fixed(m.actorFire, 2)} µs`,
      pass: null,
    },
    {
      benchmark: 'transition',
      metric: 'a command on a campaign in memory (transition, armed timers, stored JSON)',
      figure: `${fixed(m.pureCommand, 2)} µs`,
      target: '—',
      baseline: `a started actor's send: ${fixed(m.actorCommand, 2)} µs`,
      pass: null,
    },
  ];
  emit({
    name: 'transition',
    rows,
    notes: [`medians of ${ROUNDS} rounds × ${ITERATIONS.toLocaleString('en-US')} calls, variants interleaved; a stored discount snapshot of ${stored.length} bytes`],
    details: m,
  });
});
