import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type Admission, type AdmitInput } from '../machines/admission.js';
import type { CampaignCommand, CampaignEvent } from '../machines/CampaignCommand.js';
import {
  type CampaignDefinition,
  type CampaignPatch,
  definitionProblems,
  presetFieldProblems,
} from '../machines/CampaignDefinition.js';
import { type CampaignView } from '../machines/CampaignView.js';
import { isSystemCommand } from '../machines/commands.js';
import { capabilities, commandsNow } from '../machines/describeCampaign.js';
import { campaignLogic } from '../machines/campaignLogic.js';
import { deleteRefusal, refusalReason } from '../machines/refusalReason.js';
import { type CampaignStore, type Change, type WebhookStore } from '../persistence/CampaignStore.js';
import type {
  CampaignChange,
  CampaignListQuery,
  CampaignPage,
  ChangeListener,
  CountsQuery,
  CreateOptions,
  DeleteOptions,
  FeedOptions,
  ForecastItem,
  ParkedCampaignChange,
  ParsedInputs,
  RuntimeHealth,
  RuntimeOptions,
  SendOptions,
} from './CampaignRuntime.js';
import { commandDetail } from './campaignWrite.js';
import { fingerprint } from './fingerprint.js';
import { ChangeFeed } from './ChangeFeed.js';
import type { ConsumeHandler, Consumer, ConsumeOptions } from './Consumer.js';
import { Consumers } from './Consumers.js';
import { CampaignReads } from './CampaignReads.js';
import { type Clock, systemClock } from './Clock.js';
import { CampaignWriter, viewOf } from './CampaignWriter.js';
import {
  CampaignUnreadableError,
  ConflictError,
  NotFoundError,
  RuntimeStoppedError,
  StaleCampaignError,
  TransitionRejectedError,
  ValidationError,
} from './errors.js';

/** Attempts of a command whose write keeps losing races with other runtimes. */
const MAX_ATTEMPTS = 8;
import { GroupCommit } from './GroupCommit.js';
import { Idempotency } from './Idempotency.js';
import { Lanes } from './Lanes.js';
import { type LiveCampaign, LiveCampaigns } from './LiveCampaigns.js';
import { Quarantine } from './Quarantine.js';
import { TimerLoop } from './TimerLoop.js';

/**
 * The runtime behind the public façade: it composes the parts (lanes, live campaigns,
 * idempotency, writer, group commit, timer loop, change feed) and works on parsed values only.
 */
export class RuntimeCore implements ParsedInputs {
  readonly clock: Clock;
  readonly #store: CampaignStore;
  readonly #lanes: Lanes;
  readonly #live: LiveCampaigns;
  readonly #idempotency: Idempotency;
  readonly #commits: GroupCommit;
  readonly #writer: CampaignWriter;
  readonly #timers: TimerLoop;
  readonly #feed: ChangeFeed;
  readonly #quarantine: Quarantine;
  #stopped = false;
  #unwatch: (() => void) | null = null;
  readonly #consumers: Consumers;
  readonly #reads: CampaignReads;

  constructor(options: RuntimeOptions) {
    const store = options.store;
    const onError = options.onError ?? ((error: unknown) => console.error('[campaign-lifecycle]', error));
    this.#store = store;
    this.clock = options.clock ?? systemClock;
    this.#lanes = new Lanes(() => this.#live.evict());
    this.#quarantine = new Quarantine(() => this.clock.now());
    this.#live = new LiveCampaigns({
      store,
      maxLive: options.maxLiveActors ?? 2_000,
      inspect: options.inspect,
      busy: (id) => this.#lanes.busy(id),
      quarantine: this.#quarantine,
      shared: store.sharing === 'shared',
    });
    this.#idempotency = new Idempotency(store);
    // on a shared store, what other runtimes commit outdates the actors cached here
    this.#feed = new ChangeFeed(
      store,
      onError,
      store.sharing === 'shared' ? (changes) => changes.forEach((change) => this.#live.outdated(change.campaignId, change.version)) : undefined,
    );
    this.#commits = new GroupCommit(store, (writes, seqs) => {
      const changes: Change[] = [];
      writes.forEach((write, i) => {
        if (write.change) changes.push({ ...write.change, preset: write.preset, seq: seqs[i]! });
      });
      this.#feed.committed(changes);
      this.#timers.committed(writes);
    });
    this.#writer = new CampaignWriter(this.#commits, this.#live);
    this.#consumers = new Consumers({ store, feed: this.#feed, clock: this.clock, owner: randomUUID(), onError });
    this.#timers = new TimerLoop({
      store,
      clock: this.clock,
      lanes: this.#lanes,
      live: this.#live,
      writer: this.#writer,
      commits: this.#commits,
      batchSize: options.timerBatchSize ?? 1_000,
      retry: options.timerRetry ?? { initialMs: 1_000, maxMs: 300_000 },
      onError,
    });
    this.#reads = new CampaignReads({
      store,
      live: this.#live,
      clock: this.clock,
      quarantine: this.#quarantine,
      timers: this.#timers,
      commits: this.#commits,
      consumers: this.#consumers,
    });  }

  get lastSeq(): number {
    return this.#feed.lastSeq;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Opens the store and fires every timer that fell due while nothing ran. */
  async open(): Promise<void> {
    await this.#store.open();
    await this.#feed.open();
    // runtimes sharing the store: follow their commits (the feed reads on, the timer loop re-arms)
    this.#unwatch =
      this.#store.watch?.((signal) => {
        if (signal.lastSeq !== null) this.#feed.advance(signal.lastSeq);
        if (signal.nextDueAt !== null) this.#timers.wake(signal.nextDueAt);
      }) ?? null;
    await this.#timers.fireDue();
  }

  async create(definition: CampaignDefinition, options: CreateOptions): Promise<CampaignView> {
    this.assertRunning();
    const print = options.commandId === undefined ? '' : fingerprint({ definition, id: options.id ?? null });
    return this.retried(() => this.#idempotency.run(options.commandId, { campaignId: null, type: 'CREATE', fingerprint: print }, () => {
      const id = options.id ?? randomUUID();
      return this.#lanes.run(id, async () => {
        if (this.#live.has(id) || (await this.#store.get(id))) {
          throw new ConflictError({ campaignId: id, message: `Campaign ${id} already exists` });
        }
        if (options.id !== undefined && (await this.#store.history(id, { limit: 1 })).length > 0) {
          throw new ConflictError({ campaignId: id, message: `The id ${id} belonged to a campaign that was deleted: ids are never reused` });
        }
        return this.insert(id, definition, options.commandId === undefined ? undefined : { commandId: options.commandId, fingerprint: print }, null);
      });
    }));
  }

  async send(id: string, command: CampaignCommand, options: z.output<typeof SendOptions>): Promise<CampaignView> {
    this.assertRunning();
    // the fingerprint is kept with a command id only: without one there is nothing to compare it with
    const print = options.commandId === undefined ? '' : fingerprint({ campaignId: id, command, expectedVersion: options.expectedVersion ?? null, source: options.source });
    return this.retried(() => this.#idempotency.run(options.commandId, { campaignId: id, type: command.type, fingerprint: print }, () =>
      this.onCampaign(id, options.expectedVersion, (live, now) => {
        const status = live.status;
        if (isSystemCommand(command.type) && options.source !== 'system') {
          return this.rejected(live, command.type, `${command.type} is a system command: only the system may send it`, now);
        }
        const event = { ...command, at: now } as CampaignEvent;
        const before = live.snapshot;
        if (campaignLogic.eventless(before)) {
          const reason = refusalReason(before, event);
          if (reason !== null) return this.rejected(live, command.type, reason, now);
          this.#live.send(live, event);
        } else if (this.#live.send(live, event) === before) {
          // nothing else could have moved it: the transition was refused — only now ask why
          return this.rejected(live, command.type, refusalReason(before, event) ?? `${command.type} is refused while the campaign is ${live.status}`, now);
        }
        return this.commandWritten(live, {
          event: command.type,
          source: options.source,
          from: status,
          at: now,
          dueAt: null,
          commandId: options.commandId ?? null,
          detail: commandDetail(command, before.context, live.snapshot.context),
          fingerprint: print,
        });
      }),
    ));
  }

  async delete(id: string, options: DeleteOptions): Promise<void> {
    this.assertRunning();
    const print = options.commandId === undefined ? '' : fingerprint({ campaignId: id, expectedVersion: options.expectedVersion ?? null });
    await this.retried(() => this.#idempotency.run(options.commandId, { campaignId: id, type: 'DELETE', fingerprint: print }, async () => {
      const entry = { event: 'DELETE', source: 'user' as const, dueAt: null, commandId: options.commandId ?? null, fingerprint: print };
      try {
        return await this.onCampaign(id, options.expectedVersion, (live, now) => {
          if (!capabilities(live.snapshot, live.timers).deletable) {
            return this.rejected(live, 'DELETE', deleteRefusal(live.preset, live.status), now);
          }
          const view = viewOf(live, now);
          return this.#writer.deleted(live, { ...entry, from: live.status, at: now, detail: null }, view).then(() => view);
        });
      } catch (error) {
        if (!(error instanceof CampaignUnreadableError)) throw error;
        // its status cannot be evaluated: an operator deletes a quarantined campaign whatever it was
        return this.#lanes.run(id, async () => {
          const record = await this.#store.get(id);
          if (!record) throw new NotFoundError(id);
          if (options.expectedVersion !== undefined && options.expectedVersion !== record.version) {
            throw new ConflictError({ campaignId: id, message: `Campaign ${id} is at version ${record.version}, not ${options.expectedVersion}`, expectedVersion: options.expectedVersion, actualVersion: record.version });
          }
          await this.#writer.deletedUnreadable(record, { ...entry, from: record.status, at: this.clock.now(), detail: { quarantined: error.reason } });
          this.#quarantine.release(id);
          return null;
        });
      }
    }));
  }

  async duplicate(id: string, patch: CampaignPatch): Promise<CampaignView> {
    this.assertRunning();
    const source = (await this.#reads.committed(id)).snapshot.context;
    const definition: CampaignDefinition = {
      preset: source.preset,
      name: patch.name ?? source.name,
      timezone: patch.timezone !== undefined ? patch.timezone : source.timezone,
      audience: patch.audience !== undefined ? patch.audience : source.audience,
      products: patch.products ?? source.products,
      labels: [...new Set(patch.labels ?? source.labels)],
      content: patch.content !== undefined ? patch.content : source.content,
      recurrence: patch.recurrence !== undefined ? patch.recurrence : source.recurrence,
      onResume: patch.onResume ?? source.onResume ?? 'keep',
      startAt: patch.startAt ?? null,
      endAt: patch.endAt ?? null,
      visibleAt: patch.visibleAt ?? null,
    };
    const problems = [...presetFieldProblems(definition.preset, definition), ...definitionProblems(definition)];
    if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ code: 'custom', input: undefined, ...p })), 'duplicate');
    const copyId = randomUUID();
    return this.#lanes.run(copyId, () => this.insert(copyId, definition, undefined, { duplicatedFrom: id }));
  }

  get = (id: string): Promise<CampaignView> => this.reading(() => this.#reads.get(id));
  listPage = (query: CampaignListQuery & { limit: number }): Promise<CampaignPage> => this.reading(() => this.#reads.listPage(query));
  list = (query: CampaignListQuery): Promise<CampaignView[]> => this.reading(() => this.#reads.list(query));
  counts = (filter: CountsQuery): Promise<Record<string, number>> => this.reading(() => this.#reads.counts(filter));
  history = (id: string): Promise<CampaignChange[]> => this.reading(() => this.#reads.history(id));
  forecast = (id: string): Promise<ForecastItem[]> => this.reading(() => this.#reads.forecast(id));
  admit = (id: string, input: AdmitInput): Promise<Admission> => this.reading(() => this.#reads.admit(id, input));
  health = (): Promise<RuntimeHealth> => this.reading(() => this.#reads.health());

  private async reading<T>(read: () => Promise<T>): Promise<T> {
    this.assertRunning();
    return read();
  }

  /** Subscribes to the change feed; `after` must not be ahead of it (the façade and the service check). */
  subscribe(listener: ChangeListener, options: FeedOptions = {}): () => void {
    this.assertRunning();
    return this.#feed.subscribe(listener, options);
  }

  consume(name: string, handler: ConsumeHandler, options: z.output<typeof ConsumeOptions>): Consumer {
    this.assertRunning();
    return this.#consumers.start(name, handler, options);
  }

  parked = (name: string): Promise<ParkedCampaignChange[]> => this.reading(() => this.#consumers.parked(name));
  retryParked = (name: string, seq: number): Promise<boolean> => this.reading(() => this.#store.retryParked(name, seq));
  consumers = (): Promise<RuntimeHealth['consumers']> => this.reading(() => this.#consumers.health(this.clock.now()));
  removeConsumer = (name: string): Promise<boolean> => this.reading(() => this.#consumers.remove(name));

  /** The store's webhook tables, each call checked against a stopped runtime. */
  readonly webhookStore: WebhookStore = {
    webhookEndpoints: () => this.reading(() => this.#store.webhookEndpoints()),
    addWebhookEndpoint: (endpoint) => this.reading(() => this.#store.addWebhookEndpoint(endpoint)),
    removeWebhookEndpoint: (id) => this.reading(() => this.#store.removeWebhookEndpoint(id)),
    recordDeliveries: (deliveries) => this.reading(() => this.#store.recordDeliveries(deliveries)),
    deliveries: (endpointId, limit) => this.reading(() => this.#store.deliveries(endpointId, limit)),
  };

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    // consumers first: they finish the change in hand and record where they are
    await this.#consumers.stop();
    this.#unwatch?.();
    await this.#timers.stop();
    await this.#lanes.settled();
    await this.#commits.drain();
    this.#feed.stop();
    this.#live.clear();
    await this.#store.close();
  }

  /** Releases what was taken when `open` fails. */
  abandon(): void {
    this.#stopped = true;
  }

  assertRunning(): void {
    if (this.#stopped) throw new RuntimeStoppedError();
  }

  /**
   * Runs `act` on a campaign inside its lane, after loading it, firing the dates already due and
   * checking `expectedVersion`. `act` returns the refusal (an Error) or the write's promise; a
   * refusal is thrown only once the dates that just fired are durable, since it describes them.
   */
  private onCampaign<T>(id: string, expectedVersion: number | undefined, act: (live: LiveCampaign, now: number) => Error | Promise<T>): Promise<T> {
    return this.#lanes.run(id, async () => {
      const live = await this.#live.load(id, false);
      const now = this.clock.now();
      const fired = this.#timers.applyDue(live, now);
      const outcome =
        expectedVersion !== undefined && expectedVersion !== live.version
          ? new ConflictError({
              campaignId: live.id,
              message: `Campaign ${live.id} is at version ${live.version}, not ${expectedVersion}`,
              expectedVersion,
              actualVersion: live.version,
            })
          : act(live, now);
      if (outcome instanceof Error) {
        await Promise.allSettled(fired);
        // a refusal writes nothing, so no version check stands behind it: ask the store
        if (!(await this.#live.isCurrent(live))) throw new StaleCampaignError({ campaignId: id, message: `Campaign ${id} changed in another runtime` });
        throw outcome;
      }
      return outcome;
    });
  }

  /**
   * Runs a command again on the fresh state when its write lost a race with another runtime
   * sharing the store (bounded); a command id the winner recorded then answers its first result.
   */
  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof StaleCampaignError) || n >= MAX_ATTEMPTS || this.#store.sharing !== 'shared') throw error;
      }
    }
  }

  private rejected(live: LiveCampaign, command: string, reason: string, now: number): TransitionRejectedError {
    const allowed = commandsNow(live.snapshot, now).actions;
    return new TransitionRejectedError({ campaignId: live.id, status: live.status, command, allowed, reason });
  }

  private insert(id: string, definition: CampaignDefinition, command: { commandId: string; fingerprint: string } | undefined, detail: unknown): Promise<CampaignView> {
    const now = this.clock.now();
    const live = this.#live.create(id, definition, now);
    return this.commandWritten(live, {
      event: 'CREATE',
      source: 'user',
      from: null,
      at: now,
      dueAt: null,
      commandId: command?.commandId ?? null,
      detail,
      fingerprint: command?.fingerprint,
    });
  }

  private async commandWritten(live: LiveCampaign, transition: Parameters<CampaignWriter['transitioned']>[1]): Promise<CampaignView> {
    const view = await this.#writer.transitioned(live, transition);
    if (!view) throw new Error('A command always yields a view');
    return view;
  }
}
