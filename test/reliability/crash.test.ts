/**
 * Crash test (CI size): a worker process runs a mixed load on a SQLite file with the system clock
 * and is killed with SIGKILL at random moments, then restarted on the same file. After the last
 * round a clean start-up must show: every acknowledged call in history, versions 1..n per
 * campaign, a gap-free change feed, every due timer fired exactly once and never early (checked
 * by replaying each history through the statechart), and an intact database file.
 * `scripts/stress.ts` runs the same with hundreds of rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Change, createCampaignRuntime, createManualClock, sqliteStore } from '../../src/index.js';
import { type Records, runCrashRounds, summary, verify } from './crashHarness.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from '../support/postgres.js';
import { canRunPrivatePostgres, startPrivatePostgres } from '../support/privatePostgres.js';
import { replayCampaign } from './replay.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-crash-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('crash test: SIGKILL during a mixed load on SQLite (system clock)', () => {
  it('loses nothing acknowledged, fires every due timer exactly once and never early', async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const report = await runCrashRounds({ dir: tempDir(), seed, rounds: Number(process.env['CRASH_ROUNDS'] ?? 6) });
    const line = `${summary(report)} (seed ${seed}, ${report.campaigns} campaigns, ${report.changes} changes)`;
    console.log(`crash test: ${line}`);
    // the run must have done something worth checking
    expect(report.acked, line).toBeGreaterThan(150);
    expect(report.timersFired, line).toBeGreaterThan(20);
    expect(report.consumer.cursor, line).toBeGreaterThan(50); // the durable consumer went on across the kills
    expect(report.problems.slice(0, 20), line).toEqual([]);
    expect({ lost: report.lost, early: report.early, duplicated: report.duplicated, lostTimers: report.lostTimers }).toEqual({
      lost: 0,
      early: 0,
      duplicated: 0,
      lostTimers: 0,
    });
  }, 45_000);
});

describe('the crash checks can fail', () => {
  const definition = { preset: 'discount' as const, name: 'D', startAt: '2026-01-06T00:00:00Z', endAt: '2026-01-08T00:00:00Z' };

  /** A real history: created, published, started and ended by its timers, on a manual clock. */
  async function realHistory(): Promise<{ dbPath: string; id: string; changes: Change[]; records: Records }> {
    const dbPath = join(tempDir(), 'campaigns.db');
    const store = sqliteStore({ path: dbPath });
    const clock = createManualClock('2026-01-05T00:00:00Z');
    const rt = await createCampaignRuntime({ store, clock });
    const c = await rt.create(definition, { id: 'd1' });
    const published = await rt.send(c.id, { type: 'PUBLISH' });
    await clock.advanceTo('2026-01-09T00:00:00Z');
    const changes = (await store.history(c.id)).slice();
    await rt.stop();
    const records: Records = {
      acks: [
        { t: 'ack', kind: 'create', campaignId: c.id, commandId: null, version: 1, event: 'CREATE' },
        { t: 'ack', kind: 'send', campaignId: c.id, commandId: null, version: published.version, event: 'PUBLISH' },
      ],
      creates: new Map([[c.id, { t: 'intent', kind: 'create', campaignId: c.id, commandId: null, definition }]]),
      sends: new Map(),
      workerErrors: [],
      seen: new Map(),
      handled: new Map(),
    };
    return { dbPath, id: c.id, changes, records };
  }

  const payloads = (records: Records) => ({
    definitions: new Map([...records.creates].map(([id, i]) => [id, i.definition])),
    commands: new Map<string, unknown>(),
  });

  it('an untouched history passes; an acknowledged call missing from it is counted as lost', async () => {
    const { dbPath, records } = await realHistory();
    expect((await verify({ kind: 'sqlite' }, dbPath, records, 0, 0)).problems).toEqual([]);
    records.acks.push({ t: 'ack', kind: 'send', campaignId: 'd1', commandId: 'x', version: 9, event: 'PAUSE' });
    const report = await verify({ kind: 'sqlite' }, dbPath, records, 0, 0);
    expect(report.lost).toBe(1);
  });

  it('the replay notices a skipped timer, an early one, a version gap and a wrong status', async () => {
    const { id, changes, records } = await realHistory();
    expect(changes.map((c) => c.event)).toEqual(['CREATE', 'PUBLISH', 'startAt', 'endAt']);
    const stored = { record: null, timers: [] };
    const check = (tampered: Change[]) => replayCampaign(id, tampered, payloads(records), stored, Date.parse('2026-01-09T00:00:00Z'));
    const [create, publish, start, end] = changes as [Change, Change, Change, Change];

    const skipped = check([create, publish, { ...end, version: 3 }]);
    expect(skipped.problems.join('\n')).toMatch(/earliest armed timer is startAt/);

    const early = check([create, publish, { ...start, at: start.dueAt! - 1 }, end]);
    expect(early.early).toBe(1);

    const gap = check([create, publish, { ...start, version: 4 }, { ...end, version: 5 }]);
    expect(gap.problems.join('\n')).toMatch(/version 4, expected 3/);

    const wrong = check([create, { ...publish, to: 'Active' }, start, end]);
    expect(wrong.problems.join('\n')).toMatch(/recorded to Active, replay gives Scheduled/);

    const neverFired = check([create, publish]);
    expect(neverFired.lostTimers).toBeGreaterThan(0);
  });

  it('a worker that read the feed with a gap, or read another change at a seq, is caught', async () => {
    const { dbPath, records, changes } = await realHistory();
    records.seen.set(7, [
      { seq: 1, campaignId: 'd1', version: 1 },
      { seq: 3, campaignId: 'd1', version: 3 },
      { seq: 4, campaignId: 'd1', version: 9 },
    ]);
    const problems = (await verify({ kind: 'sqlite' }, dbPath, records, 0, 0)).problems.join('\n');
    expect(changes).toHaveLength(4);
    expect(problems).toMatch(/worker 7 read seq 3 after 1: a gap/);
    expect(problems).toMatch(/worker 7 read seq 4 as d1 v9; the store has d1 v4/);
  });

  it("a change behind the durable consumer's stored cursor that no worker handled, or one handled out of order, is caught", async () => {
    const { dbPath, records } = await realHistory();
    const store = sqliteStore({ path: dbPath });
    await store.open();
    await store.leaseConsumer('harness', 'w', 0, 1, 0);
    await store.saveConsumer('harness', 'w', { cursor: 4 });
    await store.close();
    records.handled.set(2, [
      { seq: 1, campaignId: 'd1', version: 1 },
      { seq: 3, campaignId: 'd1', version: 3 },
      { seq: 2, campaignId: 'd1', version: 2 },
    ]);
    const report = await verify({ kind: 'sqlite' }, dbPath, records, 0, 0);
    const problems = report.problems.join('\n');
    expect(problems).toMatch(/seq 4 is behind the stored cursor 4 but was never handled/);
    expect(problems).toMatch(/handled d1's seq 2 after its seq 3: out of order/);
    expect(report.consumer).toEqual({ cursor: 4, handled: 3, parked: 0 });
  });
});

describe.skipIf(SKIP_PG)('crash test: 3 processes on one PostgreSQL schema, SIGKILL one per round', () => {
  it('loses nothing acknowledged, fires every due timer exactly once and never early, every process reads the same gap-free feed', async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const schema = freshSchema('crash');
    try {
      const report = await runCrashRounds({
        dir: tempDir(),
        seed,
        rounds: Number(process.env['CRASH_ROUNDS'] ?? 4),
        target: { kind: 'postgres', url: PG_URL, schema },
        processes: 3,
        callers: 6,
        lifeMs: [500, 1_200],
      });
      const line = `${summary(report)}, feed reads ${report.feedReads} (seed ${seed}, ${report.campaigns} campaigns, ${report.changes} changes)`;
      console.log(`crash test [postgres, 3 processes]: ${line}`);
      expect(report.acked, line).toBeGreaterThan(100);
      expect(report.timersFired, line).toBeGreaterThan(20);
      expect(report.feedReads, line).toBeGreaterThan(100);
      expect(report.consumer.cursor, line).toBeGreaterThan(50);
      expect(report.problems.slice(0, 20), line).toEqual([]);
      expect({ lost: report.lost, early: report.early, duplicated: report.duplicated, lostTimers: report.lostTimers }).toEqual({
        lost: 0,
        early: 0,
        duplicated: 0,
        lostTimers: 0,
      });
    } finally {
      await dropSchema(schema);
    }
  }, 90_000);
});

describe.skipIf(!canRunPrivatePostgres && !process.env['CI'])('crash test: the PostgreSQL server restarts under the load of 3 processes', () => {
  it('the runtimes reconnect and go on, callers get typed errors for what failed, nothing acknowledged is lost', async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const server = await startPrivatePostgres(); // its own server: restarting it disturbs no other test
    try {
      const report = await runCrashRounds({
        dir: tempDir(),
        seed,
        rounds: 4,
        target: { kind: 'postgres', url: server.url, schema: 'restart' },
        processes: 3,
        callers: 6,
        lifeMs: [800, 1_500],
        restartDatabase: { every: 2, restart: () => server.restart() },
      });
      const line = `${summary(report)}, feed reads ${report.feedReads} (seed ${seed}, 2 restarts)`;
      console.log(`crash test [postgres restarts]: ${line}`);
      expect(report.acked, line).toBeGreaterThan(50);
      expect(report.problems.slice(0, 20), line).toEqual([]);
      expect({ lost: report.lost, early: report.early, duplicated: report.duplicated, lostTimers: report.lostTimers }).toEqual({
        lost: 0,
        early: 0,
        duplicated: 0,
        lostTimers: 0,
      });
    } finally {
      await server.stop();
    }
  }, 90_000);
});
