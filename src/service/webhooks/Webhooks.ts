import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { CampaignChange, ParkedCampaignChange } from '../../actors/CampaignChange.js';
import { type CampaignRuntime, RuntimeHealth } from '../../actors/CampaignRuntime.js';
import type { Consumer, ConsumeFailure } from '../../actors/Consumer.js';
import type { WebhookDelivery, WebhookEndpoint } from '../../persistence/CampaignStore.js';
import { toIso } from '../../machines/Instant.js';
import type { PresetName } from '../../machines/Preset.js';
import { HttpError } from '../errors.js';
import type { WebhookEndpointInput } from './WebhookEndpointInput.js';

const Iso = z.string().meta({ format: 'date-time' });

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpointView = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    presets: z.array(z.string()),
    description: z.string().nullable(),
    createdAt: Iso,
    consumer: RuntimeHealth.shape.consumers.element
      .omit({ name: true })
      .nullable()
      .meta({ description: 'The durable consumer delivering to it: how far it got, what it parked, which instance holds it' }),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.output<typeof WebhookEndpointView>;

/** One delivery attempt, as the API shows it. */
export const WebhookDeliveryView = z
  .object({
    seq: z.number().int().meta({ description: 'The change delivered (also the webhook-id: msg_<seq>)' }),
    attempt: z.number().int(),
    at: Iso,
    status: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when none came (refused, timed out)" }),
    ok: z.boolean(),
    error: z.string().nullable(),
    nextAttemptAt: Iso.nullable().meta({ description: 'When it is tried again; null when delivered or parked' }),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.output<typeof WebhookDeliveryView>;

/** How deliveries are made; every field has a default. */
export interface WebhooksOptions {
  /** A receiver that has not answered after this long failed the attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a change is parked for an endpoint (default 8). */
  maxAttempts?: number;
  /** Backoff between attempts, doubling with jitter (default 5 s up to 1 h). */
  retry?: { initialMs: number; maxMs: number };
  /** How often the endpoints are read again from the store, for those other instances added or removed (default 5 s). */
  syncMs?: number;
  /** Where background failures (the store, never a receiver's) are reported. */
  onError?: (error: unknown) => void;
}

const CONSUMER_PREFIX = 'webhook:';
const consumerName = (endpointId: string) => `${CONSUMER_PREFIX}${endpointId}`;

/** Why a receiver did not take a delivery. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  /** The receiver's HTTP status; null when none came. */
  readonly status: number | null;
  constructor(status: number | null, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Delivers the change feed to registered HTTP endpoints, signed as the Standard Webhooks
 * specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Each endpoint
 * has its own durable consumer (`webhook:<id>`): its cursor, retries with backoff, parked
 * changes and lease come from there, so on a shared store one instance delivers to an endpoint
 * at a time and a restart resumes where it stopped. Every attempt is logged in the store.
 */
export class Webhooks {
  readonly #runtime: CampaignRuntime;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #retry: { initialMs: number; maxMs: number };
  readonly #syncMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #running = new Map<string, Consumer>();
  #timer: NodeJS.Timeout | null = null;
  #syncing: Promise<void> | null = null;
  #stopped = false;

  constructor(runtime: CampaignRuntime, options: WebhooksOptions = {}) {
    this.#runtime = runtime;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#retry = options.retry ?? { initialMs: 5_000, maxMs: 3_600_000 };
    this.#syncMs = options.syncMs ?? 5_000;
    this.#onError = options.onError ?? ((error) => console.error('[webhooks]', error));
  }

  /** Starts a consumer for every stored endpoint, and looks again every `syncMs`. */
  async start(): Promise<void> {
    await this.sync();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#syncing;
    await Promise.all([...this.#running.values()].map((consumer) => consumer.stop()));
    this.#running.clear();
  }

  /** Registers an endpoint; deliveries start with the changes after now. */
  async register(input: z.output<typeof WebhookEndpointInput>): Promise<WebhookEndpointView> {
    const endpoint: WebhookEndpoint = {
      id: `we_${randomBytes(12).toString('hex')}`,
      url: input.url,
      events: input.events,
      presets: input.presets,
      secret: input.secret,
      description: input.description,
      createdAt: this.#runtime.clock.now(),
    };
    await this.#runtime.webhookStore.addWebhookEndpoint(endpoint);
    this.follow(endpoint);
    return this.view(endpoint, await this.#runtime.consumers());
  }

  async list(): Promise<WebhookEndpointView[]> {
    const [endpoints, consumers] = await Promise.all([this.#runtime.webhookStore.webhookEndpoints(), this.#runtime.consumers()]);
    return endpoints.map((endpoint) => this.view(endpoint, consumers));
  }

  async get(id: string): Promise<WebhookEndpointView | null> {
    const endpoint = (await this.#runtime.webhookStore.webhookEndpoints()).find((e) => e.id === id);
    return endpoint ? this.view(endpoint, await this.#runtime.consumers()) : null;
  }

  /** Stops delivering to an endpoint and forgets it with its log; false when there was none. */
  async remove(id: string): Promise<boolean> {
    this.#running.delete(id);
    const removed = await this.#runtime.webhookStore.removeWebhookEndpoint(id);
    await this.#runtime.removeConsumer(consumerName(id));
    return removed;
  }

  /** The endpoint's most recent delivery attempts, newest first. */
  async deliveries(id: string, limit: number): Promise<WebhookDeliveryView[]> {
    await this.endpoint(id);
    return (await this.#runtime.webhookStore.deliveries(id, limit)).map((d) => ({
      seq: d.seq,
      attempt: d.attempt,
      at: toIso(d.at),
      status: d.status,
      ok: d.ok,
      error: d.error,
      nextAttemptAt: toIso(d.nextAttemptAt),
    }));
  }

  /** The changes given up on for an endpoint. */
  async parked(id: string): Promise<ParkedCampaignChange[]> {
    await this.endpoint(id);
    return this.#runtime.parked(consumerName(id));
  }

  /** Delivers a parked change again (by whichever instance holds the endpoint's consumer); false when it is not parked. */
  async redeliver(id: string, seq: number): Promise<boolean> {
    await this.endpoint(id);
    return this.#runtime.retryParked(consumerName(id), seq);
  }

  private async endpoint(id: string): Promise<WebhookEndpoint> {
    const endpoint = (await this.#runtime.webhookStore.webhookEndpoints()).find((e) => e.id === id);
    if (!endpoint) throw new HttpError(404, 'NotFound', `No webhook endpoint ${id}`);
    return endpoint;
  }

  private view(endpoint: WebhookEndpoint, consumers: RuntimeHealth['consumers']): WebhookEndpointView {
    const consumer = consumers.find((c) => c.name === consumerName(endpoint.id));
    return {
      id: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      presets: endpoint.presets,
      description: endpoint.description,
      createdAt: toIso(endpoint.createdAt),
      consumer: consumer ? { cursor: consumer.cursor, lag: consumer.lag, parked: consumer.parked, held: consumer.held } : null,
    };
  }

  /**
   * Looks at the store again after `syncMs` of real time: a poll for what other instances
   * changed, not a date of the campaigns (on a manual clock jumping months ahead, a poll on the
   * clock would run once per interval jumped).
   */
  private schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#syncing = this.sync()
        .catch((error: unknown) => this.#onError(error))
        .finally(() => {
          this.#syncing = null;
          this.schedule();
        });
    }, this.#syncMs);
    this.#timer.unref();
  }

  /** Follows the endpoints in the store: a consumer for each new one, none for those removed. */
  private async sync(): Promise<void> {
    const endpoints = await this.#runtime.webhookStore.webhookEndpoints();
    if (this.#stopped) return;
    const ids = new Set(endpoints.map((e) => e.id));
    for (const endpoint of endpoints) if (!this.#running.has(endpoint.id)) this.follow(endpoint);
    for (const id of this.#running.keys()) {
      if (ids.has(id)) continue;
      // removed by another instance: stop (removeConsumer does), and forget what this one may have written since
      this.#running.delete(id);
      await this.#runtime.removeConsumer(consumerName(id));
    }
  }

  /** Delivers what comes from now on (a new receiver does not want the history) to an endpoint. */
  private follow(endpoint: WebhookEndpoint): void {
    if (this.#running.has(endpoint.id) || this.#stopped) return;
    const consumer = this.#runtime.consume(consumerName(endpoint.id), (change, { attempt }) => this.deliver(endpoint, change, attempt), {
      from: 'now',
      filter: {
        ...(endpoint.events.length > 0 ? { event: endpoint.events } : {}),
        ...(endpoint.presets.length > 0 ? { preset: endpoint.presets as PresetName[] } : {}),
      },
      maxAttempts: this.#maxAttempts,
      retry: this.#retry,
      onFailure: (change, failure) => this.failed(endpoint, change, failure),
    });
    this.#running.set(endpoint.id, consumer);
  }

  /** POSTs one change, signed; resolves when the receiver answered 2xx (and logs the attempt either way). */
  private async deliver(endpoint: WebhookEndpoint, change: CampaignChange, attempt: number): Promise<void> {
    const id = `msg_${change.seq}`;
    const now = this.#runtime.clock.now();
    const payload = JSON.stringify({ type: `campaign.${change.event}`, timestamp: change.at, data: change });
    const signature = new Webhook(endpoint.secret).sign(id, new Date(now), payload);
    let status: number | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'campaign-lifecycle-webhooks',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new WebhookDeliveryError(null, timedOut ? `no answer within ${this.#timeoutMs} ms` : `could not reach the endpoint: ${causeOf(error)}`);
    }
    if (status < 200 || status > 299) {
      throw new WebhookDeliveryError(status, `the endpoint answered ${status}`);
    }
    await this.record({ endpointId: endpoint.id, seq: change.seq, attempt, at: now, status, ok: true, error: null, nextAttemptAt: null });
  }

  private failed(endpoint: WebhookEndpoint, change: CampaignChange, failure: ConsumeFailure): void {
    const status = failure.cause instanceof WebhookDeliveryError ? failure.cause.status : null;
    void this.record({
      endpointId: endpoint.id,
      seq: change.seq,
      attempt: failure.attempt,
      at: this.#runtime.clock.now(),
      status,
      ok: false,
      error: failure.retryAt === null ? `${failure.error} (parked)` : failure.error,
      nextAttemptAt: failure.retryAt,
    });
  }

  private async record(delivery: WebhookDelivery): Promise<void> {
    try {
      await this.#runtime.webhookStore.recordDeliveries([delivery]);
    } catch (error) {
      this.#onError(error);
    }
  }
}

const causeOf = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
};
