/**
 * DESIGN §10 on PostgreSQL (issue 10), each figure beside its SQLite baseline in the same run:
 *
 * - durable commands/s with 1 and with 2 runtime processes on one schema (10k Active discount
 *   campaigns, 64 callers in all, PAUSE/RESUME toggles, every promise resolved after its commit)
 *   — target ≥ 15,000/s from 2 processes and ≥ 4× the naive loop on PostgreSQL (load row, restore
 *   actor, send, one transaction per command; 64 callers, one process); beside it the same on
 *   SQLite with its one process;
 * - 100,000 campaigns starting at one instant, split across 2 processes: all Active and durable,
 *   0 early / lost / twice; beside it SQLite's one process;
 * - failover: 2,000 start dates due at T, the process firing them SIGKILLed right after T; the
 *   other fires every one of them — target ≤ 5 s after the kill, 0 lost / early / twice.
 *
 * The local server (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test), a fresh
 * schema per figure, dropped afterwards. Run alone: `node --import tsx bench/postgres.ts`
 * (BENCH_SECONDS, BENCH_CAMPAIGNS, BENCH_SAME to change it).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  createCampaignRuntime,
  createManualClock,
  postgresStore,
  sqliteStore,
  type TimerRecord,
} from '../src/index.js';
import {
  arg,
  type BenchRow,
  closedLoop,
  emit,
  fixed,
  forEachConcurrent,
  int,
  log,
  machine,
  main,
  naiveApply,
  offsetClock,
  setting,
  sleep,
  startRole,
  summary,
  tempDir,
} from './support.js';

const URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CAMPAIGNS = setting('CAMPAIGNS', 10_000);
const SAME = setting('SAME', 100_000);
const SECONDS = setting('SECONDS', 5);
const CALLERS = 64;
const FAILOVER = 2_000;
const LEASE_MS = 3_000;
const POLL_MS = 500;
const idOf = (i: number) => `c-${String(i).padStart(6, '0')}`;

/** Where a figure is measured: a fresh PostgreSQL schema, or (the baseline beside it) a fresh SQLite file. */
type Target = `postgres:${string}` | `sqlite:${string}`;

function newTarget(kind: 'postgres' | 'sqlite', what: string): { target: Target; drop: () => Promise<void> } {
  if (kind === 'sqlite') {
    const dir = tempDir(what);
    return { target: `sqlite:${join(dir.path, 'campaigns.db')}`, drop: async () => dir.cleanup() };
  }
  const schema = `bench_${what}_${randomBytes(4).toString('hex')}`;
  return { target: `postgres:${schema}`, drop: async () => void (await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)) };
}

function storeOf(target: string, options: { maxConnections?: number; timerLeaseMs?: number; pollMs?: number } = {}): CampaignStore {
  const [kind, where] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
  if (kind === 'sqlite') return sqliteStore({ path: where });
  return postgresStore({ connectionString: URL, schema: where, ...options });
}

async function sql<R>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

const child = (role: string, args: string[]) => startRole('postgres.ts', role, args);

const answer = async <T>(c: { lines: string[] }, prefix: string): Promise<T> => {
  for (let i = 0; i < 6_000; i++) {
    const line = c.lines.find((l) => l.startsWith(prefix));
    if (line) return JSON.parse(line.slice(prefix.length)) as T;
    await sleep(50);
  }
  throw new Error(`no ${prefix}`);
};

/** 10k Active discount campaigns, through the runtime. */
async function seedActive(target: Target): Promise<void> {
  const rt = await createCampaignRuntime({ store: storeOf(target) });
  const now = Date.now();
  await forEachConcurrent(CAMPAIGNS, CALLERS, async (i) => {
    const c = await rt.create(
      { preset: 'discount', name: `Campaign ${i}`, startAt: new Date(now - 60_000).toISOString(), endAt: new Date(now + 30 * 86_400_000).toISOString() },
      { id: idOf(i) },
    );
    await rt.send(c.id, { type: 'PUBLISH' });
  });
  await rt.stop();
}

/** Child role: PAUSE/RESUME toggles on the campaigns i ≡ part (mod parts), `callers` callers, from `startAt` for SECONDS. */
async function commander(target: string, part: number, parts: number, callers: number, startAt: number): Promise<void> {
  const rt = await createCampaignRuntime({ store: storeOf(target, { maxConnections: 20 }), maxLiveActors: CAMPAIGNS });
  const mine = Array.from({ length: Math.floor(CAMPAIGNS / parts) }, (_, k) => part + parts * k).filter((i) => i < CAMPAIGNS);
  const paused = new Map<number, boolean>();
  const op = async (caller: number) => {
    const i = mine[caller + callers * Math.floor(Math.random() * Math.floor(mine.length / callers))]!;
    const type = paused.get(i) ? 'RESUME' : 'PAUSE';
    paused.set(i, !paused.get(i));
    await rt.send(idOf(i), { type });
  };
  console.log('ready');
  // start from each campaign's status (an earlier run left some Paused), then one command to each
  // of them, so that the figure is the steady state of a hot set (every actor live)
  for (const view of await rt.list({})) paused.set(Number(view.id.slice(2)), view.status === 'Paused');
  await forEachConcurrent(mine.length, callers, async (k) => {
    const i = mine[k]!;
    const type = paused.get(i) ? 'RESUME' : 'PAUSE';
    paused.set(i, !paused.get(i));
    await rt.send(idOf(i), { type });
  });
  await sleep(Math.max(0, startAt - Date.now()));
  const run = await closedLoop(callers, SECONDS * 1000, op);
  const lat = summary(run.latencies);
  console.log(`result ${JSON.stringify({ ops: run.ops, ms: run.elapsedMs, p99: lat.p99 })}`);
  await rt.stop();
}

async function commandsRate(target: Target, parts: number): Promise<{ rate: number; p99: number }> {
  const startAt = Date.now() + 12_000 + parts * 2_000;
  const children = await Promise.all(
    Array.from({ length: parts }, (_, part) => child('commander', ['--target', target, '--part', String(part), '--parts', String(parts), '--callers', String(CALLERS / parts), '--start', String(startAt)])),
  );
  const results = await Promise.all(children.map((c) => answer<{ ops: number; ms: number; p99: number }>(c, 'result ')));
  await Promise.all(children.map((c) => new Promise((r) => c.process.on('close', r))));
  return { rate: results.reduce((a, r) => a + r.ops / (r.ms / 1000), 0), p99: Math.max(...results.map((r) => r.p99)) };
}

async function naiveRate(target: Target): Promise<{ rate: number; p99: number }> {
  const store = storeOf(target, { maxConnections: CALLERS });
  await store.open();
  // start from each campaign's status (the runtime's runs left some Paused)
  const paused = new Uint8Array(CAMPAIGNS);
  for (const record of await store.list()) if (record.status === 'Paused') paused[Number(record.id.slice(2))] = 1;
  const op = async (caller: number) => {
    const i = caller + CALLERS * Math.floor(Math.random() * Math.floor(CAMPAIGNS / CALLERS));
    const type = paused[i] ? 'RESUME' : 'PAUSE';
    paused[i] = paused[i] ? 0 : 1;
    await naiveApply(store, idOf(i), { type, at: Date.now() }, { source: 'user', dueAt: null });
  };
  await closedLoop(CALLERS, 1_000, op);
  const run = await closedLoop(CALLERS, 3_000, op);
  await store.close();
  return { rate: run.ops / (run.elapsedMs / 1000), p99: summary(run.latencies).p99 };
}

/**
 * `count` Scheduled discount campaigns starting at `startAt`: one made by the runtime and
 * `count - 1` clones of it written through the store's own commits in batches (the snapshot and
 * timers are the template's).
 */
async function seedScheduled(target: Target, count: number, startAt: number): Promise<void> {
  const clock = createManualClock(startAt - 3_600_000);
  const rt = await createCampaignRuntime({ store: storeOf(target), clock });
  const template = await rt.create({ preset: 'discount', name: 'Template', startAt: new Date(startAt).toISOString(), endAt: new Date(startAt + 86_400_000).toISOString() });
  await rt.send(template.id, { type: 'PUBLISH' });
  await rt.stop();
  const raw = storeOf(target);
  await raw.open();
  const record = (await raw.get(template.id))!;
  const timers = await raw.timers(template.id);
  const writes = (i: number): CampaignWrite => {
    const id = `s-${String(i).padStart(6, '0')}`;
    const copy: CampaignRecord = { ...record, id, name: `Campaign ${i}`, version: 1 };
    return {
      campaignId: id,
      preset: 'discount',
      fromVersion: 0,
      record: copy,
      timers: timers.map((t): TimerRecord => ({ ...t, campaignId: id })),
      change: { campaignId: id, version: 1, at: record.updatedAt, dueAt: null, event: 'CREATE', source: 'user', from: null, to: 'Scheduled', commandId: null, detail: null },
    };
  };
  for (let at = 1; at < count; at += 1_000) await raw.commit(Array.from({ length: Math.min(1_000, count - at) }, (_, k) => writes(at + k)));
  await raw.close();
}

/**
 * Child role: a runtime on the system clock shifted by `offset` (the same for every child, so the
 * due instant arrives for all at once). `slowCommitMs` delays each of its commits (a slow disk): it then holds claimed timers it
 * has not fired yet for that long — the moment the failover figure kills it.
 */
async function firer(target: string, offset: number, batch: number, slowCommitMs: number): Promise<void> {
  const store = storeOf(target, { timerLeaseMs: LEASE_MS, pollMs: POLL_MS });
  if (slowCommitMs > 0) {
    const commit = store.commit.bind(store);
    store.commit = async (writes) => {
      await sleep(slowCommitMs);
      return commit(writes);
    };
  }
  const rt = await createCampaignRuntime({
    store,
    clock: offsetClock(offset),
    timerBatchSize: batch,
  });
  console.log('ready');
  const seen = new Set<string>();
  rt.subscribe((change) => {
    if (change.event === 'startAt') seen.add(change.campaignId);
  });
  setInterval(() => console.log(`progress ${JSON.stringify({ now: Date.now() + offset, fired: seen.size })}`), 100).unref();
  await new Promise(() => {});
}

interface Fired {
  early: number;
  twice: number;
  fired: number;
  lastDurableAt: number | null;
}

/** Every `startAt` in the feed: once per campaign, never early; when the last one became durable (its `at`). */
async function firings(target: Target, dueAt: number): Promise<Fired> {
  const store = storeOf(target);
  await store.open();
  const per = new Map<string, number>();
  let early = 0;
  let last: number | null = null;
  try {
    for (let after = 0; ; ) {
      const changes = await store.changes(after, 10_000);
      if (changes.length === 0) break;
      after = changes.at(-1)!.seq;
      for (const change of changes) {
        if (change.event !== 'startAt') continue;
        per.set(change.campaignId, (per.get(change.campaignId) ?? 0) + 1);
        if (change.at < change.dueAt! || change.dueAt !== dueAt) early++;
        last = Math.max(last ?? 0, change.at);
      }
    }
  } finally {
    await store.close();
  }
  return { early, twice: [...per.values()].filter((n) => n > 1).length, fired: per.size, lastDurableAt: last };
}

/** SAME campaigns starting at one instant, fired by `processes` runtimes: seconds after T until the last is durable. */
async function sameInstant(kind: 'postgres' | 'sqlite', processes: number): Promise<{ seconds: number | null; fired: Fired }> {
  const { target, drop } = newTarget(kind, 'same');
  const startAt = Date.now() + 10 * 60_000;
  try {
    log(`sameInstant (${kind}): seeding ${int(SAME)} Scheduled campaigns starting at one instant …`);
    await seedScheduled(target, SAME, startAt);
    // T comes 6 s from now on every child's clock (they are ready well before)
    const offset = String(startAt - (Date.now() + 6_000));
    const children = await Promise.all(Array.from({ length: processes }, () => child('firer', ['--target', target, '--offset', offset, '--batch', '1000'])));
    for (let i = 0; i < 1_200; i++) {
      await sleep(250);
      const progress = children.map((c) => c.lines.filter((l) => l.startsWith('progress ')).at(-1));
      // each process sees every process's changes: done once one of them saw them all
      if (progress.some((p) => p && (JSON.parse(p.slice(9)) as { fired: number }).fired >= SAME)) break;
    }
    for (const c of children) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => new Promise((r) => (c.process.exitCode === null ? c.process.on('close', r) : r(null)))));
    const fired = await firings(target, startAt);
    // the durable instant of the last firing is its `at` on the shifted clock: seconds after T
    return { seconds: fired.lastDurableAt === null ? null : (fired.lastDurableAt - startAt) / 1000, fired };
  } finally {
    await drop();
  }
}

/**
 * A process SIGKILLed while it holds due dates it claimed and has not fired (its commits are slow):
 * seconds from the kill until the other process fired every one of them.
 */
async function failover(): Promise<{ seconds: number | null; fired: Fired; orphaned: number }> {
  const { target, drop } = newTarget('postgres', 'failover');
  const startAt = Date.now() + 10 * 60_000;
  try {
    await seedScheduled(target, FAILOVER, startAt);
    // T comes 6 s from now on both clocks; the first claims 200 at T and takes 500 ms to commit
    // them, the second (fast) takes the rest
    const offset = String(startAt - (Date.now() + 6_000));
    const [first, second] = await Promise.all([
      child('firer', ['--target', target, '--offset', offset, '--batch', '200', '--slow-commit', '500']),
      child('firer', ['--target', target, '--offset', offset, '--batch', '1000']),
    ]);
    let killedAt: number | null = null;
    for (let i = 0; i < 2_000 && killedAt === null; i++) {
      await sleep(5);
      const progress = first.lines.filter((l) => l.startsWith('progress ')).at(-1);
      const now = progress ? (JSON.parse(progress.slice(9)) as { now: number }).now : 0;
      if (now >= startAt + 250) {
        first.process.kill('SIGKILL');
        killedAt = now;
      }
    }
    // a second later the live process has fired all it could claim: what is left was held by the dead one
    await sleep(1_000);
    const [left] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${target.slice('postgres:'.length)}".campaigns WHERE status = 'Scheduled'`);
    const orphaned = Number(left?.n ?? 0);
    let fired = await firings(target, startAt);
    for (let i = 0; i < 120 && fired.fired < FAILOVER; i++) {
      await sleep(250);
      fired = await firings(target, startAt);
    }
    second.process.kill('SIGKILL');
    if (first.process.exitCode === null) first.process.kill('SIGKILL');
    const seconds = killedAt === null || fired.lastDurableAt === null || fired.fired < FAILOVER ? null : (fired.lastDurableAt - killedAt) / 1000;
    return { seconds, fired, orphaned };
  } finally {
    await drop();
  }
}

type Rate = { rate: number; p99: number };

/** Durable commands/s on a freshly seeded target: with each process count, then the naive loop. */
async function commandFigures(kind: 'postgres' | 'sqlite', processes: number[]): Promise<{ rates: Rate[]; naive: Rate }> {
  const { target, drop } = newTarget(kind, 'cmd');
  try {
    const t = performance.now();
    await seedActive(target);
    log(`${kind}: seeded ${int(CAMPAIGNS)} Active campaigns through the runtime in ${int(performance.now() - t)} ms`);
    const rates: Rate[] = [];
    for (const n of processes) {
      rates.push(await commandsRate(target, n));
      log(`${kind}, ${n} process${n > 1 ? 'es' : ''}: ${int(rates.at(-1)!.rate)} commands/s (p99 ${fixed(rates.at(-1)!.p99)} ms)`);
    }
    const naive = await naiveRate(target);
    log(`${kind}, naive loop: ${int(naive.rate)} commands/s (p99 ${fixed(naive.p99)} ms)`);
    return { rates, naive };
  } finally {
    await drop();
  }
}

const sameFigure = (same: { seconds: number | null; fired: Fired }) =>
  `${same.seconds === null ? 'NOT all' : `all Active + durable at +${fixed(same.seconds, 2)} s`}; early ${same.fired.early}, lost ${SAME - same.fired.fired}, twice ${same.fired.twice}`;

async function orchestrate(): Promise<void> {
  log(`postgres: ${machine()}`);
  const [version] = await sql<{ server_version: string }>('SHOW server_version');
  const [sync] = await sql<{ synchronous_commit: string }>('SHOW synchronous_commit');
  log(`PostgreSQL ${version?.server_version}, synchronous_commit ${sync?.synchronous_commit}, fsync on`);
  const pgCommands = await commandFigures('postgres', [1, 2]);
  const sqliteCommands = await commandFigures('sqlite', [1]);
  const [one, two] = pgCommands.rates as [Rate, Rate];
  const [sqliteOne] = sqliteCommands.rates as [Rate];
  const naive = pgCommands.naive;
  const same = await sameInstant('postgres', 2);
  log(`sameInstant, postgres: ${JSON.stringify(same)}`);
  const sqliteSame = await sameInstant('sqlite', 1);
  log(`sameInstant, sqlite: ${JSON.stringify(sqliteSame)}`);
  const over = await failover();
  log(`failover: ${JSON.stringify(over)}`);
  const rows: BenchRow[] = [
    {
      benchmark: 'postgres',
      metric: `durable commands/s, 2 processes on PostgreSQL (${int(CAMPAIGNS)} campaigns, ${CALLERS} callers)`,
      figure: `${int(two.rate)}/s (p99 ${fixed(two.p99, 1)} ms); 1 process: ${int(one.rate)}/s (p99 ${fixed(one.p99, 1)} ms)`,
      target: '≥ 15,000/s',
      baseline: `SQLite, 1 process: ${int(sqliteOne.rate)}/s (p99 ${fixed(sqliteOne.p99, 1)} ms)`,
      pass: two.rate >= 15_000,
    },
    {
      benchmark: 'postgres',
      metric: 'speed-up over the naive loop on PostgreSQL',
      figure: `${fixed(two.rate / naive.rate, 2)}× (1 process: ${fixed(one.rate / naive.rate, 2)}×)`,
      target: '≥ 4×',
      baseline: `naive ${int(naive.rate)}/s (p99 ${fixed(naive.p99, 1)} ms), 1 tx per command; on SQLite ${int(sqliteCommands.naive.rate)}/s`,
      pass: two.rate / naive.rate >= 4,
    },
    {
      benchmark: 'postgres',
      metric: `${int(SAME)} campaigns starting at one instant, 2 processes on PostgreSQL`,
      figure: sameFigure(same),
      target: '0 early/lost/twice',
      baseline: `SQLite, 1 process: ${sameFigure(sqliteSame)}`,
      pass: same.seconds !== null && same.fired.early === 0 && same.fired.twice === 0 && same.fired.fired === SAME,
    },
    {
      benchmark: 'postgres',
      metric: `failover: of ${int(FAILOVER)} dates due at once, a process SIGKILLed holding claimed ones`,
      figure: `${over.orphaned} held by the killed process; ${over.seconds === null ? 'NOT all fired' : `all fired ${fixed(over.seconds, 2)} s after the kill`}; early ${over.fired.early}, lost ${FAILOVER - over.fired.fired}, twice ${over.fired.twice}`,
      target: '≤ 5 s, 0 lost/early/twice',
      baseline: `timer lease ${LEASE_MS} ms, poll ${POLL_MS} ms`,
      pass: over.orphaned > 0 && over.seconds !== null && over.seconds <= 5 && over.fired.early === 0 && over.fired.twice === 0 && over.fired.fired === FAILOVER,
    },
  ];
  emit({
    name: 'postgres',
    rows,
    notes: [`local PostgreSQL ${version?.server_version} (fsync on, synchronous_commit ${sync?.synchronous_commit}); a fresh schema (and SQLite file) per figure`],
    details: { pgCommands, sqliteCommands, same, sqliteSame, over },
  });
}

main(async () => {
  const role = arg('role');
  const target = arg('target') ?? '';
  if (role === 'commander') return commander(target, Number(arg('part')), Number(arg('parts')), Number(arg('callers')), Number(arg('start')));
  if (role === 'firer') return firer(target, Number(arg('offset')), Number(arg('batch')), Number(arg('slow-commit') ?? 0));
  await orchestrate();
});
