import { existsSync, rmSync, statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoredCampaignRow, StoredCampaigns } from '../CampaignStore.js';
import { StoreUnavailableError } from '../errors.js';
import { loadDriver } from '../loadDriver.js';
import { storageError } from './sqliteErrors.js';
import { SQLITE_MIGRATIONS } from './sqliteMigrations.js';

/**
 * The campaigns of a SQLite store file, read-only: the file is opened read-only, nothing is
 * migrated or written, and the `-wal` / `-shm` files SQLite needs to read a WAL database are
 * removed afterwards when this read made them (and the WAL is empty). A store that a running
 * service holds is refused with `StoreLockedError`: stop it, or read a copy.
 */
export async function readSqliteCampaigns(input: { path: string }): Promise<StoredCampaigns> {
  const path = input.path;
  if (!existsSync(path)) throw new StoreUnavailableError(path, 'no store file here');
  const Driver = await loadDriver<typeof BetterSqlite3>('readSqliteCampaigns', 'better-sqlite3');
  const sideFiles = [`${path}-wal`, `${path}-shm`].filter((file) => !existsSync(file));
  let db: BetterSqlite3.Database;
  let schemaVersion: number;
  try {
    db = new Driver(path, { readonly: true, fileMustExist: true, timeout: 250 });
  } catch (error) {
    throw storageError(error, path);
  }
  const close = async () => {
    if (!db.open) return;
    db.close();
    // a read-only connection cannot remove what it made: leave the directory as it was found
    if (sideFiles.length > 0 && (!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0)) for (const file of sideFiles) rmSync(file, { force: true });
  };
  try {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'campaigns')").get() as { n: number };
    if (tables.n < 2) throw new StoreUnavailableError(path, 'not a campaign store (no meta or campaigns table)');
    schemaVersion = Number((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0);
  } catch (error) {
    await close();
    throw storageError(error, path);
  }
  return {
    location: path,
    schemaVersion,
    latestSchemaVersion: SQLITE_MIGRATIONS.at(-1)!.version,
    async *rows() {
      try {
        yield* db.prepare<[], StoredCampaignRow>('SELECT id, preset, status, snapshot FROM campaigns ORDER BY id').iterate();
      } catch (error) {
        throw storageError(error, path);
      }
    },
    close,
  };
}
