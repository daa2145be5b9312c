/**
 * Concurrency: one runtime per SQLite file (a second one — in this process or another — is refused
 * with StoreLockedError, and the lock dies with its process); optimistic concurrency under many
 * concurrent conflicting commands (exactly one winner per campaign and round, no lost update); and
 * idempotency keys used concurrently.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type CampaignRuntime,
  ConflictError,
  createCampaignRuntime,
  createManualClock,
  memoryStore,
  sqliteStore,
  StoreLockedError,
} from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const dirs: string[] = [];
const dbFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-lock-'));
  dirs.push(dir);
  return join(dir, 'campaigns.db');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const LOCKED_MESSAGE = /in use by another campaign runtime; one runtime owns a SQLite store at a time/;

interface LockReport {
  ok: boolean;
  name?: string;
  message?: string;
}

/** Starts `lockWorker.ts` and resolves with its report line. */
function lockWorker(path: string, mode: 'try' | 'hold'): { child: ChildProcess; report: Promise<LockReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'lockWorker.ts'), path, mode], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const report = new Promise<LockReport>((resolveReport, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveReport(JSON.parse(line) as LockReport));
    child.once('close', (code) => reject(new Error(`lock worker exited (${code}) without a report: ${stderr}`)));
  });
  return { child, report };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('close', () => resolveExit());
  });

describe('one runtime per SQLite file', () => {
  const open: CampaignRuntime[] = [];
  afterEach(async () => {
    for (const rt of open.splice(0)) await rt.stop();
  });

  it('a second runtime in the same process is refused with StoreLockedError; the first keeps working', async () => {
    const path = dbFile();
    const first = await createCampaignRuntime({ store: sqliteStore({ path }) });
    open.push(first);
    const c = await first.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const error = await createCampaignRuntime({ store: sqliteStore({ path }) }).then(
      (rt) => {
        open.push(rt);
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).name).toBe('StoreLockedError');
    expect((error as Error).message).toMatch(LOCKED_MESSAGE);
    expect((error as Error).message).toContain(path);
    // the refused opener wrote nothing and took nothing
    expect((await first.send(c.id, { type: 'ACTIVATE' })).version).toBe(2);
    await first.stop();
    open.splice(0);
    const second = await createCampaignRuntime({ store: sqliteStore({ path }) });
    open.push(second);
    expect((await second.get(c.id)).status).toBe('Active');
  });

  it('another process is refused while this one holds the file', async () => {
    const path = dbFile();
    const rt = await createCampaignRuntime({ store: sqliteStore({ path }) });
    open.push(rt);
    await rt.create({ preset: 'discount', name: 'D' });
    const { child, report } = lockWorker(path, 'try');
    expect(await report).toEqual({ ok: false, name: 'StoreLockedError', message: expect.stringMatching(LOCKED_MESSAGE) });
    await exited(child);
    expect(await rt.list()).toHaveLength(1);
  });

  it('this process is refused while another holds the file; the lock dies with that process (SIGKILL)', async () => {
    const path = dbFile();
    const { child, report } = lockWorker(path, 'hold');
    try {
      expect(await report).toEqual({ ok: true });
      const error = await createCampaignRuntime({ store: sqliteStore({ path }) }).then(
        (rt) => {
          open.push(rt);
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreLockedError);
      expect((error as Error).message).toMatch(LOCKED_MESSAGE);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    const rt = await createCampaignRuntime({ store: sqliteStore({ path }) });
    open.push(rt);
    expect((await rt.get('held-by-child')).name).toBe('held');
  });
});

describe('optimistic concurrency under contention', () => {
  /** Lets other callers run first: 0–3 event-loop turns. */
  const jitter = async (turns: number) => {
    for (let i = 0; i < turns; i++) await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  };

  it.each(['sqlite', 'memory'] as const)(
    '%s: many concurrent commands with the same expectedVersion → exactly one winner per campaign and round, no lost update',
    async (kind) => {
      const CAMPAIGNS = 40;
      const ROUNDS = 8;
      const CALLERS = 6;
      const store = kind === 'sqlite' ? sqliteStore({ path: dbFile() }) : memoryStore();
      const rt = await createCampaignRuntime({ store, clock: createManualClock('2026-01-05T08:00:00Z'), maxLiveActors: 10 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < CAMPAIGNS; i++) {
          const c = await rt.create({ preset: i % 2 ? 'gifting' : 'franchise', name: `C${i}`, products: ['mug'], startAt: i % 2 ? null : '2026-02-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' });
          ids.push(c.id);
        }
        const winners = new Map<string, string[]>();
        let seed = 1;
        const random = () => (seed = (seed * 16807) % 2147483647) % 4;
        for (let round = 0; round < ROUNDS; round++) {
          const outcomes = await Promise.all(
            ids.map(async (id) => {
              const { version } = await rt.get(id);
              const attempts = await Promise.allSettled(
                Array.from({ length: CALLERS }, async (_, caller) => {
                  await jitter(random());
                  return rt.send(id, { type: 'UPDATE', patch: { labels: [`r${round}-c${caller}`] } }, { expectedVersion: version });
                }),
              );
              return { id, version, attempts };
            }),
          );
          for (const { id, version, attempts } of outcomes) {
            const won = attempts.filter((a) => a.status === 'fulfilled');
            const lost = attempts.filter((a) => a.status === 'rejected');
            expect(won, `${id} round ${round}`).toHaveLength(1);
            for (const l of lost) {
              expect(l.reason).toBeInstanceOf(ConflictError);
              expect(l.reason).toMatchObject({ expectedVersion: version, actualVersion: version + 1 });
            }
            const view = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<CampaignRuntime['send']>>>).value;
            expect(view.version).toBe(version + 1);
            winners.set(id, [...(winners.get(id) ?? []), view.labels[0]!]);
          }
        }
        for (const id of ids) {
          const view = await rt.get(id);
          expect(view.version, id).toBe(1 + ROUNDS);
          const updates = (await rt.history(id)).filter((h) => h.event === 'UPDATE');
          expect(updates.map((h) => (h.detail as { patch: { labels: string[] } }).patch.labels[0]), id).toEqual(winners.get(id));
          expect(view.labels).toEqual([winners.get(id)!.at(-1)]);
        }
        const feed = await store.changes(0, 1_000_000);
        expect(feed).toHaveLength(CAMPAIGNS * (1 + ROUNDS));
        expect(feed.map((c) => c.seq)).toEqual(feed.map((_, i) => i + 1));
      } finally {
        await rt.stop();
      }
    },
  );

  it('concurrent creates with the same chosen id: exactly one campaign, the others are ConflictError', async () => {
    const rt = await createCampaignRuntime({ store: sqliteStore({ path: dbFile() }), clock: createManualClock('2026-01-05T08:00:00Z') });
    try {
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => rt.create({ preset: 'discount', name: `N${i}` }, { id: 'same-id' })),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(ConflictError);
      expect(await rt.history('same-id')).toHaveLength(1);
    } finally {
      await rt.stop();
    }
  });

  it('a commandId used concurrently for another campaign or another command is a ConflictError, never another call’s result', async () => {
    const rt = await createCampaignRuntime({ store: memoryStore(), clock: createManualClock('2026-01-05T08:00:00Z') });
    try {
      const a = await rt.create({ preset: 'gifting', name: 'A', products: ['mug'] });
      const b = await rt.create({ preset: 'gifting', name: 'B', products: ['mug'] });
      // same key, two campaigns, at the same time
      const [toA, toB] = await Promise.allSettled([
        rt.send(a.id, { type: 'ACTIVATE' }, { commandId: 'k1' }),
        rt.send(b.id, { type: 'ACTIVATE' }, { commandId: 'k1' }),
      ]);
      expect(toA).toMatchObject({ status: 'fulfilled', value: { id: a.id, status: 'Active' } });
      expect(toB.status === 'rejected' && toB.reason, `B got ${JSON.stringify(toB.status === 'fulfilled' ? { id: toB.value.id, status: toB.value.status } : null)}`).toBeInstanceOf(ConflictError);
      expect((await rt.get(b.id)).status).toBe('Draft');
      // same key, one campaign, two different commands at the same time
      const [pause, end] = await Promise.allSettled([
        rt.send(a.id, { type: 'PAUSE' }, { commandId: 'k2' }),
        rt.send(a.id, { type: 'END' }, { commandId: 'k2' }),
      ]);
      expect(pause).toMatchObject({ status: 'fulfilled', value: { status: 'Paused' } });
      expect(end.status === 'rejected' && end.reason, 'END answered with the PAUSE result').toBeInstanceOf(ConflictError);
    } finally {
      await rt.stop();
    }
  });
});
