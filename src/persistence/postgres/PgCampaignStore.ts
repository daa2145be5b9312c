import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type DueCampaign,
  type ListQuery,
  parseCursor,
  type StatusCount,
  type StoreSignal,
  type TimerRecord,
  type TimerStats,
} from '../CampaignStore.js';
import { StoreWithConsumerTables } from '../ConsumerTables.js';
import { StoreError, StoreUnavailableError, StoreVersionError } from '../errors.js';
import { loadDriver } from '../loadDriver.js';
import {
  type CampaignRow,
  changeFromRow,
  type ChangeRow,
  dueCampaignsOf,
  dueTimersOf,
  recordFromRow,
  type StoredTimer,
  timerColumns,
  timersOf,
} from '../rows.js';
import { PgConsumerTables } from './PgConsumerTables.js';
import { POSTGRES_MIGRATIONS } from './postgresMigrations.js';
import type { PgClientLike, PgPoolLike, PostgresStoreOptions } from './PostgresOptions.js';
import { postgresError } from './postgresErrors.js';

type Options = Omit<PostgresStoreOptions, 'schema'> & { schema: string };

interface ListenerState {
  client: PgClientLike | null;
  poll: ReturnType<typeof setInterval> | null;
  retry: ReturnType<typeof setTimeout> | null;
}

/** bigint columns arrive as numbers (epoch ms and sequence numbers fit in 2^53). */
const TYPES = {
  getTypeParser: (oid: number, format?: string) => (oid === 20 ? (value: string) => Number(value) : (driverTypes?.getTypeParser(oid, format as 'text') ?? ((v: string) => v))),
};
let driverTypes: typeof pg.types | null = null;

/**
 * The PostgreSQL store: any number of runtimes (processes) share one database. Every commit is one
 * round trip to a server-side function that checks versions, writes the rows and takes the
 * feed's counter last (sequence numbers become visible in order); due timers are claimed with a
 * lease (`FOR UPDATE SKIP LOCKED`); commits are announced with NOTIFY, with a poll as safety net.
 */
export class PgCampaignStore extends StoreWithConsumerTables implements CampaignStore {
  readonly kind = 'postgres';
  readonly sharing = 'shared';
  readonly #options: Options;
  readonly #owner = randomUUID();
  readonly #channel: string;
  readonly #s: string;
  /** Consumers, parked changes and webhooks: tables beside the campaigns. */
  protected readonly tables: PgConsumerTables;
  #pool: PgPoolLike | null = null;
  #ownsPool = false;
  readonly #watchers = new Set<(signal: StoreSignal) => void>();
  #listener: ListenerState | null = null;
  readonly #statements = new Map<string, string>();
  #closed = false;

  constructor(options: Options) {
    super();
    this.#options = options;
    this.#s = `"${options.schema}"`;
    this.tables = new PgConsumerTables(this.#s, (text, values) => this.query(text, values), (fn) => this.transaction(fn));
    this.#channel = `${options.schema}_commits`;
  }

  private get location(): string {
    return `postgres schema ${this.#options.schema}`;
  }

  async open(): Promise<void> {
    if (this.#pool) return;
    this.#closed = false;
    const driver = await loadDriver<typeof pg>('postgresStore', 'pg');
    driverTypes = driver.types;
    let pool = this.#options.pool;
    if (!pool) {
      pool = new driver.Pool({ connectionString: this.#options.connectionString, max: this.#options.maxConnections ?? 10 }) as unknown as PgPoolLike;
      pool.on('error', () => {}); // an idle client lost (a database restart): the next query gets a fresh one
      this.#ownsPool = true;
    }
    try {
      await this.migrate(pool);
    } catch (error) {
      if (this.#ownsPool) await pool.end().catch(() => {});
      throw postgresError(error, this.location);
    }
    this.#pool = pool;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.stopListening();
    this.#watchers.clear();
    const pool = this.#pool;
    this.#pool = null;
    if (pool && this.#ownsPool) await pool.end();
  }

  /** Migrations run under an advisory lock: runtimes starting at once migrate once. */
  private async migrate(pool: PgPoolLike): Promise<void> {
    const client = await pool.connect();
    await this.onClient(client, async () => {
      await this.migrateOn(client);
    });
  }

  private async migrateOn(client: PgClientLike): Promise<void> {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`campaign-lifecycle:${this.#options.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.#s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
      const found = Number(((await client.query(`SELECT value FROM ${this.#s}.meta WHERE key = 'schema_version'`)).rows[0] as { value?: string } | undefined)?.value ?? 0);
      const latest = POSTGRES_MIGRATIONS.at(-1)!.version;
      if (found > latest) throw new StoreVersionError(this.location, found, latest);
      for (const migration of POSTGRES_MIGRATIONS) {
        if (migration.version <= found) continue;
        await client.query(migration.sql.replaceAll('{schema}', this.#s));
        await client.query(
          `INSERT INTO ${this.#s}.meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(migration.version)],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /**
   * Every statement runs as a named (server-side prepared) one: parsed and planned once per
   * connection, which doubles what a busy server answers (bench/pgDrivers.ts).
   */
  private async query<R>(text: string, values: unknown[] = []): Promise<R[]> {
    const pool = this.#pool;
    if (!pool) throw new StoreError(`[campaign-lifecycle] ${this.location} is not open`);
    let name = this.#statements.get(text);
    if (name === undefined) {
      name = `cl_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.#statements.set(text, name);
    }
    try {
      const result = await pool.query({ name, text, values, types: TYPES });
      return result.rows as R[];
    } catch (error) {
      throw postgresError(error, this.location);
    }
  }

  async commit(writes: readonly CampaignWrite[]): Promise<number[]> {
    const payload = writes.map((write) => {
      const [, nextDueAt] = timerColumns(write.timers);
      return {
        ...write,
        timers: write.timers.map((t): StoredTimer => ({ timer: t.timer, eventType: t.eventType, dueAt: t.dueAt })),
        nextDueAt,
      };
    });
    const [row] = await this.query<{ seqs: number[] }>(`SELECT ${this.#s}.commit_writes($1::jsonb, $2) AS seqs`, [JSON.stringify(payload), this.#channel]);
    return row!.seqs.map(Number);
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const [row] = await this.query<CampaignRow>(`SELECT * FROM ${this.#s}.campaigns WHERE id = $1`, [id]);
    return row ? recordFromRow(row) : null;
  }

  async list(query: ListQuery = {}): Promise<CampaignRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.status !== undefined) where.push(`status = ANY(${param([query.status].flat())})`);
    if (query.preset !== undefined) where.push(`preset = ${param(query.preset)}`);
    if (query.after !== undefined) {
      const { createdAt, id } = parseCursor(query.after);
      where.push(`(created_at, id) < (${param(createdAt)}, ${param(id)})`);
    }
    const sql = `SELECT * FROM ${this.#s}.campaigns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC${
      query.limit === undefined ? '' : ` LIMIT ${param(query.limit)}`
    }`;
    return (await this.query<CampaignRow>(sql, values)).map(recordFromRow);
  }

  async counts(query: { preset?: string } = {}): Promise<StatusCount[]> {
    const rows = await this.query<{ preset: string; status: string; n: number }>(
      `SELECT preset, status, n FROM ${this.#s}.status_counts WHERE n > 0${query.preset === undefined ? '' : ' AND preset = $1'}`,
      query.preset === undefined ? [] : [query.preset],
    );
    return rows.map((r) => ({ preset: r.preset, status: r.status, count: r.n }));
  }

  async history(campaignId: string, options: { after?: number; limit?: number } = {}): Promise<Change[]> {
    const rows = await this.query<ChangeRow>(
      `SELECT * FROM ${this.#s}.history WHERE campaign_id = $1 AND seq > $2 ORDER BY seq${options.limit === undefined ? '' : ' LIMIT $3'}`,
      [campaignId, options.after ?? 0, ...(options.limit === undefined ? [] : [options.limit])],
    );
    return rows.map(changeFromRow);
  }

  async changes(after: number, limit: number): Promise<Change[]> {
    return (await this.query<ChangeRow>(`SELECT * FROM ${this.#s}.history WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit])).map(changeFromRow);
  }

  async lastSeq(): Promise<number> {
    const [row] = await this.query<{ last_seq: number }>(`SELECT last_seq FROM ${this.#s}.feed`);
    return row?.last_seq ?? 0;
  }

  async idempotency(commandId: string): Promise<{ campaignId: string; result: string } | null> {
    const [row] = await this.query<{ campaign_id: string; result: string }>(`SELECT campaign_id, result FROM ${this.#s}.commands WHERE command_id = $1`, [commandId]);
    return row ? { campaignId: row.campaign_id, result: row.result } : null;
  }

  async dueTimers(until: number, limit: number, except: readonly string[] = []): Promise<TimerRecord[]> {
    return dueTimersOf(await this.claimDue(until, limit, except), until, limit);
  }

  async dueCampaigns(until: number, limit: number, except: readonly string[] = []): Promise<DueCampaign[]> {
    return dueCampaignsOf(await this.claimDue(until, limit, except), until);
  }

  /** Claims the campaigns with due timers for this instance (a lease), skipping those another holds; their rows in due order. */
  private async claimDue(until: number, limit: number, except: readonly string[]): Promise<(CampaignRow & { timers: StoredTimer[]; next_due_at: number })[]> {
    const leaseUntil = until + (this.#options.timerLeaseMs ?? 3_000);
    const rows = await this.query<CampaignRow & { timers: StoredTimer[]; next_due_at: number }>(
      `WITH due AS (
         SELECT id FROM ${this.#s}.campaigns
          WHERE next_due_at <= $1 AND NOT (id = ANY($3::text[]))
            AND (lease_until IS NULL OR lease_until <= $1 OR lease_owner = $4)
          ORDER BY next_due_at, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE ${this.#s}.campaigns AS c SET lease_owner = $4, lease_until = $5
         FROM due WHERE c.id = due.id
       RETURNING c.*`,
      [until, limit, except, this.#owner, leaseUntil],
    );
    return rows.sort((a, b) => a.next_due_at - b.next_due_at || (a.id < b.id ? -1 : 1));
  }

  async timers(campaignId: string): Promise<TimerRecord[]> {
    const [row] = await this.query<{ timers: StoredTimer[] }>(`SELECT timers FROM ${this.#s}.campaigns WHERE id = $1`, [campaignId]);
    return row ? timersOf(campaignId, row.timers).sort((a, b) => a.dueAt - b.dueAt || (a.eventType < b.eventType ? -1 : 1)) : [];
  }

  /** The earliest instant a timer may be fired here: its due instant, or when another instance's claim on it expires. */
  async nextDueAt(except: readonly string[] = []): Promise<number | null> {
    const [row] = await this.query<{ free: number | null; leased: number | null }>(
      `SELECT
         (SELECT next_due_at FROM ${this.#s}.campaigns
           WHERE next_due_at IS NOT NULL AND NOT (id = ANY($1::text[]))
             AND (lease_until IS NULL OR lease_until <= next_due_at OR lease_owner = $2)
           ORDER BY next_due_at LIMIT 1) AS free,
         (SELECT min(lease_until) FROM ${this.#s}.campaigns
           WHERE lease_until IS NOT NULL AND lease_owner <> $2 AND next_due_at IS NOT NULL
             AND lease_until > next_due_at AND NOT (id = ANY($1::text[]))) AS leased`,
      [except, this.#owner],
    );
    const candidates = [row?.free, row?.leased].filter((v): v is number => v !== null && v !== undefined);
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  async timerStats(now: number): Promise<TimerStats> {
    const [row] = await this.query<{ pending: number | null; overdue: number; oldest: number | null; next: number | null }>(
      `SELECT (SELECT sum(jsonb_array_length(timers)) FROM ${this.#s}.campaigns WHERE next_due_at IS NOT NULL)::bigint AS pending,
              (SELECT count(*) FROM ${this.#s}.campaigns c, jsonb_array_elements(c.timers) t
                WHERE c.next_due_at <= $1 AND (t->>'dueAt')::bigint <= $1) AS overdue,
              (SELECT min(next_due_at) FROM ${this.#s}.campaigns WHERE next_due_at <= $1) AS oldest,
              (SELECT min(next_due_at) FROM ${this.#s}.campaigns WHERE next_due_at IS NOT NULL) AS next`,
      [now],
    );
    return { pending: row?.pending ?? 0, overdue: Number(row?.overdue ?? 0), oldestOverdue: row?.oldest ?? null, nextDueAt: row?.next ?? null };
  }


  /** Runs `fn` in a transaction on a client of the pool. */
  private async transaction<T>(fn: (client: PgClientLike) => Promise<T>): Promise<T> {
    const pool = this.#pool;
    if (!pool) throw new StoreError(`[campaign-lifecycle] ${this.location} is not open`);
    let client: PgClientLike;
    try {
      client = await pool.connect();
    } catch (error) {
      throw postgresError(error, this.location);
    }
    return this.onClient(client, async () => {
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw postgresError(error, this.location);
      }
    });
  }

  /**
   * Runs `fn` on a client checked out of the pool. While checked out, a connection the server
   * ends (a restart) is an 'error' event on the client — with no listener, the process's end —
   * and the call in flight fails; the broken client is then destroyed, not handed back.
   */
  private async onClient<T>(client: PgClientLike, fn: () => Promise<T>): Promise<T> {
    let lost = false;
    const onError = () => (lost = true);
    client.on('error', onError);
    try {
      return await fn();
    } catch (error) {
      if (postgresError(error, this.location) instanceof StoreUnavailableError) lost = true;
      throw error;
    } finally {
      if (lost) {
        client.release(true); // destroyed; the listener stays for the events of its end
      } else {
        client.removeListener('error', onError);
        client.release();
      }
    }
  }

  /** Other runtimes' commits: LISTEN on a client of its own (reconnected if lost), and a poll as the safety net. */
  watch(listener: (signal: StoreSignal) => void): () => void {
    this.#watchers.add(listener);
    if (!this.#listener) this.startListening();
    return () => {
      this.#watchers.delete(listener);
      if (this.#watchers.size === 0) this.stopListening();
    };
  }

  private signal(signal: StoreSignal): void {
    for (const watcher of this.#watchers) watcher(signal);
  }

  private startListening(): void {
    const state: ListenerState = { client: null, poll: null, retry: null };
    this.#listener = state;
    const connect = async () => {
      if (this.#closed || this.#listener !== state || !this.#pool) return;
      try {
        const client = await this.#pool.connect();
        if (this.#listener !== state) {
          client.release();
          return;
        }
        client.on('notification', (message) => {
          if (message.channel !== this.#channel || !message.payload) return;
          const { lastSeq, nextDueAt } = JSON.parse(message.payload) as StoreSignal;
          this.signal({ lastSeq: lastSeq === null ? null : Number(lastSeq), nextDueAt: nextDueAt === null ? null : Number(nextDueAt) });
        });
        client.on('error', () => {
          state.client = null;
          client.release(true);
          state.retry = setTimeout(() => void connect(), this.#options.pollMs ?? 1_000);
        });
        await client.query(`LISTEN "${this.#channel}"`);
        state.client = client;
      } catch {
        state.retry = setTimeout(() => void connect(), this.#options.pollMs ?? 1_000);
      }
    };
    void connect();
    state.poll = setInterval(() => {
      void Promise.all([this.lastSeq(), this.nextDueAt()]).then(
        ([lastSeq, nextDueAt]) => this.signal({ lastSeq, nextDueAt }),
        () => {}, // the database is away: the next poll tries again
      );
    }, this.#options.pollMs ?? 1_000);
    state.poll.unref();
  }

  private stopListening(): void {
    const state = this.#listener;
    this.#listener = null;
    if (!state) return;
    if (state.poll) clearInterval(state.poll);
    if (state.retry) clearTimeout(state.retry);
    if (state.client) {
      state.client.removeAllListeners('notification');
      void state.client.query(`UNLISTEN "${this.#channel}"`).catch(() => {});
      state.client.release();
    }
  }
}
