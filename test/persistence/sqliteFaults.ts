import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/persistence/sqlite/sqliteMigrations.js';

/** Marks a closed SQLite store with a schema one version newer than this library's latest. */
export function markSchemaNewer(file: string): void {
  const db = new Database(file);
  try {
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SQLITE_MIGRATIONS.at(-1)!.version + 1));
  } finally {
    db.close();
  }
}
