/**
 * Opens a campaign runtime on a SQLite file in its own process and reports what happened, one JSON
 * line on stdout:
 *
 *   node --import tsx test/reliability/lockWorker.ts <dbPath> [try|hold]
 *
 * `try` (default): open, report `{ ok: true }` or the error (`{ ok: false, name, message }`), stop.
 * `hold`: open, create campaign `held-by-child`, report `{ ok: true }`, then keep the file until killed.
 */
import { writeSync } from 'node:fs';
import { createCampaignRuntime, sqliteStore } from '../../src/index.js';

const [path, mode = 'try'] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: lockWorker.ts <dbPath> [try|hold]\n');
  process.exit(2);
}
const report = (line: object) => writeSync(1, `${JSON.stringify(line)}\n`);
try {
  const rt = await createCampaignRuntime({ store: sqliteStore({ path }) });
  if (mode === 'hold') {
    await rt.create({ preset: 'gifting', name: 'held', products: ['mug'] }, { id: 'held-by-child' });
    report({ ok: true });
    setInterval(() => {}, 60_000); // keep the lock until SIGKILL
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  } else {
    report({ ok: true });
    await rt.stop();
  }
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  report({ ok: false, name: e.name, message: e.message });
  process.exitCode = 1;
}
