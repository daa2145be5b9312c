import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteStore, StoreConflictError, StoreLockedError } from '../../src/index.js';
import { markSchemaNewer } from './sqliteFaults.js';
import { runStoreContract } from './storeContract.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cl-store-thread-'));

runStoreContract('sqliteStore({ thread: true })', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'campaigns.db');
  let current = sqliteStore({ path: file, thread: true });
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = sqliteStore({ path: file, thread: true });
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
      second: () => sqliteStore({ path: file, thread: true }),
    },
  };
});

describe('sqliteStore({ thread: true }) across the thread boundary', () => {
  it('rebuilds the store errors (lock, conflict) on the calling thread', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'campaigns.db');
    const first = sqliteStore({ path: file, thread: true });
    await first.open();
    try {
      const second = sqliteStore({ path: file, thread: true });
      await expect(second.open()).rejects.toBeInstanceOf(StoreLockedError);
      const error = await first
        .commit([
          {
            campaignId: 'x',
            preset: 'discount',
            fromVersion: 3,
            record: null,
            timers: [],
            change: null,
          },
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreConflictError);
      expect(error).toMatchObject({ index: 0, campaignId: 'x' });
    } finally {
      await first.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
