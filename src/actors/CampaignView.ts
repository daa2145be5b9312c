import type { StateValue } from 'xstate';
import type { Audience, Content, Product } from '../machines/CampaignDefinition.js';
import type { ArmedTimer, CampaignSnapshot } from '../machines/armedTimers.js';
import { timerName } from '../machines/CampaignContext.js';
import type { UserCommandType } from '../machines/commands.js';
import { capabilities, commandsNow, type Intake } from '../machines/describeCampaign.js';
import { toIso } from '../machines/Instant.js';
import { type PresetName, statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';
import type { Recurrence } from '../machines/Recurrence.js';

/** A campaign as the host sees it: its definition, and what its status means right now. */
export interface CampaignView {
  id: string;
  name: string;
  preset: PresetName;
  /** The preset's status label ("Active", "Paused", "Expired", …). */
  status: string;
  /** The statechart's state value. */
  state: StateValue;
  intake: Intake | null;
  acceptsAudience: boolean;
  processing: boolean;
  visible: boolean;
  /** User commands accepted now, sorted. */
  actions: UserCommandType[];
  /** Why each other command of the preset is refused now (and `DELETE`, when deleting is refused). */
  refusals: Partial<Record<UserCommandType | 'DELETE', string>>;
  editable: 'full' | 'restricted' | 'none';
  deletable: boolean;
  startAt: string | null;
  endAt: string | null;
  visibleAt: string | null;
  timezone: string | null;
  audience: Audience | null;
  products: Product[];
  labels: string[];
  content: Content;
  recurrence: Recurrence | null;
  /** Recurring campaigns: the occurrence running or next. */
  occurrence: { start: string; end: string } | null;
  /** Pause windows (the host can tell what was missed while paused). */
  pauses: { from: string; to: string | null }[];
  fault: { reason: string; at: string } | null;
  /** Incremented by every committed change. */
  version: number;
  /** Incremented by every accepted UPDATE. */
  definitionVersion: number;
  /** The next timed transition, if any. */
  nextTimer: { event: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
  /** The instant this view describes (actions and refusals can depend on it). */
  asOf: string;
}

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
  let commands: Pick<CampaignView, 'actions' | 'refusals'> | undefined;
  const asked = () => {
    if (!commands) {
      const { actions, refusals } = commandsNow(snapshot, now, d.phase);
      commands = { actions, refusals: d.deletable ? refusals : { ...refusals, DELETE: deleteRefusal(c.preset, d.status) } };
    }
    return commands;
  };
  const view = {
    id: meta.id,
    name: c.name,
    preset: c.preset,
    status: d.status,
    state: snapshot.value,
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
  }) as CampaignView;
}

/** Why a campaign in `status` cannot be deleted, naming the statuses where it can. */
export function deleteRefusal(preset: PresetName, status: string): string {
  const definition = presets[preset];
  const where = [...new Set(definition.deletable.map((phase) => statusLabel(definition, phase)))].join(', ');
  return `A campaign cannot be deleted while ${status} (only when ${where})`;
}
