/**
 * DESIGN §10 row 5 — start-up catch-up: `createCampaignRuntime` on a store whose 100,000 timers
 * are all overdue (it resolves once they have fired and are durable). Target ≥ 30,000 timers/s.
 *
 * Seeding goes through the public API with a manual clock 10 minutes in the past: 100k discount
 * campaigns are created and published (Scheduled, start dates spread over one minute); the runtime
 * is stopped and a new one is opened with the system clock, for which every start is overdue.
 * DESIGN lists no baseline; as a reference, the naive loop (load, restore, send, persist, one
 * transaction per timer) fires the first 5,000 of the same timers on a copy of the store.
 *
 * Run alone: `node --import tsx bench/catchUp.ts` (BENCH_TIMERS to change the count).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCampaignRuntime, createManualClock, sqliteStore } from '../src/index.js';
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
  naiveApply,
  profiled,
  setting,
  tempDir,
  THREAD,
  TimingStore,
} from './support.js';

const TIMERS = setting('TIMERS', 100_000);
const NAIVE_TIMERS = Math.min(TIMERS, setting('NAIVE_TIMERS', 5_000));
const TARGET = 30_000;

main(async () => {
  log(`catchUp: ${machine()}`);
  const dir = tempDir('catchup');
  const path = join(dir.path, 'campaigns.db');
  const naivePath = join(dir.path, 'naive.db');
  try {
    // ── seed through the public API, 10 minutes ago ──
    const t0 = Date.now() - 10 * 60_000;
    const firstDue = t0 + 60_000;
    const dueOf = (i: number) => firstDue + Math.floor((i * 60_000) / TIMERS);
    const seedStart = performance.now();
    {
      const clock = createManualClock(t0);
      const rt = await createCampaignRuntime({ store: sqliteStore({ path }), clock });
      await forEachConcurrent(TIMERS, 256, async (i) => {
        const id = `c-${String(i).padStart(6, '0')}`;
        await rt.create(
          {
            preset: 'discount',
            name: `Campaign ${i}`,
            startAt: new Date(dueOf(i)).toISOString(),
            endAt: new Date(t0 + 30 * 86_400_000).toISOString(),
            products: ['sku-1'],
          },
          { id },
        );
        await rt.send(id, { type: 'PUBLISH' });
      });
      const counts = await rt.counts({ preset: 'discount' });
      if (counts['Scheduled'] !== TIMERS) throw new Error(`seed: expected ${TIMERS} Scheduled, got ${JSON.stringify(counts)}`);
      await rt.stop();
    }
    const seedMs = performance.now() - seedStart;
    log(`seeded ${int(TIMERS)} Scheduled campaigns (create + PUBLISH through the runtime) in ${int(seedMs)} ms = ${int((2 * TIMERS) / (seedMs / 1000))} commands/s`);
    copyFileSync(path, naivePath);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${naivePath}-wal`);
    gc();

    // ── measured: open a runtime on the system clock; every timer is overdue ──
    const store = new TimingStore(sqliteStore({ path, thread: THREAD }));
    const fired = new Map<string, number>();
    let early = 0;
    let outOfOrder = 0;
    let lastDue = -Infinity;
    store.onCommit = ({ writes }) => {
      for (const w of writes) {
        const c = w.change;
        if (!c || c.source !== 'timer') continue;
        fired.set(c.campaignId, (fired.get(c.campaignId) ?? 0) + 1);
        if (c.dueAt === null || c.at < c.dueAt) early += 1;
        if (c.dueAt !== null && c.dueAt < lastDue) outOfOrder += 1;
        if (c.dueAt !== null) lastDue = Math.max(lastDue, c.dueAt);
      }
    };
    log(`opening a runtime with ${int(TIMERS)} overdue timers …`);
    const openStart = performance.now();
    const rt = await profiled('catchUp-runtime', () => createCampaignRuntime({ store }), () => TIMERS);
    const openMs = performance.now() - openStart;
    const rate = TIMERS / (openMs / 1000);
    const health = await rt.health();
    const counts = await rt.counts({ preset: 'discount' });
    const batches = batchSummary(store.stats);
    await rt.stop();
    const twice = [...fired.values()].filter((n) => n > 1).length;
    const lost = TIMERS - fired.size;
    log(`catch-up: ${int(TIMERS)} timers in ${int(openMs)} ms = ${int(rate)}/s; ${batches}`);
    log(`after open: overdue ${health.overdueTimers}, pending writes ${health.pendingWrites}, Active ${counts['Active']}; early ${early}, lost ${lost}, twice ${twice}, out of due order ${outOfOrder}`);
    gc();

    // ── reference: the naive loop on a copy, one transaction per timer ──
    const naive = sqliteStore({ path: naivePath });
    await naive.open();
    const due = await naive.dueTimers(Date.now(), NAIVE_TIMERS);
    const naiveStart = performance.now();
    for (const timer of due) {
      await naiveApply(naive, timer.campaignId, { type: timer.eventType, at: timer.dueAt }, {
        source: 'timer',
        dueAt: timer.dueAt,
        event: timer.timer,
        at: Date.now(),
      });
    }
    const naiveMs = performance.now() - naiveStart;
    await naive.close();
    const naiveRate = due.length / (naiveMs / 1000);
    log(`naive: ${int(due.length)} timers in ${int(naiveMs)} ms = ${int(naiveRate)}/s`);

    const correct = health.overdueTimers === 0 && counts['Active'] === TIMERS && early === 0 && lost === 0 && twice === 0;
    const rows: BenchRow[] = [
      {
        benchmark: 'catchUp',
        metric: `start-up catch-up of ${int(TIMERS)} overdue timers`,
        figure: `${int(rate)} timers/s (${fixed(openMs / 1000, 2)} s)${correct ? '' : ' INCORRECT'}`,
        target: `≥ ${int(TARGET)} timers/s`,
        baseline: `— (ref: naive 1 tx/timer ${int(naiveRate)}/s)`,
        pass: rate >= TARGET && correct,
      },
    ];
    emit({
      name: 'catchUp',
      rows,
      notes: [
        `createCampaignRuntime resolved after ${int(openMs)} ms; then overdue ${health.overdueTimers}, pending writes ${health.pendingWrites}, Active ${int(counts['Active'] ?? 0)}/${int(TIMERS)}; early ${early}, lost ${lost}, twice ${twice}, out of due order ${outOfOrder}`,
        `commits: ${batches}`,
        `seeding: ${int(TIMERS)} × (create + PUBLISH) through the runtime with a manual clock 10 min in the past: ${int((2 * TIMERS) / (seedMs / 1000))} commands/s`,
        `reference: naive loop (load row, restore actor, send, persist, 1 transaction per timer) on the first ${int(due.length)} timers of a copy: ${int(naiveRate)} timers/s`,
      ],
      details: { openMs, rate, naiveRate, early, lost, twice, outOfOrder, seedMs },
    });
  } finally {
    dir.cleanup();
  }
});
