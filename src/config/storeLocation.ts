import { join, resolve } from 'node:path';

/** A command line that cannot be run as given (the commands print it with their usage, exit 2). */
export class UsageError extends Error {}

/** Where a command finds the store: the SQLite file under a data directory, or a PostgreSQL database and schema. */
export type StoreLocation = { kind: 'sqlite'; dataDir: string; path: string } | { kind: 'postgres'; url: string; schema?: string };

/**
 * The store the commands (`serve`, `migrate`) use, from their flags, else the environment:
 * `--store` / `DATABASE_URL` (a postgres:// URL; `sqlite` or nothing keeps the embedded default),
 * `--schema` / `CAMPAIGNS_SCHEMA`, `--data` / `CAMPAIGNS_DATA` (default `./data`).
 */
export function storeLocation(flags: { data?: string | undefined; store?: string | undefined; schema?: string | undefined }, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const url = flags.store ?? env['DATABASE_URL'];
  const schema = flags.schema ?? env['CAMPAIGNS_SCHEMA'];
  if (url !== undefined && url !== '' && url !== 'sqlite') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--store must be a postgres:// URL (or sqlite), not "${url}"`);
    return { kind: 'postgres', url, ...(schema ? { schema } : {}) };
  }
  const dataDir = flags.data ?? env['CAMPAIGNS_DATA'] ?? './data';
  return { kind: 'sqlite', dataDir, path: join(resolve(dataDir), 'campaigns.db') };
}
