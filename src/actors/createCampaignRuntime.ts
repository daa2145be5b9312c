import { randomUUID } from 'node:crypto';
import { type Actor, createActor } from 'xstate';
import { z } from 'zod';
import { type ArmedTimer, armedTimers, type CampaignSnapshot } from '../machines/armedTimers.js';
import { CampaignCommand, type CampaignCommandInput, type CampaignEvent } from '../machines/CampaignCommand.js';
import { type CampaignContext, timerName } from '../machines/CampaignContext.js';
import { CampaignDefinition, type CampaignDefinitionInput, CampaignPatch } from '../machines/CampaignDefinition.js';
import { campaignMachine } from '../machines/campaignMachine.js';
import { isSystemCommand } from '../machines/commands.js';
import { capabilities, commandsNow } from '../machines/describeCampaign.js';
import { forecast as forecastOf } from '../machines/forecast.js';
import { toIso } from '../machines/Instant.js';
import { phaseOf } from '../machines/phase.js';
import { PresetName, statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';
import { refusalReason } from '../machines/refusalReason.js';
import type {
  CampaignRecord,
  CampaignStore,
  CampaignWrite,
  Change,
  ChangeSource,
  TimerRecord,
} from '../persistence/CampaignStore.js';
import { cursorOf, StoreConflictError } from '../persistence/CampaignStore.js';
import { sqliteStore } from '../persistence/sqliteStore.js';
import { type CampaignView, deleteRefusal, toView } from './CampaignView.js';
import { type Clock, type ClockTimer, systemClock } from './Clock.js';
import {
  ConflictError,
  NotFoundError,
  parseInput,
  RuntimeStoppedError,
  TransitionRejectedError,
} from './errors.js';
import { connectInspector, type InspectorConnection } from './connectInspector.js';
import {
  AdmitInput,
  type CampaignChange,
  CampaignListQuery,
  type CampaignRuntime,
  type CampaignRuntimeOptions,
  type ChangeListener,
  CreateOptions,
  type DuplicateOverrides,
  type ForecastItem,
  type InspectOption,
  type RuntimeHealth,
  SendOptions,
} from './CampaignRuntime.js';
import { GroupCommit } from './GroupCommit.js';

/** XState's own scheduler never fires anything: the runtime owns every timer. */
const INERT_CLOCK = { setTimeout: () => 0, clearTimeout: () => {} };

type CampaignActor = Actor<typeof campaignMachine>;

interface Live {
  id: string;
  preset: PresetName;
  actor: CampaignActor;
  version: number;
  status: string;
  createdAt: number;
  updatedAt: number;
  timers: ArmedTimer[];
  /** Writes enqueued and not yet durable: a live actor with pending writes is never evicted. */
  pending: number;
  deleted: boolean;
}

const toChange = (c: Change): CampaignChange => ({
  seq: c.seq,
  campaignId: c.campaignId,
  version: c.version,
  at: toIso(c.at),
  dueAt: toIso(c.dueAt),
  event: c.event,
  source: c.source,
  from: c.from,
  to: c.to,
  commandId: c.commandId,
  detail: c.detail === null ? null : (JSON.parse(c.detail) as unknown),
});

/** The row a live campaign is stored as, at its current version. */
const storedRecord = (live: Live): CampaignRecord => ({
  id: live.id,
  preset: live.preset,
  status: live.status,
  name: live.actor.getSnapshot().context.name,
  version: live.version,
  snapshot: JSON.stringify(live.actor.getPersistedSnapshot()),
  createdAt: live.createdAt,
  updatedAt: live.updatedAt,
});

const timerRecords = (id: string, timers: readonly ArmedTimer[]): TimerRecord[] =>
  timers.map((t) => ({ campaignId: id, timer: t.timer, eventType: t.eventType, dueAt: t.dueAt }));

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * Opens the store, catches up every timer that fell due while nothing ran (in due order), and
 * returns a running campaign runtime.
 *
 * @example
 * ```ts
 * const rt = await createCampaignRuntime();                 // SQLite at ./data/campaigns.db
 * const c = await rt.create({ preset: 'gifting', name: 'Q4 gifts', products: ['mug'] });
 * await rt.send(c.id, { type: 'ACTIVATE' });
 * ```
 */
export async function createCampaignRuntime(options: CampaignRuntimeOptions = {}): Promise<CampaignRuntime> {
  const runtime = new Runtime(options);
  try {
    await runtime.open();
  } catch (error) {
    runtime.abandon();
    throw error;
  }
  return runtime;
}

class Runtime implements CampaignRuntime {
  readonly clock: Clock;
  readonly #store: CampaignStore;
  readonly #inspect: InspectOption | undefined;
  readonly #inspector: InspectorConnection | null;
  readonly #maxLive: number;
  readonly #batchSize: number;
  readonly #onError: (error: unknown) => void;
  readonly #commits: GroupCommit;
  readonly #live = new Map<string, Live>();
  readonly #lanes = new Map<string, Promise<unknown>>();
  readonly #inflight = new Map<string, { campaignId: string | null; type: string; promise: Promise<CampaignView> }>();
  readonly #subscribers = new Set<{ wake: () => void; stop: () => void }>();
  readonly #lags: number[] = [];
  #lastSeq = 0;
  #stopped = false;
  #timer: ClockTimer | null = null;
  #timerDue: number | null = null;
  #firing: Promise<void> | null = null;
  #refire = false;

  constructor(options: CampaignRuntimeOptions) {
    this.#store = options.store ?? sqliteStore();
    this.clock = options.clock ?? systemClock;
    if (options.inspect && 'url' in options.inspect) {
      this.#inspector = connectInspector({ url: options.inspect.url });
      this.#inspect = this.#inspector.inspect;
    } else {
      this.#inspector = null;
      this.#inspect = options.inspect;
    }
    this.#maxLive = options.maxLiveActors ?? 2_000;
    this.#batchSize = options.timerBatchSize ?? 1_000;
    this.#onError = options.onError ?? ((error) => console.error('[campaign-lifecycle]', error));
    this.#commits = new GroupCommit(this.#store, (writes, seqs) => this.committed(writes, seqs));
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Releases what the constructor took when `open` fails. */
  abandon(): void {
    this.#stopped = true;
    this.#inspector?.stop();
  }

  async open(): Promise<void> {
    await this.#store.open();
    this.#lastSeq = await this.#store.lastSeq();
    await this.fireDue();
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────

  async create(input: CampaignDefinitionInput, options: CreateOptions = {}): Promise<CampaignView> {
    this.assertRunning();
    const definition = parseInput(CampaignDefinition, input, 'campaign definition');
    const opts = parseInput(CreateOptions, options, 'create options');
    return this.idempotent(opts.commandId, null, 'CREATE', () => {
      const id = opts.id ?? randomUUID();
      return this.lane(id, async () => {
        if (this.#live.has(id) || (await this.#store.get(id))) {
          throw new ConflictError({ campaignId: id, message: `Campaign ${id} already exists` });
        }
        return this.insert(id, definition, opts.commandId, null);
      });
    });
  }

  async send(id: string, input: CampaignCommandInput, options: SendOptions = {}): Promise<CampaignView> {
    this.assertRunning();
    const command = parseInput(CampaignCommand, input, 'command');
    const opts = parseInput(SendOptions, options, 'send options');
    return this.idempotent(opts.commandId, id, command.type, () =>
      this.onCampaign(id, opts.expectedVersion, (live, now) => {
        const status = live.status;
        if (isSystemCommand(command.type) && opts.source !== 'system') {
          return this.rejected(live, command.type, `${command.type} is a system command: only the system may send it`, now);
        }
        const event = { ...command, at: now } as CampaignEvent;
        const reason = refusalReason(live.actor.getSnapshot(), event);
        if (reason !== null) return this.rejected(live, command.type, reason, now);
        live.actor.send(event);
        return this.recordCommand(live, {
          event: command.type,
          source: opts.source,
          from: status,
          at: now,
          dueAt: null,
          commandId: opts.commandId ?? null,
          detail: command.type === 'UPDATE' ? { patch: input.type === 'UPDATE' ? input.patch : {} } : command.type === 'SYSTEM_FAULT' ? { reason: command.reason } : null,
          idempotent: opts.commandId !== undefined,
        });
      }),
    );
  }

  async delete(id: string, options: Pick<SendOptions, 'expectedVersion' | 'commandId'> = {}): Promise<void> {
    this.assertRunning();
    const opts = parseInput(SendOptions.pick({ expectedVersion: true, commandId: true }), options, 'delete options');
    await this.idempotent(opts.commandId, id, 'DELETE', () =>
      this.onCampaign(id, opts.expectedVersion, (live, now) => {
        if (!capabilities(live.actor.getSnapshot(), live.timers).deletable) {
          return this.rejected(live, 'DELETE', deleteRefusal(live.preset, live.status), now);
        }
        const view = this.view(live, now);
        live.deleted = true;
        const write: CampaignWrite = {
          campaignId: id,
          preset: live.preset,
          fromVersion: live.version,
          record: null,
          timers: [],
          change: this.changeOf(live, { event: 'DELETE', source: 'user', from: live.status, to: null, at: now, dueAt: null, commandId: opts.commandId ?? null, detail: null }, live.version + 1),
          ...(opts.commandId ? { idempotency: { commandId: opts.commandId, result: JSON.stringify({ type: 'DELETE', view }) } } : {}),
        };
        live.timers = [];
        return this.enqueue(live, write).then(() => {
          this.#live.delete(id);
          live.actor.stop();
          return view;
        });
      }),
    );
  }

  async duplicate(id: string, overrides: DuplicateOverrides = {}): Promise<CampaignView> {
    this.assertRunning();
    const patch = parseInput(CampaignPatch, overrides, 'duplicate overrides');
    const source = (await this.read(id)).snapshot.context;
    const definition = parseInput(
      CampaignDefinition,
      {
        preset: source.preset,
        name: patch.name ?? source.name,
        timezone: patch.timezone !== undefined ? patch.timezone : source.timezone,
        audience: patch.audience !== undefined ? patch.audience : source.audience,
        products: patch.products ?? source.products,
        labels: patch.labels ?? source.labels,
        content: patch.content !== undefined ? patch.content : source.content,
        recurrence: patch.recurrence !== undefined ? patch.recurrence : source.recurrence,
        ...(patch.startAt != null ? { startAt: new Date(patch.startAt) } : {}),
        ...(patch.endAt != null ? { endAt: new Date(patch.endAt) } : {}),
        ...(patch.visibleAt != null ? { visibleAt: new Date(patch.visibleAt) } : {}),
      },
      'duplicate',
    );
    const copyId = randomUUID();
    return this.lane(copyId, () => this.insert(copyId, definition, undefined, { duplicatedFrom: id }));
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<CampaignView> {
    this.assertRunning();
    const { snapshot, meta } = await this.read(id);
    return toView(snapshot, meta, this.clock.now());
  }

  async list(query: CampaignListQuery = {}): Promise<CampaignView[]> {
    return (await this.records(query)).views;
  }

  async listPage(query: CampaignListQuery & { limit: number }): Promise<{ items: CampaignView[]; next: string | null }> {
    const { records, views, limit } = await this.records(query);
    const last = records.at(-1);
    return { items: views, next: last && records.length === limit ? cursorOf(last) : null };
  }

  private async records(query: CampaignListQuery) {
    this.assertRunning();
    const q = parseInput(CampaignListQuery, query, 'list query');
    const records = await this.#store.list({
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.preset !== undefined ? { preset: q.preset } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.after !== undefined ? { after: q.after } : {}),
    });
    const now = this.clock.now();
    return { records, views: records.map((record) => toView(this.restore(record), record, now)), limit: q.limit };
  }

  async counts(filter: { preset?: PresetName } = {}): Promise<Record<string, number>> {
    this.assertRunning();
    const { preset } = parseInput(z.strictObject({ preset: PresetName.optional() }), filter, 'counts filter');
    const counts: Record<string, number> = {};
    for (const p of preset ? [presets[preset]] : Object.values(presets)) {
      for (const label of Object.values(p.statuses)) counts[label] = 0;
    }
    for (const row of await this.#store.counts(preset ? { preset } : {})) {
      counts[row.status] = (counts[row.status] ?? 0) + row.count;
    }
    return counts;
  }

  async history(id: string): Promise<CampaignChange[]> {
    this.assertRunning();
    await this.read(id);
    return (await this.#store.history(id)).map(toChange);
  }

  async forecast(id: string): Promise<ForecastItem[]> {
    this.assertRunning();
    const { snapshot } = await this.read(id);
    return forecastOf(snapshot).map((f) => ({ at: toIso(f.at), event: f.name, timer: f.timer, from: f.from, to: f.to }));
  }

  async admit(id: string, input: AdmitInput): Promise<{ admitted: boolean; reason?: string }> {
    this.assertRunning();
    const { inviteExpiresAt } = parseInput(AdmitInput, input, 'admission');
    const { snapshot } = await this.read(id);
    const now = this.clock.now();
    const description = capabilities(snapshot);
    const endAt = snapshot.context.endAt;
    if (inviteExpiresAt != null && inviteExpiresAt <= now) {
      return { admitted: false, reason: `The invite expired at ${toIso(inviteExpiresAt)}` };
    }
    if (endAt !== null && endAt <= now) return { admitted: false, reason: `The campaign ended at ${toIso(endAt)}` };
    if (!description.acceptsAudience) {
      return { admitted: false, reason: `The campaign is ${description.status} and does not accept new audience` };
    }
    return { admitted: true };
  }

  async health(): Promise<RuntimeHealth> {
    this.assertRunning();
    const now = this.clock.now();
    const stats = await this.#store.timerStats(now);
    const lags = [...this.#lags].sort((a, b) => a - b);
    return {
      ok: stats.oldestOverdue === null || now - stats.oldestOverdue < 5_000,
      now: toIso(now),
      pendingTimers: stats.pending,
      overdueTimers: stats.overdue,
      oldestOverdue: toIso(stats.oldestOverdue),
      nextTimerAt: toIso(stats.nextDueAt),
      lag: { samples: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? null },
      liveActors: this.#live.size,
      pendingWrites: this.#commits.backlog,
    };
  }

  subscribe(listener: ChangeListener, options: { after?: number } = {}): () => void {
    this.assertRunning();
    const { after } = parseInput(
      z.strictObject({
        after: z
          .number()
          .int()
          .min(0)
          .max(this.#lastSeq, `after is ahead of the change feed (its last sequence is ${this.#lastSeq})`)
          .optional(),
      }),
      options,
      'subscribe options',
    );
    let cursor = after ?? this.#lastSeq;
    let active = true;
    let wake: (() => void) | null = null;
    const subscriber = {
      wake: () => wake?.(),
      stop: () => {
        active = false;
        wake?.();
      },
    };
    this.#subscribers.add(subscriber);
    void (async () => {
      while (active) {
        if (cursor >= this.#lastSeq) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (!active || cursor < this.#lastSeq) resolve();
          });
          wake = null;
          continue;
        }
        const changes = await this.#store.changes(cursor, 500);
        for (const change of changes) {
          if (!active) break;
          try {
            await listener(toChange(change));
          } catch (error) {
            this.#onError(error);
          }
          cursor = change.seq;
        }
      }
    })().catch((error) => this.#onError(error));
    return () => {
      subscriber.stop();
      this.#subscribers.delete(subscriber);
    };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#firing;
    await Promise.allSettled([...this.#lanes.values()]);
    await this.#commits.drain();
    for (const subscriber of this.#subscribers) subscriber.stop();
    this.#subscribers.clear();
    for (const live of this.#live.values()) live.actor.stop();
    this.#live.clear();
    this.#inspector?.stop();
    await this.#store.close();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private assertRunning(): void {
    if (this.#stopped) throw new RuntimeStoppedError();
  }

  /** Runs `task` after every earlier task of the same campaign: commands to one campaign apply in order. */
  private lane<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#lanes.get(id);
    const result = previous ? previous.then(task) : task();
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#lanes.set(id, tail);
    void tail.then(() => {
      if (this.#lanes.get(id) !== tail) return;
      this.#lanes.delete(id);
      this.evict();
    });
    return result;
  }

  /**
   * Runs `act` on a campaign inside its lane, after restoring it, firing the dates already due
   * and checking `expectedVersion`. `act` returns the refusal (an Error) or the write's promise;
   * a refusal is thrown only once the dates that just fired are durable, since it describes them.
   */
  private onCampaign<T>(id: string, expectedVersion: number | undefined, act: (live: Live, now: number) => Error | Promise<T>): Promise<T> {
    return this.lane(id, async () => {
      const live = await this.hydrate(id);
      const now = this.clock.now();
      const fired = this.applyDue(live, now);
      const outcome = expectedVersion !== undefined && expectedVersion !== live.version ? this.conflict(live, expectedVersion) : act(live, now);
      if (outcome instanceof Error) {
        await Promise.allSettled(fired);
        throw outcome;
      }
      return outcome;
    });
  }

  private async idempotent(
    commandId: string | undefined,
    campaignId: string | null,
    type: string,
    run: () => Promise<CampaignView>,
  ): Promise<CampaignView> {
    if (commandId === undefined) return run();
    const reused = (usedFor: { campaignId: string | null; type: string }) =>
      new ConflictError({
        campaignId: campaignId ?? usedFor.campaignId ?? '',
        message: `commandId ${commandId} was already used for ${usedFor.type}${usedFor.campaignId ? ` on campaign ${usedFor.campaignId}` : ''}`,
      });
    const inflight = this.#inflight.get(commandId);
    if (inflight) {
      if (inflight.campaignId !== campaignId || inflight.type !== type) throw reused(inflight);
      return inflight.promise;
    }
    const promise = (async () => {
      const stored = await this.#store.idempotency(commandId);
      if (stored) {
        const result = JSON.parse(stored.result) as { type: string; view: CampaignView };
        if ((campaignId !== null && stored.campaignId !== campaignId) || result.type !== type) {
          throw reused({ campaignId: stored.campaignId, type: result.type });
        }
        return result.view;
      }
      return run();
    })();
    this.#inflight.set(commandId, { campaignId, type, promise });
    try {
      return await promise;
    } finally {
      this.#inflight.delete(commandId);
    }
  }

  private conflict(live: Live, expected: number): ConflictError {
    return new ConflictError({
      campaignId: live.id,
      message: `Campaign ${live.id} is at version ${live.version}, not ${expected}`,
      expectedVersion: expected,
      actualVersion: live.version,
    });
  }

  private rejected(live: Live, command: string, reason: string, now: number): TransitionRejectedError {
    const allowed = commandsNow(live.actor.getSnapshot(), now).actions;
    return new TransitionRejectedError({ campaignId: live.id, status: live.status, command, allowed, reason });
  }

  private startActor(id: string, init: { input: CampaignContext | CampaignDefinition } | { snapshot: unknown }): CampaignActor {
    return createActor(campaignMachine, {
      id,
      clock: INERT_CLOCK,
      ...(this.#inspect ? { inspect: this.#inspect } : {}),
      ...('snapshot' in init
        ? { snapshot: init.snapshot as CampaignSnapshot, input: undefined as unknown as CampaignDefinition }
        : { input: init.input }),
    }).start();
  }

  /** The live actor of a campaign, restored from the store if needed (call inside its lane). */
  private async hydrate(id: string): Promise<Live> {
    const cached = this.#live.get(id);
    if (cached) {
      if (cached.deleted) throw new NotFoundError(id);
      this.#live.delete(id);
      this.#live.set(id, cached);
      return cached;
    }
    const record = await this.#store.get(id);
    if (!record) throw new NotFoundError(id);
    const actor = this.startActor(id, { snapshot: JSON.parse(record.snapshot) });
    const live: Live = {
      id,
      preset: record.preset as PresetName,
      actor,
      version: record.version,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      timers: armedTimers(actor.getSnapshot()),
      pending: 0,
      deleted: false,
    };
    this.#live.set(id, live);
    this.evict();
    return live;
  }

  /**
   * Evicts the least recently used idle actors, in bulk once the cache is 10 % over its limit
   * (one pass over the oldest entries instead of a deletion per new entry).
   */
  private evict(): void {
    if (this.#live.size <= this.#maxLive + Math.max(1, Math.floor(this.#maxLive / 10))) return;
    for (const [id, live] of this.#live) {
      if (this.#live.size <= this.#maxLive) break;
      if (live.pending > 0 || this.#lanes.has(id)) continue;
      this.#live.delete(id);
      live.actor.stop();
    }
  }

  /** A committed-or-live snapshot for reads: the live one when it has no uncommitted writes. */
  private async read(id: string): Promise<{ snapshot: CampaignSnapshot; meta: Live | CampaignRecord }> {
    const live = this.#live.get(id);
    if (live && live.pending === 0 && !live.deleted) return { snapshot: live.actor.getSnapshot(), meta: live };
    const record = await this.#store.get(id);
    if (!record) throw new NotFoundError(id);
    return { snapshot: this.restore(record), meta: record };
  }

  private restore(record: CampaignRecord): CampaignSnapshot {
    const live = this.#live.get(record.id);
    if (live && live.version === record.version && !live.deleted) return live.actor.getSnapshot();
    return createActor(campaignMachine, {
      snapshot: JSON.parse(record.snapshot) as CampaignSnapshot,
      input: undefined as unknown as CampaignDefinition,
      clock: INERT_CLOCK,
    }).getSnapshot();
  }

  private view(live: Live, now: number): CampaignView {
    return toView(live.actor.getSnapshot(), live, now, live.timers);
  }

  private changeOf(
    live: Live,
    entry: { event: string; source: ChangeSource; from: string | null; to: string | null; at: number; dueAt: number | null; commandId: string | null; detail: unknown },
    version: number,
  ): Omit<Change, 'seq'> {
    return {
      campaignId: live.id,
      version,
      at: entry.at,
      dueAt: entry.dueAt,
      event: entry.event,
      source: entry.source,
      from: entry.from,
      to: entry.to,
      commandId: entry.commandId,
      detail: entry.detail === null ? null : JSON.stringify(entry.detail),
    };
  }

  private async insert(
    id: string,
    definition: CampaignDefinition,
    commandId: string | undefined,
    detail: unknown,
  ): Promise<CampaignView> {
    const now = this.clock.now();
    const actor = this.startActor(id, { input: definition });
    const snapshot = actor.getSnapshot();
    const status = statusLabel(presets[definition.preset], phaseOf(snapshot.value));
    const live: Live = {
      id,
      preset: definition.preset,
      actor,
      version: 0,
      status,
      createdAt: now,
      updatedAt: now,
      timers: armedTimers(snapshot),
      pending: 0,
      deleted: false,
    };
    this.#live.set(id, live);
    this.evict();
    return this.recordCommand(live, {
      event: 'CREATE',
      source: 'user',
      from: null,
      at: now,
      dueAt: null,
      commandId: commandId ?? null,
      detail,
      idempotent: commandId !== undefined,
    });
  }

  /**
   * After the live actor took a transition: derive the new status and timers, bump the version
   * and enqueue the write. Resolves with the view once the write is durable.
   */
  private record(
    live: Live,
    entry: {
      event: string;
      source: ChangeSource;
      from: string | null;
      at: number;
      dueAt: number | null;
      commandId: string | null;
      detail: unknown;
      idempotent: boolean;
      firedTimer?: ArmedTimer;
    },
  ): Promise<CampaignView | null> {
    const snapshot = live.actor.getSnapshot();
    if (snapshot.status === 'error' || snapshot.status === 'stopped') {
      this.#live.delete(live.id);
      throw new Error(`Campaign ${live.id} actor stopped unexpectedly (${snapshot.status}): ${String(snapshot.error)}`);
    }
    const fromVersion = live.version;
    live.version += 1;
    live.status = statusLabel(presets[live.preset], phaseOf(snapshot.value));
    live.updatedAt = entry.at;
    live.timers = armedTimers(snapshot);
    if (entry.firedTimer) {
      const fired = entry.firedTimer;
      live.timers = live.timers.filter((t) => !(t.eventType === fired.eventType && t.dueAt <= fired.dueAt));
    }
    const view = entry.source === 'timer' ? null : this.view(live, entry.at);
    const write: CampaignWrite = {
      campaignId: live.id,
      preset: live.preset,
      fromVersion,
      record: storedRecord(live),
      timers: timerRecords(live.id, live.timers),
      change: this.changeOf(live, { ...entry, to: live.status }, live.version),
      ...(entry.idempotent && entry.commandId
        ? { idempotency: { commandId: entry.commandId, result: JSON.stringify({ type: entry.event, view }) } }
        : {}),
    };
    return this.enqueue(live, write).then(() => view);
  }

  private async recordCommand(live: Live, entry: Parameters<Runtime['record']>[1]): Promise<CampaignView> {
    const view = await this.record(live, entry);
    if (!view) throw new Error('A command always yields a view');
    return view;
  }

  private enqueue(live: Live, write: CampaignWrite): Promise<number> {
    live.pending += 1;
    return this.#commits.enqueue(write).then(
      (seq) => {
        live.pending -= 1;
        return seq;
      },
      (error: unknown) => {
        live.pending -= 1;
        // memory is ahead of the store: drop the actor, the next access reloads what is durable
        if (this.#live.get(live.id) === live) this.#live.delete(live.id);
        throw error instanceof StoreConflictError
          ? new ConflictError({ campaignId: live.id, message: error.message })
          : error;
      },
    );
  }

  /** Fires, in order, every timer of `live` due at or before `now` (each its own change). */
  private applyDue(live: Live, now: number): Promise<unknown>[] {
    const commits: Promise<unknown>[] = [];
    for (let guard = 0; guard < 10_000; guard++) {
      const next = live.timers[0];
      if (!next || next.dueAt > now) break;
      const from = live.status;
      live.actor.send({ type: next.eventType, at: next.dueAt } as unknown as CampaignEvent);
      const commit = this.record(live, {
        event: timerName(next.timer, live.actor.getSnapshot().context),
        source: 'timer',
        from,
        at: now,
        dueAt: next.dueAt,
        commandId: null,
        detail: null,
        idempotent: false,
        firedTimer: next,
      });
      commit.catch((error) => this.#onError(error));
      commits.push(commit);
      this.#lags.push(now - next.dueAt);
      if (this.#lags.length > 1_000) this.#lags.shift();
    }
    return commits;
  }

  /** Called after each durable batch: advance the feed, wake subscribers, re-arm the timer. */
  private committed(writes: readonly CampaignWrite[], seqs: readonly number[]): void {
    if (seqs.length > 0) this.#lastSeq = Math.max(this.#lastSeq, seqs.at(-1)!);
    for (const subscriber of this.#subscribers) subscriber.wake();
    let earliest: number | null = null;
    for (const write of writes) {
      for (const timer of write.timers) if (earliest === null || timer.dueAt < earliest) earliest = timer.dueAt;
    }
    if (earliest !== null) this.arm(earliest);
  }

  /** Keeps one clock timer armed for the earliest known due instant. */
  private arm(dueAt: number): void {
    if (this.#stopped) return;
    if (this.#firing) {
      this.#refire = true;
      return;
    }
    if (this.#timerDue !== null && this.#timerDue <= dueAt) return;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timerDue = dueAt;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      this.#timerDue = null;
      return this.fireDue();
    }, Math.max(0, dueAt - this.clock.now()));
  }

  /**
   * Fires every stored timer due by now, in due order, batch by batch; then arms the clock for
   * the next one. Also the start-up catch-up.
   */
  private fireDue(): Promise<void> {
    if (this.#firing) {
      this.#refire = true;
      return this.#firing;
    }
    this.#firing = (async () => {
      do {
        this.#refire = false;
        let previous = '';
        for (;;) {
          if (this.#stopped) return;
          const now = this.clock.now();
          const due = await this.#store.dueTimers(now, this.#batchSize);
          if (due.length === 0) break;
          const signature = `${due.length}:${due[0]!.campaignId}:${due[0]!.eventType}:${due[0]!.dueAt}`;
          if (signature === previous) {
            this.#onError(new Error(`Due timers make no progress (${signature}); retrying at the next commit`));
            break;
          }
          previous = signature;
          const commits: Promise<unknown>[] = [];
          for (const row of due) {
            commits.push(
              this.lane(row.campaignId, async () => {
                let live: Live;
                try {
                  live = await this.hydrate(row.campaignId);
                } catch (error) {
                  if (error instanceof NotFoundError) return;
                  throw error;
                }
                const fired = this.applyDue(live, now);
                if (fired.length === 0 && live.pending === 0) this.reconcile(live, row);
                await Promise.allSettled(fired);
              }).catch((error) => this.#onError(error)),
            );
          }
          await Promise.all(commits);
          await this.#commits.drain();
        }
      } while (this.#refire && !this.#stopped);
    })().finally(() => {
      this.#firing = null;
      void this.armNext();
    });
    return this.#firing;
  }

  private async armNext(): Promise<void> {
    if (this.#stopped) return;
    try {
      const nextDueAt = await this.#store.nextDueAt();
      if (nextDueAt !== null) this.arm(nextDueAt);
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * A stored timer the statechart does not arm (a machine changed by an upgrade, say): rewrite
   * the campaign's timers from its snapshot, without a change.
   */
  private reconcile(live: Live, row: TimerRecord): void {
    if (live.timers.some((t) => t.eventType === row.eventType && t.dueAt === row.dueAt)) return;
    void this.enqueue(live, {
      campaignId: live.id,
      preset: live.preset,
      fromVersion: live.version,
      record: storedRecord(live),
      timers: timerRecords(live.id, live.timers),
      change: null,
    }).catch((error) => this.#onError(error));
  }
}
