import type { InspectionEvent, Observer } from 'xstate';
import { z } from 'zod';
import type { CampaignCommandInput } from '../machines/CampaignCommand.js';
import { type CampaignDefinitionInput, CampaignPatch } from '../machines/CampaignDefinition.js';
import { Instant } from '../machines/Instant.js';
import { PresetName } from '../machines/Preset.js';
import type { TimerKey } from '../machines/commands.js';
import type { CampaignStore, ChangeSource } from '../persistence/CampaignStore.js';
import type { CampaignView } from './CampaignView.js';
import type { Clock } from './Clock.js';

/**
 * The runtime's contract: its options, the inputs it validates (zod, same name as their type)
 * and what it answers. The implementation is `createCampaignRuntime`.
 *
 * @module
 */

/** Receives every XState inspection event of every hosted actor. */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

export interface CampaignRuntimeOptions {
  /** Where campaigns live. Default: `sqliteStore()` at `./data/campaigns.db`. */
  store?: CampaignStore;
  /** Default: the system clock. Tests pass `createManualClock(...)`. */
  clock?: Clock;
  /**
   * Inspect every hosted actor: `{ url }` of a Stately inspector WebSocket server (e.g.
   * `createInspectorServer` from `@statelyai/inspect/server`; the runtime connects, reconnects and
   * disconnects on `stop()`), or any inspection observer.
   */
  inspect?: InspectOption | { url: string };
  /**
   * Live actors kept in memory (default 2 000, ≈ 7 KB each); idle ones beyond this are evicted
   * and restored from the store on demand. Size it to the campaigns that are busy at once.
   */
  maxLiveActors?: number;
  /** Due timers loaded per batch (default 1 000). */
  timerBatchSize?: number;
  /** Errors that have no caller to go to (a failing subscriber, a background commit). */
  onError?: (error: unknown) => void;
}

export const SendOptions = z.strictObject({
  /** Idempotency key: a retry with the same id returns the first result. */
  commandId: z.string().trim().min(1).max(200).optional(),
  /** Optimistic concurrency: refuse with ConflictError unless the campaign is at this version. */
  expectedVersion: z.number().int().min(1).optional(),
  source: z.enum(['user', 'system']).default('user'),
});
export type SendOptions = z.input<typeof SendOptions>;

export const CreateOptions = z.strictObject({
  commandId: z.string().trim().min(1).max(200).optional(),
  /** Choose the campaign's id (default: a random UUID). */
  id: z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'id may contain letters, digits, _ . : -').optional(),
});
export type CreateOptions = z.input<typeof CreateOptions>;

export const CampaignListQuery = z.strictObject({
  status: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  preset: PresetName.optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  after: z.string().min(1).optional(),
});
export type CampaignListQuery = z.input<typeof CampaignListQuery>;

export const DuplicateOverrides = CampaignPatch.optional();
export type DuplicateOverrides = z.input<typeof CampaignPatch>;

export const AdmitInput = z.strictObject({
  memberId: z.string().trim().min(1).max(200),
  inviteExpiresAt: Instant.nullable().optional(),
});
export type AdmitInput = z.input<typeof AdmitInput>;

/** One entry of a campaign's history, and one item of the change feed. */
export interface CampaignChange {
  seq: number;
  campaignId: string;
  version: number;
  at: string;
  dueAt: string | null;
  event: string;
  source: ChangeSource;
  from: string | null;
  to: string | null;
  commandId: string | null;
  detail: unknown;
}

export interface ForecastItem {
  at: string;
  /** The date that falls due: startAt, visibleAt, endAt, occurrenceStart or occurrenceEnd. */
  event: string;
  timer: TimerKey;
  from: string;
  to: string;
}

export interface RuntimeHealth {
  ok: boolean;
  now: string;
  pendingTimers: number;
  overdueTimers: number;
  oldestOverdue: string | null;
  nextTimerAt: string | null;
  /** Firing lag (fired − due) of recent timers, in ms. */
  lag: { samples: number; p50: number | null; p99: number | null; max: number | null };
  liveActors: number;
  pendingWrites: number;
}

export type ChangeListener = (change: CampaignChange) => void | Promise<void>;

/** The public API of a running campaign runtime. */
export interface CampaignRuntime {
  create(definition: CampaignDefinitionInput, options?: CreateOptions): Promise<CampaignView>;
  send(id: string, command: CampaignCommandInput, options?: SendOptions): Promise<CampaignView>;
  get(id: string): Promise<CampaignView>;
  /** Campaigns, newest first (all of them unless `limit` is given). */
  list(query?: CampaignListQuery): Promise<CampaignView[]>;
  /** One page of `list`: pass `next` back as `after` for the following page (null on the last). */
  listPage(query: CampaignListQuery & { limit: number }): Promise<{ items: CampaignView[]; next: string | null }>;
  counts(filter?: { preset?: PresetName }): Promise<Record<string, number>>;
  history(id: string): Promise<CampaignChange[]>;
  duplicate(id: string, overrides?: DuplicateOverrides): Promise<CampaignView>;
  delete(id: string, options?: Pick<SendOptions, 'expectedVersion' | 'commandId'>): Promise<void>;
  admit(id: string, input: AdmitInput): Promise<{ admitted: boolean; reason?: string }>;
  subscribe(listener: ChangeListener, options?: { after?: number }): () => void;
  forecast(id: string): Promise<ForecastItem[]>;
  health(): Promise<RuntimeHealth>;
  /** Sequence number of the last committed change. */
  readonly lastSeq: number;
  readonly clock: Clock;
  stop(): Promise<void>;
}
