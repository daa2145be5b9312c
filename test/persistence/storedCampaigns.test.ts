/**
 * Reading a store as it lies (`StoredCampaigns`, what `migrate --check` reads), one suite for
 * every durable adapter: every campaign once, in id order; the schema version found, not
 * migrated; nothing written; a missing store is a typed error.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  postgresStore,
  readPostgresCampaigns,
  readSqliteCampaigns,
  sqliteStore,
  StoreLockedError,
  type StoredCampaigns,
  StoreUnavailableError,
} from '../../src/index.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG, sql } from '../support/postgres.js';
import { loadRows, releaseDatabase, releaseRows } from '../support/releaseFixtures.js';

const ROWS = releaseRows('0.1.0');
const expected = ROWS.map(({ record: { id, preset, status, snapshot } }) => ({ id, preset, status, snapshot })).sort((a, b) => (a.id < b.id ? -1 : 1));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

interface Harness {
  /** A store of this adapter holding the 0.1.0 rows, its reader, and the schema version as stored. */
  prepare(): Promise<{ read(pageSize?: number): Promise<StoredCampaigns>; setSchemaVersion(v: number): Promise<void>; schemaVersion(): Promise<number> }>;
  missing(): Promise<StoredCampaigns>;
}

const harnesses: [string, Harness, boolean][] = [
  [
    'SQLite',
    {
      async prepare() {
        const dir = mkdtempSync(join(tmpdir(), 'cl-read-'));
        cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
        const path = join(dir, 'campaigns.db');
        await loadRows(sqliteStore({ path }), ROWS);
        const Driver = (await import('better-sqlite3')).default;
        const meta = (write: (db: import('better-sqlite3').Database) => unknown) => {
          const db = new Driver(path);
          try {
            return write(db);
          } finally {
            db.close();
          }
        };
        return {
          read: () => readSqliteCampaigns({ path }),
          setSchemaVersion: async (v) => void meta((db) => db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(v))),
          schemaVersion: async () => Number(meta((db) => (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value)),
        };
      },
      missing: () => readSqliteCampaigns({ path: join(tmpdir(), 'cl-nowhere', 'campaigns.db') }),
    },
    false,
  ],
  [
    'PostgreSQL',
    {
      async prepare() {
        const schema = freshSchema('read');
        cleanups.push(async () => void (await dropSchema(schema)));
        await loadRows(postgresStore({ connectionString: PG_URL, schema }), ROWS);
        return {
          read: (pageSize?: number) => readPostgresCampaigns({ connectionString: PG_URL, schema, ...(pageSize ? { pageSize } : {}) }),
          setSchemaVersion: async (v) => void (await sql(`UPDATE "${schema}".meta SET value = $1 WHERE key = 'schema_version'`, [String(v)])),
          schemaVersion: async () => Number((await sql<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`))[0]!.value),
        };
      },
      missing: () => readPostgresCampaigns({ connectionString: PG_URL, schema: freshSchema('absent') }),
    },
    SKIP_PG,
  ],
];

async function all(source: StoredCampaigns) {
  const rows = [];
  try {
    for await (const row of source.rows()) rows.push(row);
  } finally {
    await source.close();
  }
  return rows;
}

describe.each(harnesses)('StoredCampaigns: %s', (_name, harness, skip) => {
  it.skipIf(skip)('reads every campaign once, in id order, with the schema version found, and migrates nothing', async () => {
    const stored = await harness.prepare();
    const first = await stored.read();
    const latest = first.latestSchemaVersion;
    await first.close();
    await stored.setSchemaVersion(latest - 1); // as a store written by an earlier release
    const source = await stored.read(7); // pages (PostgreSQL) smaller than the store
    expect(source.schemaVersion).toBe(latest - 1);
    expect(source.location).toBeTruthy();
    expect(await all(source)).toEqual(expected);
    expect(await stored.schemaVersion()).toBe(latest - 1);
  });

  it.skipIf(skip)('refuses a store that is not there with StoreUnavailableError', async () => {
    await expect(harness.missing()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('StoredCampaigns: SQLite file', () => {
  it('a release’s file is read as it lies: not a byte changed, no -wal or -shm left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-read-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'campaigns.db');
    copyFileSync(releaseDatabase('0.1.0'), path);
    const before = readFileSync(path);
    const source = await readSqliteCampaigns({ path });
    expect(source.schemaVersion).toBe(3);
    expect((await all(source)).length).toBe(ROWS.length);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['campaigns.db']);
  });

  it('a file a runtime holds is refused with StoreLockedError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-read-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const store = sqliteStore({ path: join(dir, 'campaigns.db') });
    await store.open();
    try {
      await expect(readSqliteCampaigns({ path: join(dir, 'campaigns.db') })).rejects.toBeInstanceOf(StoreLockedError);
    } finally {
      await store.close();
    }
  });
});
