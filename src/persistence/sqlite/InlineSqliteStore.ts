import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type DueCampaign,
  type ListQuery,
  parseCursor,
  type StatusCount,
  type TimerRecord,
  type TimerStats,
} from '../CampaignStore.js';
import { StoreConflictError, StoreError, StoreVersionError } from '../errors.js';
import {
  byDue,
  type CampaignRow,
  changeFromRow,
  type ChangeRow,
  dueCampaignsOf,
  dueTimersOf,
  recordFromRow,
  timerColumns,
  timersOf,
} from '../rows.js';
import { loadDriver } from '../loadDriver.js';
import { storageError } from './sqliteErrors.js';
import { StoreWithConsumerTables } from '../ConsumerTables.js';
import { SqliteConsumerTables } from './SqliteConsumerTables.js';
import { SQLITE_MIGRATIONS } from './sqliteMigrations.js';
import type { SqliteStoreOptions } from './SqliteStoreOptions.js';

type Database = BetterSqlite3.Database;

type DueRow = CampaignRow & { timers: string; next_due_at: number };

/** The SQLite store on the calling thread; also what the worker of `ThreadedSqliteStore` runs. */
export class InlineSqliteStore extends StoreWithConsumerTables implements CampaignStore {
  readonly kind = 'sqlite';
  readonly #path: string;
  readonly #options: Required<Omit<SqliteStoreOptions, 'path' | 'maxSizeMiB'>> & Pick<SqliteStoreOptions, 'maxSizeMiB'>;
  #db: Database | null = null;
  #statements: ReturnType<InlineSqliteStore['prepare']> | null = null;
  #commitBatch: ((writes: readonly CampaignWrite[]) => number[]) | null = null;
  /** Consumers, parked changes and webhooks: tables beside the campaigns. */
  protected readonly tables = new SqliteConsumerTables(() => this.db, () => this.#path);

  constructor(options: SqliteStoreOptions) {
    super();
    this.#path = resolve(options.path ?? './data/campaigns.db');
    this.#options = {
      synchronous: options.synchronous ?? 'FULL',
      cacheMiB: options.cacheMiB ?? 32,
      checkpointPages: options.checkpointPages ?? 10_000,
      maxSizeMiB: options.maxSizeMiB,
      thread: false,
    };
  }

  async open(): Promise<void> {
    if (this.#db) return;
    const Driver = await loadDriver<typeof BetterSqlite3>('sqliteStore', 'better-sqlite3');
    let db: Database;
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      db = new Driver(this.#path, { timeout: 250 });
    } catch (error) {
      throw storageError(error, this.#path);
    }
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.#options.synchronous}`);
      db.pragma(`cache_size = ${-this.#options.cacheMiB * 1024}`);
      db.pragma(`wal_autocheckpoint = ${this.#options.checkpointPages}`);
      db.pragma('foreign_keys = OFF');
      if (this.#options.maxSizeMiB !== undefined) {
        const pageSize = db.pragma('page_size', { simple: true }) as number;
        db.pragma(`max_page_count = ${Math.floor((this.#options.maxSizeMiB * 1024 * 1024) / pageSize)}`);
      }
      this.migrate(db);
    } catch (error) {
      db.close();
      throw storageError(error, this.#path);
    }
    this.#db = db;
    this.#statements = this.prepare(db);
    this.#commitBatch = db.transaction((writes: readonly CampaignWrite[]) => {
      const counts = new Map<string, { preset: string; status: string; delta: number }>();
      const seqs = writes.map((w, i) => this.apply(w, i, counts));
      // status counts: one upsert per (preset, status) the batch moved, not two per write
      for (const { preset, status, delta } of counts.values()) if (delta !== 0) this.sql.count.run(preset, status, delta);
      return seqs;
    });
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = null;
    this.#statements = null;
    this.#commitBatch = null;
  }

  private migrate(db: Database): void {
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const found = row ? Number(row.value) : 0;
    const latest = SQLITE_MIGRATIONS.at(-1)!.version;
    if (found > latest) throw new StoreVersionError(this.#path, found, latest);
    db.transaction(() => {
      for (const migration of SQLITE_MIGRATIONS) {
        if (migration.version <= found) continue;
        db.exec(migration.sql);
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
          String(migration.version),
        );
      }
      // touch the file so the exclusive lock is taken now, not at the first command
      db.prepare("INSERT INTO meta (key, value) VALUES ('opened_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
        new Date().toISOString(),
      );
      // the file is this process's alone: a consumer lease found here was held by a process that ended
      db.prepare('UPDATE consumers SET owner = NULL, lease_until = NULL WHERE owner IS NOT NULL').run();
    })();
  }

  private prepare(db: Database) {
    return {
      get: db.prepare<[string], CampaignRow>('SELECT * FROM campaigns WHERE id = ?'),
      insert: db.prepare(
        'INSERT INTO campaigns (id, preset, status, name, version, snapshot, created_at, updated_at, timers, next_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE campaigns SET status = ?, name = ?, version = ?, snapshot = ?, updated_at = ?, timers = ?, next_due_at = ? WHERE id = ? AND version = ?',
      ),
      remove: db.prepare('DELETE FROM campaigns WHERE id = ? AND version = ?'),
      history: db.prepare(
        'INSERT INTO history (campaign_id, version, at, due_at, event, source, from_status, to_status, command_id, detail, preset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      idempotency: db.prepare('INSERT INTO commands (command_id, campaign_id, result) VALUES (?, ?, ?)'),
      everUsed: db.prepare<[string], { used: number }>('SELECT 1 AS used FROM history WHERE campaign_id = ? LIMIT 1'),
      count: db.prepare(
        'INSERT INTO status_counts (preset, status, n) VALUES (?, ?, ?) ON CONFLICT(preset, status) DO UPDATE SET n = n + excluded.n',
      ),
      changes: db.prepare<[number, number], ChangeRow>('SELECT * FROM history WHERE seq > ? ORDER BY seq LIMIT ?'),
      lastSeq: db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM history'),
      command: db.prepare<[string], { campaign_id: string; result: string }>(
        'SELECT campaign_id, result FROM commands WHERE command_id = ?',
      ),
      dueCampaigns: db.prepare<[number, number], DueRow>('SELECT * FROM campaigns WHERE next_due_at <= ? ORDER BY next_due_at, id LIMIT ?'),
      timers: db.prepare<[string], { timers: string }>('SELECT timers FROM campaigns WHERE id = ?'),
      nextDueAt: db.prepare<[], { next: number | null }>(
        'SELECT MIN(next_due_at) AS next FROM campaigns WHERE next_due_at IS NOT NULL',
      ),
      dueCampaignsExcept: db.prepare<[number, string, number], DueRow>(
        'SELECT * FROM campaigns WHERE next_due_at <= ? AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_due_at, id LIMIT ?',
      ),
      nextDueAtExcept: db.prepare<[string], { next: number | null }>(
        'SELECT next_due_at AS next FROM campaigns WHERE next_due_at IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_due_at LIMIT 1',
      ),
      timerStats: db.prepare<[{ now: number }], { pending: number | null; overdue: number; oldest: number | null; next: number | null }>(
        `SELECT (SELECT SUM(json_array_length(timers)) FROM campaigns WHERE next_due_at IS NOT NULL) AS pending,
                (SELECT COUNT(*) FROM campaigns, json_each(campaigns.timers)
                  WHERE next_due_at <= @now AND json_extract(json_each.value, '$.dueAt') <= @now) AS overdue,
                (SELECT MIN(next_due_at) FROM campaigns WHERE next_due_at <= @now) AS oldest,
                (SELECT MIN(next_due_at) FROM campaigns WHERE next_due_at IS NOT NULL) AS next`,
      ),
    };
  }

  private get db(): Database {
    if (!this.#db) throw new StoreError(`[campaign-lifecycle] sqlite store ${this.#path} is not open`);
    return this.#db;
  }

  private get sql() {
    if (!this.#statements) throw new StoreError(`[campaign-lifecycle] sqlite store ${this.#path} is not open`);
    return this.#statements;
  }

  private apply(write: CampaignWrite, index: number, counts: Map<string, { preset: string; status: string; delta: number }>): number {
    const sql = this.sql;
    const { campaignId: id, record, change } = write;
    const conflict = (message: string) => new StoreConflictError(index, id, message);
    const [timers, nextDueAt] = timerColumns(write.timers);
    if (write.fromVersion === 0) {
      if (!record) throw conflict(`campaign ${id} does not exist`);
      if (sql.everUsed.get(id)) throw conflict(`campaign id ${id} was used before: ids are never reused`);
      try {
        sql.insert.run(id, record.preset, record.status, record.name, record.version, record.snapshot, record.createdAt, record.updatedAt, timers, nextDueAt);
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw conflict(`campaign ${id} already exists`);
        throw error;
      }
    } else if (record) {
      const changed = sql.update.run(record.status, record.name, record.version, record.snapshot, record.updatedAt, timers, nextDueAt, id, write.fromVersion).changes;
      if (changed !== 1) throw conflict(`campaign ${id} is not at version ${write.fromVersion}`);
    } else if (sql.remove.run(id, write.fromVersion).changes !== 1) {
      throw conflict(`campaign ${id} is not at version ${write.fromVersion}`);
    }
    if (write.idempotency) {
      try {
        sql.idempotency.run(write.idempotency.commandId, id, write.idempotency.result);
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
          throw conflict(`commandId ${write.idempotency.commandId} is already recorded`);
        }
        throw error;
      }
    }
    if (!change) return 0;
    if (change.from !== change.to) {
      const count = (status: string, delta: number) => {
        const key = `${write.preset}\u0000${status}`;
        const entry = counts.get(key) ?? counts.set(key, { preset: write.preset, status, delta: 0 }).get(key)!;
        entry.delta += delta;
      };
      if (change.from !== null) count(change.from, -1);
      if (change.to !== null) count(change.to, 1);
    }
    const { lastInsertRowid } = sql.history.run(
      id,
      change.version,
      change.at,
      change.dueAt,
      change.event,
      change.source,
      change.from,
      change.to,
      change.commandId,
      change.detail,
      write.preset,
    );
    return Number(lastInsertRowid);
  }

  async commit(writes: readonly CampaignWrite[]): Promise<number[]> {
    if (!this.#commitBatch) throw new StoreError(`[campaign-lifecycle] sqlite store ${this.#path} is not open`);
    try {
      return this.#commitBatch(writes);
    } catch (error) {
      throw storageError(error, this.#path);
    }
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const row = this.sql.get.get(id);
    return row ? recordFromRow(row) : null;
  }

  async list(query: ListQuery = {}): Promise<CampaignRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.status !== undefined) {
      const statuses = [query.status].flat();
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (query.preset !== undefined) {
      where.push('preset = ?');
      params.push(query.preset);
    }
    if (query.after !== undefined) {
      const { createdAt, id } = parseCursor(query.after);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(createdAt, createdAt, id);
    }
    const sql = `SELECT * FROM campaigns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC${
      query.limit === undefined ? '' : ' LIMIT ?'
    }`;
    if (query.limit !== undefined) params.push(query.limit);
    return (this.db.prepare(sql).all(...params) as CampaignRow[]).map(recordFromRow);
  }

  async counts(query: { preset?: string } = {}): Promise<StatusCount[]> {
    const rows = (
      query.preset === undefined
        ? this.db.prepare('SELECT preset, status, n FROM status_counts WHERE n > 0').all()
        : this.db.prepare('SELECT preset, status, n FROM status_counts WHERE n > 0 AND preset = ?').all(query.preset)
    ) as { preset: string; status: string; n: number }[];
    return rows.map((r) => ({ preset: r.preset, status: r.status, count: r.n }));
  }

  async history(campaignId: string, options: { after?: number; limit?: number } = {}): Promise<Change[]> {
    const rows = this.db
      .prepare(`SELECT * FROM history WHERE campaign_id = ? AND seq > ? ORDER BY seq${options.limit === undefined ? '' : ' LIMIT ?'}`)
      .all(...[campaignId, options.after ?? 0, ...(options.limit === undefined ? [] : [options.limit])]) as ChangeRow[];
    return rows.map(changeFromRow);
  }

  async changes(after: number, limit: number): Promise<Change[]> {
    return this.sql.changes.all(after, limit).map(changeFromRow);
  }

  async lastSeq(): Promise<number> {
    return this.sql.lastSeq.get()?.seq ?? 0;
  }

  async idempotency(commandId: string): Promise<{ campaignId: string; result: string } | null> {
    const row = this.sql.command.get(commandId);
    return row ? { campaignId: row.campaign_id, result: row.result } : null;
  }

  async dueTimers(until: number, limit: number, except: readonly string[] = []): Promise<TimerRecord[]> {
    return dueTimersOf(this.dueRows(until, limit, except), until, limit);
  }

  async dueCampaigns(until: number, limit: number, except: readonly string[] = []): Promise<DueCampaign[]> {
    return dueCampaignsOf(this.dueRows(until, limit, except), until);
  }

  private dueRows(until: number, limit: number, except: readonly string[]): DueRow[] {
    return except.length === 0 ? this.sql.dueCampaigns.all(until, limit) : this.sql.dueCampaignsExcept.all(until, JSON.stringify(except), limit);
  }

  async timers(campaignId: string): Promise<TimerRecord[]> {
    const row = this.sql.timers.get(campaignId);
    return row ? timersOf(campaignId, row.timers).sort(byDue) : [];
  }

  async nextDueAt(except: readonly string[] = []): Promise<number | null> {
    return (except.length === 0 ? this.sql.nextDueAt.get() : this.sql.nextDueAtExcept.get(JSON.stringify(except)))?.next ?? null;
  }

  async timerStats(now: number): Promise<TimerStats> {
    const row = this.sql.timerStats.get({ now })!;
    return { pending: row.pending ?? 0, overdue: row.overdue, oldestOverdue: row.oldest, nextDueAt: row.next };
  }

}
