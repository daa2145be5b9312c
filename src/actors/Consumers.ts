import type { z } from 'zod';
import { toIso } from '../machines/Instant.js';
import type { CampaignStore } from '../persistence/CampaignStore.js';
import type { ParkedCampaignChange } from './CampaignChange.js';
import type { RuntimeHealth } from './CampaignRuntime.js';
import { changeAt, toCampaignChange } from './ChangeFeed.js';
import type { ChangeFeed } from './ChangeFeed.js';
import type { Clock } from './Clock.js';
import { type ConsumeHandler, type Consumer, type ConsumeOptions, DurableConsumer } from './Consumer.js';
import { ConflictError } from './errors.js';

interface ConsumersDeps {
  store: CampaignStore;
  feed: ChangeFeed;
  clock: Clock;
  /** This runtime instance: what holds consumer leases. */
  owner: string;
  onError: (error: unknown) => void;
}


/** The durable consumers a runtime runs, and what the store knows of every consumer. */
export class Consumers {
  readonly #deps: ConsumersDeps;
  readonly #running = new Map<string, DurableConsumer>();

  constructor(deps: ConsumersDeps) {
    this.#deps = deps;
  }

  /** Starts a consumer (one of a name per runtime). */
  start(name: string, handler: ConsumeHandler, options: z.output<typeof ConsumeOptions>): Consumer {
    if (this.#running.has(name)) throw new ConflictError({ campaignId: '', message: `Consumer ${name} already runs in this runtime` });
    const consumer = new DurableConsumer(name, handler, options, this.#deps);
    this.#running.set(name, consumer);
    consumer.start();
    const stop = consumer.stop.bind(consumer);
    return Object.assign(consumer, {
      stop: async () => {
        await stop();
        if (this.#running.get(name) === consumer) this.#running.delete(name);
      },
    });
  }

  /** A consumer's parked changes with the changes themselves (null when gone from the feed). */
  async parked(name: string): Promise<ParkedCampaignChange[]> {
    const { store } = this.#deps;
    return Promise.all(
      (await store.parkedChanges(name)).map(async (p) => {
        const change = await changeAt(store, p.seq);
        return {
          change: change && toCampaignChange(change),
          seq: p.seq,
          campaignId: p.campaignId,
          attempts: p.attempts,
          error: p.error,
          parkedAt: toIso(p.parkedAt),
          retry: p.retry,
        };
      }),
    );
  }

  /** Stops a consumer here and forgets it in the store. */
  async remove(name: string): Promise<boolean> {
    await this.#running.get(name)?.stop();
    this.#running.delete(name);
    return this.#deps.store.removeConsumer(name);
  }

  /** What the store knows of its consumers: cursors, lag, parked changes, who holds each. */
  async health(now: number): Promise<RuntimeHealth['consumers']> {
    const { store, feed, owner } = this.#deps;
    const lastSeq = feed.lastSeq;
    return Promise.all(
      (await store.consumers()).map(async (c) => {
        const [next] = c.cursor < lastSeq ? await store.changes(c.cursor, 1) : [];
        const held: 'here' | 'elsewhere' | 'nobody' =
          c.owner === owner && this.#running.get(c.name)?.active ? 'here' : c.owner !== null && (c.leaseUntil ?? 0) > now ? 'elsewhere' : 'nobody';
        return {
          name: c.name,
          cursor: c.cursor,
          lag: { changes: Math.max(0, lastSeq - c.cursor), seconds: next ? Math.max(0, (now - next.at) / 1000) : null },
          parked: c.parked,
          held,
        };
      }),
    );
  }

  /** Stops every consumer: each finishes the change in hand, records where it is and gives its lease up. */
  async stop(): Promise<void> {
    await Promise.all([...this.#running.values()].map((consumer) => consumer.stop()));
  }
}
