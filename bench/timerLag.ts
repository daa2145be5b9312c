/**
 * DESIGN §10 row 4 — timer lag, due → committed, under a background load of 1,000 commands/s on
 * the real system clock. Target p99 ≤ 10 ms.
 *
 * Setup through the public API: 2,000 Active discount campaigns for the background load, and
 * discount campaigns whose start dates are spread at random over two windows: 1,000 over 5 s
 * with no load (reference, DESIGN lists no baseline) and 3,000 over 10 s while PAUSE/RESUME
 * commands arrive at 1,000/s (open loop, paced). The seeding runtime is stopped and a fresh one
 * opened (cold) before the first window.
 *
 * Lag of a timer = the instant its write became durable (a timing wrapper around the store's
 * `commit`) − its due instant.
 *
 * Run alone: `node --import tsx bench/timerLag.ts`.
 */
import { join } from 'node:path';
import { type CampaignRuntime, createCampaignRuntime, sqliteStore } from '../src/index.js';
import {
  type BenchRow,
  batchSummary,
  emit,
  fixed,
  forEachConcurrent,
  gc,
  int,
  log,
  machine,
  main,
  profiled,
  setting,
  sleep,
  summary,
  tempDir,
  TimingStore,
} from './support.js';

const BACKGROUND = 2_000;
const RATE = setting('RATE', 1_000);
const REF = { timers: 1_000, windowMs: 5_000 };
const LOAD = { timers: setting('TIMERS', 3_000), windowMs: setting('SECONDS', 10) * 1000 };
const TARGET_P99 = 10;
const DAY = 86_400_000;

const pad = (i: number) => String(i).padStart(6, '0');

/** Open-loop load: `rate` PAUSE/RESUME commands per second on the background campaigns until `until` (epoch ms). */
async function backgroundLoad(rt: CampaignRuntime, rate: number, until: number) {
  const paused = new Uint8Array(BACKGROUND);
  const latencies: number[] = [];
  const inflight = new Set<Promise<void>>();
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  while (Date.now() < until) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; issued < due; issued++) {
      const i = Math.floor(Math.random() * BACKGROUND);
      const type = paused[i] ? 'RESUME' : 'PAUSE';
      paused[i] = paused[i] ? 0 : 1;
      const t = performance.now();
      const p = rt.send(`g-${pad(i)}`, { type }).then(
        () => {
          latencies.push(performance.now() - t);
        },
        () => {
          errors += 1;
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await sleep(1);
  }
  const elapsedMs = performance.now() - start;
  await Promise.all(inflight);
  return { issued, completed: latencies.length, errors, elapsedMs, latencies };
}

main(async () => {
  log(`timerLag: ${machine()}`);
  const dir = tempDir('timer-lag');
  const path = join(dir.path, 'campaigns.db');
  try {
    // ── seed ──
    const seedRt = await createCampaignRuntime({ store: sqliteStore({ path }) });
    const create = async (id: string, startAt: number) => {
      await seedRt.create(
        {
          preset: 'discount',
          name: `Campaign ${id}`,
          startAt: new Date(startAt).toISOString(),
          endAt: new Date(Math.max(startAt, Date.now()) + 30 * DAY).toISOString(),
          products: ['sku-1'],
        },
        { id },
      );
      await seedRt.send(id, { type: 'PUBLISH' });
    };
    const past = Date.now() - 60_000;
    await forEachConcurrent(BACKGROUND / 2, 64, (i) => create(`g-${pad(i)}`, past));
    let t = performance.now();
    await forEachConcurrent(BACKGROUND / 2, 64, (i) => create(`g-${pad(i + BACKGROUND / 2)}`, past));
    const perCampaignMs = (performance.now() - t) / (BACKGROUND / 2);
    const first = Math.ceil((Date.now() + (REF.timers + LOAD.timers) * perCampaignMs * 2 + 5_000) / 1000) * 1000;
    const refWindow = { from: first, to: first + REF.windowMs };
    const loadWindow = { from: refWindow.to + 1_000, to: refWindow.to + 1_000 + LOAD.windowMs };
    const randomIn = (w: { from: number; to: number }) => w.from + Math.floor(Math.random() * (w.to - w.from));
    t = performance.now();
    await forEachConcurrent(REF.timers, 64, (i) => create(`r-${pad(i)}`, randomIn(refWindow)));
    await forEachConcurrent(LOAD.timers, 64, (i) => create(`l-${pad(i)}`, randomIn(loadWindow)));
    await seedRt.stop();
    log(`seeded ${int(BACKGROUND)} Active + ${int(REF.timers + LOAD.timers)} Scheduled campaigns; timers at ${new Date(first).toISOString()} + 0…${fixed((loadWindow.to - first) / 1000, 0)} s`);
    gc();

    // ── measure ──
    const store = new TimingStore(sqliteStore({ path }));
    const lags = { r: [] as number[], l: [] as number[] };
    const firedLags = { r: [] as number[], l: [] as number[] };
    const toDurable = { r: [] as number[], l: [] as number[] };
    const fired = new Map<string, number>();
    let early = 0;
    store.onCommit = ({ writes, durableAt }) => {
      for (const w of writes) {
        const c = w.change;
        if (!c || c.source !== 'timer' || c.dueAt === null) continue;
        const kind = c.campaignId.startsWith('r-') ? 'r' : 'l';
        lags[kind].push(durableAt - c.dueAt);
        firedLags[kind].push(c.at - c.dueAt);
        toDurable[kind].push(durableAt - c.at);
        fired.set(c.campaignId, (fired.get(c.campaignId) ?? 0) + 1);
        if (c.at < c.dueAt || durableAt < c.dueAt) early += 1;
      }
    };
    const rt = await createCampaignRuntime({ store });
    if (Date.now() > refWindow.from - 500) throw new Error('seeding took too long: the first timer window has begun');
    log(`reference window (no load): ${REF.timers} timers over ${REF.windowMs / 1000} s …`);
    await sleep(refWindow.to + 300 - Date.now());
    const refStats = store.stats.commits;
    log(`load window: ${LOAD.timers} timers over ${LOAD.windowMs / 1000} s under ${int(RATE)} commands/s …`);
    await sleep(refWindow.to + 500 - Date.now());
    store.resetStats();
    const load = await profiled(
      'timerLag-runtime',
      () => backgroundLoad(rt, RATE, loadWindow.to + 500),
      (r) => r.completed,
    );
    const deadline = Date.now() + 10_000;
    while (fired.size < REF.timers + LOAD.timers && Date.now() < deadline) await sleep(10);
    const batches = batchSummary(store.stats);
    const health = await rt.health();
    await rt.stop();

    const ref = summary(lags.r);
    const lag = summary(lags.l);
    const fl = summary(firedLags.l);
    const td = summary(toDurable.l);
    const cmd = summary(load.latencies);
    const achieved = load.completed / (load.elapsedMs / 1000);
    const lost = REF.timers + LOAD.timers - fired.size;
    const twice = [...fired.values()].filter((n) => n > 1).length;
    log(`no load: lag p50 ${ref.p50} ms, p99 ${ref.p99} ms, max ${ref.max} ms (${ref.n} timers, ${refStats} commits)`);
    log(`under load: lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (${lag.n} timers); fired p99 ${fl.p99} ms; load ${int(achieved)} commands/s achieved, latency p50 ${fixed(cmd.p50, 2)} / p99 ${fixed(cmd.p99, 2)} ms, errors ${load.errors}`);
    log(`commits under load: ${batches}; early ${early}, lost ${lost}, twice ${twice}`);

    const correct = early === 0 && lost === 0 && twice === 0 && load.errors === 0;
    const rows: BenchRow[] = [
      {
        benchmark: 'timerLag',
        metric: `timer lag due→committed under ${int(RATE)} commands/s`,
        figure: `p99 ${fixed(lag.p99, 0)} ms (p50 ${fixed(lag.p50, 0)}, max ${fixed(lag.max, 0)})${correct ? '' : ' INCORRECT'}`,
        target: `p99 ≤ ${TARGET_P99} ms`,
        baseline: `— (ref no load: p99 ${fixed(ref.p99, 0)} ms, p50 ${fixed(ref.p50, 0)})`,
        pass: lag.p99 <= TARGET_P99 && correct,
      },
    ];
    emit({
      name: 'timerLag',
      rows,
      notes: [
        `${int(LOAD.timers)} timers due at random over ${LOAD.windowMs / 1000} s (${int(LOAD.timers / (LOAD.windowMs / 1000))}/s) while ${int(achieved)} PAUSE/RESUME commands/s ran (p50 ${fixed(cmd.p50, 2)} ms, p99 ${fixed(cmd.p99, 2)} ms); system clock`,
        `lag due→fired (the entry's \`at\`): p50 ${fl.p50} ms, p99 ${fl.p99} ms; fired→durable: p50 ${td.p50}, p99 ${td.p99} ms; due→durable: p50 ${lag.p50}, p90 ${lag.p90}, p99 ${lag.p99}, max ${lag.max} ms; runtime health() lag p99 ${health.lag.p99 ?? '—'} ms`,
        `reference without load: ${int(REF.timers)} timers over ${REF.windowMs / 1000} s: due→durable p50 ${ref.p50}, p99 ${ref.p99}, max ${ref.max} ms`,
        `commits during the load window: ${batches}; early ${early}, lost ${lost}, twice ${twice}`,
      ],
      details: { lag, ref, firedLag: fl, firedToDurable: td, achieved, commandLatency: cmd },
    });
  } finally {
    dir.cleanup();
  }
});
