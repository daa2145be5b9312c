import type { CampaignEvent } from '../machines/CampaignCommand.js';
import { timerName } from '../machines/CampaignContext.js';
import type { CampaignStore, CampaignWrite, TimerRecord } from '../persistence/CampaignStore.js';
import type { Clock, ClockTimer } from './Clock.js';
import type { CampaignWriter } from './CampaignWriter.js';
import { NotFoundError } from './errors.js';
import type { GroupCommit } from './GroupCommit.js';
import type { Lanes } from './Lanes.js';
import type { LiveCampaign, LiveCampaigns } from './LiveCampaigns.js';

export interface TimerLoopOptions {
  store: Pick<CampaignStore, 'dueTimers' | 'nextDueAt'>;
  clock: Clock;
  lanes: Lanes;
  live: LiveCampaigns;
  writer: CampaignWriter;
  commits: GroupCommit;
  /** Due timers loaded per batch. */
  batchSize: number;
  onError: (error: unknown) => void;
}

/** Firing lag (fired − due) of recent timers, in ms. */
export interface TimerLag {
  samples: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

const LAG_SAMPLES = 1_000;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * The runtime's timers. One clock timer is armed for the earliest due instant the store knows;
 * when it fires, due timers are read in due order, batch by batch, and each is delivered to its
 * campaign in the campaign's lane (`applyDue`): the XState `after` event with `at` = its due
 * instant. Commands call `applyDue` too, so a command never lands before a date that passed.
 */
export class TimerLoop {
  readonly #o: TimerLoopOptions;
  readonly #lags: number[] = [];
  #timer: ClockTimer | null = null;
  #timerDue: number | null = null;
  #firing: Promise<void> | null = null;
  #refire = false;
  #stopped = false;

  constructor(options: TimerLoopOptions) {
    this.#o = options;
  }

  /** Fires, in order, every timer of `live` due at or before `now` (each its own change); one promise per write. */
  applyDue(live: LiveCampaign, now: number): Promise<unknown>[] {
    const commits: Promise<unknown>[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      const next = live.timers[0];
      if (!next || next.dueAt > now) break;
      const from = live.status;
      live.actor.send({ type: next.eventType, at: next.dueAt } as unknown as CampaignEvent);
      const commit = this.#o.writer.transitioned(live, {
        event: timerName(next.timer, live.actor.getSnapshot().context),
        source: 'timer',
        from,
        at: now,
        dueAt: next.dueAt,
        commandId: null,
        detail: null,
        firedTimer: next,
      });
      commit.catch((error) => this.#o.onError(error));
      commits.push(commit);
      this.#lags.push(now - next.dueAt);
      if (this.#lags.length > LAG_SAMPLES) this.#lags.shift();
    }
    return commits;
  }

  /** After a durable batch: re-arms the clock if a write armed an earlier timer. */
  committed(writes: readonly CampaignWrite[]): void {
    let earliest: number | null = null;
    for (const write of writes) {
      for (const timer of write.timers) if (earliest === null || timer.dueAt < earliest) earliest = timer.dueAt;
    }
    if (earliest !== null) this.arm(earliest);
  }

  /**
   * Fires every stored timer due by now, in due order, batch by batch; then arms the clock for
   * the next one. Also the start-up catch-up.
   */
  fireDue(): Promise<void> {
    if (this.#firing) {
      this.#refire = true;
      return this.#firing;
    }
    this.#firing = (async () => {
      do {
        this.#refire = false;
        await this.fireBatches();
      } while (this.#refire && !this.#stopped);
    })().finally(() => {
      this.#firing = null;
      void this.armNext();
    });
    return this.#firing;
  }

  lag(): TimerLag {
    const lags = [...this.#lags].sort((a, b) => a - b);
    return { samples: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? null };
  }

  /** Disarms the clock and waits for a firing in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#firing;
  }

  private async fireBatches(): Promise<void> {
    const { store, clock, lanes, live, commits, batchSize, onError } = this.#o;
    let previous = '';
    for (;;) {
      if (this.#stopped) return;
      const now = clock.now();
      const due = await store.dueTimers(now, batchSize);
      if (due.length === 0) return;
      const signature = `${due.length}:${due[0]!.campaignId}:${due[0]!.eventType}:${due[0]!.dueAt}`;
      if (signature === previous) {
        onError(new Error(`Due timers make no progress (${signature}); retrying at the next commit`));
        return;
      }
      previous = signature;
      await Promise.all(
        due.map((row) =>
          lanes
            .run(row.campaignId, async () => {
              let campaign: LiveCampaign;
              try {
                campaign = await live.load(row.campaignId);
              } catch (error) {
                if (error instanceof NotFoundError) return;
                throw error;
              }
              const fired = this.applyDue(campaign, now);
              if (fired.length === 0 && campaign.pending === 0) this.reconcile(campaign, row);
              await Promise.allSettled(fired);
            })
            .catch((error) => onError(error)),
        ),
      );
      await commits.drain();
    }
  }

  /** Keeps one clock timer armed for the earliest known due instant. */
  private arm(dueAt: number): void {
    if (this.#stopped) return;
    if (this.#firing) {
      this.#refire = true;
      return;
    }
    if (this.#timerDue !== null && this.#timerDue <= dueAt) return;
    const { clock } = this.#o;
    if (this.#timer) clock.clearTimeout(this.#timer);
    this.#timerDue = dueAt;
    this.#timer = clock.setTimeout(() => {
      this.#timer = null;
      this.#timerDue = null;
      return this.fireDue();
    }, Math.max(0, dueAt - clock.now()));
  }

  private async armNext(): Promise<void> {
    if (this.#stopped) return;
    try {
      const nextDueAt = await this.#o.store.nextDueAt();
      if (nextDueAt !== null) this.arm(nextDueAt);
    } catch (error) {
      this.#o.onError(error);
    }
  }

  /**
   * A stored timer the statechart does not arm (a machine changed by an upgrade, say): rewrite
   * the campaign's timers from its snapshot, without a change.
   */
  private reconcile(campaign: LiveCampaign, row: TimerRecord): void {
    if (campaign.timers.some((t) => t.eventType === row.eventType && t.dueAt === row.dueAt)) return;
    this.#o.writer.repair(campaign).catch((error) => this.#o.onError(error));
  }
}
