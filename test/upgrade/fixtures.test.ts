import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CampaignStore,
  createCampaignRuntime,
  createManualClock,
  type ForecastItem,
  memoryStore,
  postgresStore,
  sqliteStore,
} from '../../src/index.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from '../support/postgres.js';
import { FIXTURES, loadRows, releaseDatabase, releaseRows, releases } from '../support/releaseFixtures.js';

/**
 * Every committed release fixture (test/fixtures/<version>/, cut by scripts/fixtures.ts and
 * never edited) opens with today's code on every store adapter: each campaign keeps its status
 * and next date, and — the clock moved past every date — what its forecast promised happens,
 * at the promised instants, and nothing else fires.
 */
interface Fixture {
  version: string;
  now: string;
  campaigns: { id: string; preset: string; view: { status: string; nextTimer: { event: string; at: string } | null } & Record<string, unknown>; forecast: ForecastItem[] }[];
}

/**
 * What a campaign is, as its view shows it: every release must show the same (words and offered
 * actions may improve, and `state`, the raw statechart value, changes with a renamed state).
 */
const FACTS = ['name', 'preset', 'intake', 'acceptsAudience', 'processing', 'visible', 'startAt', 'endAt', 'visibleAt', 'timezone', 'audience', 'products', 'labels', 'content', 'recurrence', 'occurrence', 'pauses', 'fault', 'version', 'definitionVersion', 'createdAt', 'updatedAt'];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function check(release: string, storeOf: () => CampaignStore) {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, release, 'fixture.json'), 'utf8')) as Fixture;
  const now = Date.parse(fixture.now);
  const clock = createManualClock(now);
  const rt = await createCampaignRuntime({ store: storeOf(), clock });
  try {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const c of fixture.campaigns) {
      seen.set(c.id, (await rt.history(c.id)).length);
      const view = await rt.get(c.id);
      if (view.status !== c.view.status) problems.push(`${c.id}: status ${view.status}, the fixture showed ${c.view.status}`);
      const next = view.nextTimer && { event: view.nextTimer.event, at: view.nextTimer.at };
      if (JSON.stringify(next) !== JSON.stringify(c.view.nextTimer)) problems.push(`${c.id}: next date ${JSON.stringify(next)}, the fixture showed ${JSON.stringify(c.view.nextTimer)}`);
      for (const fact of FACTS.filter((f) => f in c.view)) {
        const shown = (view as unknown as Record<string, unknown>)[fact];
        if (JSON.stringify(shown) !== JSON.stringify(c.view[fact])) problems.push(`${c.id}: ${fact} ${JSON.stringify(shown)}, the fixture showed ${JSON.stringify(c.view[fact])}`);
      }
    }
    // past every date any forecast names
    const last = Math.max(now, ...fixture.campaigns.flatMap((c) => c.forecast.map((f) => Date.parse(f.at))));
    await clock.advanceTo(last + 1);
    for (const c of fixture.campaigns) {
      const fired = (await rt.history(c.id)).slice(seen.get(c.id)).filter((h) => h.source === 'timer');
      const promised = c.forecast.map((f) => `${f.event}@${f.at} ${f.from}→${f.to}`);
      const happened = fired.map((h) => `${h.event}@${h.dueAt} ${h.from}→${h.to}`);
      // exactly what was promised: nothing more, nothing less, in order
      if (JSON.stringify(happened) !== JSON.stringify(promised)) {
        problems.push(`${c.id}: forecast ${JSON.stringify(promised)}, fired ${JSON.stringify(happened)}`);
      }
      for (const h of fired) if (h.at !== h.dueAt) problems.push(`${c.id}: ${h.event} due ${h.dueAt} fired at ${h.at}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    return fixture.campaigns.length;
  } finally {
    await rt.stop();
  }
}

describe.each(releases)('the %s fixture opens with today’s code', (release) => {
  const rows = releaseRows(release);

  it.each([false, true])('SQLite (on a worker thread: %s): the release’s own file (copied), migrated on open', async (thread) => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-fixture-'));
    dirs.push(dir);
    copyFileSync(releaseDatabase(release), join(dir, 'campaigns.db'));
    expect(await check(release, () => sqliteStore({ path: join(dir, 'campaigns.db'), thread }))).toBeGreaterThan(50);
  }, 120_000);

  it('memory: the release’s rows', async () => {
    const store = memoryStore();
    await loadRows(store, rows);
    const reopen = store.open.bind(store);
    expect(await check(release, () => Object.assign(store, { open: reopen }))).toBeGreaterThan(50);
  }, 120_000);

  it.skipIf(SKIP_PG)('PostgreSQL: the release’s rows', async () => {
    const schema = freshSchema('fixture');
    try {
      await loadRows(postgresStore({ connectionString: PG_URL, schema }), rows);
      expect(await check(release, () => postgresStore({ connectionString: PG_URL, schema }))).toBeGreaterThan(50);
    } finally {
      await dropSchema(schema);
    }
  }, 120_000);
});
