/**
 * `npm run migrate -- --check`: reads a store written by a release and reports, per statechart
 * version, what this code would load as it is, migrate, or refuse — and writes nothing.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/cli/migrate.js';
import { checkSnapshots } from '../../src/cli/snapshotCheck.js';
import { memoryStore, postgresStore, sqliteStore, STATECHART_VERSION, type StoredCampaigns } from '../../src/index.js';
import { snapshotMigrations } from '../../src/machines/snapshotMigrations.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG } from '../support/postgres.js';
import { loadRows, releaseDatabase, releaseRows } from '../support/releaseFixtures.js';

const ROWS = releaseRows('0.1.0');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding a copy of the 0.1.0 release's SQLite store. */
function releaseCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cl-migrate-'));
  dirs.push(dir);
  copyFileSync(releaseDatabase('0.1.0'), join(dir, 'campaigns.db'));
  return dir;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await migrate(argv, (t) => out.push(t), (t) => err.push(t));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('migrate --check', () => {
  it('on the 0.1.0 fixture: 99 campaigns stored by statechart version 1, all of them would migrate, none refused; the file is untouched', async () => {
    const dir = releaseCopy();
    const before = readFileSync(join(dir, 'campaigns.db'));
    const { code, out } = await run('--check', '--data', dir);
    expect(code).toBe(0);
    expect(out).toContain('Store schema  v3; opening the store with this code migrates it to v4');
    expect(out).toContain(`Statechart    this code's is version ${STATECHART_VERSION}`);
    expect(out).toMatch(/Campaigns {5}99\n {2}stored by statechart version 1 +99 {3}\(older\)/);
    expect(out).toContain('Current       0');
    expect(out).toContain('Would migrate 99');
    expect(out).toContain('Refused       0');
    expect(readFileSync(join(dir, 'campaigns.db')).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['campaigns.db']);

    const json = JSON.parse((await run('--check', '--data', dir, '--json')).out);
    expect(json).toMatchObject({ campaigns: 99, byVersion: { 1: 99 }, current: 0, wouldMigrate: 99, refused: 0, schema: { found: 3, latest: 4 } });
  });

  it.skipIf(SKIP_PG)('on the 0.1.0 rows in PostgreSQL (--store, --schema): the same counts', async () => {
    const schema = freshSchema('migrate');
    try {
      await loadRows(postgresStore({ connectionString: PG_URL, schema }), ROWS);
      const { code, out } = await run('--check', '--store', PG_URL, '--schema', schema, '--json');
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ location: expect.stringContaining(`(schema ${schema})`), campaigns: 99, byVersion: { 1: 99 }, wouldMigrate: 99, refused: 0 });
    } finally {
      await dropSchema(schema);
    }
  });

  it('lists the campaigns it would refuse, with why, and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-migrate-'));
    dirs.push(dir);
    const [newer, broken, ...rest] = ROWS;
    const withSnapshot = (row: (typeof ROWS)[number], snapshot: string) => ({ ...row, record: { ...row.record, snapshot } });
    await loadRows(sqliteStore({ path: join(dir, 'campaigns.db') }), [
      withSnapshot(newer!, JSON.stringify({ ...JSON.parse(newer!.record.snapshot), statechartVersion: STATECHART_VERSION + 1 })),
      withSnapshot(broken!, '{"status":"active","value":'),
      ...rest,
    ]);
    const { code, out } = await run('--check', '--data', dir);
    expect(code).toBe(1);
    expect(out).toContain("Store schema  v4, this code's");
    expect(out).toContain(`stored by statechart version ${STATECHART_VERSION + 1}`);
    expect(out).toMatch(/stored by statechart version unknown +1 {3}\(unreadable\)/);
    expect(out).toContain(`Would migrate ${ROWS.length - 2}`);
    expect(out).toContain('Refused       2');
    expect(out).toContain(`${newer!.record.id}: its snapshot was stored by statechart version ${STATECHART_VERSION + 1}, newer than this code's version ${STATECHART_VERSION}`);
    expect(out).toContain(`${broken!.record.id}: its stored snapshot is not valid JSON`);
  });

  it('counts what a missing migration would strand (a code one version ahead, without its step)', async () => {
    const source = async (): Promise<StoredCampaigns> => {
      const store = memoryStore();
      await loadRows(store, ROWS);
      await store.open();
      const all = await store.list({ limit: 1_000 });
      return { location: 'memory', schemaVersion: 1, latestSchemaVersion: 1, async *rows() { yield* all; }, close: async () => {} };
    };
    const check = await checkSnapshots(await source(), { version: STATECHART_VERSION + 1, migrations: snapshotMigrations });
    expect(check).toMatchObject({ campaigns: 99, wouldMigrate: 0, refused: 99, refusedBy: { 'no-migration': 99 } });
    expect(check.refusals[0]).toMatchObject({ problem: 'no-migration', storedVersion: 1, migration: `${STATECHART_VERSION}→${STATECHART_VERSION + 1}` });
  });

  it('writes nothing without --check, and says why (usage, exit 2); a store that is not there fails (exit 1)', async () => {
    const dir = releaseCopy();
    expect(await run('--data', dir)).toMatchObject({ code: 2, err: expect.stringContaining('migrate only checks (--check)') });
    expect(await run('--check', '--store', 'mysql://x')).toMatchObject({ code: 2, err: expect.stringContaining('--store must be a postgres:// URL') });
    expect(await run('--check', '--nope')).toMatchObject({ code: 2 });
    expect(await run('--check', '--store', PG_URL, '--schema', 'Bad-Name')).toMatchObject({ code: 2, err: expect.stringContaining('schema must be a lowercase SQL identifier') });
    expect(await run('--check', '--data', join(dir, 'nowhere'))).toMatchObject({ code: 1, err: expect.stringContaining('Cannot read the store') });
    const held = sqliteStore({ path: join(dir, 'campaigns.db') });
    await held.open();
    try {
      expect(await run('--check', '--data', dir)).toMatchObject({ code: 1, err: expect.stringContaining('Stop the service that holds it, or check a copy') });
    } finally {
      await held.close();
    }
    expect((await run('--help')).out).toContain('Usage: npm run migrate -- --check');
  });

  it('runs as `npm run migrate -- --check --data DIR`', async () => {
    const dir = releaseCopy();
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'migrate', '--', '--check', '--data', dir], { cwd: resolve(import.meta.dirname, '../..') });
    expect(stdout).toContain('Would migrate 99');
  }, 60_000);
});
