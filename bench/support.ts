/**
 * Shared helpers of the benchmark suite (`npm run bench`): temp dirs, a timing wrapper around a
 * store, concurrent callers, the naive baseline, memory figures, in-process CPU profiles and the
 * result line that `bench/run.ts` collects.
 *
 * Every benchmark is a script run in its own Node process (`node --import tsx bench/<name>.ts`)
 * and ends by printing one `@@bench-result {json}` line.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActor } from 'xstate';
import {
  armedTimers,
  type CampaignDefinition,
  type CampaignEvent,
  campaignMachine,
  type CampaignRecord,
  type CampaignSnapshot,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type ChangeSource,
  type Clock,
  type DueCampaign,
  type ListQuery,
  presets,
  type PresetName,
  type StatusCount,
  systemClock,
  type TimerRecord,
  type TimerStats,
} from '../src/index.js';
import { phaseOf, statusLabel } from '../src/machines/index.js';

// ── results ─────────────────────────────────────────────────────────────────────────────────

/** One row of the final table: a figure, its target and the baseline measured beside it. */
export interface BenchRow {
  benchmark: string;
  metric: string;
  figure: string;
  target: string;
  baseline: string;
  /** `null` when the row has no target (a reference figure). */
  pass: boolean | null;
}

export interface BenchReport {
  name: string;
  rows: BenchRow[];
  notes: string[];
  details: Record<string, unknown>;
}

export const RESULT_MARKER = '@@bench-result ';

/** Prints the report of one benchmark (human-readable) and the machine-readable result line. */
export function emit(report: BenchReport): void {
  console.log('');
  console.log(table(report.rows));
  for (const note of report.notes) console.log(`  note: ${note}`);
  console.log(RESULT_MARKER + JSON.stringify(report));
}

export const verdict = (pass: boolean | null) => (pass === null ? '—' : pass ? 'PASS' : 'FAIL');

/** A plain-text table of rows: benchmark, figure, target, baseline, pass/fail. */
export function table(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'figure', 'target', 'baseline (same run)', 'result'];
  const body = rows.map((r) => [`${r.benchmark}: ${r.metric}`, r.figure, r.target, r.baseline, verdict(r.pass)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

// ── formatting and statistics ───────────────────────────────────────────────────────────────

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const fixed = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const mb = (bytes: number) => bytes / 1024 / 1024;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summary(values: readonly number[]): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean,
  };
}

export function log(message: string): void {
  const t = (performance.now() / 1000).toFixed(1).padStart(6);
  console.log(`[${t}s] ${message}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function machine(): string {
  const cpu = cpus();
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${process.platform}/${process.arch}, load average ${load}`;
}

/**
 * The system clock moved by a constant: `now()` is `Date.now() + offsetMs`, waits are real
 * (`systemClock.setTimeout`). Lets a benchmark make a stored instant arrive a few seconds after a
 * runtime opens, whatever seeding took; time passes exactly as on the system clock.
 */
export function offsetClock(offsetMs: number): Clock {
  return {
    now: () => Date.now() + offsetMs,
    setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
    clearTimeout: (timer) => systemClock.clearTimeout(timer),
  };
}

// ── process, memory and temp dirs ───────────────────────────────────────────────────────────

/** Runs `global.gc` when the process was started with `--expose-gc` (run.ts does). */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

export interface MemoryFigures {
  rssMB: number;
  heapUsedMB: number;
  externalMB: number;
  /** Peak resident set size of the process so far. */
  maxRssMB: number;
}

export function memory(): MemoryFigures {
  const m = process.memoryUsage();
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    externalMB: mb(m.external),
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

const cleanups = new Set<() => void>();
let cleanupHooked = false;

/** A fresh directory under `os.tmpdir()`, removed by `cleanup()` or at process exit. */
export function tempDir(name: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `cl-bench-${name}-`));
  const cleanup = () => {
    cleanups.delete(cleanup);
    rmSync(path, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.on('exit', () => {
      for (const c of [...cleanups]) c();
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        for (const c of [...cleanups]) c();
        process.exit(130);
      });
    }
  }
  return { path, cleanup };
}

/** Runs a benchmark's main function; an error is printed and makes the process exit with 1. */
export function main(run: () => Promise<void>): void {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** `--name value` or `--name=value` from argv. */
export function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** A numeric setting from the environment (`BENCH_<NAME>`), for shorter or longer runs. */
export function setting(name: string, fallback: number): number {
  const raw = process.env[`BENCH_${name}`];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// ── child processes ─────────────────────────────────────────────────────────────────────────

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Whether the measured SQLite store runs on its worker thread (`sqliteStore({ thread: true })`,
 * what the service uses): `BENCH_THREAD=0` measures it on the main thread instead.
 */
export const THREAD = process.env['BENCH_THREAD'] !== '0';
export const PHASE_MARKER = '@@phase ';

/**
 * Runs `bench/<script>` in a fresh Node process (`node --import tsx …`; a plain `node` when
 * `script` is an absolute path to JavaScript), forwarding its output line by line (indented) and
 * returning the JSON of every line that starts with `marker`.
 */
export function runScript(
  script: string,
  options: { args?: string[]; nodeArgs?: string[]; marker: string; indent?: string },
): Promise<{ code: number; results: unknown[] }> {
  const javascript = isAbsolute(script) && /\.[cm]?js$/.test(script);
  const entry = javascript ? [script] : ['--import', 'tsx', join(BENCH_DIR, script)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry, ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const results: unknown[] = [];
    let buffered = '';
    const onLine = (line: string) => {
      if (line.startsWith(options.marker)) results.push(JSON.parse(line.slice(options.marker.length)) as unknown);
      else if (!line.startsWith(RESULT_MARKER) && !line.startsWith(PHASE_MARKER)) console.log(`${options.indent ?? ''}${line}`);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (buffered) onLine(buffered);
      resolve({ code: code ?? 1, results });
    });
  });
}

/** A phase of a multi-process benchmark hands its figures to the parent. */
export function emitPhase(result: Record<string, unknown>): void {
  console.log(PHASE_MARKER + JSON.stringify(result));
}

// ── concurrency ─────────────────────────────────────────────────────────────────────────────

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function forEachConcurrent(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

/**
 * `callers` concurrent callers, each awaiting `op(caller)` in a loop until `durationMs` has
 * passed. Returns the number of completed operations, the exact elapsed time and every latency.
 */
export async function closedLoop(
  callers: number,
  durationMs: number,
  op: (caller: number) => Promise<void>,
): Promise<{ ops: number; elapsedMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (;;) {
        const t = performance.now();
        if (t >= end) return;
        await op(caller);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { ops: latencies.length, elapsedMs: performance.now() - start, latencies };
}

// ── timing store ────────────────────────────────────────────────────────────────────────────

export interface CommitObservation {
  writes: readonly CampaignWrite[];
  seqs: readonly number[];
  /** `Date.now()` when the store's commit resolved: the writes are durable. */
  durableAt: number;
  ms: number;
}

export interface CommitStats {
  commits: number;
  writes: number;
  commitMs: number;
  maxBatch: number;
  batchSizes: number[];
  /** Duration of every commit call, ms. */
  commitTimes: number[];
}

/**
 * A {@link CampaignStore} that forwards to `inner` and observes every commit: when it became
 * durable, how many writes it carried and how long it took. The runtime accepts any store, so
 * this measures "committed" exactly where the runtime sees it.
 */
export class TimingStore implements CampaignStore {
  readonly kind: string;
  readonly stats: CommitStats = { commits: 0, writes: 0, commitMs: 0, maxBatch: 0, batchSizes: [], commitTimes: [] };
  onCommit: ((observation: CommitObservation) => void) | null = null;
  readonly #inner: CampaignStore;

  constructor(inner: CampaignStore) {
    this.#inner = inner;
    this.kind = inner.kind;
  }

  resetStats(): void {
    Object.assign(this.stats, { commits: 0, writes: 0, commitMs: 0, maxBatch: 0, batchSizes: [], commitTimes: [] });
  }

  open(): Promise<void> {
    return this.#inner.open();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  async commit(writes: readonly CampaignWrite[]): Promise<number[]> {
    // better-sqlite3 commits synchronously inside the call: time the call, not the await (which
    // would include whatever other callers run before this continuation)
    const t = performance.now();
    const pending = this.#inner.commit(writes);
    const ms = performance.now() - t;
    const seqs = await pending;
    const durableAt = Date.now();
    const s = this.stats;
    s.commits += 1;
    s.writes += writes.length;
    s.commitMs += ms;
    s.maxBatch = Math.max(s.maxBatch, writes.length);
    if (s.batchSizes.length < 1_000_000) {
      s.batchSizes.push(writes.length);
      s.commitTimes.push(ms);
    }
    this.onCommit?.({ writes, seqs, durableAt, ms });
    return seqs;
  }
  get(id: string): Promise<CampaignRecord | null> {
    return this.#inner.get(id);
  }
  list(query?: ListQuery): Promise<CampaignRecord[]> {
    return this.#inner.list(query);
  }
  counts(query?: { preset?: string }): Promise<StatusCount[]> {
    return this.#inner.counts(query);
  }
  history(campaignId: string, options?: { after?: number; limit?: number }): Promise<Change[]> {
    return this.#inner.history(campaignId, options);
  }
  changes(after: number, limit: number): Promise<Change[]> {
    return this.#inner.changes(after, limit);
  }
  lastSeq(): Promise<number> {
    return this.#inner.lastSeq();
  }
  idempotency(commandId: string): Promise<{ campaignId: string; result: string } | null> {
    return this.#inner.idempotency(commandId);
  }
  dueCampaigns(until: number, limit: number, except?: readonly string[]): Promise<DueCampaign[]> {
    return this.#inner.dueCampaigns(until, limit, except);
  }
  dueTimers(until: number, limit: number, except?: readonly string[]): Promise<TimerRecord[]> {
    return this.#inner.dueTimers(until, limit, except);
  }
  timers(campaignId: string): Promise<TimerRecord[]> {
    return this.#inner.timers(campaignId);
  }
  nextDueAt(except?: readonly string[]): Promise<number | null> {
    return this.#inner.nextDueAt(except);
  }
  timerStats(now: number): Promise<TimerStats> {
    return this.#inner.timerStats(now);
  }
  leaseConsumer: CampaignStore['leaseConsumer'] = (...args) => this.#inner.leaseConsumer(...args);
  saveConsumer: CampaignStore['saveConsumer'] = (...args) => this.#inner.saveConsumer(...args);
  consumers: CampaignStore['consumers'] = () => this.#inner.consumers();
  parkedChanges: CampaignStore['parkedChanges'] = (...args) => this.#inner.parkedChanges(...args);
  retryParked: CampaignStore['retryParked'] = (...args) => this.#inner.retryParked(...args);
  removeConsumer: CampaignStore['removeConsumer'] = (...args) => this.#inner.removeConsumer(...args);
  webhookEndpoints: CampaignStore['webhookEndpoints'] = () => this.#inner.webhookEndpoints();
  addWebhookEndpoint: CampaignStore['addWebhookEndpoint'] = (endpoint) => this.#inner.addWebhookEndpoint(endpoint);
  removeWebhookEndpoint: CampaignStore['removeWebhookEndpoint'] = (id) => this.#inner.removeWebhookEndpoint(id);
  recordDeliveries: CampaignStore['recordDeliveries'] = (deliveries) => this.#inner.recordDeliveries(deliveries);
  deliveries: CampaignStore['deliveries'] = (...args) => this.#inner.deliveries(...args);
}

export function batchSummary(stats: CommitStats): string {
  if (stats.commits === 0) return 'no commits';
  const c = summary(stats.commitTimes);
  return `${int(stats.commits)} commits, ${int(stats.writes)} writes (batch mean ${fixed(stats.writes / stats.commits)}, max ${stats.maxBatch}); commit call p50 ${fixed(c.p50, 2)} / p99 ${fixed(c.p99, 2)} / max ${fixed(c.max, 1)} ms, ${fixed((stats.commitMs * 1000) / Math.max(1, stats.writes), 1)} µs per write`;
}

// ── the naive baseline ──────────────────────────────────────────────────────────────────────

/** XState's scheduler never fires anything (as in the runtime): Node would clamp long delays to 1 ms. */
const INERT_CLOCK = { setTimeout: () => 0, clearTimeout: () => {} };

/**
 * The naive way (DESIGN §10 baseline): per command, load the campaign row from the store,
 * `createActor(campaignMachine, { snapshot }).start()`, send, `getPersistedSnapshot()`, and commit
 * one transaction. It writes exactly what the runtime writes for a command (campaign row, history
 * entry, timers, status counts) through the same store, so the two differ only in how they run.
 */
export async function naiveApply(
  store: CampaignStore,
  id: string,
  event: { type: string; at: number },
  entry: { source: ChangeSource; dueAt: number | null; event?: string; at?: number },
): Promise<void> {
  const record = await store.get(id);
  if (!record) throw new Error(`campaign ${id} not found`);
  const actor = createActor(campaignMachine, {
    snapshot: JSON.parse(record.snapshot) as CampaignSnapshot,
    input: undefined as unknown as CampaignDefinition,
    clock: INERT_CLOCK,
  }).start();
  const before = actor.getSnapshot();
  actor.send(event as unknown as CampaignEvent);
  const after = actor.getSnapshot();
  if (after === before) throw new Error(`naive: ${event.type} was refused by campaign ${id}`);
  const persisted = JSON.stringify(actor.getPersistedSnapshot());
  actor.stop();
  const preset = record.preset as PresetName;
  const status = statusLabel(presets[preset], phaseOf(after.value));
  const timers = armedTimers(after)
    .filter((t) => entry.dueAt === null || !(t.eventType === event.type && t.dueAt <= entry.dueAt))
    .map((t) => ({ campaignId: id, timer: t.timer, eventType: t.eventType, dueAt: t.dueAt }));
  const version = record.version + 1;
  await store.commit([
    {
      campaignId: id,
      preset,
      fromVersion: record.version,
      record: { ...record, status, version, snapshot: persisted, updatedAt: entry.at ?? event.at },
      timers,
      change: {
        campaignId: id,
        version,
        at: entry.at ?? event.at,
        dueAt: entry.dueAt,
        event: entry.event ?? event.type,
        source: entry.source,
        from: record.status,
        to: status,
        commandId: null,
        detail: null,
      },
    },
  ]);
}

// ── CPU profiles of measured windows ────────────────────────────────────────────────────────

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Profiles `fn` with the V8 sampling profiler when `BENCH_PROFILE_DIR` is set (`npm run bench --
 * --profile …`), writes `<dir>/<label>.cpuprofile` (open it in Chrome DevTools) and prints the
 * top self-time functions, per operation when `ops` is known. Without it, just runs `fn`.
 */
export async function profiled<T>(label: string, fn: () => Promise<T>, ops?: (result: T) => number): Promise<T> {
  const dir = process.env['BENCH_PROFILE_DIR'];
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  let result: { value: T } | null = null;
  try {
    result = { value: await fn() };
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${label}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const count = result && ops ? ops(result.value) : undefined;
    console.log(`\nCPU profile of "${label}" written to ${file}${count ? ` (${int(count)} operations)` : ''}`);
    console.log(summarizeProfile(profile, { top: 30, ops: count }));
  }
  return result.value;
}

/** Self time per function (aggregated by name and location), largest first; then the inclusive time of the project's own functions. */
export function summarizeProfile(profile: CpuProfile, options: { top?: number; ops?: number | undefined } = {}): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    // timeDeltas[i] is the time before sample i; attribute each delta to the next sample's node
    for (let i = 0; i < samples.length; i++) {
      const next = deltas[i + 1] ?? 0;
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, next));
    }
  } else {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0));
    for (const n of profile.nodes) self.set(n.id, (n.hitCount ?? 0) * interval);
  }
  const total = [...self.values()].reduce((s, v) => s + v, 0);
  const cwd = process.cwd();
  const keyOf = (node: ProfileNode) => {
    const f = node.callFrame;
    const url = f.url.startsWith('file://') ? relative(cwd, new URL(f.url).pathname) : f.url;
    // code compiled by tsx reports line 0 for everything: the file alone is honest
    const where = url ? (f.lineNumber > 0 ? `${url}:${f.lineNumber + 1}` : url) : '';
    return { key: `${f.functionName || '(anonymous)'}${where ? `  ${where}` : ''}`, own: /^(src|bench)\//.test(url) };
  };
  const groups = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { key } = keyOf(node);
    groups.set(key, (groups.get(key) ?? 0) + us);
  }
  // inclusive time of project functions: each sample counted once per distinct function on its stack
  const inclusive = new Map<string, number>();
  const root = profile.nodes[0];
  if (root) {
    const stack: { id: number; onPath: Set<string> }[] = [{ id: root.id, onPath: new Set() }];
    while (stack.length > 0) {
      const { id, onPath } = stack.pop()!;
      const node = byId.get(id);
      if (!node) continue;
      const { key, own } = keyOf(node);
      const path = own && !onPath.has(key) ? new Set([...onPath, key]) : onPath;
      const us = self.get(id) ?? 0;
      if (us > 0) for (const k of path) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      for (const child of node.children ?? []) stack.push({ id: child, onPath: path });
    }
  }
  const format = (title: string, entries: Map<string, number>) => {
    const rows = [...entries.entries()].sort((a, b) => b[1] - a[1]).slice(0, options.top ?? 25);
    const lines = [`  ${title}: ms     %  ${options.ops ? ' µs/op ' : ''} function  location   (total ${fixed(total / 1000, 0)} ms sampled)`];
    for (const [key, us] of rows) {
      const perOp = options.ops ? `${fixed(us / options.ops, 2).padStart(7)} ` : '';
      lines.push(`  ${fixed(us / 1000, 1).padStart(9)} ${fixed((100 * us) / total, 1).padStart(5)}  ${perOp} ${key}`);
    }
    return lines.join('\n');
  };
  return `${format('self', groups)}\n${format('inclusive, project functions', inclusive)}`;
}

// ── children in another role ───────────────────────────────────────────────────────────────

/** A benchmark's child process and the lines it printed so far. */
export interface RoleChild {
  process: ChildProcess;
  lines: string[];
  /** The line that began with `ready`. */
  ready: string;
}

/**
 * Starts `script` (a file of bench/) again as `--role <role>` (under `nice` when given) and
 * resolves once it printed a line starting with `ready`; its stdout lines are collected.
 */
export async function startRole(script: string, role: string, args: string[], nice = 0): Promise<RoleChild> {
  const command = [process.execPath, '--import', 'tsx', join(BENCH_DIR, script), '--role', role, ...args];
  const proc = nice ? spawn('nice', ['-n', String(nice), ...command], { stdio: ['pipe', 'pipe', 'inherit'] }) : spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffered = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  for (let i = 0; i < 2_400; i++) {
    const ready = lines.find((l) => l.startsWith('ready'));
    if (ready) return { process: proc, lines, ready };
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error(`${script} --role ${role} did not start: ${lines.join('\n')}`);
}
