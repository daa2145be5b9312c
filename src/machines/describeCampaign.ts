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

/**
 * Status, intake, capabilities, allowed actions and refusal reasons of a snapshot at `at`.
 * `timers` may be passed when already derived (`armedTimers(snapshot)`).
 */
export function describeCampaign(
  snapshot: CampaignSnapshot,
  at: number,
  timers: readonly ArmedTimer[] = armedTimers(snapshot),
): CampaignDescription {
  const context = snapshot.context;
  const preset = presets[context.preset];
  const phase = phaseOf(snapshot.value);
  const intake = INTAKE[phase];
  const visible =
    preset.visible.includes(phase) &&
    (phase !== 'scheduled' || snapshot.matches({ published: { scheduled: { visibility: 'visible' } } }));
  const actions: UserCommandType[] = [];
  const refusals: CampaignDescription['refusals'] = {};
  for (const command of presetCommands(context.preset)) {
    const event = probe(command, at);
    const reason = refusalReason(snapshot, event, phase);
    if (reason === null) actions.push(command);
    else refusals[command] = reason;
  }
  return {
    phase,
    status: statusLabel(preset, phase),
    intake,
    acceptsAudience: intake === 'accepting',
    processing: preset.processing.includes(phase),
    visible,
    editable: preset.editable[phase] ?? 'none',
    deletable: preset.deletable.includes(phase),
    actions: actions.sort(),
    refusals,
    nextTimer: timers[0] ?? null,
  };
}
