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
import type { PgClientLike } from './PostgresOptions.js';

type Query = <R>(text: string, values?: unknown[]) => Promise<R[]>;
type Transaction = <T>(fn: (client: PgClientLike) => Promise<T>) => Promise<T>;

/** The PostgreSQL store's consumer and webhook tables (`consumers`, `parked`, `webhook_endpoints`, `webhook_deliveries`). */
export class PgConsumerTables {
  readonly #s: string;
  readonly #query: Query;
  readonly #transaction: Transaction;

  /** `schema` is the quoted schema name; `query` and `transaction` are the store's. */
  constructor(schema: string, query: Query, transaction: Transaction) {
    this.#s = schema;
    this.#query = query;
    this.#transaction = transaction;
  }

  async leaseConsumer(name: string, owner: string, now: number, leaseUntil: number, startAfter: number): Promise<ConsumerRecord | null> {
    const [row] = await this.#query<ConsumerRow>(
      `INSERT INTO ${this.#s}.consumers AS c (name, cursor, owner, lease_until, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at
         WHERE c.owner IS NULL OR c.owner = excluded.owner OR c.lease_until IS NULL OR c.lease_until <= $5
       RETURNING *`,
      [name, startAfter, owner, leaseUntil, now],
    );
    return row ? consumerFromRow(row) : null;
  }

  async saveConsumer(name: string, owner: string, progress: ConsumerProgress): Promise<boolean> {
    const release = progress.release ? ', owner = NULL, lease_until = NULL' : '';
    if (!progress.park?.length && !progress.unpark?.length) {
      // only the cursor moves (the usual turn): one statement, the owner checked by its WHERE
      const rows = await this.#query(`UPDATE ${this.#s}.consumers SET cursor = GREATEST(cursor, $2)${release} WHERE name = $1 AND owner = $3 RETURNING name`, [
        name,
        progress.cursor,
        owner,
      ]);
      return rows.length === 1;
    }
    return this.#transaction(async (client) => {
      const { rows } = await client.query(`SELECT owner FROM ${this.#s}.consumers WHERE name = $1 FOR UPDATE`, [name]);
      if ((rows[0] as { owner?: string | null } | undefined)?.owner !== owner) return false;
      if (progress.unpark?.length) {
        await client.query(`DELETE FROM ${this.#s}.parked WHERE consumer = $1 AND seq = ANY($2::bigint[])`, [name, progress.unpark]);
      }
      for (const p of progress.park ?? []) {
        await client.query(
          `INSERT INTO ${this.#s}.parked (consumer, seq, campaign_id, attempts, error, parked_at, retry) VALUES ($1, $2, $3, $4, $5, $6, false)
           ON CONFLICT (consumer, seq) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, parked_at = excluded.parked_at, retry = false`,
          [name, p.seq, p.campaignId, p.attempts, p.error, p.parkedAt],
        );
      }
      await client.query(`UPDATE ${this.#s}.consumers SET cursor = GREATEST(cursor, $2)${release} WHERE name = $1`, [name, progress.cursor]);
      return true;
    });
  }

  async consumers(): Promise<(ConsumerRecord & { parked: number })[]> {
    const rows = await this.#query<ConsumerRow & { parked: number }>(
      `SELECT c.*, (SELECT count(*) FROM ${this.#s}.parked p WHERE p.consumer = c.name)::bigint AS parked FROM ${this.#s}.consumers c ORDER BY c.name`,
    );
    return rows.map((r) => ({ ...consumerFromRow(r), parked: Number(r.parked) }));
  }

  async parkedChanges(name: string, options: { retry?: boolean; limit?: number } = {}): Promise<ParkedChange[]> {
    const rows = await this.#query<ParkedRow>(
      `SELECT * FROM ${this.#s}.parked WHERE consumer = $1${options.retry ? ' AND retry' : ''} ORDER BY seq LIMIT $2`,
      [name, options.limit ?? null],
    );
    return rows.map(parkedFromRow);
  }

  async retryParked(name: string, seq: number): Promise<boolean> {
    const rows = await this.#query(`UPDATE ${this.#s}.parked SET retry = true WHERE consumer = $1 AND seq = $2 RETURNING seq`, [name, seq]);
    return rows.length === 1;
  }

  async removeConsumer(name: string): Promise<boolean> {
    return this.#transaction(async (client) => {
      await client.query(`DELETE FROM ${this.#s}.parked WHERE consumer = $1`, [name]);
      const { rows } = await client.query(`DELETE FROM ${this.#s}.consumers WHERE name = $1 RETURNING name`, [name]);
      return rows.length === 1;
    });
  }

  async webhookEndpoints(): Promise<WebhookEndpoint[]> {
    return (await this.#query<EndpointRow>(`SELECT * FROM ${this.#s}.webhook_endpoints ORDER BY created_at, id`)).map(endpointFromRow);
  }

  async addWebhookEndpoint(e: WebhookEndpoint): Promise<void> {
    const rows = await this.#query(
      `INSERT INTO ${this.#s}.webhook_endpoints (id, url, events, presets, secret, description, created_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [e.id, e.url, JSON.stringify(e.events), JSON.stringify(e.presets), e.secret, e.description, e.createdAt],
    );
    if (rows.length === 0) throw new StoreConflictError(0, e.id, `webhook endpoint ${e.id} already exists`);
  }

  async removeWebhookEndpoint(id: string): Promise<boolean> {
    return this.#transaction(async (client) => {
      await client.query(`DELETE FROM ${this.#s}.webhook_deliveries WHERE endpoint_id = $1`, [id]);
      return ((await client.query(`DELETE FROM ${this.#s}.webhook_endpoints WHERE id = $1`, [id])).rowCount ?? 0) === 1;
    });
  }

  async recordDeliveries(deliveries: readonly WebhookDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.#transaction(async (client) => {
      for (const d of deliveries) {
        await client.query(
          `INSERT INTO ${this.#s}.webhook_deliveries (endpoint_id, seq, attempt, at, status, ok, error, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [d.endpointId, d.seq, d.attempt, d.at, d.status, d.ok, d.error, d.nextAttemptAt],
        );
      }
      for (const endpoint of new Set(deliveries.map((d) => d.endpointId))) {
        await client.query(
          `DELETE FROM ${this.#s}.webhook_deliveries WHERE endpoint_id = $1
             AND id <= (SELECT id FROM ${this.#s}.webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 1000)`,
          [endpoint],
        );
      }
    });
  }

  async deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.#query<DeliveryRow>(`SELECT * FROM ${this.#s}.webhook_deliveries WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2`, [endpointId, limit]);
    return rows.map(deliveryFromRow);
  }
}
