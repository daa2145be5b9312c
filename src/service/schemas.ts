import { z } from 'zod';
import type { StateValue } from 'xstate';
import type { CampaignChange, CampaignView, ForecastItem, RuntimeHealth } from '../index.js';
import {
  Audience,
  CampaignCommand,
  CampaignPatch,
  Content,
  Instant,
  PHASES,
  PresetName,
  Product,
  Recurrence,
  TIMERS,
  USER_COMMANDS,
} from '../machines/index.js';

/** Query of `GET /api/campaigns`: filters and one page. */
export const ListQuery = z.strictObject({
  status: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(20)]).optional(),
  preset: PresetName.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().min(1).max(500).optional(),
});

export const CountsQuery = z.strictObject({ preset: PresetName.optional() });

export const ChangesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
});

/** Body of `POST /api/campaigns/:id/admit`. */
export const AdmitBody = z.strictObject({
  memberId: z.string().trim().min(1).max(200),
  inviteExpiresAt: Instant.nullable().optional(),
});

/** `DELETE` as a bulk command. */
export const DeleteCommand = z.strictObject({ type: z.literal('DELETE') });

/** Body of `POST /api/campaigns/bulk`: one command for many campaigns. */
export const BulkBody = z.strictObject({
  ids: z.array(z.string().min(1).max(200)).min(1).max(200),
  command: z.union([CampaignCommand, DeleteCommand]),
});

export const DuplicateBody = CampaignPatch;

const Iso = z.string().meta({ format: 'date-time' });

const StateValueSchema: z.ZodType<StateValue> = z.lazy(() =>
  z.union([z.string(), z.record(z.string(), StateValueSchema)]),
);

const UserCommandType = z.enum(USER_COMMANDS);

/** A campaign as the API returns it (`CampaignView`). */
export const CampaignViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    preset: PresetName,
    status: z.string().meta({ description: "The preset's status label" }),
    state: StateValueSchema.meta({ description: "The statechart's state value" }),
    intake: z.enum(['accepting', 'closed', 'frozen']).nullable(),
    acceptsAudience: z.boolean(),
    processing: z.boolean(),
    visible: z.boolean(),
    actions: z.array(UserCommandType).meta({ description: 'User commands accepted now' }),
    refusals: z
      .partialRecord(z.union([UserCommandType, z.literal('DELETE')]), z.string())
      .meta({ description: 'Why each other command (and DELETE, when refused) is refused now' }),
    editable: z.enum(['full', 'restricted', 'none']),
    deletable: z.boolean(),
    startAt: Iso.nullable(),
    endAt: Iso.nullable(),
    visibleAt: Iso.nullable(),
    timezone: z.string().nullable(),
    audience: Audience.nullable(),
    products: z.array(Product),
    labels: z.array(z.string()),
    content: Content,
    recurrence: Recurrence.nullable(),
    occurrence: z.object({ start: Iso, end: Iso }).nullable(),
    pauses: z.array(z.object({ from: Iso, to: Iso.nullable() })),
    fault: z.object({ reason: z.string(), at: Iso }).nullable(),
    version: z.number().int(),
    definitionVersion: z.number().int(),
    nextTimer: z.object({ event: z.string(), at: Iso }).nullable(),
    createdAt: Iso,
    updatedAt: Iso,
    asOf: Iso.meta({ description: 'The instant the view describes' }),
  })
  .meta({ id: 'CampaignView' });

export const CampaignChangeSchema = z
  .object({
    seq: z.number().int(),
    campaignId: z.string(),
    version: z.number().int(),
    at: Iso,
    dueAt: Iso.nullable().meta({ description: 'For timers: when it was due (`at` is when it fired)' }),
    event: z.string(),
    source: z.enum(['user', 'timer', 'system']),
    from: z.string().nullable(),
    to: z.string().nullable(),
    commandId: z.string().nullable(),
    detail: z.unknown(),
  })
  .meta({ id: 'CampaignChange' });

export const ForecastItemSchema = z
  .object({ at: Iso, event: z.string(), timer: z.enum(TIMERS), from: z.string(), to: z.string() })
  .meta({ id: 'ForecastItem' });

export const HealthSchema = z
  .object({
    ok: z.boolean(),
    now: Iso,
    pendingTimers: z.number().int(),
    overdueTimers: z.number().int(),
    oldestOverdue: Iso.nullable(),
    nextTimerAt: Iso.nullable(),
    lag: z.object({
      samples: z.number().int(),
      p50: z.number().nullable(),
      p99: z.number().nullable(),
      max: z.number().nullable(),
    }),
    liveActors: z.number().int(),
    pendingWrites: z.number().int(),
  })
  .meta({ id: 'Health' });

export const ErrorSchema = z
  .object({
    error: z.string().meta({
      description:
        'ValidationError, NotFoundError, TransitionRejectedError, ConflictError, RuntimeStoppedError, ShuttingDown, MalformedJson, PayloadTooLarge, UnsupportedMediaType, Unauthorized, RouteNotFound, InternalError',
    }),
    message: z.string(),
    issues: z.array(z.unknown()).optional(),
    campaignId: z.string().optional(),
    status: z.string().optional(),
    command: z.string().optional(),
    allowed: z.array(z.string()).optional(),
    reason: z.string().optional(),
    expectedVersion: z.number().int().nullable().optional(),
    actualVersion: z.number().int().nullable().optional(),
  })
  .meta({ id: 'Error' });

export const PageSchema = z.object({ items: z.array(CampaignViewSchema), next: z.string().nullable() });
export const CountsSchema = z.record(z.string(), z.number().int());
export const HistorySchema = z.object({ items: z.array(CampaignChangeSchema) });
export const ForecastSchema = z.object({ items: z.array(ForecastItemSchema) });
export const AdmitResultSchema = z.object({ admitted: z.boolean(), reason: z.string().optional() });

export const BulkResultSchema = z.object({
  results: z.array(
    z.union([
      z.object({ id: z.string(), ok: z.literal(true), campaign: CampaignViewSchema.nullable() }),
      z.object({ id: z.string(), ok: z.literal(false), httpStatus: z.number().int(), error: ErrorSchema }),
    ]),
  ),
});

export const PresetInfoSchema = z.object({
  name: PresetName,
  title: z.string(),
  statuses: z.array(z.string()),
  commands: z.array(UserCommandType),
  activation: z.enum(['ACTIVATE', 'PUBLISH']),
  requires: z.array(z.enum(['audience', 'products', 'dates'])).meta({ description: 'What activation needs' }),
  fields: z.object({ startAt: z.boolean(), visibleAt: z.boolean(), recurrence: z.boolean() }),
});

interface StateNodeInfo {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  events: string[];
  timers: string[];
  children: StateNodeInfo[];
}

const StateNodeSchema: z.ZodType<StateNodeInfo> = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
    events: z.array(z.string()),
    timers: z.array(z.string()),
    children: z.array(StateNodeSchema),
  }),
);

export const StatechartSchema = z.object({
  root: StateNodeSchema,
  presets: z.record(
    PresetName,
    z.object({
      phases: z.array(z.object({ phase: z.enum(PHASES), status: z.string(), nodes: z.array(z.string()) })),
    }),
  ),
});
export type Statechart = z.output<typeof StatechartSchema>;
export type StateNodeTree = StateNodeInfo;

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Assert<T extends true> = T;
/** Compile-time guard: the documented response schemas name exactly the runtime types' fields. */
export type ResponseSchemasMatch = [
  Assert<SameKeys<z.output<typeof CampaignViewSchema>, CampaignView>>,
  Assert<SameKeys<z.output<typeof CampaignChangeSchema>, CampaignChange>>,
  Assert<SameKeys<z.output<typeof ForecastItemSchema>, ForecastItem>>,
  Assert<SameKeys<z.output<typeof HealthSchema>, RuntimeHealth>>,
];
