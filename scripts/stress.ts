/**
 * Crash stress: kills a worker under mixed load with SIGKILL, round after round, on one SQLite
 * file — or, with `--store postgres`, one of 3 worker processes sharing a PostgreSQL schema, on a
 * server of its own that is also restarted every `--restart-every` rounds (see
 * test/reliability/crashHarness.ts) — then checks that nothing acknowledged was lost and every
 * timer fired exactly once, never early, and that every process read the same gap-free feed.
 *
 *   tsx scripts/stress.ts [--rounds 200] [--seed N] [--keep] [--verbose]
 *   tsx scripts/stress.ts --store postgres [--rounds 100] [--processes 3] [--restart-every 20] [--url postgres://…]
 *
 * Prints one line — rounds, acked, lost, timers fired, early, duplicated (plus lost timers and the
 * number of problems) — and exits 1 if anything was lost, early or duplicated. Problems go to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCrashRounds, summary } from '../test/reliability/crashHarness.js';
import { startPrivatePostgres } from '../test/support/privatePostgres.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
    processes: { type: 'string', default: '3' },
    'restart-every': { type: 'string', default: '20' },
    url: { type: 'string' },
  },
});
if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error(`--store must be sqlite or postgres, not ${values.store}`);
const postgres = values.store === 'postgres';
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const dir = mkdtempSync(join(tmpdir(), 'cl-stress-'));
const started = Date.now();
// PostgreSQL: a server of its own (it is restarted under load), or the one at --url (then not restarted)
const server = postgres && !values.url ? await startPrivatePostgres() : null;
try {
  const restartEvery = Number(values['restart-every']);
  const report = await runCrashRounds({
    dir,
    seed,
    rounds,
    ...(postgres
      ? {
          target: { kind: 'postgres' as const, url: values.url ?? server!.url, schema: `stress_${seed}` },
          processes: Number(values.processes),
          callers: 6,
          lifeMs: [500, 1_500] as [number, number],
          ...(server && restartEvery > 0 ? { restartDatabase: { every: restartEvery, restart: () => server.restart() } } : {}),
        }
      : {}),
    ...(values.verbose ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
  for (const problem of report.problems.slice(0, 50)) process.stderr.write(`${problem}\n`);
  if (report.problems.length > 50) process.stderr.write(`… and ${report.problems.length - 50} more problems\n`);
  console.log(
    `${summary(report)}${postgres ? `, feed reads ${report.feedReads}, ${Number(values.processes)} processes${server ? `, database restarted every ${restartEvery} rounds` : ''}` : ''} (seed ${seed}, ${report.campaigns} campaigns, ${report.changes} changes, ${Math.round((Date.now() - started) / 1000)} s${values.keep ? `, kept ${report.dbPath}` : ''})`,
  );
  process.exitCode = report.problems.length > 0 ? 1 : 0;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
}
