import type { InspectionEvent, Observer } from 'xstate';
import { z } from 'zod';
import type { Admission, AdmitInput } from '../machines/admission.js';
import type { CampaignCommand, CampaignCommandInput } from '../machines/CampaignCommand.js';
import type { CampaignDefinition, CampaignDefinitionInput, CampaignPatch } from '../machines/CampaignDefinition.js';
import type { CampaignView } from '../machines/CampaignView.js';
import { TIMERS } from '../machines/commands.js';
import { PresetName } from '../machines/Preset.js';
import { type CampaignStore, isCursor, type WebhookStore } from '../persistence/CampaignStore.js';
import type { Clock } from './Clock.js';
import type { CampaignChange, ChangeListener, FeedOptions, ParkedCampaignChange } from './CampaignChange.js';
import type { ConsumeHandler, ConsumeOptions, Consumer } from './Consumer.js';

export { CampaignChange, type ChangeListener, type FeedOptions, ParkedCampaignChange } from './CampaignChange.js';

/**
 * The runtime's contract: its options, the inputs it validates (zod schemas, each sharing its
 * name with its type) and what it answers. `openCampaignRuntime` implements it.
 *
 * @module
 */

/** Receives every XState inspection event of every hosted actor. */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

const isFunction = (value: unknown) => typeof value === 'function';
const hasMethods = (...names: string[]) => (value: unknown) =>
  typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

/** What the runtime is made of; every field is checked (a `ValidationError` opens nothing). */
export const RuntimeOptions = z.strictObject({
  /** Where campaigns live. */
  store: z.custom<CampaignStore>(hasMethods('open', 'close', 'commit', 'get', 'list', 'dueTimers', 'changes'), 'store must be a CampaignStore (sqliteStore(), memoryStore(), …)'),
  /** Default: the system clock. Tests pass `createManualClock(...)`. */
  clock: z.custom<Clock>(hasMethods('now', 'setTimeout', 'clearTimeout'), 'clock must have now, setTimeout and clearTimeout').optional(),
  /** Receives every inspection event of every hosted actor (see `connectInspector` for the Stately inspector). */
  inspect: z
    .custom<InspectOption>((value) => isFunction(value) || hasMethods('next')(value), 'inspect must be a function or an observer with next')
    .optional(),
  /**
   * Live actors kept in memory (default 2 000, ≈ 7 KB each); idle ones beyond this are evicted
   * and restored from the store on demand. Size it to the campaigns that are busy at once.
   */
  maxLiveActors: z.number().int().min(0).max(1_000_000).optional(),
  /** Due timers loaded per batch (default 1 000). */
  timerBatchSize: z.number().int().min(1).max(100_000).optional(),
  /**
   * A campaign whose due timer cannot be saved is retried after `initialMs`, doubling up to
   * `maxMs` (defaults 1 s and 5 min); other campaigns' timers go on.
   */
  timerRetry: z
    .strictObject({ initialMs: z.number().int().min(1).max(60_000), maxMs: z.number().int().min(1).max(86_400_000) })
    .refine((r) => r.maxMs >= r.initialMs, 'maxMs must not be below initialMs')
    .optional(),
  /** Errors that have no caller to go to (a failing subscriber, a background commit). */
  onError: z.custom<(error: unknown) => void>(isFunction, 'onError must be a function').optional(),
  /** Called once the runtime has stopped: release what was opened for it (an inspector connection). */
  onStop: z.custom<() => void | Promise<void>>(isFunction, 'onStop must be a function').optional(),
});
export type RuntimeOptions = z.output<typeof RuntimeOptions>;

/** A command id: the idempotency key of one command. */
export const CommandId = z.string().trim().min(1).max(200).meta({ description: 'Idempotency key: a retry with the same id returns the first result' });

export const SendOptions = z.strictObject({
  /** Idempotency key: a retry with the same id returns the first result. */
  commandId: CommandId.optional(),
  /** Optimistic concurrency: refuse with ConflictError unless the campaign is at this version. */
  expectedVersion: z.number().int().min(1).optional(),
  source: z.enum(['user', 'system']).default('user'),
});
/** What a caller passes (`source` defaults to `user`). */
export type SendOptions = z.input<typeof SendOptions>;

export const DeleteOptions = SendOptions.pick({ expectedVersion: true, commandId: true });
export type DeleteOptions = z.output<typeof DeleteOptions>;

export const CreateOptions = z.strictObject({
  commandId: CommandId.optional(),
  /** Choose the campaign's id (default: a random UUID). */
  id: z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'id may contain letters, digits, _ . : -').optional(),
});
export type CreateOptions = z.output<typeof CreateOptions>;

/** The fields of {@link CampaignListQuery} (a host's own list query extends these, then applies {@link listQueryRule}). */
export const CampaignListFields = z.strictObject({
  status: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  preset: PresetName.optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  after: z.string().min(1).max(500).optional().meta({ description: 'The `next` of the previous page' }),
  search: z.string().trim().min(1).max(100).optional().meta({ description: 'Only campaigns whose name or one of whose labels contains this text (any case)' }),
  sort: z
    .enum(['createdAt', 'name', 'preset', 'status', 'startAt', 'endAt'])
    .optional()
    .meta({ description: 'Order of the list (default createdAt: newest first); campaigns without the date sort last' }),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'With sort: ascending (default) or descending' }),
});

/** Whether a list query asks for another order than the store's (newest first): its pages are then offsets. */
export const isSortedQuery = (query: { sort?: string | undefined; order?: string | undefined }): boolean =>
  query.sort !== undefined && !(query.sort === 'createdAt' && query.order !== 'asc');

/** `after` is a list cursor, or an offset when the list is sorted; `order` only with `sort`. */
export function listQueryRule(query: { after?: string | undefined; sort?: string | undefined; order?: string | undefined }, ctx: z.RefinementCtx): void {
  if (query.order !== undefined && query.sort === undefined) ctx.addIssue({ code: 'custom', path: ['order'], message: 'order needs sort' });
  if (query.after === undefined) return;
  const sorted = isSortedQuery(query);
  if (sorted ? !/^\d{1,6}$/.test(query.after) : !isCursor(query.after)) ctx.addIssue({ code: 'custom', path: ['after'], message: 'after must be the `next` of a previous page of the same list' });
}

/** Filters of `list`: statuses (one or several), a preset, a search text, an order, and one page. */
export const CampaignListQuery = CampaignListFields.superRefine(listQueryRule);
export type CampaignListQuery = z.output<typeof CampaignListQuery>;

export const CountsQuery = z.strictObject({ preset: PresetName.optional() });
export type CountsQuery = z.output<typeof CountsQuery>;

export const SubscribeOptions = z.strictObject({ after: z.number().int().min(0).optional() });
export type SubscribeOptions = z.output<typeof SubscribeOptions>;

const Iso = z.string().meta({ format: 'date-time' });

export const ForecastItem = z
  .object({
    at: Iso,
    event: z.string().meta({ description: 'The date that falls due: startAt, visibleAt, endAt, occurrenceStart or occurrenceEnd' }),
    timer: z.enum(TIMERS),
    from: z.string(),
    to: z.string(),
  })
  .meta({ id: 'ForecastItem' });
export type ForecastItem = z.output<typeof ForecastItem>;

export const RuntimeHealth = z
  .object({
    ok: z.boolean(),
    now: Iso,
    pendingTimers: z.number().int(),
    overdueTimers: z.number().int(),
    oldestOverdue: Iso.nullable(),
    nextTimerAt: Iso.nullable(),
    lag: z
      .object({
        samples: z.number().int(),
        p50: z.number().nullable(),
        p99: z.number().nullable(),
        max: z.number().nullable(),
      })
      .meta({ description: 'Firing lag (fired − due) of recent timers, in ms' }),
    liveActors: z.number().int(),
    pendingWrites: z.number().int(),
    quarantined: z
      .array(z.object({ campaignId: z.string(), reason: z.string(), since: Iso }))
      .meta({ description: 'Campaigns whose stored record cannot be read: left out of lists, timers held, until repaired or deleted' }),
    retrying: z
      .object({
        count: z.number().int(),
        campaigns: z.array(z.object({ campaignId: z.string(), attempts: z.number().int(), retryAt: Iso, reason: z.string() })),
      })
      .meta({ description: 'Campaigns whose due timers could not be saved, waiting for their next attempt (the first 100)' }),
    consumers: z
      .array(
        z.object({
          name: z.string(),
          cursor: z.number().int().meta({ description: 'Every change up to this sequence number was handled (or parked)' }),
          lag: z.object({
            changes: z.number().int().meta({ description: 'Changes in the feed after the cursor (filtered out ones included)' }),
            seconds: z.number().nullable().meta({ description: 'Age of the oldest change after the cursor; null when caught up' }),
          }),
          parked: z.number().int().meta({ description: 'Changes given up after their attempts, waiting to be retried by hand' }),
          held: z.enum(['here', 'elsewhere', 'nobody']).meta({ description: 'Which runtime holds the consumer now' }),
        }),
      )
      .meta({ description: 'Durable consumers of the feed, stored in this store' }),
  })
  .meta({ id: 'Health' });
export type RuntimeHealth = z.output<typeof RuntimeHealth>;



/** A page of `list`: pass `next` back as `after` for the following page (null on the last). */
export interface CampaignPage {
  items: CampaignView[];
  next: string | null;
  /** Campaigns of this page whose stored record cannot be read (quarantined), left out of `items`. */
  unreadable: { id: string; reason: string }[];
}

/**
 * The public API of a running campaign runtime. Every method validates its input (a
 * `ValidationError` writes nothing).
 */
export interface CampaignRuntime {
  create(definition: CampaignDefinitionInput, options?: z.input<typeof CreateOptions>): Promise<CampaignView>;
  send(id: string, command: CampaignCommandInput, options?: z.input<typeof SendOptions>): Promise<CampaignView>;
  get(id: string): Promise<CampaignView>;
  /** Campaigns, newest first (all of them unless `limit` is given). */
  list(query?: z.input<typeof CampaignListQuery>): Promise<CampaignView[]>;
  /** One page of `list`. */
  listPage(query: z.input<typeof CampaignListQuery> & { limit: number }): Promise<CampaignPage>;
  counts(filter?: z.input<typeof CountsQuery>): Promise<Record<string, number>>;
  history(id: string): Promise<CampaignChange[]>;
  duplicate(id: string, overrides?: z.input<typeof CampaignPatch>): Promise<CampaignView>;
  delete(id: string, options?: z.input<typeof DeleteOptions>): Promise<void>;
  admit(id: string, input: z.input<typeof AdmitInput>): Promise<Admission>;
  subscribe(listener: ChangeListener, options?: z.input<typeof SubscribeOptions>): () => void;
  forecast(id: string): Promise<ForecastItem[]>;
  health(): Promise<RuntimeHealth>;
  /**
   * A durable named consumer: `handler` gets every change of the feed (filtered), at least once
   * and in feed order per campaign; its cursor is stored (so it resumes where it stopped after a
   * restart), failures are retried with backoff and parked after `maxAttempts`, and on a shared
   * store one runtime at a time runs it. Runs until `stop()` (or the runtime's).
   */
  consume(name: string, handler: ConsumeHandler, options?: ConsumeOptions): Consumer;
  /** A consumer's parked changes, oldest first, with the changes themselves. */
  parked(name: string): Promise<ParkedCampaignChange[]>;
  /** The durable consumers the store knows (as in `health().consumers`), without the timer statistics health also reads. */
  consumers(): Promise<RuntimeHealth['consumers']>;
  /** Asks the consumer's holder to deliver a parked change again; false when it is not parked. */
  retryParked(name: string, seq: number): Promise<boolean>;
  /**
   * Retires a consumer: stops it here and forgets its cursor and parked changes (a consumer of
   * that name started later begins afresh). Stop it in other runtimes first; false when the store had none.
   */
  removeConsumer(name: string): Promise<boolean>;
  /** The store's webhook endpoints and delivery log (the HTTP service delivers webhooks with a consumer per endpoint). */
  readonly webhookStore: WebhookStore;
  /** Sequence number of the last committed change. */
  readonly lastSeq: number;
  readonly clock: Clock;
  stop(): Promise<void>;
}

/**
 * The same operations on values already parsed with the runtime's schemas, for a host that
 * validates at its own boundary (the HTTP service parses each request once): nothing is parsed
 * again. Get it with `parsedInputs(runtime)`.
 */
export interface ParsedInputs {
  create(definition: CampaignDefinition, options: CreateOptions): Promise<CampaignView>;
  send(id: string, command: CampaignCommand, options: z.output<typeof SendOptions>): Promise<CampaignView>;
  listPage(query: CampaignListQuery & { limit: number }): Promise<CampaignPage>;
  counts(filter: CountsQuery): Promise<Record<string, number>>;
  duplicate(id: string, overrides: CampaignPatch): Promise<CampaignView>;
  delete(id: string, options: DeleteOptions): Promise<void>;
  admit(id: string, input: AdmitInput): Promise<Admission>;
  /** The change feed with the fan-out's options (`maxLag`, `onLagged`); `after` must not be ahead of `lastSeq`. */
  subscribe(listener: ChangeListener, options: FeedOptions): () => void;
  readonly lastSeq: number;
}
