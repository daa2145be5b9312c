import type { InspectionEvent, Observer } from 'xstate';
import { z } from 'zod';
import type { Admission, AdmitInput } from '../machines/admission.js';
import type { CampaignCommand, CampaignCommandInput } from '../machines/CampaignCommand.js';
import type { CampaignDefinition, CampaignDefinitionInput, CampaignPatch } from '../machines/CampaignDefinition.js';
import type { CampaignView } from '../machines/CampaignView.js';
import { TIMERS } from '../machines/commands.js';
import { PresetName } from '../machines/Preset.js';
import type { CampaignStore } from '../persistence/CampaignStore.js';
import type { Clock } from './Clock.js';

/**
 * The runtime's contract: its options, the inputs it validates (zod schemas, each sharing its
 * name with its type) and what it answers. `openCampaignRuntime` implements it.
 *
 * @module
 */

/** Receives every XState inspection event of every hosted actor. */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** What the runtime is made of. */
export interface RuntimeOptions {
  /** Where campaigns live. */
  store: CampaignStore;
  /** Default: the system clock. Tests pass `createManualClock(...)`. */
  clock?: Clock;
  /** Receives every inspection event of every hosted actor (see `connectInspector` for the Stately inspector). */
  inspect?: InspectOption;
  /**
   * Live actors kept in memory (default 2 000, ≈ 7 KB each); idle ones beyond this are evicted
   * and restored from the store on demand. Size it to the campaigns that are busy at once.
   */
  maxLiveActors?: number;
  /** Due timers loaded per batch (default 1 000). */
  timerBatchSize?: number;
  /** Errors that have no caller to go to (a failing subscriber, a background commit). */
  onError?: (error: unknown) => void;
  /** Called once the runtime has stopped: release what was opened for it (an inspector connection). */
  onStop?: () => void | Promise<void>;
}

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

/** Filters of `list`: statuses (one or several), a preset, and one page. */
export const CampaignListQuery = z.strictObject({
  status: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  preset: PresetName.optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  after: z.string().min(1).optional(),
});
export type CampaignListQuery = z.output<typeof CampaignListQuery>;

export const CountsQuery = z.strictObject({ preset: PresetName.optional() });
export type CountsQuery = z.output<typeof CountsQuery>;

export const SubscribeOptions = z.strictObject({ after: z.number().int().min(0).optional() });
export type SubscribeOptions = z.output<typeof SubscribeOptions>;

const Iso = z.string().meta({ format: 'date-time' });

/** One entry of a campaign's history, and one item of the change feed. */
export const CampaignChange = z
  .object({
    seq: z.number().int().meta({ description: 'Global, strictly increasing sequence number' }),
    campaignId: z.string(),
    version: z.number().int().meta({ description: "The campaign's version after the change" }),
    at: Iso.meta({ description: 'When it was applied (for a timer: when it fired)' }),
    dueAt: Iso.nullable().meta({ description: 'For a timer: when it was due' }),
    event: z.string().meta({ description: 'Command type, timer name (startAt, endAt, …), CREATE or DELETE' }),
    source: z.enum(['user', 'timer', 'system']),
    from: z.string().nullable().meta({ description: 'Status before (null on create)' }),
    to: z.string().nullable().meta({ description: 'Status after (null on delete)' }),
    commandId: z.string().nullable(),
    detail: z.unknown().meta({ description: "Details: an UPDATE's patch, a fault's reason, …" }),
  })
  .meta({ id: 'CampaignChange' });
export type CampaignChange = z.output<typeof CampaignChange>;

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
  })
  .meta({ id: 'Health' });
export type RuntimeHealth = z.output<typeof RuntimeHealth>;

export type ChangeListener = (change: CampaignChange) => void | Promise<void>;

/** A page of `list`: pass `next` back as `after` for the following page (null on the last). */
export interface CampaignPage {
  items: CampaignView[];
  next: string | null;
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
}
