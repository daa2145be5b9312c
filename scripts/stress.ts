/**
 * Crash stress: kills a worker under mixed load with SIGKILL, round after round, on one SQLite
 * file (see test/reliability/crashHarness.ts), then checks that nothing acknowledged was lost and
 * every timer fired exactly once, never early.
 *
 *   tsx scripts/stress.ts [--rounds 200] [--seed N] [--keep] [--verbose]
 *
 * Prints one line — rounds, acked, lost, timers fired, early, duplicated (plus lost timers and the
 * number of problems) — and exits 1 if anything was lost, early or duplicated. Problems go to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCrashRounds, summary } from '../test/reliability/crashHarness.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const dir = mkdtempSync(join(tmpdir(), 'cl-stress-'));
const started = Date.now();
try {
  const report = await runCrashRounds({
    dir,
    seed,
    rounds,
    ...(values.verbose ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
  for (const problem of report.problems.slice(0, 50)) process.stderr.write(`${problem}\n`);
  if (report.problems.length > 50) process.stderr.write(`… and ${report.problems.length - 50} more problems\n`);
  console.log(
    `${summary(report)} (seed ${seed}, ${report.campaigns} campaigns, ${report.changes} changes, ${Math.round((Date.now() - started) / 1000)} s${values.keep ? `, kept ${report.dbPath}` : ''})`,
  );
  process.exitCode = report.problems.length > 0 ? 1 : 0;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
