/**
 * DESIGN §10 row 3 — 1,000,000 stored campaigns, runtime open and serving: RSS ≤ 300 MB, first
 * command answered ≤ 1 s after open. Baseline beside it: every actor live in memory.
 *
 * Three fresh processes, so each RSS figure is the process's own:
 * 1. generate — nine template campaigns (every preset; Draft, Scheduled, Active, Paused, Expired)
 *    are made by the real runtime (memory store, manual clock); 1M clones with new ids and names
 *    and their future dates shifted by i seconds (timers shifted alike; a sample is checked against
 *    `armedTimers` of the restored snapshot) are written through the store contract,
 *    `sqliteStore(...).commit([...])` in batches of 10,000 (synchronous=NORMAL while generating).
 *    Each clone gets one history entry (CREATE → its status).
 * 2. serve — `createCampaignRuntime` on that file (system clock, defaults); the first command is
 *    sent as soon as it resolves; then 64 callers serve a random mix over all 1M campaigns
 *    (PAUSE/RESUME where the status allows it, else `get`; every 50th a `list({ limit: 50 })`)
 *    for BENCH_SERVE_SECONDS (30: the heap needs ~20 s to reach its steady sawtooth). RSS is
 *    sampled throughout; the figure is the process's peak RSS (`maxRSS`). This process runs this
 *    file bundled to plain JavaScript by esbuild (installed with tsx), as a host runs the compiled
 *    library: under `--import tsx` the loader thread alone adds ~35 MB (the notes give both
 *    empty-process figures). BENCH_MAX_LIVE sets the runtime's `maxLiveActors`.
 * 3. baseline — the same rows restored as live actors (`createActor(campaignMachine,
 *    { snapshot }).start()`, kept in a Map): BENCH_BASELINE_ACTORS (100,000) of them; heap and
 *    RSS per actor after GC, extrapolated to 1M, as is the time to load them.
 * 4. fire — not a DESIGN row, a regression check printed in the notes: a runtime whose clock is the
 *    system clock moved so that the earliest stored timer falls due 2 s after it opens; how late
 *    that timer is durable and how long the event loop is blocked around it.
 *
 * Run alone: `node --import tsx bench/millionStored.ts` (BENCH_CAMPAIGNS to change the count).
 */
import { execFileSync } from 'node:child_process';
import { statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Actor, createActor } from 'xstate';
import {
  armedTimers,
  type CampaignContext,
  type CampaignDefinition,
  type CampaignDefinitionInput,
  type CampaignRecord,
  type CampaignRuntime,
  type CampaignSnapshot,
  campaignMachine,
  type CampaignWrite,
  createCampaignRuntime,
  createManualClock,
  cursorOf,
  memoryStore,
  sqliteStore,
  type TimerRecord,
  TransitionRejectedError,
  type UserCommandType,
} from '../src/index.js';
import {
  arg,
  BENCH_DIR,
  type BenchRow,
  closedLoop,
  emit,
  emitPhase,
  fixed,
  gc,
  int,
  log,
  machine,
  main,
  memory,
  offsetClock,
  PHASE_MARKER,
  profiled,
  runScript,
  setting,
  sleep,
  summary,
  tempDir,
  TimingStore,
} from './support.js';

const CAMPAIGNS = setting('CAMPAIGNS', 1_000_000);
const BASELINE_ACTORS = Math.min(CAMPAIGNS, setting('BASELINE_ACTORS', 100_000));
const SERVE_SECONDS = setting('SERVE_SECONDS', 30);
/** `maxLiveActors` of the serving runtime; the runtime's default unless BENCH_MAX_LIVE is set. */
const MAX_LIVE = process.env['BENCH_MAX_LIVE'] === undefined ? undefined : setting('MAX_LIVE', 10_000);
const BATCH = 10_000;
const TARGET_RSS_MB = 300;
const TARGET_FIRST_MS = 1_000;
const DAY = 86_400_000;

interface Template {
  name: string;
  definition: (now: number) => CampaignDefinitionInput;
  commands: UserCommandType[];
  /** PAUSE/RESUME toggles it; `paused` is where it starts. */
  toggle: { paused: boolean } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const TEMPLATES: Template[] = [
  {
    name: 'discount Scheduled',
    definition: (now) => ({ preset: 'discount', name: 'Spring sale', startAt: iso(now + 20 * DAY), endAt: iso(now + 50 * DAY), products: ['sku-1', 'sku-2'], labels: ['spring'] }),
    commands: ['PUBLISH'],
    toggle: null,
  },
  {
    name: 'discount Active',
    definition: (now) => ({ preset: 'discount', name: 'Summer sale', startAt: iso(now - 20 * DAY), endAt: iso(now + 40 * DAY), products: ['sku-3'], labels: ['summer'] }),
    commands: ['PUBLISH'],
    toggle: { paused: false },
  },
  {
    name: 'discount Paused',
    definition: (now) => ({ preset: 'discount', name: 'Flash sale', startAt: iso(now - 20 * DAY), endAt: iso(now + 40 * DAY), products: ['sku-4'] }),
    commands: ['PUBLISH', 'PAUSE'],
    toggle: { paused: true },
  },
  {
    name: 'discount Draft',
    definition: () => ({ preset: 'discount', name: 'Draft', products: ['sku-5'], content: { headline: 'Soon' } }),
    commands: [],
    toggle: null,
  },
  {
    name: 'franchise Scheduled',
    definition: (now) => ({
      preset: 'franchise',
      name: 'HQ autumn campaign',
      visibleAt: iso(now + 10 * DAY),
      startAt: iso(now + 20 * DAY),
      endAt: iso(now + 50 * DAY),
      timezone: 'Europe/Berlin',
      content: { brief: 'Posters in every store', tasks: ['print', 'hang'] },
    }),
    commands: ['PUBLISH'],
    toggle: { paused: false },
  },
  {
    name: 'gifting Active',
    definition: (now) => ({ preset: 'gifting', name: 'Q4 gifts', endAt: iso(now + 40 * DAY), products: [{ id: 'mug', price: 12 }] }),
    commands: ['ACTIVATE'],
    toggle: { paused: false },
  },
  {
    name: 'journey Active',
    definition: (now) => ({ preset: 'journey', name: 'Welcome journey', endAt: iso(now + 40 * DAY), audience: { mode: 'trigger', event: 'signup' } }),
    commands: ['ACTIVATE'],
    toggle: { paused: false },
  },
  {
    name: 'journey Paused',
    definition: (now) => ({ preset: 'journey', name: 'Win-back journey', endAt: iso(now + 40 * DAY), audience: { mode: 'trigger', event: 'churn' } }),
    commands: ['ACTIVATE', 'PAUSE'],
    toggle: { paused: true },
  },
  {
    name: 'discount Expired',
    definition: (now) => ({ preset: 'discount', name: 'Old sale', startAt: iso(now - 20 * DAY), endAt: iso(now + 40 * DAY), products: ['sku-6'] }),
    commands: ['PUBLISH', 'END'],
    toggle: null,
  },
];

/** What `getPersistedSnapshot()` gives, as far as cloning needs to know. */
interface PersistedSnapshot {
  context: CampaignContext;
  [key: string]: unknown;
}

const idOf = (i: number) => `m-${String(i).padStart(7, '0')}`;
const templateOf = (i: number) => TEMPLATES[i % TEMPLATES.length]!;

// ── phase 1: generate ───────────────────────────────────────────────────────────────────────

async function generate(path: string): Promise<void> {
  const now = Date.now();
  const clock = createManualClock(now);
  const mem = memoryStore();
  const rt = await createCampaignRuntime({ store: mem, clock });
  const templates: { record: CampaignRecord; snapshot: PersistedSnapshot; timers: TimerRecord[] }[] = [];
  for (const [k, template] of TEMPLATES.entries()) {
    const id = `tpl-${k}`;
    await rt.create(template.definition(now), { id });
    for (const command of template.commands) await rt.send(id, { type: command } as Parameters<CampaignRuntime['send']>[1]);
    const record = (await mem.get(id))!;
    templates.push({ record, snapshot: JSON.parse(record.snapshot) as PersistedSnapshot, timers: await mem.timers(id) });
    log(`template ${k}: ${template.name} → ${record.status}, ${record.snapshot.length} B snapshot, ${templates.at(-1)!.timers.length} timer(s)`);
  }
  await rt.stop();

  const shiftDates = <T extends { startAt: number | null; endAt: number | null; visibleAt: number | null }>(context: T, delta: number): T => {
    const shift = (v: number | null) => (v !== null && v > now ? v + delta : v);
    return { ...context, startAt: shift(context.startAt), endAt: shift(context.endAt), visibleAt: shift(context.visibleAt) };
  };
  const clone = (i: number): CampaignWrite => {
    const t = templates[i % templates.length]!;
    const delta = i * 1000;
    const id = idOf(i);
    const createdAt = now - (CAMPAIGNS - i) * 100;
    const snapshot = { ...t.snapshot, context: { ...shiftDates(t.snapshot.context, delta), name: `${t.snapshot.context.name} #${i}` } };
    const record: CampaignRecord = { ...t.record, id, name: snapshot.context.name, snapshot: JSON.stringify(snapshot), createdAt, updatedAt: createdAt };
    return {
      campaignId: id,
      preset: record.preset,
      fromVersion: 0,
      record,
      timers: t.timers.map((timer) => ({ ...timer, campaignId: id, dueAt: timer.dueAt + delta })),
      change: {
        campaignId: id,
        version: record.version,
        at: createdAt,
        dueAt: null,
        event: 'CREATE',
        source: 'user',
        from: null,
        to: record.status,
        commandId: null,
        detail: null,
      },
    };
  };
  // the shifted clones still arm exactly the timers written with them
  for (let n = 0; n < 50; n++) {
    const w = clone(Math.floor(Math.random() * CAMPAIGNS));
    const restored = createActor(campaignMachine, {
      snapshot: JSON.parse(w.record!.snapshot) as CampaignSnapshot,
      input: undefined as unknown as CampaignDefinition,
      clock: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    const armed = armedTimers(restored.getSnapshot()).map((a) => `${a.eventType}@${a.dueAt}`);
    const written = w.timers.map((a) => `${a.eventType}@${a.dueAt}`).sort();
    if (armed.sort().join() !== written.join()) throw new Error(`clone ${w.campaignId}: armed ${armed.join()} but written ${written.join()}`);
  }

  const store = sqliteStore({ path, synchronous: 'NORMAL', cacheMiB: 256 });
  await store.open();
  const start = performance.now();
  for (let from = 0; from < CAMPAIGNS; from += BATCH) {
    const writes: CampaignWrite[] = [];
    for (let i = from; i < Math.min(CAMPAIGNS, from + BATCH); i++) writes.push(clone(i));
    await store.commit(writes);
    if ((from / BATCH) % 20 === 19) log(`generated ${int(from + writes.length)} campaigns`);
  }
  const ms = performance.now() - start;
  const counts = await store.counts();
  await store.close();
  const bytes = statSync(path).size;
  log(`generated ${int(CAMPAIGNS)} campaigns in ${int(ms)} ms (${int(CAMPAIGNS / (ms / 1000))}/s), file ${fixed(bytes / 1e6, 0)} MB`);
  emitPhase({ ms, bytes, counts, templates: templates.map((t) => ({ status: t.record.status, bytes: t.record.snapshot.length, timers: t.timers.length })) });
}

// ── phase 2: serve ──────────────────────────────────────────────────────────────────────────

async function serve(path: string): Promise<void> {
  const atStart = memory();
  let peakRss = atStart.rssMB;
  const timeline: string[] = [];
  let ticks = 0;
  const sampler = setInterval(() => {
    const m = memory();
    peakRss = Math.max(peakRss, m.rssMB);
    if (++ticks % 20 === 0) timeline.push(`${fixed(m.rssMB, 0)}/${fixed(m.heapUsedMB, 0)}`);
  }, 50);

  const t0 = performance.now();
  const rt = await profiled('millionStored-open', () =>
    createCampaignRuntime({ store: sqliteStore({ path }), ...(MAX_LIVE === undefined ? {} : { maxLiveActors: MAX_LIVE }) }),
  );
  const openMs = performance.now() - t0;
  const afterOpen = memory();
  // the first command: PAUSE an Active discount campaign picked at random
  const firstIndex = 1 + TEMPLATES.length * Math.floor(Math.random() * Math.floor(CAMPAIGNS / TEMPLATES.length));
  // (on a store a previous serve phase has changed, the campaign may be paused already)
  const first = await rt.send(idOf(firstIndex), { type: 'PAUSE' }).catch((error: unknown) => {
    if (error instanceof TransitionRejectedError) return rt.send(idOf(firstIndex), { type: 'RESUME' });
    throw error;
  });
  const firstMs = performance.now() - t0;
  log(`open ${int(openMs)} ms; first command (${idOf(firstIndex)} PAUSE → ${first.status}) answered ${int(firstMs)} ms after open began; RSS ${fixed(afterOpen.rssMB, 0)} MB`);

  const paused = new Uint8Array(CAMPAIGNS);
  for (let i = 0; i < CAMPAIGNS; i++) paused[i] = templateOf(i).toggle?.paused ? 1 : 0;
  paused[firstIndex] = 1;
  const kinds = { commands: 0, gets: 0, lists: 0, refused: 0 };
  let n = 0;
  const op = async () => {
    n += 1;
    if (n % 50 === 0) {
      kinds.lists += 1;
      await rt.list({ limit: 50, status: 'Active' });
      return;
    }
    const i = Math.floor(Math.random() * CAMPAIGNS);
    if (templateOf(i).toggle) {
      const type = paused[i] ? 'RESUME' : 'PAUSE';
      paused[i] = paused[i] ? 0 : 1;
      kinds.commands += 1;
      await rt.send(idOf(i), { type }).catch((error: unknown) => {
        // only on a store changed by an earlier serve phase: the campaign was the other way round
        if (!(error instanceof TransitionRejectedError)) throw error;
        kinds.refused += 1;
        paused[i] = paused[i] ? 0 : 1;
      });
    } else {
      kinds.gets += 1;
      await rt.get(idOf(i));
    }
  };
  log(`serving: 64 callers, random campaigns out of ${int(CAMPAIGNS)}, ${SERVE_SECONDS} s …`);
  const run = await profiled('millionStored-serve', () => closedLoop(64, SERVE_SECONDS * 1000, op), (r) => r.ops);
  const lat = summary(run.latencies);
  const afterServe = memory();
  gc();
  const afterGc = memory();
  let t = performance.now();
  const health = await rt.health();
  const healthMs = performance.now() - t;
  t = performance.now();
  const counts = await rt.counts();
  const countsMs = performance.now() - t;
  t = performance.now();
  await rt.stop();
  const stopMs = performance.now() - t;
  clearInterval(sampler);
  const end = memory();
  peakRss = Math.max(peakRss, end.maxRssMB);
  log(`served ${int(run.ops)} operations (${int(kinds.commands)} commands of which ${int(kinds.refused)} refused, ${int(kinds.gets)} gets, ${int(kinds.lists)} lists) = ${int(run.ops / (run.elapsedMs / 1000))}/s, p99 ${fixed(lat.p99, 1)} ms; live actors ${int(health.liveActors)}`);
  log(`RSS: start ${fixed(atStart.rssMB, 0)} MB, after open ${fixed(afterOpen.rssMB, 0)} MB, after serving ${fixed(afterServe.rssMB, 0)} MB (heap ${fixed(afterServe.heapUsedMB, 0)} MB), after a full GC ${fixed(afterGc.rssMB, 0)} MB (heap ${fixed(afterGc.heapUsedMB, 0)} MB), peak ${fixed(peakRss, 0)} MB`);
  log(`RSS/heap MB each second while serving: ${timeline.join(' ')}`);
  emitPhase({
    openMs,
    firstMs,
    rssStart: atStart.rssMB,
    rssAfterOpen: afterOpen.rssMB,
    rssAfterServe: afterServe.rssMB,
    heapAfterServe: afterServe.heapUsedMB,
    rssAfterGc: afterGc.rssMB,
    heapAfterGc: afterGc.heapUsedMB,
    timeline,
    peakRss,
    ops: run.ops,
    opsPerSec: run.ops / (run.elapsedMs / 1000),
    latency: lat,
    kinds,
    liveActors: health.liveActors,
    pendingTimers: health.pendingTimers,
    healthMs,
    countsMs,
    stopMs,
    active: counts['Active'] ?? 0,
  });
}

// ── phase 3: baseline, every actor live ─────────────────────────────────────────────────────

async function baseline(path: string): Promise<void> {
  const store = sqliteStore({ path });
  await store.open();
  gc();
  const before = memory();
  const live = new Map<string, Actor<typeof campaignMachine>>();
  const t0 = performance.now();
  let after: string | undefined;
  while (live.size < BASELINE_ACTORS) {
    const page = await store.list({ limit: Math.min(10_000, BASELINE_ACTORS - live.size), ...(after ? { after } : {}) });
    if (page.length === 0) break;
    for (const record of page) {
      const actor = createActor(campaignMachine, {
        id: record.id,
        snapshot: JSON.parse(record.snapshot) as CampaignSnapshot,
        input: undefined as unknown as CampaignDefinition,
        clock: { setTimeout: () => 0, clearTimeout: () => {} },
      }).start();
      live.set(record.id, actor);
    }
    after = cursorOf(page.at(-1)!);
  }
  const loadMs = performance.now() - t0;
  gc();
  const afterLoad = memory();
  const perActorHeapKB = ((afterLoad.heapUsedMB - before.heapUsedMB) * 1024) / live.size;
  const perActorRssKB = ((afterLoad.rssMB - before.rssMB) * 1024) / live.size;
  // the first command, once everything is loaded
  const anyId = live.keys().next().value as string;
  live.get(anyId)!.send({ type: 'PAUSE', at: Date.now() });
  log(`baseline: ${int(live.size)} live actors loaded in ${int(loadMs)} ms; heap +${fixed(afterLoad.heapUsedMB - before.heapUsedMB, 0)} MB (${fixed(perActorHeapKB, 2)} KB/actor), RSS +${fixed(afterLoad.rssMB - before.rssMB, 0)} MB (${fixed(perActorRssKB, 2)} KB/actor), RSS now ${fixed(afterLoad.rssMB, 0)} MB`);
  emitPhase({
    actors: live.size,
    loadMs,
    rssBefore: before.rssMB,
    heapBefore: before.heapUsedMB,
    rssAfter: afterLoad.rssMB,
    heapAfter: afterLoad.heapUsedMB,
    perActorHeapKB,
    perActorRssKB,
  });
  for (const actor of live.values()) actor.stop();
  await store.close();
}

// ── phase 4: one timer firing on the 1M store ───────────────────────────────────────────────

/**
 * Not a DESIGN row, a regression check: a runtime whose clock is the system clock moved so that
 * the earliest stored timer falls due 2 s after it opens; a 5 ms ticker measures how long the
 * event loop is blocked around the firing.
 */
async function fire(path: string): Promise<void> {
  const probe = sqliteStore({ path });
  await probe.open();
  const [first] = await probe.dueTimers(Number.MAX_SAFE_INTEGER, 1);
  await probe.close();
  if (!first) throw new Error('no stored timer');
  const offset = first.dueAt - Date.now() - 2_000;
  const store = new TimingStore(sqliteStore({ path }));
  let durableLag: number | null = null;
  store.onCommit = ({ writes, durableAt }) => {
    for (const w of writes) if (w.change?.source === 'timer' && w.change.dueAt !== null) durableLag = durableAt + offset - w.change.dueAt;
  };
  const rt = await createCampaignRuntime({ store, clock: offsetClock(offset) });
  const gaps: { at: number; ms: number }[] = [];
  let last = performance.now();
  const until = first.dueAt - offset + 2_000;
  while (Date.now() < until) {
    await sleep(5);
    const now = performance.now();
    gaps.push({ at: Date.now() + offset - first.dueAt, ms: now - last });
    last = now;
  }
  await rt.stop();
  const after = gaps.filter((g) => g.at >= 0);
  const before = gaps.filter((g) => g.at < 0);
  const worst = after.reduce((a, b) => (b.ms > a.ms ? b : a), { at: 0, ms: 0 });
  const worstBefore = before.reduce((a, b) => Math.max(a, b.ms), 0);
  log(`one timer (${first.campaignId} ${first.timer}) fired; durable ${durableLag ?? '—'} ms after due; longest event-loop gap after it ${int(worst.ms)} ms (at +${worst.at} ms), before it ${int(worstBefore)} ms`);
  emitPhase({ durableLag, stallMs: worst.ms, stallAt: worst.at, gapBeforeMs: worstBefore });
}

// ── what Node and the tsx loader cost before any campaign code ─────────────────────────────

/** RSS (MB) of an empty Node process, plain and with the tsx loader the benchmarks run under. */
function emptyProcessRss(): { plain: number; tsx: number } {
  const probe = (args: string[]) =>
    Number(execFileSync(process.execPath, [...args, '-e', 'console.log(process.memoryUsage().rss)'], { encoding: 'utf8' }).trim()) / 1024 / 1024;
  return { plain: probe([]), tsx: probe(['--import', 'tsx']) };
}

// ── orchestration ───────────────────────────────────────────────────────────────────────────

/**
 * The serving process runs this file bundled to plain JavaScript (esbuild, which tsx already
 * installs), so its RSS is the library's and not that of the tsx loader thread (~40 MB, measured
 * in the notes). Falls back to tsx if esbuild cannot be loaded.
 */
async function bundle(dir: string): Promise<string | null> {
  try {
    const esbuild = await import('esbuild');
    const outfile = join(dir, 'millionStored.bundle.mjs');
    const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
    await esbuild.build({
      entryPoints: [fileURLToPath(import.meta.url)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      external: ['esbuild'],
      // CommonJS dependencies inside an ES module bundle need a `require`
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      plugins: [
        {
          name: 'native-better-sqlite3',
          setup(build) {
            build.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true }));
          },
        },
      ],
    });
    // the library imports its driver when the store opens: the bundle resolves it as a host's would, from node_modules
    symlinkSync(join(BENCH_DIR, '..', 'node_modules'), join(dir, 'node_modules'), 'dir');
    return outfile;
  } catch (error) {
    log(`could not bundle with esbuild (${String(error)}); the serving process runs under tsx`);
    return null;
  }
}

async function phase<T>(name: string, path: string, nodeArgs: string[] = [], script = 'millionStored.ts'): Promise<T> {
  const { code, results } = await runScript(script, {
    args: ['--phase', name, '--path', path],
    nodeArgs,
    marker: PHASE_MARKER,
    indent: `  [${name}] `,
  });
  if (code !== 0 || results.length !== 1) throw new Error(`phase ${name} failed (exit ${code})`);
  return results[0] as T;
}

async function orchestrate(): Promise<void> {
  log(`millionStored: ${machine()}`);
  const dir = tempDir('million');
  const path = join(dir.path, 'campaigns.db');
  try {
    const gen = await phase<{ ms: number; bytes: number }>('generate', path);
    const bundled = await bundle(dir.path);
    const s = await phase<{
      openMs: number;
      firstMs: number;
      rssStart: number;
      rssAfterOpen: number;
      rssAfterServe: number;
      heapAfterServe: number;
      rssAfterGc: number;
      heapAfterGc: number;
      timeline: string[];
      peakRss: number;
      ops: number;
      opsPerSec: number;
      latency: { p99: number };
      liveActors: number;
      healthMs: number;
      countsMs: number;
      stopMs: number;
    }>('serve', path, ['--expose-gc'], bundled ?? undefined);
    const b = await phase<{
      actors: number;
      loadMs: number;
      rssBefore: number;
      rssAfter: number;
      heapBefore: number;
      heapAfter: number;
      perActorHeapKB: number;
      perActorRssKB: number;
    }>('baseline', path, ['--expose-gc', '--max-old-space-size=16384'], bundled ?? undefined);
    const f = await phase<{ durableLag: number | null; stallMs: number; stallAt: number; gapBeforeMs: number }>('fire', path, [], bundled ?? undefined);
    const e = emptyProcessRss();

    const scale = CAMPAIGNS / b.actors;
    const baselineRss = b.rssBefore + (b.rssAfter - b.rssBefore) * scale;
    const baselineHeap = b.heapBefore + (b.heapAfter - b.heapBefore) * scale;
    const baselineLoadMs = b.loadMs * scale;
    const measured = b.actors === CAMPAIGNS ? 'measured' : `extrapolated ×${fixed(scale, 0)} from ${int(b.actors)}`;
    const rows: BenchRow[] = [
      {
        benchmark: 'millionStored',
        metric: `RSS, ${int(CAMPAIGNS)} stored, open and serving`,
        figure: `${fixed(s.peakRss, 0)} MB peak (${fixed(s.rssAfterServe, 0)} MB after serving)`,
        target: `≤ ${TARGET_RSS_MB} MB`,
        baseline: `all live: ${fixed(baselineRss / 1024, 1)} GB RSS (${fixed(b.perActorRssKB, 1)} KB/actor, ${measured})`,
        pass: s.peakRss <= TARGET_RSS_MB,
      },
      {
        benchmark: 'millionStored',
        metric: 'first command answered after open',
        figure: `${int(s.firstMs)} ms (open ${int(s.openMs)} ms)`,
        target: `≤ ${int(TARGET_FIRST_MS)} ms`,
        baseline: `all live: ${fixed(baselineLoadMs / 1000, 1)} s to load (${measured})`,
        pass: s.firstMs <= TARGET_FIRST_MS,
      },
    ];
    emit({
      name: 'millionStored',
      rows,
      notes: [
        `dataset: ${int(CAMPAIGNS)} clones of ${TEMPLATES.length} runtime-made templates written through sqliteStore.commit in batches of ${int(BATCH)} (not through the runtime) in ${fixed(gen.ms / 1000, 1)} s; file ${fixed(gen.bytes / 1e6, 0)} MB`,
        `serving (64 callers, random campaigns, ${SERVE_SECONDS} s${MAX_LIVE === undefined ? '' : `, maxLiveActors ${int(MAX_LIVE)}`}): ${int(s.ops)} operations = ${int(s.opsPerSec)}/s, p99 ${fixed(s.latency.p99, 1)} ms; live actors ${int(s.liveActors)}; health() ${int(s.healthMs)} ms, counts() ${int(s.countsMs)} ms, stop() ${int(s.stopMs)} ms`,
        `RSS of the serving process: at start ${fixed(s.rssStart, 0)} MB (${bundled ? 'plain Node running this file bundled by esbuild' : 'Node + tsx loader'} + modules; an empty Node process: ${fixed(e.plain, 0)} MB, with the tsx loader: ${fixed(e.tsx, 0)} MB), after open ${fixed(s.rssAfterOpen, 0)} MB, after serving ${fixed(s.rssAfterServe, 0)} MB (heap ${fixed(s.heapAfterServe, 0)} MB), after a forced full GC ${fixed(s.rssAfterGc, 0)} MB (heap ${fixed(s.heapAfterGc, 0)} MB), peak ${fixed(s.peakRss, 0)} MB; RSS/heap each second: ${s.timeline.join(' ')}`,
        `one timer firing on this store (runtime clock moved so that the earliest stored timer fell due 2 s after opening): durable ${f.durableLag ?? '—'} ms after due; the event loop was then blocked ${int(f.stallMs)} ms (longest 5 ms-tick gap after it; before it: ${int(f.gapBeforeMs)} ms)`,
        `baseline: ${int(b.actors)} actors live: heap ${fixed(b.heapBefore, 0)} → ${fixed(b.heapAfter, 0)} MB (${fixed(b.perActorHeapKB, 2)} KB/actor), RSS ${fixed(b.rssBefore, 0)} → ${fixed(b.rssAfter, 0)} MB (${fixed(b.perActorRssKB, 2)} KB/actor), loaded in ${fixed(b.loadMs / 1000, 1)} s; for ${int(CAMPAIGNS)}: heap ≈ ${fixed(baselineHeap / 1024, 1)} GB, RSS ≈ ${fixed(baselineRss / 1024, 1)} GB, ${fixed(baselineLoadMs / 1000, 0)} s before the first command (${measured})`,
      ],
      details: { generate: gen, serve: s, baseline: b, fire: f, emptyRss: e },
    });
  } finally {
    dir.cleanup();
  }
}

main(async () => {
  const which = arg('phase');
  const path = arg('path') ?? '';
  if (which === undefined) return orchestrate();
  if (which === 'generate') return generate(path);
  if (which === 'serve') return serve(path);
  if (which === 'baseline') return baseline(path);
  if (which === 'fire') return fire(path);
  throw new Error(`unknown phase ${which}`);
});
