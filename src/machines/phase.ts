import type { StateValue } from 'xstate';

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

const RUNNING: Record<string, Phase> = {
  'accepting/active': 'active',
  'closed/active': 'closed',
  'accepting/paused': 'paused',
  'closed/paused': 'pausedClosed',
  'frozen/paused': 'frozen',
};

/** The phase of a state value; throws on a configuration no phase describes (a machine bug). */
export function phaseOf(value: StateValue): Phase {
  if (typeof value === 'string') {
    if (value === 'draft' || value === 'error' || value === 'aborted' || value === 'archived') return value;
  } else {
    const published = value['published'];
    if (published === 'ended') return 'ended';
    if (published && typeof published === 'object') {
      const scheduled = published['scheduled'];
      if (scheduled && typeof scheduled === 'object') {
        if (scheduled['countdown'] === 'waiting') return 'scheduled';
        if (scheduled['countdown'] === 'held') return 'held';
      }
      const running = published['running'];
      if (running && typeof running === 'object') {
        const phase = RUNNING[`${String(running['intake'])}/${String(running['processing'])}`];
        if (phase) return phase;
      }
    }
  }
  throw new Error(`No phase matches state ${JSON.stringify(value)}`);
}
