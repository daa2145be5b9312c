/**
 * The benchmark suite (DESIGN §10): `npm run bench` runs every benchmark, `npm run bench --
 * commands catchUp` the ones named. Each runs in its own Node process (fresh heap, its own RSS)
 * and prints its figures beside its baseline; this runner then prints one table.
 *
 * `--profile[=dir]` records a V8 CPU profile of each measured window (`<dir>/<label>.cpuprofile`,
 * default a new directory under the OS temp dir) and prints its top self-time functions.
 * Settings: BENCH_* environment variables (see each benchmark's header).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchReport, type BenchRow, int, machine, RESULT_MARKER, runScript, table } from './support.js';

const BENCHMARKS = ['transition', 'commands', 'sameInstant', 'millionStored', 'timerLag', 'catchUp', 'sseFanout', 'postgres', 'pgDrivers'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

const isBenchmark = (name: string): name is Benchmark => (BENCHMARKS as readonly string[]).includes(name);

async function run(): Promise<number> {
  const argv = process.argv.slice(2);
  const profile = argv.find((a) => a === '--profile' || a.startsWith('--profile='));
  // names match case-insensitively (`catchup` is `catchUp`)
  const names = argv.filter((a) => !a.startsWith('--')).map((a) => BENCHMARKS.find((b) => b.toLowerCase() === a.toLowerCase()) ?? a);
  const unknown = names.filter((n) => !isBenchmark(n));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Choose from: ${BENCHMARKS.join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b)) : [...BENCHMARKS];
  if (profile) {
    const dir = profile.includes('=') ? profile.slice(profile.indexOf('=') + 1) : mkdtempSync(join(tmpdir(), 'cl-bench-profiles-'));
    process.env['BENCH_PROFILE_DIR'] = dir;
    console.log(`CPU profiles go to ${dir}`);
  }

  console.log(`campaign-lifecycle benchmarks (DESIGN §10) — ${machine()}`);
  const started = performance.now();
  const rows: BenchRow[] = [];
  const reports: BenchReport[] = [];
  let failed = false;
  for (const name of selected) {
    console.log(`\n━━ ${name} ━━`);
    const t = performance.now();
    const { code, results } = await runScript(`${name}.ts`, { nodeArgs: ['--expose-gc'], marker: RESULT_MARKER });
    const report = results.at(-1) as BenchReport | undefined;
    console.log(`(${name}: ${int((performance.now() - t) / 1000)} s)`);
    if (code !== 0 || !report) {
      failed = true;
      rows.push({ benchmark: name, metric: 'did not complete', figure: `exit code ${code}`, target: '—', baseline: '—', pass: false });
      continue;
    }
    reports.push(report);
    rows.push(...report.rows);
    if (report.rows.some((r) => r.pass === false)) failed = true;
  }

  console.log(`\n━━ results (${int((performance.now() - started) / 1000)} s in all) — ${machine()} ━━\n`);
  console.log(table(rows));
  for (const report of reports) {
    console.log(`\n${report.name}:`);
    for (const note of report.notes) console.log(`  - ${note}`);
  }
  return failed ? 1 : 0;
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
