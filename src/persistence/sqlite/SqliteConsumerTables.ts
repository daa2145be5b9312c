import type BetterSqlite3 from 'better-sqlite3';
import type { ConsumerProgress, ConsumerRecord, ParkedChange, WebhookDelivery, WebhookEndpoint } from '../CampaignStore.js';
import { StoreConflictError } from '../errors.js';
import {
  consumerFromRow,
  type ConsumerRow,
  deliveryFromRow,
  type DeliveryRow,
  endpointFromRow,
  type EndpointRow,
  parkedFromRow,
  type ParkedRow,
} from '../rows.js';
import { storageError } from './sqliteErrors.js';

type Database = BetterSqlite3.Database;

/** The SQLite store's consumer and webhook tables (`consumers`, `parked`, `webhook_endpoints`, `webhook_deliveries`). */
export class SqliteConsumerTables {
  readonly #db: () => Database;
  readonly #path: () => string;

  constructor(db: () => Database, path: () => string) {
    this.#db = db;
    this.#path = path;
  }

  async leaseConsumer(name: string, owner: string, now: number, leaseUntil: number, startAfter: number): Promise<ConsumerRecord | null> {
    return this.#db().transaction(() => {
      const current = this.#db().prepare<[string], ConsumerRow>('SELECT * FROM consumers WHERE name = ?').get(name);
      if (current && current.owner !== null && current.owner !== owner && current.lease_until !== null && current.lease_until > now) return null;
      const cursor = current?.cursor ?? startAfter;
      this.#db()
        .prepare(
          'INSERT INTO consumers (name, cursor, owner, lease_until, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at',
        )
        .run(name, cursor, owner, leaseUntil, now);
      return { name, cursor, owner, leaseUntil, updatedAt: now };
    })();
  }

  async saveConsumer(name: string, owner: string, progress: ConsumerProgress): Promise<boolean> {
    try {
      return this.#db().transaction(() => {
        const current = this.#db().prepare<[string], ConsumerRow>('SELECT * FROM consumers WHERE name = ?').get(name);
        if (!current || current.owner !== owner) return false;
        const unpark = this.#db().prepare('DELETE FROM parked WHERE consumer = ? AND seq = ?');
        for (const seq of progress.unpark ?? []) unpark.run(name, seq);
        const park = this.#db().prepare(
          'INSERT INTO parked (consumer, seq, campaign_id, attempts, error, parked_at, retry) VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT(consumer, seq) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, parked_at = excluded.parked_at, retry = 0',
        );
        for (const p of progress.park ?? []) park.run(name, p.seq, p.campaignId, p.attempts, p.error, p.parkedAt);
        this.#db()
          .prepare(`UPDATE consumers SET cursor = MAX(cursor, ?)${progress.release ? ', owner = NULL, lease_until = NULL' : ''} WHERE name = ?`)
          .run(progress.cursor, name);
        return true;
      })();
    } catch (error) {
      throw storageError(error, this.#path());
    }
  }

  async consumers(): Promise<(ConsumerRecord & { parked: number })[]> {
    const rows = this.#db()
      .prepare<[], ConsumerRow & { parked: number }>('SELECT c.*, (SELECT COUNT(*) FROM parked p WHERE p.consumer = c.name) AS parked FROM consumers c ORDER BY c.name')
      .all();
    return rows.map((r) => ({ ...consumerFromRow(r), parked: r.parked }));
  }

  async parkedChanges(name: string, options: { retry?: boolean; limit?: number } = {}): Promise<ParkedChange[]> {
    const rows = this.#db()
      .prepare<[string, number], ParkedRow>(`SELECT * FROM parked WHERE consumer = ?${options.retry ? ' AND retry = 1' : ''} ORDER BY seq LIMIT ?`)
      .all(name, options.limit ?? -1);
    return rows.map(parkedFromRow);
  }

  async retryParked(name: string, seq: number): Promise<boolean> {
    return this.#db().prepare('UPDATE parked SET retry = 1 WHERE consumer = ? AND seq = ?').run(name, seq).changes === 1;
  }

  async removeConsumer(name: string): Promise<boolean> {
    return this.#db().transaction(() => {
      this.#db().prepare('DELETE FROM parked WHERE consumer = ?').run(name);
      return this.#db().prepare('DELETE FROM consumers WHERE name = ?').run(name).changes === 1;
    })();
  }

  async webhookEndpoints(): Promise<WebhookEndpoint[]> {
    return this.#db().prepare<[], EndpointRow>('SELECT * FROM webhook_endpoints ORDER BY created_at, id').all().map(endpointFromRow);
  }

  async addWebhookEndpoint(e: WebhookEndpoint): Promise<void> {
    try {
      this.#db()
        .prepare('INSERT INTO webhook_endpoints (id, url, events, presets, secret, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(e.id, e.url, JSON.stringify(e.events), JSON.stringify(e.presets), e.secret, e.description, e.createdAt);
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new StoreConflictError(0, e.id, `webhook endpoint ${e.id} already exists`);
      throw storageError(error, this.#path());
    }
  }

  async removeWebhookEndpoint(id: string): Promise<boolean> {
    return this.#db().transaction(() => {
      this.#db().prepare('DELETE FROM webhook_deliveries WHERE endpoint_id = ?').run(id);
      return this.#db().prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id).changes === 1;
    })();
  }

  async recordDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    this.#db().transaction(() => {
      const insert = this.#db().prepare(
        'INSERT INTO webhook_deliveries (endpoint_id, seq, attempt, at, status, ok, error, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const d of deliveries) insert.run(d.endpointId, d.seq, d.attempt, d.at, d.status, d.ok ? 1 : 0, d.error, d.nextAttemptAt);
      const prune = this.#db().prepare(
        'DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND id <= (SELECT id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1 OFFSET 1000)',
      );
      for (const endpoint of new Set(deliveries.map((d) => d.endpointId))) prune.run(endpoint, endpoint);
    })();
  }

  async deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    return this.#db()
      .prepare<[string, number], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?')
      .all(endpointId, limit)
      .map(deliveryFromRow);
  }
}
