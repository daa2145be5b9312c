import type { CampaignEvent } from '../machines/CampaignCommand.js';
import { timerName } from '../machines/CampaignContext.js';
import type { CampaignStore, CampaignWrite, DueCampaign, TimerRecord } from '../persistence/CampaignStore.js';
import type { Clock, ClockTimer } from './Clock.js';
import type { CampaignWriter } from './CampaignWriter.js';
import { NotFoundError, StaleCampaignError } from './errors.js';
import type { GroupCommit } from './GroupCommit.js';
import type { Lanes } from './Lanes.js';
import type { LiveCampaign, LiveCampaigns } from './LiveCampaigns.js';

export interface TimerLoopOptions {
  store: Pick<CampaignStore, 'dueCampaigns' | 'nextDueAt'>;
  clock: Clock;
  lanes: Lanes;
  live: LiveCampaigns;
  writer: CampaignWriter;
  commits: GroupCommit;
  /** Due timers loaded per batch. */
  batchSize: number;
  /** A campaign whose due timer cannot be saved is retried after `initialMs`, doubling up to `maxMs`. */
  retry: { initialMs: number; maxMs: number };
  onError: (error: unknown) => void;
}

/** A campaign whose due timers could not be applied or saved, waiting for its next attempt. */
export interface RetryingCampaign {
  campaignId: string;
  attempts: number;
  /** When it is tried again (epoch ms). */
  retryAt: number;
  reason: string;
}

/** Reported once per backoff step: the campaigns whose timers failed in one pass, grouped by reason. */
export class TimersFailedError extends Error {
  readonly campaignIds: string[];
  readonly reason: string;
  readonly retryInMs: number;
  constructor(campaignIds: string[], reason: string, retryInMs: number) {
    const some = campaignIds.slice(0, 5).join(', ') + (campaignIds.length > 5 ? `, … (${campaignIds.length} in all)` : '');
    super(`[campaign-lifecycle] due timers of ${campaignIds.length} campaign(s) could not be saved (${reason}): ${some}; retrying in ${Math.round(retryInMs / 1000)} s`);
    this.name = 'TimersFailedError';
    this.campaignIds = campaignIds;
    this.reason = reason;
    this.retryInMs = retryInMs;
  }
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

const reasonOf = (error: unknown) => {
  if (error && typeof error === 'object' && 'reason' in error && typeof error.reason === 'string') return error.reason;
  return error instanceof Error ? error.message : String(error);
};

/**
 * The runtime's timers. One clock timer is armed for the earliest due instant the store knows;
 * when it fires, due timers are read in due order, batch by batch, and each is delivered to its
 * campaign in the campaign's lane (`applyDue`): the XState `after` event with `at` = its due
 * instant. Commands call `applyDue` too, so a command never lands before a date that passed.
 * A campaign whose timers cannot be applied or saved (an unreadable record, a full disk) waits
 * with capped exponential backoff while the others go on; each backoff step is reported once.
 */
export class TimerLoop {
  readonly #o: TimerLoopOptions;
  readonly #lags: number[] = [];
  readonly #retrying = new Map<string, RetryingCampaign>();
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
      const snapshot = this.#o.live.send(live, { type: next.eventType, at: next.dueAt } as unknown as CampaignEvent);
      const commit = this.#o.writer.transitioned(live, {
        event: timerName(next.timer, snapshot.context),
        source: 'timer',
        from,
        at: now,
        dueAt: next.dueAt,
        commandId: null,
        detail: null,
        firedTimer: next,
      });
      const recorded = commit.then(() => {
        this.#lags.push(now - next.dueAt);
        if (this.#lags.length > LAG_SAMPLES) this.#lags.shift();
      });
      recorded.catch(() => {}); // who cares awaits it: the timer loop retries, a command fails with its own write
      commits.push(recorded);
    }
    return commits;
  }

  /** Another runtime sharing the store armed a timer (or its claim on one expires) at `dueAt`. */
  wake(dueAt: number): void {
    this.arm(dueAt);
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
    const firing = (async () => {
      try {
        do {
          this.#refire = false;
          await this.fireBatches();
        } while (this.#refire && !this.#stopped);
      } catch (error) {
        this.#o.onError(error); // the store could not be read: armNext tries again later
      } finally {
        this.#firing = null;
      }
      // part of the firing, so a manual clock waits for the next timer to be armed before moving on
      await this.armNext();
    })();
    this.#firing = firing;
    return firing;
  }

  /** Campaigns whose timers are waiting for another attempt. */
  retrying(): RetryingCampaign[] {
    return [...this.#retrying.values()];
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

  /**
   * Fires due timers batch after batch. Each batch comes with its campaigns' records in one read
   * and is applied at once; while its writes commit, the next batch is read and applied (the
   * campaigns still committing are left out of that read), so the statecharts' work overlaps the
   * store's. At most two batches are in flight.
   */
  private async fireBatches(): Promise<void> {
    const { store, clock, batchSize } = this.#o;
    const failed = new Map<string, string>();
    const started = clock.now();
    let committing: { ids: string[]; done: Promise<void> } | null = null;
    for (;;) {
      if (this.#stopped) break;
      const now = clock.now();
      const due = await store.dueCampaigns(now, batchSize, [...this.waiting(now), ...failed.keys(), ...(committing?.ids ?? [])]);
      if (due.length === 0) break;
      const done = Promise.all(due.map((campaign) => this.fireCampaign(campaign, now, failed))).then(() => {});
      await committing?.done;
      committing = { ids: due.map((campaign) => campaign.record.id), done };
    }
    await committing?.done;
    // a campaign that was due for another attempt and did not fail again has nothing left to retry (fired, or deleted)
    for (const entry of [...this.#retrying.values()]) {
      if (entry.retryAt <= started && !failed.has(entry.campaignId)) this.#retrying.delete(entry.campaignId);
    }
    this.report(failed);
  }

  /** Applies a campaign's due timers in its lane; a failure (unreadable, unsaved) puts the campaign in backoff. */
  private async fireCampaign({ record, timers }: DueCampaign, now: number, failed: Map<string, string>): Promise<void> {
    const { lanes, live } = this.#o;
    try {
      await lanes.run(record.id, async () => {
        let campaign: LiveCampaign;
        try {
          campaign = await live.load(record.id, true, record);
        } catch (error) {
          if (error instanceof NotFoundError) return;
          throw error;
        }
        const fired = this.applyDue(campaign, now);
        if (fired.length === 0 && campaign.pending === 0 && timers[0]) this.reconcile(campaign, timers[0]);
        const failure = (await Promise.allSettled(fired)).find((result) => result.status === 'rejected');
        if (failure) throw (failure as PromiseRejectedResult).reason;
      });
      this.#retrying.delete(record.id);
    } catch (error) {
      // another runtime sharing the store moved the campaign on (it may have fired this very timer): nothing failed
      if (error instanceof StaleCampaignError) return;
      failed.set(record.id, reasonOf(error));
    }
  }

  /** Campaigns in backoff not yet due for another attempt at `now`. */
  private waiting(now: number): string[] {
    const ids: string[] = [];
    for (const entry of this.#retrying.values()) if (entry.retryAt > now) ids.push(entry.campaignId);
    return ids;
  }

  /** Moves each failed campaign one backoff step further; one report per step and reason. */
  private report(failed: Map<string, string>): void {
    if (failed.size === 0) return;
    const { clock, retry, onError } = this.#o;
    const now = clock.now();
    const steps = new Map<string, string[]>();
    for (const [campaignId, reason] of failed) {
      const attempts = (this.#retrying.get(campaignId)?.attempts ?? 0) + 1;
      const delay = Math.min(retry.maxMs, retry.initialMs * 2 ** (attempts - 1));
      this.#retrying.set(campaignId, { campaignId, attempts, retryAt: now + delay, reason });
      const key = `${delay}\u0000${reason}`;
      steps.set(key, [...(steps.get(key) ?? []), campaignId]);
    }
    for (const [key, ids] of steps) {
      const [delay, reason] = key.split('\u0000') as [string, string];
      onError(new TimersFailedError(ids, reason, Number(delay)));
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
      const now = this.#o.clock.now();
      const nextDueAt = await this.#o.store.nextDueAt(this.waiting(now));
      let next = nextDueAt;
      for (const entry of this.#retrying.values()) if (next === null || entry.retryAt < next) next = entry.retryAt;
      if (next !== null) this.arm(next);
    } catch (error) {
      this.#o.onError(error);
      // the store could not be asked: try again later rather than never
      this.arm(this.#o.clock.now() + this.#o.retry.initialMs);
    }
  }

  /**
   * A stored timer the statechart does not arm (a machine changed by an upgrade, say): rewrite
   * the campaign's timers from its snapshot, without a change.
   */
  private reconcile(campaign: LiveCampaign, row: TimerRecord): void {
    if (campaign.timers.some((t) => t.eventType === row.eventType && t.dueAt === row.dueAt)) return;
    this.#o.writer.repair(campaign).catch((error) => {
      if (!(error instanceof StaleCampaignError)) this.#o.onError(error);
    });
  }
}
