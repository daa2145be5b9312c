/**
 * DESIGN §10 row 2 — 100,000 campaigns whose start falls on the same instant T (system clock):
 * all Active and durable within 3 s of T, 0 early, 0 lost, 0 twice.
 *
 * Seeding goes through the public API on the system clock: 2,000 bystander campaigns (start a
 * day after T) and 100k discount campaigns created and published with `startAt = T`, T one hour
 * ahead. The seeding runtime is stopped; a fresh one (cold: no live actors) is opened with the
 * system clock moved by a constant so that T comes 3 s after it opens — time passes and timers
 * wait exactly as on the system clock, and the measurement does not depend on how long seeding
 * took.
 *
 * Measured: the instant each write became durable (a timing wrapper around the store's `commit`).
 * Verified from history: the whole change feed (`subscribe({ after: 0 })`) is read back and every
 * campaign must have exactly one `startAt` entry with `at >= dueAt`, to Active; `counts()` must
 * show 100k Active.
 *
 * Run alone: `node --import tsx bench/sameInstant.ts` (BENCH_CAMPAIGNS to change the count).
 */
import { join } from 'node:path';
import { type CampaignChange, createCampaignRuntime, sqliteStore } from '../src/index.js';
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
  offsetClock,
  setting,
  sleep,
  tempDir,
  THREAD,
  TimingStore,
} from './support.js';

const CAMPAIGNS = setting('CAMPAIGNS', 100_000);
const BYSTANDERS = 2_000;
const LEAD_MS = 3_000;
const HOUR = 3_600_000;
const TARGET_MS = 3_000;
const DAY = 86_400_000;

main(async () => {
  log(`sameInstant: ${machine()}`);
  const dir = tempDir('same-instant');
  const path = join(dir.path, 'campaigns.db');
  try {
    const seedRt = await createCampaignRuntime({ store: sqliteStore({ path }) });
    const seed = async (count: number, prefix: string, startAt: number) => {
      await forEachConcurrent(count, 256, async (i) => {
        const id = `${prefix}-${String(i).padStart(6, '0')}`;
        await seedRt.create(
          {
            preset: 'discount',
            name: `Campaign ${prefix} ${i}`,
            startAt: new Date(startAt).toISOString(),
            endAt: new Date(startAt + 30 * DAY).toISOString(),
            products: ['sku-1'],
          },
          { id },
        );
        await seedRt.send(id, { type: 'PUBLISH' });
      });
    };
    // T: one hour from now on the seeding clock; bystanders start a day after T
    const instant = Math.ceil((Date.now() + HOUR) / 1000) * 1000;
    let t = performance.now();
    await seed(BYSTANDERS, 'b', instant + DAY);
    await seed(CAMPAIGNS, 'c', instant);
    const seedMs = performance.now() - t;
    const counts0 = await seedRt.counts({ preset: 'discount' });
    await seedRt.stop();
    log(`seeded ${int(CAMPAIGNS)} campaigns starting at T = ${new Date(instant).toISOString()} in ${int(seedMs)} ms (${int((2 * (CAMPAIGNS + BYSTANDERS)) / (seedMs / 1000))} commands/s); Scheduled ${int(counts0['Scheduled'] ?? 0)}`);
    if (counts0['Scheduled'] !== CAMPAIGNS + BYSTANDERS) throw new Error(`seed: ${JSON.stringify(counts0)}`);
    gc();

    const store = new TimingStore(sqliteStore({ path, thread: THREAD }));
    const fired = new Map<string, number>();
    let early = 0;
    let firstDurable = Infinity;
    let lastDurable = -Infinity;
    let firstFiredAt = Infinity;
    let offset = 0;
    store.onCommit = ({ writes, durableAt }) => {
      for (const w of writes) {
        const c = w.change;
        if (!c || c.source !== 'timer') continue;
        fired.set(c.campaignId, (fired.get(c.campaignId) ?? 0) + 1);
        if (c.dueAt === null || c.at < c.dueAt || durableAt + offset < c.dueAt) early += 1;
        firstFiredAt = Math.min(firstFiredAt, c.at);
        firstDurable = Math.min(firstDurable, durableAt);
        lastDurable = Math.max(lastDurable, durableAt);
      }
    };
    // the fresh runtime's clock is the system clock moved so that T comes LEAD_MS after it opens
    offset = instant - Date.now() - LEAD_MS;
    const clock = offsetClock(offset);
    const rt = await createCampaignRuntime({ store, clock });
    const openedAhead = instant - clock.now();
    if (openedAhead < 1_000) throw new Error(`opening took too long: the runtime was ready only ${openedAhead} ms before the instant`);
    log(`fresh runtime open (clock = system clock ${offset >= 0 ? '+' : '−'} ${fixed(Math.abs(offset) / 1000, 1)} s), T in ${fixed(openedAhead / 1000, 1)} s; waiting …`);
    await sleep(Math.max(0, instant - clock.now() - 300));
    const deadline = instant + 60_000;
    await profiled(
      'sameInstant-runtime',
      async () => {
        while (fired.size < CAMPAIGNS && clock.now() < deadline) await sleep(10);
        await sleep(200); // anything fired twice would show now
      },
      () => CAMPAIGNS,
    );
    // durableAt is Date.now(): move it onto the runtime's clock
    firstDurable += offset;
    lastDurable += offset;
    const durationMs = lastDurable - instant;
    const batches = batchSummary(store.stats);
    log(`all fired: first fired +${firstFiredAt - instant} ms, first durable +${firstDurable - instant} ms, last durable +${durationMs} ms; ${batches}`);

    // ── verify from history: read the whole change feed back ──
    const verifyStart = performance.now();
    const startEntries = new Map<string, CampaignChange[]>();
    const lastSeq = rt.lastSeq;
    await new Promise<void>((resolve) => {
      const unsubscribe = rt.subscribe(
        (change) => {
          if (change.source === 'timer') {
            const list = startEntries.get(change.campaignId) ?? [];
            list.push(change);
            startEntries.set(change.campaignId, list);
          }
          if (change.seq >= lastSeq) {
            unsubscribe();
            resolve();
          }
        },
        { after: 0 },
      );
    });
    let lost = 0;
    let twice = 0;
    let earlyInHistory = 0;
    let notActive = 0;
    for (let i = 0; i < CAMPAIGNS; i++) {
      const entries = startEntries.get(`c-${String(i).padStart(6, '0')}`) ?? [];
      if (entries.length === 0) lost += 1;
      if (entries.length > 1) twice += 1;
      for (const e of entries) {
        if (e.event !== 'startAt' || e.dueAt === null || Date.parse(e.at) < Date.parse(e.dueAt) || Date.parse(e.dueAt) !== instant) earlyInHistory += 1;
        if (e.to !== 'Active') notActive += 1;
      }
    }
    const bystandersFired = [...startEntries.keys()].filter((id) => !id.startsWith('c-')).length;
    const counts = await rt.counts({ preset: 'discount' });
    const health = await rt.health();
    await rt.stop();
    const verifyMs = performance.now() - verifyStart;
    early += earlyInHistory;
    lost = Math.max(lost, CAMPAIGNS - fired.size);
    twice = Math.max(twice, [...fired.values()].filter((n) => n > 1).length);
    const activeOk = counts['Active'] === CAMPAIGNS && notActive === 0;
    log(`history: lost ${lost}, twice ${twice}, early ${early}, not Active ${notActive}, bystanders fired ${bystandersFired}; counts Active ${counts['Active']}, overdue ${health.overdueTimers} (verified in ${int(verifyMs)} ms)`);

    const pass = durationMs <= TARGET_MS && early === 0 && lost === 0 && twice === 0 && activeOk && bystandersFired === 0;
    const rows: BenchRow[] = [
      {
        benchmark: 'sameInstant',
        metric: `${int(CAMPAIGNS)} campaigns starting at one instant`,
        figure: `all Active+durable at +${fixed(durationMs / 1000, 2)} s; early ${early}, lost ${lost}, twice ${twice}`,
        target: `≤ ${TARGET_MS / 1000} s; 0 early/lost/twice`,
        baseline: '— (none in DESIGN)',
        pass,
      },
    ];
    emit({
      name: 'sameInstant',
      rows,
      notes: [
        `first timer fired at +${firstFiredAt - instant} ms, first durable at +${firstDurable - instant} ms, last durable at +${durationMs} ms (${int(CAMPAIGNS / Math.max(0.001, durationMs / 1000))} timers/s)`,
        `commits: ${batches}`,
        `verified from the change feed (all history): ${int(CAMPAIGNS - lost)} campaigns with a startAt entry, ${twice} with more than one, ${early} early, ${notActive} not to Active, ${bystandersFired} bystanders fired; counts() Active ${int(counts['Active'] ?? 0)}`,
        `seeding through the runtime (system clock): ${int(BYSTANDERS)} bystanders (start a day after T) + ${int(CAMPAIGNS)} campaigns (start at T = seeding + 1 h), create + PUBLISH each, ${int((2 * (CAMPAIGNS + BYSTANDERS)) / (seedMs / 1000))} commands/s; then a fresh runtime, its clock the system clock + ${fixed(offset / 1000, 1)} s so that T came ${fixed(openedAhead / 1000, 1)} s after it opened (real waits, real time)`,
      ],
      details: { durationMs, firstFiredMs: firstFiredAt - instant, early, lost, twice, seedMs },
    });
  } finally {
    dir.cleanup();
  }
});
