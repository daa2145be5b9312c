/**
 * Shared helpers of the seed scenario tests: a runtime on a manual clock (memory or SQLite), time
 * arithmetic on ISO strings, refusal checks and exact-instant timer checks. Everything goes
 * through the public API (`src/index.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import {
  type CampaignChange,
  type CampaignRuntime,
  type CampaignView,
  createCampaignRuntime,
  createManualClock,
  type ManualClock,
  memoryStore,
  sqliteStore,
  TransitionRejectedError,
} from '../../../src/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The instant every scenario starts at: Monday 2026-01-05 08:00 UTC. */
export const T0 = '2026-01-05T08:00:00.000Z';

/** Normalises any ISO string (or epoch ms) to the runtime's form: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const iso = (date: string | number): string => new Date(date).toISOString();

/** `date` moved by `ms` milliseconds, as a normalised ISO string. */
export const plus = (date: string, ms: number): string => iso(Date.parse(date) + ms);

/** Dates most scenarios use: visible after 3 days, start after a week, end after four weeks. */
export const VISIBLE = plus(T0, 3 * DAY);
export const START = plus(T0, 7 * DAY);
export const END = plus(T0, 28 * DAY);

export interface Harness {
  rt: CampaignRuntime;
  clock: ManualClock;
}

export interface SqliteHarness extends Harness {
  path: string;
  /** Stops the current runtime and opens a new one on the same file with the same clock. */
  restart(): Promise<CampaignRuntime>;
  /** Stops the current runtime (the clock may then move while nothing runs). */
  stop(): Promise<void>;
  /** Opens a new runtime on the same file with the same clock (after {@link SqliteHarness.stop}). */
  start(): Promise<CampaignRuntime>;
}

/**
 * Registers an `afterEach` that stops every runtime opened by the returned factories and removes
 * their temporary directories. Call once per test file, at the top level.
 */
export function seedRuntimes(): {
  setup(start?: string): Promise<Harness>;
  setupSqlite(start?: string): Promise<SqliteHarness>;
} {
  const runtimes: CampaignRuntime[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const rt of runtimes.splice(0)) await rt.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  return {
    async setup(start = T0) {
      const clock = createManualClock(start);
      const rt = await createCampaignRuntime({ store: memoryStore(), clock });
      runtimes.push(rt);
      return { rt, clock };
    },
    async setupSqlite(start = T0) {
      const dir = mkdtempSync(join(tmpdir(), 'campaign-seeds-'));
      dirs.push(dir);
      const path = join(dir, 'campaigns.db');
      const clock = createManualClock(start);
      const open = async () => {
        const rt = await createCampaignRuntime({ store: sqliteStore({ path }), clock });
        runtimes.push(rt);
        return rt;
      };
      const harness: SqliteHarness = {
        rt: await open(),
        clock,
        path,
        async stop() {
          await harness.rt.stop();
        },
        async start() {
          harness.rt = await open();
          return harness.rt;
        },
        async restart() {
          await harness.stop();
          return harness.start();
        },
      };
      return harness;
    },
  };
}

export interface Refusal {
  command: string;
  status: string;
  /** A meaningful fragment of the reason. */
  reason: RegExp;
  /** If given: exactly the user commands accepted now (any order). */
  allowed?: string[];
}

/** Awaits `promise`, expects a {@link TransitionRejectedError} as described, and returns it. */
export async function expectRefused(promise: Promise<unknown>, expected: Refusal): Promise<TransitionRejectedError> {
  let caught: unknown = null;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TransitionRejectedError);
  if (!(caught instanceof TransitionRejectedError)) throw new Error('not a TransitionRejectedError');
  expect(caught.name).toBe('TransitionRejectedError');
  expect(caught.command).toBe(expected.command);
  expect(caught.status).toBe(expected.status);
  expect(caught.reason).toMatch(expected.reason);
  if (expected.allowed) expect([...caught.allowed].sort()).toEqual([...expected.allowed].sort());
  return caught;
}

/**
 * Runs `attempt` (which must be refused as described) and checks that the campaign did not change:
 * same status, same version, same history length.
 */
export async function expectRefusedUnchanged(
  rt: CampaignRuntime,
  id: string,
  attempt: () => Promise<unknown>,
  expected: Refusal,
): Promise<TransitionRejectedError> {
  const before = await rt.get(id);
  const historyBefore = (await rt.history(id)).length;
  const error = await expectRefused(attempt(), expected);
  const after = await rt.get(id);
  expect(after.status).toBe(before.status);
  expect(after.version).toBe(before.version);
  expect((await rt.history(id)).length).toBe(historyBefore);
  return error;
}

/** History entries written by a timer named `event` (optionally: due at `dueAt`). */
export function timerEntries(history: CampaignChange[], event: string, dueAt?: string): CampaignChange[] {
  return history.filter(
    (h) => h.source === 'timer' && h.event === event && (dueAt === undefined || h.dueAt === iso(dueAt)),
  );
}

/**
 * The date `at` fires exactly at its instant: 1 ms before, the campaign is still `from` and no
 * `event` due at `at` is in its history; at the instant it is `to`, and history holds exactly one
 * timer entry for `event` with `dueAt` (and `at`) equal to the instant. Returns the view after.
 */
export async function expectFiresExactlyAt(
  h: Harness,
  id: string,
  expected: { event: string; at: string; from: string; to: string },
): Promise<CampaignView> {
  const due = Date.parse(expected.at);
  await h.clock.advanceTo(due - 1);
  const before = await h.rt.get(id);
  expect(before.status, `1 ms before ${expected.event}`).toBe(expected.from);
  expect(timerEntries(await h.rt.history(id), expected.event, expected.at)).toHaveLength(0);
  await h.clock.advanceTo(due);
  const after = await h.rt.get(id);
  expect(after.status, `at ${expected.event}`).toBe(expected.to);
  const fired = timerEntries(await h.rt.history(id), expected.event, expected.at);
  expect(fired).toHaveLength(1);
  expect(fired[0]).toMatchObject({
    source: 'timer',
    dueAt: iso(due),
    at: iso(due),
    from: expected.from,
    to: expected.to,
  });
  return after;
}

/** The sequence of (event, from → to) of a campaign's history, for compact assertions. */
export async function transitions(rt: CampaignRuntime, id: string): Promise<string[]> {
  return (await rt.history(id)).map((h) => `${h.event}:${h.from ?? '∅'}→${h.to ?? '∅'}`);
}
