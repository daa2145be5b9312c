/**
 * A runtime on a manual clock that can be restarted on the same store, plus the checks every
 * property step runs: seed invariants on the stored snapshot, persist → restore equality, stored
 * timers = timers armed by the stored snapshot, versions 1..n, exact timer instants, a gap-free feed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  type CampaignRuntime,
  type CampaignStore,
  type CampaignView,
  type Change,
  ConflictError,
  createCampaignRuntime,
  createManualClock,
  type ManualClock,
  memoryStore,
  NotFoundError,
  sqliteStore,
  toView,
  TransitionRejectedError,
  ValidationError,
} from '../../src/index.js';
import { armedTimers } from '../../src/machines/index.js';
import { checkInvariants } from '../support/invariants.js';
import { restoreSnapshot } from './replay.js';

export const TYPED_ERRORS = [ValidationError, TransitionRejectedError, ConflictError, NotFoundError] as const;
export const isTyped = (error: unknown) => TYPED_ERRORS.some((type) => error instanceof type);

export interface World {
  clock: ManualClock;
  rt: CampaignRuntime;
  /** The store the current runtime uses (a new adapter on the same file after a SQLite restart). */
  store: CampaignStore;
  /** Errors the runtime reported through onError (there must be none). */
  errors: unknown[];
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function world(kind: 'memory' | 'sqlite', start: number, maxLiveActors?: number): Promise<World> {
  const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'cl-props-')) : null;
  const memory = memoryStore();
  const nextStore = () => (dir ? sqliteStore({ path: join(dir, 'campaigns.db') }) : memory);
  const clock = createManualClock(start);
  const errors: unknown[] = [];
  const open = async (store: CampaignStore) =>
    createCampaignRuntime({ store, clock, onError: (e) => errors.push(e), ...(maxLiveActors !== undefined ? { maxLiveActors } : {}) });
  const store = nextStore();
  const w: World = {
    clock,
    store,
    rt: await open(store),
    errors,
    async restart() {
      await w.rt.stop();
      w.store = nextStore();
      w.rt = await open(w.store);
    },
    async close() {
      await w.rt.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return w;
}

/** Everything a call could change about one campaign, plus the global feed position. */
export interface Observed {
  view: CampaignView | null;
  history: Change[];
  timers: { eventType: string; dueAt: number }[];
  lastSeq: number;
}

export async function observe(w: World, id: string): Promise<Observed> {
  const view = await w.rt.get(id).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  return {
    view,
    history: await w.store.history(id),
    timers: (await w.store.timers(id)).map((t) => ({ eventType: t.eventType, dueAt: t.dueAt })),
    lastSeq: w.rt.lastSeq,
  };
}

/** The checks of one campaign at the clock's current instant. */
export async function checkCampaign(w: World, id: string): Promise<void> {
  const now = w.clock.now();
  const history = await w.store.history(id);
  const where = `${id}: ${history.map((h) => `${h.event}→${h.to}`).join(', ')}`;
  expect(history.map((h) => h.version), where).toEqual(history.map((_, i) => i + 1));
  for (let i = 1; i < history.length; i++) {
    const change = history[i]!;
    if (change.source !== 'timer') continue;
    // the manual clock fires a timer at its instant, or at once if it was armed after its instant
    expect(change.at, `${where}: ${change.event} due ${change.dueAt}`).toBe(Math.max(change.dueAt!, history[i - 1]!.at));
  }
  const record = await w.store.get(id);
  if (history.at(-1)?.event === 'DELETE') {
    expect(record, where).toBeNull();
    await expect(w.rt.get(id)).rejects.toBeInstanceOf(NotFoundError);
    return;
  }
  expect(record, where).not.toBeNull();
  const view = await w.rt.get(id);
  const restored = restoreSnapshot(record!.snapshot);
  checkInvariants(restored, now);
  expect(toView(restored, record!, now), `${where}: the stored snapshot restores to the view`).toEqual(view);
  expect(view.version, where).toBe(history.length);
  expect(view.status, where).toBe(history.at(-1)!.to);
  const stored = (await w.store.timers(id)).map((t) => `${t.eventType}@${t.dueAt}`).sort();
  const armed = armedTimers(restored).map((t) => `${t.eventType}@${t.dueAt}`).sort();
  expect(stored, `${where}: stored timers = timers armed by the stored snapshot`).toEqual(armed);
  const forecast = await w.rt.forecast(id);
  if (view.nextTimer) expect(forecast[0], where).toMatchObject(view.nextTimer);
  else expect(forecast, where).toEqual([]);
}

/** Checks of the whole store: a gap-free feed, no overdue timer, no background error. */
export async function checkStore(w: World): Promise<void> {
  expect(w.errors).toEqual([]);
  const changes = await w.store.changes(0, Number.MAX_SAFE_INTEGER);
  expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
  expect(w.rt.lastSeq).toBe(changes.length);
  const health = await w.rt.health();
  expect(health.overdueTimers, `overdue at ${new Date(w.clock.now()).toISOString()}`).toBe(0);
}
