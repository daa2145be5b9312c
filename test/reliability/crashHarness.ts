/**
 * The parent side of the crash test: starts `crashWorker.ts` on a SQLite file, kills it with
 * SIGKILL at a random moment (sometimes during its start-up catch-up), restarts it on the same
 * file, and after the last round opens the file once more (a clean start-up) and checks that
 * nothing acknowledged was lost and every timer fired exactly once, never early.
 * Used by `crash.test.ts` (a few rounds) and `scripts/stress.ts` (hundreds).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type Change, createCampaignRuntime, sqliteStore } from '../../src/index.js';
import type { Ack, CreateIntent, SendIntent, WorkerLine } from './crashProtocol.js';
import { parseLine } from './crashProtocol.js';
import { rng } from './random.js';
import { replayCampaign } from './replay.js';

const here = dirname(fileURLToPath(import.meta.url));
export const WORKER = join(here, 'crashWorker.ts');
const ROOT = resolve(here, '../..');

export interface CrashOptions {
  /** Directory for the database and the retry files (the caller creates and removes it). */
  dir: string;
  seed: number;
  rounds: number;
  /** The worker is killed between these many ms after it reported ready. */
  lifeMs?: [number, number];
  /** Probability that a round kills the worker during its start-up catch-up instead. */
  startupKill?: number;
  callers?: number;
  campaigns?: number;
  /** Progress lines (one per round). */
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  dbPath: string;
  rounds: number;
  acked: number;
  /** Acknowledged calls missing from history. */
  lost: number;
  timersFired: number;
  /** Timers fired before their due instant. */
  early: number;
  /** Timers fired twice (same campaign, event and due instant) plus commandIds applied twice. */
  duplicated: number;
  /** Armed timers that never fired although due (found by replaying history through the statechart). */
  lostTimers: number;
  /** Everything that went wrong, in words (includes the above, and worker errors). */
  problems: string[];
  changes: number;
  campaigns: number;
}

export interface Records {
  acks: Ack[];
  creates: Map<string, CreateIntent>;
  sends: Map<string, SendIntent>;
  workerErrors: string[];
}

/** Runs one worker until it is killed; collects its lines. */
async function round(
  options: Required<Omit<CrashOptions, 'log'>>,
  index: number,
  records: Records,
  retryFile: string,
): Promise<{ killedAt: 'startup' | 'load' | 'never'; problems: string[] }> {
  const r = rng(options.seed * 31 + index);
  const dbPath = join(options.dir, 'campaigns.db');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WORKER,
      dbPath,
      String(options.seed),
      '--round',
      String(index),
      '--retry',
      retryFile,
      '--callers',
      String(options.callers),
      '--campaigns',
      String(options.campaigns),
      // some rounds keep few actors in memory (eviction under load) or load due timers a few at a time
      '--max-live',
      String(r.pick([10_000, 10_000, 25, 3])),
      '--timer-batch',
      String(r.pick([1_000, 1_000, 7, 1])),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const problems: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const killAtStartup = r.chance(options.startupKill);
  let killedAt: 'startup' | 'load' | 'never' = 'never';
  let killTimer: NodeJS.Timeout | null = null;
  const kill = (when: 'startup' | 'load', ms: number) => {
    if (killTimer) return;
    killTimer = setTimeout(() => {
      killedAt = when;
      child.kill('SIGKILL');
    }, ms);
  };
  const watchdog = setTimeout(() => {
    problems.push(`round ${index}: the worker never reported ready within 60 s`);
    child.kill('SIGKILL');
  }, 60_000);

  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (text) => {
    const line: WorkerLine | null = parseLine(text);
    if (!line) return;
    switch (line.t) {
      case 'opening':
        if (killAtStartup) kill('startup', r.int(0, 120));
        break;
      case 'ready':
        clearTimeout(watchdog);
        kill('load', r.int(options.lifeMs[0], options.lifeMs[1]));
        break;
      case 'intent':
        if (line.kind === 'create') records.creates.set(line.campaignId, line);
        else records.sends.set(line.commandId, line);
        break;
      case 'ack':
        records.acks.push(line);
        break;
      case 'error':
        records.workerErrors.push(`round ${index}: ${line.where}: ${line.name}: ${line.message}`);
        break;
      case 'stats':
        break;
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolveExit) => {
    child.on('close', (c, s) => resolveExit([c, s]));
  });
  clearTimeout(watchdog);
  if (killTimer) clearTimeout(killTimer);
  if (signal !== 'SIGKILL') {
    problems.push(`round ${index}: the worker exited by itself (code ${code}, signal ${signal}): ${stderr.slice(-2_000)}`);
  }
  return { killedAt, problems };
}

/** Unacknowledged calls that carried a commandId (plus a few acknowledged ones) to retry next round. */
function retries(records: Records, r: ReturnType<typeof rng>): (SendIntent | CreateIntent)[] {
  const acked = new Set(records.acks.map((a) => a.commandId).filter((id): id is string => id !== null));
  const intents = [...records.sends.values(), ...[...records.creates.values()].filter((c) => c.commandId !== null)];
  const open = intents.filter((i) => !acked.has(i.commandId!)).slice(-30);
  const done = intents.filter((i) => acked.has(i.commandId!));
  const again = Array.from({ length: Math.min(5, done.length) }, () => r.pick(done));
  return [...open, ...again];
}

export async function runCrashRounds(options: CrashOptions): Promise<CrashReport> {
  const opts: Required<Omit<CrashOptions, 'log'>> = {
    lifeMs: [150, 1_200],
    startupKill: 0.2,
    callers: 12,
    campaigns: 150,
    ...options,
  };
  const log = options.log ?? (() => {});
  const records: Records = { acks: [], creates: new Map(), sends: new Map(), workerErrors: [] };
  const problems: string[] = [];
  const r = rng(opts.seed);
  for (let i = 0; i < opts.rounds; i++) {
    const retryFile = join(opts.dir, `retry-${i}.json`);
    writeFileSync(retryFile, JSON.stringify(retries(records, r)));
    const before = records.acks.length;
    const result = await round(opts, i, records, retryFile);
    problems.push(...result.problems);
    log(`round ${i + 1}/${opts.rounds}: killed during ${result.killedAt}, ${records.acks.length - before} acknowledged`);
  }
  const report = await verify(join(opts.dir, 'campaigns.db'), records, opts.seed, opts.rounds);
  report.problems.unshift(...problems, ...records.workerErrors);
  return report;
}

/** The final clean start-up, then every check. */
export async function verify(dbPath: string, records: Records, seed: number, rounds: number): Promise<CrashReport> {
  const problems: string[] = [];
  const caughtUpAt = Date.now();
  const rt = await createCampaignRuntime({
    store: sqliteStore({ path: dbPath }),
    onError: (error) => problems.push(`final start-up: ${String(error)}`),
  });
  await rt.stop();

  const store = sqliteStore({ path: dbPath });
  await store.open();
  const changes = await store.changes(0, Number.MAX_SAFE_INTEGER);
  const byCampaign = new Map<string, Change[]>();
  changes.forEach((change, i) => {
    if (change.seq !== i + 1) {
      problems.push(`change feed: position ${i} has seq ${change.seq} (gap or duplicate after seq ${changes[i - 1]?.seq ?? 0})`);
    }
    const list = byCampaign.get(change.campaignId) ?? [];
    list.push(change);
    byCampaign.set(change.campaignId, list);
  });
  for (const record of await store.list()) {
    if (!byCampaign.has(record.id)) problems.push(`${record.id}: stored without any history`);
  }

  // acknowledged calls
  let lost = 0;
  const firstAck = new Map<string, Ack>();
  for (const ack of records.acks) {
    const history = byCampaign.get(ack.campaignId) ?? [];
    const found =
      ack.kind === 'delete'
        ? history.some((c) => c.event === 'DELETE' && (ack.commandId === null || c.commandId === ack.commandId))
        : history.some((c) => c.version === ack.version && c.event === ack.event && (ack.commandId === null || c.commandId === ack.commandId));
    if (!found) {
      lost++;
      problems.push(`lost: ${ack.kind} ${ack.event} of ${ack.campaignId} (commandId ${ack.commandId}, version ${ack.version}) was acknowledged but is not in history`);
    }
    if (ack.commandId !== null) {
      const first = firstAck.get(ack.commandId);
      if (!first) firstAck.set(ack.commandId, ack);
      else if (first.version !== ack.version || first.campaignId !== ack.campaignId) {
        problems.push(`retry of ${ack.commandId} returned version ${ack.version}, the first call returned ${first.version}`);
      }
    }
  }

  // exactly once: commandIds and timers
  let duplicated = 0;
  const commandIds = new Map<string, number>();
  const firings = new Set<string>();
  let timersFired = 0;
  let early = 0;
  for (const change of changes) {
    if (change.commandId !== null) {
      const seen = (commandIds.get(change.commandId) ?? 0) + 1;
      commandIds.set(change.commandId, seen);
      if (seen === 2) {
        duplicated++;
        problems.push(`commandId ${change.commandId} applied more than once`);
      }
    }
    if (change.source !== 'timer') continue;
    timersFired++;
    if (change.dueAt === null || change.at < change.dueAt) early++;
    const key = `${change.campaignId}|${change.event}|${change.dueAt}`;
    if (firings.has(key)) {
      duplicated++;
      problems.push(`timer fired twice: ${key}`);
    }
    firings.add(key);
  }

  // replay every campaign through the statechart
  let lostTimers = 0;
  const payloads = {
    definitions: new Map([...records.creates].map(([id, intent]) => [id, intent.definition])),
    commands: new Map([...records.sends].map(([id, intent]) => [id, intent.command])),
  };
  for (const [id, history] of byCampaign) {
    const outcome = replayCampaign(id, history, payloads, { record: await store.get(id), timers: await store.timers(id) }, caughtUpAt);
    lostTimers += outcome.lostTimers;
    problems.push(...outcome.problems);
  }
  const overdue = (await store.dueTimers(caughtUpAt, 1_000)).length;
  if (overdue > 0) problems.push(`${overdue} timers due before the final start-up are still pending after it`);
  const campaigns = byCampaign.size;
  await store.close();

  const db = new Database(dbPath);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`PRAGMA integrity_check: ${String(integrity)}`);
  } finally {
    db.close();
  }
  return {
    seed,
    dbPath,
    rounds,
    acked: records.acks.length,
    lost,
    timersFired,
    early,
    duplicated,
    lostTimers: lostTimers + overdue,
    problems,
    changes: changes.length,
    campaigns,
  };
}

export function summary(report: CrashReport): string {
  return [
    `rounds ${report.rounds}`,
    `acked ${report.acked}`,
    `lost ${report.lost}`,
    `timers fired ${report.timersFired}`,
    `early ${report.early}`,
    `duplicated ${report.duplicated}`,
    `lost timers ${report.lostTimers}`,
    `problems ${report.problems.length}`,
  ].join(', ');
}
