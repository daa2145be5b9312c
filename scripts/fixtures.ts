/**
 * Cuts a release's upgrade fixtures: a SQLite store written by this version's runtime, holding
 * campaigns of every preset in every status the statechart's graph reaches; `fixture.json` with
 * what each campaign showed (view, next timer, forecast) and `store.json` with the stored rows
 * (snapshots, pending timers, history, idempotency results) for adapters that load them.
 *
 *   npm run fixtures                       # writes test/fixtures/<package version>/
 *   npm run fixtures -- --out DIR          # somewhere else (a scratch try)
 *
 * A release's fixtures are committed once and never edited: the script refuses to overwrite them.
 *
 * Every campaign lives one graph path (test/support/model.ts), replayed through the runtime on a
 * manual clock and shifted in time so that every path ends at the same instant, `now`. Campaigns
 * are written one runtime after another on the same file; each runtime's clock stays at or before
 * `now`, and every timer left pending is due after it, so no campaign disturbs another.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CampaignCommandInput,
  type CampaignEvent,
  createCampaignRuntime,
  createManualClock,
  sqliteStore,
  STATECHART_VERSION,
  SYSTEM_COMMANDS,
} from '../src/index.js';
import { armedTimers, phaseOf } from '../src/machines/index.js';
import { exploreModel, type TimedPath } from '../test/support/model.js';
import { DAY, scenarios } from '../test/support/scenarios.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const out = resolve(values.out ?? join('test', 'fixtures', version));
if (existsSync(out)) {
  console.error(`${out} exists: a release's fixtures are never rewritten (pass --out for a scratch copy)`);
  process.exit(1);
}

/** The instant every campaign's path ends at: after every date the model uses. */
const NOW = Date.parse('2026-06-01T00:00:00Z');
const WEEK = 7 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const isTimer = (event: { type: string }) => event.type.startsWith('xstate.after.');

/** One path per distinct configuration (state value, next timer, paused before, edited) of a scenario. */
function pathsOf(scenario: (typeof scenarios)[number]): TimedPath[] {
  const picked = new Map<string, TimedPath>();
  for (const path of exploreModel(scenario).shortestPaths) {
    const snapshot = path.state.context.snapshot;
    const key = JSON.stringify([
      snapshot.value,
      armedTimers(snapshot)[0]?.timer ?? null,
      snapshot.context.pauses.length > 0,
      snapshot.context.definitionVersion > 1,
    ]);
    const known = picked.get(key);
    if (!known || known.steps.length > path.steps.length) picked.set(key, path);
  }
  return [...picked.values()];
}

const shiftDates = <T extends Record<string, unknown>>(value: T, delta: number, keys: readonly string[]): T => {
  const copy: Record<string, unknown> = { ...value };
  for (const key of keys) {
    if (typeof copy[key] === 'string') copy[key] = iso(Date.parse(copy[key] as string) + delta);
    if (typeof copy[key] === 'number') copy[key] = iso((copy[key] as number) + delta);
  }
  return copy as T;
};

mkdirSync(out, { recursive: true });
const dbPath = join(out, 'campaigns.db');
const campaigns: unknown[] = [];
const commandIds: string[] = [];
let index = 0;

for (const scenario of scenarios) {
  const recurring = scenario.definition.recurrence != null;
  for (const path of pathsOf(scenario)) {
    const steps = path.steps.slice(1);
    const lastAt = Math.max(...steps.map((s) => s.event.at), scenario.landmarks[0]! - 3_600_000);
    // a recurring rule keeps its weekdays only when shifted by whole weeks (timezone UTC)
    const delta = recurring ? Math.floor((NOW - lastAt) / WEEK) * WEEK : NOW - lastAt;
    const id = `fx-${String(++index).padStart(3, '0')}-${scenario.preset}`;
    const start = Date.parse('2026-01-05T08:00:00Z') + delta;
    const clock = createManualClock(start);
    const rt = await createCampaignRuntime({ store: sqliteStore({ path: dbPath }), clock });
    const definition = shiftDates(scenario.definition as Record<string, unknown>, delta, ['startAt', 'endAt', 'visibleAt']);
    await rt.create(definition as never, { id, commandId: `${id}:create` });
    commandIds.push(`${id}:create`);
    const sent: unknown[] = [];
    for (const [n, step] of steps.entries()) {
      const event = step.event as CampaignEvent & Record<string, unknown>;
      await clock.advanceTo(event.at + delta);
      if (isTimer(event)) continue; // the runtime fires it at its own instant
      const { at: _at, ...rest } = event;
      const command = shiftDates(rest, delta, ['startAt', 'endAt']) as unknown as CampaignCommandInput;
      const system = (SYSTEM_COMMANDS as readonly string[]).includes(command.type);
      await rt.send(id, command, { commandId: `${id}:${n}`, source: system ? 'system' : 'user' });
      commandIds.push(`${id}:${n}`);
      sent.push(command);
    }
    await clock.advanceTo(NOW);
    const view = await rt.get(id);
    const phase = phaseOf(view.state);
    const modelled = path.state.context;
    const overdue = (armedTimers(modelled.snapshot)[0]?.dueAt ?? Infinity) <= modelled.now;
    if (!recurring && !overdue && phase !== phaseOf(modelled.snapshot.value)) {
      throw new Error(`${id} (${scenario.name}) is ${phase} at the end of a path that ends ${phaseOf(modelled.snapshot.value)}`);
    }
    campaigns.push({
      id,
      scenario: scenario.name,
      preset: scenario.preset,
      phase,
      path: steps.map((s) => (isTimer(s.event) ? s.event.type.split('.')[2] : s.event.type)),
      commands: sent,
      view,
      forecast: await rt.forecast(id),
    });
    await rt.stop();
  }
}

// what the store holds, row by row, through the store contract (for adapters that load it)
const store = sqliteStore({ path: dbPath });
await store.open();
const records = await store.list();
const rows = await Promise.all(
  records.map(async (record) => ({ record, timers: await store.timers(record.id), history: await store.history(record.id) })),
);
const idempotency = await Promise.all(commandIds.map(async (commandId) => ({ commandId, ...(await store.idempotency(commandId))! })));
await store.close();
for (const suffix of ['-wal', '-shm']) rmSync(dbPath + suffix, { force: true });

writeFileSync(
  join(out, 'fixture.json'),
  `${JSON.stringify({ version, statechartVersion: STATECHART_VERSION, writtenBy: `campaign-lifecycle ${version} (scripts/fixtures.ts)`, now: iso(NOW), campaigns }, null, 1)}\n`,
);
// the stored rows (snapshot text, pending timers, history, idempotency results) for adapters that load them
writeFileSync(join(out, 'store.json'), `${JSON.stringify({ version, rows, idempotency })}\n`);
console.log(`${campaigns.length} campaigns written to ${out}`);
