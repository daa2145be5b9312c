/**
 * Which PostgreSQL driver the store stands on (issue 10): `pg` (node-postgres) and `postgres`
 * (postgres.js) on this store's own workload, in the same run, against one migrated schema of
 * 10k campaigns:
 *
 * - point reads: `SELECT * FROM campaigns WHERE id = $1`, 64 callers, rows/s;
 * - commits: the store's one round trip, `commit_writes($1::jsonb, $2)`, batches of 32 real
 *   campaign writes (snapshot, timers, history entry), 2 committers as 2 runtimes would, writes/s;
 * - the Node CPU each driver spends per operation (what a runtime has left for its statecharts).
 *
 * Run alone: `node --import tsx bench/pgDrivers.ts` (BENCH_SECONDS to change the window).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import postgres from 'postgres';
import { type CampaignWrite, postgresStore } from '../src/index.js';
import { type BenchRow, closedLoop, emit, fixed, int, log, machine, main, setting, summary } from './support.js';

const URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CAMPAIGNS = 10_000;
const SECONDS = setting('SECONDS', 3);
const BATCH = 32;
const idOf = (i: number) => `c-${String(i).padStart(6, '0')}`;

/** One driver, reduced to what the store asks of it. */
interface Driver {
  name: string;
  query(text: string, values: unknown[]): Promise<unknown[]>;
  /** A jsonb parameter, as this driver takes one. */
  json(value: unknown): unknown;
  end(): Promise<void>;
}

function pgDriver(prepared: boolean): Driver {
  const pool = new pg.Pool({ connectionString: URL, max: 20 });
  const names = new Map<string, string>();
  return {
    name: prepared ? 'pg (named statements)' : 'pg',
    async query(text, values) {
      const name = prepared ? (names.get(text) ?? names.set(text, `s${names.size}`).get(text)) : undefined;
      return (await pool.query({ text, values, ...(name ? { name } : {}) })).rows;
    },
    json: (value) => JSON.stringify(value),
    end: () => pool.end(),
  };
}

function postgresDriver(): Driver {
  const sql = postgres(URL, { max: 20, onnotice: () => {} });
  return {
    name: 'postgres (postgres.js)',
    async query(text, values) {
      return [...(await sql.unsafe(text, values as postgres.ParameterOrJSON<never>[], { prepare: true }))];
    },
    json: (value) => sql.json(value as postgres.JSONValue),
    end: () => sql.end(),
  };
}

interface Figures {
  driver: string;
  readsPerSecond: number;
  readP99: number;
  readCpuUs: number;
  writesPerSecond: number;
  commitP99: number;
  writeCpuUs: number;
}

/** A write moving campaign `i` from `version` to the next, shaped like the runtime's. */
function writeOf(template: { snapshot: string; createdAt: number }, i: number, version: number, now: number): CampaignWrite & { nextDueAt: number; change: NonNullable<CampaignWrite['change']> } {
  const id = idOf(i);
  const status = version % 2 ? 'Paused' : 'Active';
  return {
    campaignId: id,
    preset: 'discount',
    fromVersion: version,
    record: { id, preset: 'discount', status, name: `Campaign ${i}`, version: version + 1, snapshot: template.snapshot, createdAt: template.createdAt, updatedAt: now },
    timers: [{ campaignId: id, timer: 'endAt', eventType: 'xstate.after.endAt', dueAt: now + 86_400_000 }],
    nextDueAt: now + 86_400_000,
    change: { campaignId: id, version: version + 1, at: now, dueAt: null, event: status === 'Paused' ? 'PAUSE' : 'RESUME', source: 'user', from: status === 'Paused' ? 'Active' : 'Paused', to: status, commandId: null, detail: null },
  };
}

async function measure(driver: Driver, schema: string, versions: Int32Array, template: { snapshot: string; createdAt: number }): Promise<Figures> {
  const s = `"${schema}"`;
  const getSql = `SELECT * FROM ${s}.campaigns WHERE id = $1`;
  const commitSql = `SELECT ${s}.commit_writes($1::jsonb, $2) AS seqs`;
  const read = async () => {
    await driver.query(getSql, [idOf(Math.floor(Math.random() * CAMPAIGNS))]);
  };
  await closedLoop(64, 500, read);
  let cpu = process.cpuUsage();
  const reads = await closedLoop(64, SECONDS * 1000, read);
  cpu = process.cpuUsage(cpu);
  const readCpuUs = (cpu.user + cpu.system) / reads.ops;

  // each committer owns half of the campaigns and walks through them in batches
  const cursors = [0, 1];
  const commit = async (committer: number) => {
    const now = Date.now();
    const writes = Array.from({ length: BATCH }, () => {
      const i = (cursors[committer]! % (CAMPAIGNS / 2)) * 2 + committer;
      cursors[committer]! += 1;
      const write = writeOf(template, i, versions[i]!, now);
      versions[i]! += 1;
      return write;
    });
    await driver.query(commitSql, [driver.json(writes), `${schema}_commits`]);
  };
  await closedLoop(2, 500, commit);
  cpu = process.cpuUsage();
  const commits = await closedLoop(2, SECONDS * 1000, commit);
  cpu = process.cpuUsage(cpu);
  return {
    driver: driver.name,
    readsPerSecond: reads.ops / (reads.elapsedMs / 1000),
    readP99: summary(reads.latencies).p99,
    readCpuUs,
    writesPerSecond: (commits.ops * BATCH) / (commits.elapsedMs / 1000),
    commitP99: summary(commits.latencies).p99,
    writeCpuUs: (cpu.user + cpu.system) / (commits.ops * BATCH),
  };
}

main(async () => {
  log(`pgDrivers: ${machine()}`);
  const schema = `bench_drivers_${randomBytes(4).toString('hex')}`;
  const store = postgresStore({ connectionString: URL, schema });
  await store.open();
  const results: Figures[] = [];
  try {
    const now = Date.now();
    const template = {
      createdAt: now,
      snapshot: JSON.stringify({ status: 'active', value: { published: { running: { intake: 'accepting', processing: 'active' } } }, historyValue: {}, context: { preset: 'discount', name: 'Campaign', startAt: now - 60_000, endAt: now + 86_400_000, visibleAt: null, timezone: null, audience: null, products: [], labels: [], content: null, recurrence: null, occurrence: null, definitionVersion: 1, pauses: [], fault: null }, children: {} }),
    };
    for (let at = 0; at < CAMPAIGNS; at += 1_000) {
      await store.commit(
        Array.from({ length: 1_000 }, (_, k) => {
          const write = writeOf(template, at + k, 0, now);
          return { ...write, change: { ...write.change, event: 'CREATE', from: null } };
        }),
      );
    }
    const versions = new Int32Array(CAMPAIGNS).fill(1);
    // two rounds, alternating, so that neither driver has the warmer server
    const drivers = [() => pgDriver(false), () => pgDriver(true), () => postgresDriver()];
    for (let round = 0; round < 2; round++) {
      for (const make of drivers) {
        const driver = make();
        try {
          const figures = await measure(driver, schema, versions, template);
          log(`${figures.driver}: ${int(figures.readsPerSecond)} reads/s (p99 ${fixed(figures.readP99)} ms, ${fixed(figures.readCpuUs)} µs CPU each); ${int(figures.writesPerSecond)} writes/s in batches of ${BATCH} (p99 ${fixed(figures.commitP99)} ms, ${fixed(figures.writeCpuUs)} µs CPU each)`);
          if (round === 1) results.push(figures);
        } finally {
          await driver.end();
        }
      }
    }
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
  const [plain] = results;
  const rows: BenchRow[] = results.map((f) => ({
    benchmark: 'pgDrivers',
    metric: `${f.driver}: point reads/s (64 callers); writes/s through commit_writes (batches of ${BATCH}, 2 committers)`,
    figure: `${int(f.readsPerSecond)} reads/s (${fixed(f.readCpuUs)} µs CPU); ${int(f.writesPerSecond)} writes/s (${fixed(f.writeCpuUs)} µs CPU)`,
    target: '—',
    baseline: f === plain ? '—' : `pg: ${int(plain!.readsPerSecond)} reads/s; ${int(plain!.writesPerSecond)} writes/s`,
    pass: null,
  }));
  emit({ name: 'pgDrivers', rows, notes: ['the store uses pg: see docs/decisions.md'], details: { results } });
});
