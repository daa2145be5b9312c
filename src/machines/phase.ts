import { matchesState, type StateValue } from 'xstate';

/**
 * A phase is one canonical configuration of the statechart, independent of any preset.
 * Presets give each phase they use a status label ("Closed", "Paused", …).
 */
export const PHASES = [
  'draft',
  'scheduled',
  'held',
  'active',
  'closed',
  'paused',
  'pausedClosed',
  'frozen',
  'ended',
  'error',
  'aborted',
  'archived',
] as const;
export type Phase = (typeof PHASES)[number];

const running = (intake: string, processing: string) => ({
  published: { running: { intake, processing } },
});

/** The state value each phase stands for (partial values match any sub-state, e.g. visibility). */
export const PHASE_STATE = {
  draft: 'draft',
  scheduled: { published: { scheduled: { countdown: 'waiting' } } },
  held: { published: { scheduled: { countdown: 'held' } } },
  active: running('accepting', 'active'),
  closed: running('closed', 'active'),
  paused: running('accepting', 'paused'),
  pausedClosed: running('closed', 'paused'),
  frozen: running('frozen', 'paused'),
  ended: { published: 'ended' },
  error: 'error',
  aborted: 'aborted',
  archived: 'archived',
} as const satisfies Record<Phase, StateValue>;

/** The phase of a state value; throws on a configuration no phase describes (a machine bug). */
export function phaseOf(value: StateValue): Phase {
  for (const phase of PHASES) {
    if (matchesState(PHASE_STATE[phase], value)) return phase;
  }
  throw new Error(`No phase matches state ${JSON.stringify(value)}`);
}

/** Phases in which the campaign has started (dates that belong to the start are locked). */
export const STARTED_PHASES: ReadonlySet<Phase> = new Set([
  'active',
  'closed',
  'paused',
  'pausedClosed',
  'frozen',
  'ended',
  'error',
  'aborted',
  'archived',
]);
