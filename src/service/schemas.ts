import { z } from 'zod';
import { CampaignChange, CampaignListFields, CommandId, ForecastItem, listQueryRule } from '../actors/CampaignRuntime.js';
import { CampaignCommand } from '../machines/CampaignCommand.js';
import { CalendarEntry } from '../machines/calendar.js';
import { CampaignView } from '../machines/CampaignView.js';
import { USER_COMMANDS } from '../machines/commands.js';
import { PHASES } from '../machines/phase.js';
import { PRESET_NAMES, PresetName } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';

/*
 * The shapes only HTTP has. Campaign definitions, commands, views, changes and the runtime's
 * options have one source each (src/machines, src/actors); the routes validate with those
 * schemas and the OpenAPI document is generated from them.
 */

const STATUSES = [...new Set(Object.values(presets).flatMap((preset) => Object.values(preset.statuses)))];
const unknownStatus = (input: unknown) => {
  const unknown = [input].flat().find((value) => !STATUSES.includes(String(value)));
  return `unknown status "${String(unknown).slice(0, 64)}"; one of ${STATUSES.join(', ')}`;
};
const Status = z.enum(STATUSES as [string, ...string[]], { error: (issue) => unknownStatus(issue.input) });

/** Query of `GET /api/campaigns`: the runtime's list query, with strings coerced and one page of at most 500; a status must be one some preset has. */
export const ListQuery = CampaignListFields.extend({
  status: z.union([Status, z.array(Status).min(1).max(20)], { error: (issue) => unknownStatus(issue.input) }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
}).superRefine(listQueryRule);

/** The `:id` of a campaign route: an id the runtime could have made (so no error echoes more than this). */
export const CampaignIdParam = z.object({ id: z.string().min(1).max(200) });

/** Query of `GET /api/changes`. */
export const ChangesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional().meta({ description: 'Resume after this sequence number (Last-Event-ID wins)' }),
});

const VERSION = /^(?:W\/)?"?(\d{1,15})"?$/;

/** `If-Match: "3"`: the campaign version a change is based on (`*` matches any). */
export const IfMatch = z
  .string()
  .trim()
  .refine((value) => value === '*' || VERSION.test(value), 'If-Match must be a campaign version, e.g. "3"')
  .transform((value) => (value === '*' ? undefined : Number(VERSION.exec(value)![1])))
  .pipe(z.number().int().min(1, 'If-Match must be a campaign version, e.g. "3"').optional())
  .meta({ description: 'Optimistic concurrency: the campaign version the change is based on (its ETag, e.g. "3")' });

/** Headers of a write: `If-Match` and `Idempotency-Key` (the command id). */
export const WriteHeaders = z.object({
  'if-match': IfMatch.optional(),
  'idempotency-key': CommandId.optional(),
});

/** Headers of a create or a bulk command: `Idempotency-Key`. */
export const IdempotencyHeaders = WriteHeaders.pick({ 'idempotency-key': true });

/** Headers of the change stream: `Last-Event-ID`. */
export const StreamHeaders = z.object({
  'last-event-id': z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(
      z
        .string()
        .regex(/^\d{1,15}$/, 'Last-Event-ID must be a change sequence number')
        .transform(Number)
        .optional(),
    )
    .meta({ description: 'Resume the change stream after this sequence number (sent by EventSource on reconnect)' }),
});

/** `DELETE` as a bulk command. */
export const DeleteCommand = z.strictObject({ type: z.literal('DELETE') });

/** Body of `POST /api/campaigns/bulk`: one command for many campaigns. */
export const BulkBody = z
  .strictObject({
    ids: z.array(z.string().min(1).max(200)).min(1).max(200),
    command: z.union([CampaignCommand, DeleteCommand]),
  })
  .meta({ id: 'BulkCommand' });

/** The body of every error response: `error` names the error, the other fields are its details. */
export const ErrorBody = z
  .object({
    error: z.string().meta({
      description:
        'ValidationError, NotFoundError, TransitionRejectedError, ConflictError, IdempotencyKeyReusedError, IdempotencyKeyInFlight, CampaignUnreadableError, StoreFullError, StoreReadOnlyError, StoreUnavailableError, NotReady, RuntimeStoppedError, ShuttingDown, MalformedJson, PayloadTooLarge, UnsupportedMediaType, Unauthorized, RouteNotFound, InternalError',
    }),
    message: z.string(),
    issues: z.array(z.unknown()).optional().meta({ description: 'ValidationError: the zod issues' }),
    campaignId: z.string().optional(),
    status: z.string().optional().meta({ description: 'TransitionRejectedError: the status that refused' }),
    command: z.string().optional(),
    allowed: z.array(z.string()).optional().meta({ description: 'TransitionRejectedError: user commands accepted now' }),
    reason: z.string().optional(),
    expectedVersion: z.number().int().nullable().optional(),
    actualVersion: z.number().int().nullable().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.output<typeof ErrorBody>;

export const CampaignPage = z
  .object({
    items: z.array(CampaignView),
    next: z.string().nullable().meta({ description: 'Pass back as `after` for the next page' }),
    unreadable: z
      .array(z.object({ id: z.string(), reason: z.string() }))
      .meta({ description: 'Campaigns of this page whose stored record cannot be read (quarantined), left out of items' }),
  })
  .meta({ id: 'CampaignPage' });
export const Counts = z.record(z.string(), z.number().int()).meta({ id: 'Counts', description: 'Campaigns per status label' });
export const History = z.object({ items: z.array(CampaignChange) }).meta({ id: 'History' });
export const Forecast = z.object({ items: z.array(ForecastItem) }).meta({ id: 'Forecast' });

export const BulkResult = z
  .object({
    results: z.array(
      z.union([
        z.object({ id: z.string(), ok: z.literal(true), campaign: CampaignView.nullable() }),
        z.object({ id: z.string(), ok: z.literal(false), httpStatus: z.number().int(), error: ErrorBody }),
      ]),
    ),
  })
  .meta({ id: 'BulkResult' });

export const PresetInfo = z
  .object({
    name: PresetName,
    title: z.string(),
    statuses: z.array(z.string()),
    commands: z.array(z.enum(USER_COMMANDS)),
    activation: z.enum(['ACTIVATE', 'PUBLISH']),
    requires: z.array(z.enum(['audience', 'products', 'dates'])).meta({ description: 'What activation needs' }),
    fields: z.object({ startAt: z.boolean(), visibleAt: z.boolean(), recurrence: z.boolean() }),
  })
  .meta({ id: 'Preset' });

export interface StateNodeTree {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  events: string[];
  timers: string[];
  children: StateNodeTree[];
}

const StateNodeTree: z.ZodType<StateNodeTree> = z
  .object({
    id: z.string(),
    key: z.string(),
    type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
    events: z.array(z.string()),
    timers: z.array(z.string()),
    children: z.array(z.lazy(() => StateNodeTree)),
  })
  .meta({ id: 'StateNode' });

const PresetPhases = z.object({
  phases: z.array(z.object({ phase: z.enum(PHASES), status: z.string(), nodes: z.array(z.string()) })),
});

export const Statechart = z
  .object({
    root: StateNodeTree,
    presets: z
      .object(Object.fromEntries(PRESET_NAMES.map((name) => [name, PresetPhases])) as Record<PresetName, typeof PresetPhases>)
      .meta({ description: 'For each preset, the state nodes each of its phases stands for' }),
  })
  .meta({ id: 'Statechart' });
export type Statechart = z.output<typeof Statechart>;

/** What `/healthz` and `/readyz` answer. */
export const Probe = z
  .object({
    status: z.enum(['alive', 'ready', 'starting', 'stopping', 'failed']),
    since: z.string().optional().meta({ description: 'starting: since when' }),
    reason: z.string().optional().meta({ description: 'failed: why the runtime could not open' }),
  })
  .meta({ id: 'Probe' });
export type Probe = z.output<typeof Probe>;

const MAX_CALENDAR_DAYS = 62;

/** Query of `GET /api/calendar`: a window of at most 62 days, optionally one preset and one label. */
export const CalendarQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true, error: 'from must be an ISO-8601 instant, e.g. 2026-03-01T00:00:00Z' }),
    to: z.iso.datetime({ offset: true, error: 'to must be an ISO-8601 instant' }),
    preset: PresetName.optional(),
    label: z.string().min(1).max(100).optional(),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_CALENDAR_DAYS * 86_400_000, {
    message: `the window may span at most ${MAX_CALENDAR_DAYS} days`,
    path: ['to'],
  });

export const Calendar = z
  .object({
    items: z.array(CalendarEntry),
    truncated: z.boolean().meta({ description: 'More than 10,000 campaigns matched: the first 10,000 (newest) are shown' }),
  })
  .meta({ id: 'Calendar' });
