import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CampaignStore,
  type CampaignWrite,
  sqliteStore,
  StoreLockedError,
  StoreVersionError,
} from '../../src/persistence/index.js';
import { SQLITE_MIGRATIONS } from '../../src/persistence/sqlite/sqliteMigrations.js';
import { markSchemaNewer } from './sqliteFaults.js';
import { runStoreContract } from './storeContract.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cl-store-'));

runStoreContract('sqliteStore', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'campaigns.db');
  let current = sqliteStore({ path: file });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = sqliteStore({ path: file });
      await current.open();
      return current;
    },
    cleanup: async () => {
      await current.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    faults: {
      newerSchema: async () => {
        await current.close();
        markSchemaNewer(file);
      },
      second: () => sqliteStore({ path: file }),
    },
  };
});

const LATEST = SQLITE_MIGRATIONS.at(-1)!.version;

const create = (id: string): CampaignWrite => ({
  campaignId: id,
  preset: 'email',
  fromVersion: 0,
  record: { id, preset: 'email', status: 'draft', name: id, version: 1, snapshot: '{}', createdAt: 1, updatedAt: 1 },
  timers: [{ campaignId: id, timer: 'start', eventType: 'START', dueAt: 10 }],
  change: {
    campaignId: id,
    version: 1,
    at: 1,
    dueAt: null,
    event: 'CREATE',
    source: 'user',
    from: null,
    to: 'draft',
    commandId: null,
    detail: null,
  },
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('sqliteStore (adapter)', () => {
  let dir: string;
  let file: string;
  const stores: CampaignStore[] = [];

  const open = async (): Promise<CampaignStore> => {
    const store = sqliteStore({ path: file });
    stores.push(store);
    await store.open();
    return store;
  };

  const readMeta = (key: string): string | undefined => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'nested', 'campaigns.db');
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const store of stores.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file with its directory and migrates it to the latest schema', async () => {
    const store = await open();
    await store.close();
    expect(fs.existsSync(file)).toBe(true);
    expect(readMeta('schema_version')).toBe(String(LATEST));
  });

  it('migrates a version-1 file (timers in their own table) to the latest schema, keeping every timer', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.exec(SQLITE_MIGRATIONS.find((m) => m.version === 1)!.sql);
    db.prepare("INSERT INTO meta VALUES ('schema_version', '1')").run();
    const insert = db.prepare('INSERT INTO campaigns VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('a', 'discount', 'Scheduled', 'A', 2, '{}', 1, 2);
    insert.run('b', 'gifting', 'Draft', 'B', 1, '{}', 3, 3);
    const timer = db.prepare('INSERT INTO timers VALUES (?, ?, ?, ?)');
    timer.run('a', 'xstate.after.endAt.x', 'endAt', 5_000);
    timer.run('a', 'xstate.after.startAt.x', 'startAt', 1_000);
    db.prepare("INSERT INTO history (campaign_id, version, at, event, source, to_status) VALUES ('a', 1, 1, 'CREATE', 'user', 'Draft')").run();
    db.close();

    const store = await open();
    expect(await store.get('a')).toMatchObject({ status: 'Scheduled', version: 2 });
    expect(await store.timers('a')).toEqual([
      { campaignId: 'a', timer: 'startAt', eventType: 'xstate.after.startAt.x', dueAt: 1_000 },
      { campaignId: 'a', timer: 'endAt', eventType: 'xstate.after.endAt.x', dueAt: 5_000 },
    ]);
    expect(await store.timers('b')).toEqual([]);
    expect(await store.dueTimers(2_000, 10)).toEqual([{ campaignId: 'a', timer: 'startAt', eventType: 'xstate.after.startAt.x', dueAt: 1_000 }]);
    expect((await store.timerStats(10_000)).pending).toBe(2);
    expect(await store.lastSeq()).toBe(1);
    await store.close();
    expect(readMeta('schema_version')).toBe(String(LATEST));
  });

  it('refuses a store whose schema is newer than the latest migration', async () => {
    const store = await open();
    await store.commit([create('a')]);
    await store.close();
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(LATEST + 1));
    db.close();

    const error = await failure(sqliteStore({ path: file }).open());
    expect(error).toBeInstanceOf(StoreVersionError);
    expect(error).toMatchObject({ found: LATEST + 1, supported: LATEST });
    expect(readMeta('schema_version')).toBe(String(LATEST + 1));

    const check = new Database(file);
    check.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(LATEST));
    check.close();
    const reopened = await open();
    expect(await reopened.get('a')).toMatchObject({ id: 'a', version: 1 });
  });

  it('refuses a second store on the same file while the first is open', async () => {
    const first = await open();
    await first.commit([create('a')]);
    const second = sqliteStore({ path: file });
    stores.push(second);
    const error = await failure(second.open());
    expect(error).toBeInstanceOf(StoreLockedError);
    expect(await first.get('a')).toMatchObject({ version: 1 });
    await first.commit([create('b')]);

    await first.close();
    await second.open();
    expect((await second.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await second.lastSeq()).toBe(2);
  });

  it('reopens an existing file without running a migration again and keeps its data', async () => {
    const first = await open();
    await first.commit([create('a')]);
    await first.close();

    const exec = vi.spyOn(Database.prototype, 'exec');
    const second = await open();
    const executed = exec.mock.calls.map(([sql]) => sql);
    expect(executed.length).toBeGreaterThan(0);
    for (const migration of SQLITE_MIGRATIONS) expect(executed).not.toContain(migration.sql);
    expect(await second.get('a')).toMatchObject({ id: 'a', version: 1 });
    expect(await second.timers('a')).toHaveLength(1);
    await second.close();
    expect(readMeta('schema_version')).toBe(String(LATEST));
  });

  it('frees the consumer leases of the process that held the file before (no other process can hold one), keeping their cursors', async () => {
    const T0 = Date.parse('2026-01-01T00:00:00Z');
    const first = await open();
    await first.leaseConsumer('sync', 'dead', T0, T0 + 60_000, 0);
    await first.saveConsumer('sync', 'dead', { cursor: 4 });
    await first.close(); // as a killed process leaves it: the lease is not given up
    const second = await open();
    expect(await second.leaseConsumer('sync', 'next', T0 + 1, T0 + 60_000, 0)).toMatchObject({ owner: 'next', cursor: 4 });
  });

  it('runs in WAL mode with synchronous=FULL', async () => {
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    const store = await open();
    const connection = pragma.mock.contexts[0];
    expect(connection).toBeInstanceOf(Database);
    pragma.mockRestore();
    const db = connection as Database.Database;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('locking_mode', { simple: true })).toBe('exclusive');

    await store.commit([create('a')]);
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
    await store.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });
});
