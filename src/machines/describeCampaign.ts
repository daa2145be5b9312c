import type { CampaignEvent } from './CampaignCommand.js';
import { type ArmedTimer, armedTimers, type CampaignSnapshot } from './armedTimers.js';
import { USER_COMMANDS, type UserCommandType } from './commands.js';
import { phaseOf, type Phase } from './phase.js';
import { statusLabel } from './Preset.js';
import { presets } from './presets/index.js';
import { refusalReason } from './refusalReason.js';

export type Intake = 'accepting' | 'closed' | 'frozen';

const INTAKE: Record<Phase, Intake | null> = {
  draft: null,
  scheduled: null,
  held: null,
  active: 'accepting',
  closed: 'closed',
  paused: 'accepting',
  pausedClosed: 'closed',
  frozen: 'frozen',
  ended: null,
  error: null,
  aborted: null,
  archived: null,
};

/** What a snapshot means for its preset at an instant: every field is derived, none is stored. */
export interface CampaignDescription {
  phase: Phase;
  status: string;
  intake: Intake | null;
  acceptsAudience: boolean;
  processing: boolean;
  visible: boolean;
  editable: 'full' | 'restricted' | 'none';
  deletable: boolean;
  /** User commands accepted now, sorted. */
  actions: UserCommandType[];
  /** For each user command of the preset that is refused now, the reason. */
  refusals: Partial<Record<UserCommandType, string>>;
  /** Commands accepted only with a payload (REACTIVATE of an ended campaign with new dates): what they need, in words. */
  needs: Partial<Record<UserCommandType, string>>;
  nextTimer: ArmedTimer | null;
}

/** The probe event used to ask whether a command is accepted: no payload beyond what it needs. */
export function probe(type: UserCommandType, at: number): CampaignEvent {
  return (type === 'UPDATE' ? { type, patch: {}, at } : { type, at }) as CampaignEvent;
}

/** The user commands a preset knows, in a stable order. */
export function presetCommands(preset: keyof typeof presets): UserCommandType[] {
  const used = new Set<string>(presets[preset].transitions.map(([, on]) => on));
  return USER_COMMANDS.filter((command) => used.has(command));
}

/** What a snapshot means without asking any command: status and capabilities (cheap). */
export type CampaignCapabilities = Omit<CampaignDescription, 'actions' | 'refusals' | 'needs'>;

export function capabilities(snapshot: CampaignSnapshot, timers: readonly ArmedTimer[] = armedTimers(snapshot)): CampaignCapabilities {
  const preset = presets[snapshot.context.preset];
  const phase = phaseOf(snapshot.value);
  const intake = INTAKE[phase];
  return {
    phase,
    status: statusLabel(preset, phase),
    intake,
    acceptsAudience: intake === 'accepting',
    processing: preset.processing.includes(phase),
    visible:
      preset.visible.includes(phase) &&
      (phase !== 'scheduled' || snapshot.matches({ published: { scheduled: { visibility: 'visible' } } })),
    editable: preset.editable[phase] ?? 'none',
    deletable: preset.deletable.includes(phase),
    nextTimer: timers[0] ?? null,
  };
}

/** The user commands accepted at `at`, and why each other command of the preset is refused. */
export function commandsNow(
  snapshot: CampaignSnapshot,
  at: number,
  phase: Phase = phaseOf(snapshot.value),
): Pick<CampaignDescription, 'actions' | 'refusals' | 'needs'> {
  const actions: UserCommandType[] = [];
  const refusals: CampaignDescription['refusals'] = {};
  const needs: CampaignDescription['needs'] = {};
  for (const command of presetCommands(snapshot.context.preset)) {
    const reason = refusalReason(snapshot, probe(command, at), phase);
    if (reason === null) actions.push(command);
    else if (command === 'REACTIVATE' && refusalReason(snapshot, withNewDates(at), phase) === null) {
      // refused as it is, accepted with new dates: offered, saying what it needs (no dead end)
      actions.push(command);
      needs[command] = 'new dates: an end date in the future';
    } else refusals[command] = reason;
  }
  return { actions: actions.sort(), refusals, needs };
}

/** REACTIVATE with a run a year long from `at`: whether new dates would make it acceptable. */
const withNewDates = (at: number): CampaignEvent => ({ type: 'REACTIVATE', at, startAt: at, endAt: at + 365 * 86_400_000 }) as CampaignEvent;

/**
 * Status, intake, capabilities, allowed actions and refusal reasons of a snapshot at `at`.
 * `timers` may be passed when already derived (`armedTimers(snapshot)`).
 */
export function describeCampaign(
  snapshot: CampaignSnapshot,
  at: number,
  timers: readonly ArmedTimer[] = armedTimers(snapshot),
): CampaignDescription {
  const described = capabilities(snapshot, timers);
  return { ...described, ...commandsNow(snapshot, at, described.phase) };
}
