import { z } from 'zod';

/** A query as `pg` takes it: named (a prepared statement per connection), with type parsers of the store's own. */
export interface PgQueryConfig {
  name: string;
  text: string;
  values: unknown[];
  types: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}

/** The subset of a `pg` Pool the store uses (bring your own pool, e.g. with TLS settings). */
export interface PgPoolLike {
  query(config: PgQueryConfig): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The subset of a `pg` client the store uses (migrations, LISTEN). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(error?: Error | boolean): void;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

/** Options of `postgresStore`; every one is checked when the store is made. */
export const PostgresStoreOptions = z
  .strictObject({
    /** `postgres://user:password@host:5432/database` (or `DATABASE_URL`-style). */
    connectionString: z.string().trim().min(1).max(4096).optional(),
    /** A `pg` Pool of your own (TLS, credentials from a vault…); the store does not end it. */
    pool: z.custom<PgPoolLike>((value) => typeof value === 'object' && value !== null && 'query' in value && 'connect' in value, 'pool must be a pg Pool').optional(),
    /** The schema the tables live in (created if missing; default `campaign_lifecycle`). */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'schema must be a lowercase SQL identifier (letters, digits, _)')
      .optional(),
    /** Connections of the pool the store makes (default 10). */
    maxConnections: z.number().int().min(2).max(200).optional(),
    /**
     * How long a runtime holds the due timers it claimed before another may fire them (default
     * 3 s): the bound on failover when a process dies mid-batch.
     */
    timerLeaseMs: z.number().int().min(100).max(600_000).optional(),
    /** The safety-net poll for commits of other runtimes when a notification is lost (default 1 s). */
    pollMs: z.number().int().min(50).max(60_000).optional(),
  })
  .refine((o) => (o.connectionString === undefined) !== (o.pool === undefined), 'give either connectionString or pool');
export type PostgresStoreOptions = z.input<typeof PostgresStoreOptions>;

/** A connection string with its password hidden (for logs and reports). */
export const redactedUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
