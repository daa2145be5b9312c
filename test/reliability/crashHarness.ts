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
import { type CampaignStore, type Change, createCampaignRuntime, postgresStore, sqliteStore } from '../../src/index.js';
import type { Ack, CreateIntent, SendIntent, WorkerLine } from './crashProtocol.js';
import { CONSUMER, PARKED_EVERY, parseLine } from './crashProtocol.js';
import { rng } from './random.js';
import { replayCampaign } from './replay.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The timer lease of the workers on PostgreSQL (`crashWorker.ts`). */
const WORKER_LEASE_MS = 2_000;
export const WORKER = join(here, 'crashWorker.ts');
const ROOT = resolve(here, '../..');

/** Where the workers run: a SQLite file in `dir`, or a PostgreSQL schema several workers share. */
export type CrashTarget = { kind: 'sqlite' } | { kind: 'postgres'; url: string; schema: string };

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
  target?: CrashTarget;
  /** Workers running at once on the target (several only on PostgreSQL); each round kills one and starts another. */
  processes?: number;
  /** Restarts the database every `every` rounds while the other workers run (PostgreSQL). */
  restartDatabase?: { every: number; restart: () => Promise<void> };
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
  /** Changes the workers' own subscriptions delivered (checked against the store, seq by seq). */
  feedReads: number;
  /** The durable consumer: its stored cursor, the changes its handlers reported handled (re-deliveries included), and how many it parked. */
  consumer: { cursor: number; handled: number; parked: number };
}

export interface Records {
  acks: Ack[];
  creates: Map<string, CreateIntent>;
  sends: Map<string, SendIntent>;
  workerErrors: string[];
  /** What each worker's subscription read of the feed (`--watch-feed`), by incarnation. */
  seen: Map<number, { seq: number; campaignId: string; version: number }[]>;
  /** What each worker's durable consumer handled, by incarnation. */
  handled: Map<number, { seq: number; campaignId: string; version: number }[]>;
}

type Settings = Required<Omit<CrashOptions, 'log' | 'restartDatabase'>>;

interface Launched {
  incarnation: number;
  kill(when: 'startup' | 'load', ms: number): void;
  done: Promise<{ killedAt: 'startup' | 'load' | 'never'; problems: string[] }>;
}

const targetOf = (options: Settings) =>
  options.target.kind === 'sqlite' ? join(options.dir, 'campaigns.db') : `${options.target.url}#${options.target.schema}`;

/** Starts one worker (incarnation `index`) on the target; it runs until killed. */
function launch(options: Settings, index: number, records: Records, retryFile: string, killPlan: 'own' | 'external'): Launched {
  const r = rng(options.seed * 31 + index);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WORKER,
      targetOf(options),
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
      ...(options.processes > 1 ? ['--watch-feed'] : []),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const problems: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const killAtStartup = killPlan === 'own' && r.chance(options.startupKill);
  let killedAt: 'startup' | 'load' | 'never' = 'never';
  let killTimer: NodeJS.Timeout | null = null;
  let ready = false;
  /** A kill under load asked for before the worker was ready: its delay runs from 'ready' (start-up takes seconds on a busy machine). */
  let pendingKillMs: number | null = null;
  const kill = (when: 'startup' | 'load', ms: number) => {
    if (killTimer) return;
    if (when === 'load' && !ready) {
      pendingKillMs = ms;
      return;
    }
    killTimer = setTimeout(() => {
      killedAt = when;
      child.kill('SIGKILL');
    }, ms);
  };
  const watchdog = setTimeout(() => {
    problems.push(`worker ${index}: never reported ready within 60 s`);
    child.kill('SIGKILL');
  }, 60_000);
  const seen: { seq: number; campaignId: string; version: number }[] = [];
  records.seen.set(index, seen);
  const handled: { seq: number; campaignId: string; version: number }[] = [];
  records.handled.set(index, handled);

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
        ready = true;
        if (killPlan === 'own') kill('load', r.int(options.lifeMs[0], options.lifeMs[1]));
        else if (pendingKillMs !== null) kill('load', pendingKillMs);
        break;
      case 'intent':
        if (line.kind === 'create') records.creates.set(line.campaignId, line);
        else records.sends.set(line.commandId, line);
        break;
      case 'ack':
        records.acks.push(line);
        break;
      case 'error':
        records.workerErrors.push(`worker ${index}: ${line.where}: ${line.name}: ${line.message}`);
        break;
      case 'seen':
        seen.push({ seq: line.seq, campaignId: line.campaignId, version: line.version });
        break;
      case 'handled':
        handled.push({ seq: line.seq, campaignId: line.campaignId, version: line.version });
        break;
      case 'stats':
        break;
    }
  });
  const done = new Promise<[number | null, NodeJS.Signals | null]>((resolveExit) => {
    child.on('close', (c, s) => resolveExit([c, s]));
  }).then(([code, signal]) => {
    clearTimeout(watchdog);
    if (killTimer) clearTimeout(killTimer);
    if (signal !== 'SIGKILL') {
      problems.push(`worker ${index}: exited by itself (code ${code}, signal ${signal}): ${stderr.slice(-2_000)}`);
    }
    return { killedAt, problems };
  });
  return { incarnation: index, kill, done };
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
  const opts: Settings = {
    lifeMs: [150, 1_200],
    startupKill: 0.2,
    callers: 12,
    campaigns: 150,
    target: { kind: 'sqlite' },
    processes: 1,
    ...options,
  };
  const log = options.log ?? (() => {});
  const records: Records = { acks: [], creates: new Map(), sends: new Map(), workerErrors: [], seen: new Map(), handled: new Map() };
  const problems: string[] = [];
  const r = rng(opts.seed);
  const retryFile = (i: number) => {
    const file = join(opts.dir, `retry-${i}.json`);
    writeFileSync(file, JSON.stringify(retries(records, r)));
    return file;
  };
  if (opts.processes === 1) {
    for (let i = 0; i < opts.rounds; i++) {
      const before = records.acks.length;
      const result = await launch(opts, i, records, retryFile(i), 'own').done;
      problems.push(...result.problems);
      log(`round ${i + 1}/${opts.rounds}: killed during ${result.killedAt}, ${records.acks.length - before} acknowledged`);
    }
  } else {
    // several workers share the store; each round kills one of them (at random) and starts another
    const running: Launched[] = Array.from({ length: opts.processes }, (_, i) => launch(opts, i, records, retryFile(i), 'external'));
    for (let i = 0; i < opts.rounds; i++) {
      const before = records.acks.length;
      const victim = running.splice(r.int(0, running.length - 1), 1)[0]!;
      victim.kill('load', r.int(opts.lifeMs[0], opts.lifeMs[1]));
      const result = await victim.done;
      problems.push(...result.problems);
      const restart = options.restartDatabase && (i + 1) % options.restartDatabase.every === 0;
      if (restart) await options.restartDatabase!.restart();
      const incarnation = opts.processes + i;
      running.push(launch(opts, incarnation, records, retryFile(incarnation), 'external'));
      log(`round ${i + 1}/${opts.rounds}: killed worker ${victim.incarnation}${restart ? ', restarted the database' : ''}, ${records.acks.length - before} acknowledged`);
    }
    for (const worker of running) worker.kill('load', r.int(opts.lifeMs[0], opts.lifeMs[1]));
    for (const worker of running) problems.push(...(await worker.done).problems);
    // the last workers died holding claims on due timers: a runtime starting now may fire them once
    // their leases (2 s in the workers) expire — the bound the final start-up has to wait out
    await new Promise((resolveWait) => setTimeout(resolveWait, WORKER_LEASE_MS + 500));
  }
  const report = await verify(opts.target, targetOf(opts), records, opts.seed, opts.rounds);
  report.problems.unshift(...problems, ...records.workerErrors);
  return report;
}

/** The final clean start-up, then every check. */
export async function verify(target: CrashTarget, dbPath: string, records: Records, seed: number, rounds: number): Promise<CrashReport> {
  const problems: string[] = [];
  const caughtUpAt = Date.now();
  const storeOf = () => (target.kind === 'sqlite' ? sqliteStore({ path: dbPath }) : postgresStore({ connectionString: target.url, schema: target.schema }));
  const rt = await createCampaignRuntime({
    store: storeOf(),
    onError: (error) => problems.push(`final start-up: ${String(error)}`),
  });
  await rt.stop();

  const store = storeOf();
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
  // what each worker's subscription read of the feed: gap-free and the same changes, seq by seq
  let feedReads = 0;
  for (const [incarnation, seen] of records.seen) {
    feedReads += seen.length;
    seen.forEach((read, i) => {
      const stored = changes[read.seq - 1];
      if (i > 0 && read.seq !== seen[i - 1]!.seq + 1) problems.push(`worker ${incarnation} read seq ${read.seq} after ${seen[i - 1]!.seq}: a gap in its feed`);
      if (!stored || stored.campaignId !== read.campaignId || stored.version !== read.version) {
        problems.push(`worker ${incarnation} read seq ${read.seq} as ${read.campaignId} v${read.version}; the store has ${stored?.campaignId} v${stored?.version}`);
      }
    });
  }
  const consumer = await verifyConsumer(store, changes, records.handled, problems);
  const overdue = (await store.dueTimers(caughtUpAt, 1_000)).length;
  if (overdue > 0) problems.push(`${overdue} timers due before the final start-up are still pending after it`);
  const campaigns = byCampaign.size;
  await store.close();

  if (target.kind === 'sqlite') {
    const db = new Database(dbPath);
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') problems.push(`PRAGMA integrity_check: ${String(integrity)}`);
    } finally {
      db.close();
    }
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
    feedReads,
    consumer,
  };
}

/**
 * The durable consumer's guarantee: every change up to its stored cursor was handled by some
 * worker (or parked — only those the handler always refuses), each worker handled a campaign's
 * changes in feed order, and what it handled is what the store holds at that seq.
 */
async function verifyConsumer(store: CampaignStore, changes: Change[], handledBy: Records['handled'], problems: string[]) {
  const stored = (await store.consumers()).find((c) => c.name === CONSUMER);
  const cursor = stored?.cursor ?? 0;
  const parked = new Set((await store.parkedChanges(CONSUMER, { limit: 100_000 })).map((p) => p.seq));
  const handled = new Set<number>();
  let count = 0;
  for (const [incarnation, list] of handledBy) {
    const lastSeqOf = new Map<string, number>();
    for (const item of list) {
      count++;
      handled.add(item.seq);
      const change = changes[item.seq - 1];
      if (!change || change.campaignId !== item.campaignId || change.version !== item.version) {
        problems.push(`consumer in worker ${incarnation} handled seq ${item.seq} as ${item.campaignId} v${item.version}; the store has ${change?.campaignId} v${change?.version}`);
      }
      const last = lastSeqOf.get(item.campaignId) ?? 0;
      if (item.seq < last) problems.push(`consumer in worker ${incarnation} handled ${item.campaignId}'s seq ${item.seq} after its seq ${last}: out of order`);
      lastSeqOf.set(item.campaignId, Math.max(last, item.seq));
    }
  }
  for (let seq = 1; seq <= cursor; seq++) {
    const refused = seq % PARKED_EVERY === 0;
    if (refused ? !parked.has(seq) : !handled.has(seq)) {
      problems.push(`consumer: seq ${seq} is behind the stored cursor ${cursor} but was ${refused ? 'not parked' : 'never handled'}`);
    }
  }
  for (const seq of parked) if (seq % PARKED_EVERY !== 0) problems.push(`consumer: seq ${seq} was parked although its handler only fails once`);
  return { cursor, handled: count, parked: parked.size };
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
    `consumer cursor ${report.consumer.cursor} (handled ${report.consumer.handled}, parked ${report.consumer.parked})`,
    `problems ${report.problems.length}`,
  ].join(', ');
}
