/**
 * Storage faults of the SQLite adapter become typed store errors with the path (issue 9): a full
 * database is StoreFullError (SQLite's own SQLITE_FULL, via the `maxSizeMiB` limit), a read-only
 * location StoreReadOnlyError; nothing is half-written and the store works again once the storage does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CampaignStore,
  type CampaignWrite,
  sqliteStore,
  StoreFullError,
  StoreReadOnlyError,
  StoreUnavailableError,
  ValidationError,
} from '../../src/index.js';
import { storageError } from '../../src/persistence/sqlite/sqliteErrors.js';

const big = 'x'.repeat(16 * 1024);
const create = (id: string): CampaignWrite => ({
  campaignId: id,
  preset: 'discount',
  fromVersion: 0,
  record: { id, preset: 'discount', status: 'Draft', name: id, version: 1, snapshot: JSON.stringify({ big }), createdAt: 1, updatedAt: 1 },
  timers: [],
  change: { campaignId: id, version: 1, at: 1, dueAt: null, event: 'CREATE', source: 'user', from: null, to: 'Draft', commandId: null, detail: null },
});

describe('sqliteStore storage faults', () => {
  const stores: CampaignStore[] = [];
  const dirs: string[] = [];
  const dir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-storage-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it.each([false, true])('a full database is StoreFullError with the path, the batch is not half-written, and a larger limit works again (thread: %s)', async (thread) => {
    const file = path.join(dir(), 'c.db');
    const small = sqliteStore({ path: file, maxSizeMiB: 1, thread });
    stores.push(small);
    await small.open();
    let written = 0;
    let error: unknown = null;
    for (let i = 0; i < 200 && !error; i++) {
      error = await small.commit([create(`a${i}`), create(`b${i}`)]).then(
        () => {
          written += 2;
          return null;
        },
        (e: unknown) => e,
      );
    }
    expect(error).toBeInstanceOf(StoreFullError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ reason: 'storage full', location: file });
    expect((await small.list()).length).toBe(written);
    await small.close();
    const larger = sqliteStore({ path: file, maxSizeMiB: 64, thread });
    stores.push(larger);
    await larger.open();
    await larger.commit([create('after')]);
    expect((await larger.list()).length).toBe(written + 1);
    expect(await larger.lastSeq()).toBe(written + 1);
  });

  it('classifies read-only and failing storage, and passes other errors on', () => {
    const sqlite = (code: string) => Object.assign(new Error(code), { code });
    expect(storageError(sqlite('SQLITE_READONLY'), '/data/c.db')).toMatchObject({ name: 'StoreReadOnlyError', reason: 'read-only: /data/c.db' });
    expect(storageError(sqlite('EROFS'), '/data/c.db')).toBeInstanceOf(StoreReadOnlyError);
    expect(storageError(sqlite('SQLITE_FULL'), '/data/c.db')).toBeInstanceOf(StoreFullError);
    const other = sqlite('SQLITE_CONSTRAINT');
    expect(storageError(other, '/data/c.db')).toBe(other);
  });

  it('refuses options out of bounds with a ValidationError, before touching any file', () => {
    for (const options of [{ cacheMiB: 0 }, { checkpointPages: -1 }, { maxSizeMiB: 0.5 }, { synchronous: 'OFF' }, { path: '' }, { colour: 'red' }]) {
      expect(() => sqliteStore(options as never), JSON.stringify(options)).toThrow(ValidationError);
    }
  });
});
