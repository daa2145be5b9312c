import { describe, expect, it } from 'vitest';
import {
  deserializeStoreError,
  serializeStoreError,
  StoreConflictError,
  StoreDriverMissingError,
  StoreError,
  StoreLockedError,
  StoreVersionError,
} from '../../src/persistence/index.js';

/** What a worker thread or another process does to an error: plain data, structured-cloned. */
const acrossTheWire = (error: unknown) => deserializeStoreError(structuredClone(serializeStoreError(error)));

describe('store errors as plain data', () => {
  it.each([
    new StoreError('[campaign-lifecycle] store is not open'),
    new StoreConflictError(3, 'campaign-7', 'campaign campaign-7 is not at version 2'),
    new StoreVersionError('/data/campaigns.db', 5, 4),
    new StoreLockedError('/data/campaigns.db'),
    new StoreDriverMissingError('sqliteStore', 'better-sqlite3'),
  ])('$name keeps its class, message and fields', (error) => {
    const rebuilt = acrossTheWire(error);
    expect(rebuilt).toBeInstanceOf(error.constructor);
    expect(rebuilt).toBeInstanceOf(StoreError);
    expect(rebuilt.name).toBe(error.name);
    expect(rebuilt.message).toBe(error.message);
    expect({ ...rebuilt }).toEqual({ ...error });
  });

  it('keeps the name, message and code of any other error', () => {
    const sqliteFull = Object.assign(new Error('database or disk is full'), { name: 'SqliteError', code: 'SQLITE_FULL' });
    const rebuilt = acrossTheWire(sqliteFull);
    expect(rebuilt).toMatchObject({ name: 'SqliteError', message: 'database or disk is full', code: 'SQLITE_FULL' });
    expect(acrossTheWire('a thrown string').message).toBe('a thrown string');
  });
});
