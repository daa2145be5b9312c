import { z } from 'zod';
import type { ArmedTimer, CampaignSnapshot } from './armedTimers.js';
import { AudienceShape, JsonShape, OnResume, ProductShape } from './CampaignDefinition.js';
import { timerName } from './CampaignContext.js';
import { USER_COMMANDS } from './commands.js';
import { capabilities, commandsNow } from './describeCampaign.js';
import { toIso } from './Instant.js';
import { PresetName } from './Preset.js';
import { Recurrence, type RecurrenceSummary, summarizeRecurrence } from './Recurrence.js';
import { deleteRefusal } from './refusalReason.js';

const Iso = z.string().meta({ format: 'date-time' });

/** A statechart state value: a state name, or nested regions. */
export type StateValueShape = string | { [region: string]: StateValueShape };
export const StateValueShape: z.ZodType<StateValueShape> = z
  .union([
    z.string(),
    z
      .record(
        z.string(),
        z.lazy(() => StateValueShape),
      )
      .meta({ id: 'StateRegions', description: 'The state value of each region of a compound or parallel state' }),
  ])
  .meta({ id: 'StateValue', description: 'A statechart state value: a state name, or an object of region → state value' });

const UserCommand = z.enum(USER_COMMANDS);

/** A campaign as the host sees it: its definition, and what its status means right now. */
export const CampaignView = z
  .object({
    id: z.string(),
    name: z.string(),
    preset: PresetName,
    status: z.string().meta({ description: 'The preset\'s status label ("Active", "Paused", "Expired", …)' }),
    state: StateValueShape.meta({ description: "The statechart's state value" }),
    intake: z.enum(['accepting', 'closed', 'frozen']).nullable(),
    acceptsAudience: z.boolean(),
    processing: z.boolean(),
    visible: z.boolean(),
    actions: z.array(UserCommand).meta({ description: 'User commands accepted now, sorted' }),
    refusals: z
      .partialRecord(z.union([UserCommand, z.literal('DELETE')]), z.string())
      .meta({ description: 'Why each other command of the preset is refused now (and DELETE, when deleting is refused)' }),
    needs: z
      .partialRecord(UserCommand, z.string())
      .meta({ description: 'Commands in `actions` that are accepted only with a payload, and what they need (REACTIVATE of an ended campaign: new dates)' }),
    editable: z.enum(['full', 'restricted', 'none']),
    deletable: z.boolean(),
    startAt: Iso.nullable(),
    endAt: Iso.nullable(),
    visibleAt: Iso.nullable(),
    timezone: z.string().nullable(),
    audience: AudienceShape.nullable(),
    products: z.array(ProductShape),
    labels: z.array(z.string()),
    content: JsonShape,
    recurrence: Recurrence.nullable(),
    recurrenceText: z.string().nullable().meta({ description: 'The recurrence in words: "every hour for 6 times, 15 minutes each"' }),
    occurrenceNumber: z
      .object({ number: z.number().int(), of: z.number().int().nullable() })
      .nullable()
      .meta({ description: 'Recurring campaigns: the occurrence running or last started, of how many (null: unbounded)' }),
    onResume: OnResume.meta({ description: 'What RESUME does to the dates: keep them, or extend them by the pause (discount)' }),
    occurrence: z
      .object({ start: Iso, end: Iso })
      .nullable()
      .meta({ description: 'Recurring campaigns: the occurrence running or next' }),
    pauses: z
      .array(z.object({ from: Iso, to: Iso.nullable() }))
      .meta({ description: 'Pause windows (the host can tell what was missed while paused)' }),
    fault: z.object({ reason: z.string(), at: Iso }).nullable(),
    version: z.number().int().meta({ description: 'Incremented by every committed change' }),
    definitionVersion: z.number().int().meta({ description: 'Incremented by every accepted UPDATE' }),
    nextTimer: z
      .object({ event: z.string(), at: Iso })
      .nullable()
      .meta({ description: 'The next timed transition, if any' }),
    createdAt: Iso,
    updatedAt: Iso,
    asOf: Iso.meta({ description: 'The instant this view describes (actions and refusals can depend on it)' }),
  })
  .meta({ id: 'CampaignView' });
export type CampaignView = z.output<typeof CampaignView>;

export interface ViewMeta {
  id: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Builds the view of a snapshot at instant `now` (`timers`: its armed timers, if already
 * derived). `actions` and `refusals` ask the statechart about every command, so they are worked
 * out when first read (the snapshot is immutable; the answer is the same whenever it is read).
 */
export function toView(snapshot: CampaignSnapshot, meta: ViewMeta, now: number, timers?: readonly ArmedTimer[]): CampaignView {
  const c = snapshot.context;
  const d = capabilities(snapshot, timers);
  let commands: Pick<CampaignView, 'actions' | 'refusals' | 'needs'> | undefined;
  const asked = () => {
    if (!commands) {
      const { actions, refusals, needs } = commandsNow(snapshot, now, d.phase);
      commands = { actions, needs, refusals: d.deletable ? refusals : { ...refusals, DELETE: deleteRefusal(c.preset, d.status) } };
    }
    return commands;
  };
  let summary: RecurrenceSummary | null | undefined;
  const summarized = () => {
    if (summary === undefined) {
      summary =
        c.recurrence && c.startAt !== null
          ? summarizeRecurrence({ recurrence: c.recurrence, startAt: c.startAt, endAt: c.endAt, timezone: c.timezone }, now)
          : null;
    }
    return summary;
  };
  const view = {
    id: meta.id,
    name: c.name,
    preset: c.preset,
    status: d.status,
    state: snapshot.value as StateValueShape,
    intake: d.intake,
    acceptsAudience: d.acceptsAudience,
    processing: d.processing,
    visible: d.visible,
    editable: d.editable,
    deletable: d.deletable,
    startAt: toIso(c.startAt),
    endAt: toIso(c.endAt),
    visibleAt: toIso(c.visibleAt),
    timezone: c.timezone,
    audience: c.audience,
    products: c.products,
    labels: c.labels,
    content: c.content,
    recurrence: c.recurrence,
    onResume: c.onResume,
    occurrence: c.occurrence && { start: toIso(c.occurrence.start), end: toIso(c.occurrence.end) },
    pauses: c.pauses.map((p) => ({ from: toIso(p.from), to: toIso(p.to) })),
    fault: c.fault && { reason: c.fault.reason, at: toIso(c.fault.at) },
    version: meta.version,
    definitionVersion: c.definitionVersion,
    nextTimer: d.nextTimer && { event: timerName(d.nextTimer.timer, c), at: toIso(d.nextTimer.dueAt) },
    createdAt: toIso(meta.createdAt),
    updatedAt: toIso(meta.updatedAt),
    asOf: toIso(now),
  };
  return Object.defineProperties(view, {
    actions: { enumerable: true, get: () => asked().actions },
    refusals: { enumerable: true, get: () => asked().refusals },
    needs: { enumerable: true, get: () => asked().needs },
    recurrenceText: { enumerable: true, get: () => summarized()?.text ?? null },
    occurrenceNumber: { enumerable: true, get: () => summarized()?.occurrence ?? null },
  }) as CampaignView;
}
