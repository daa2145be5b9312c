import { z } from 'zod';
import { COMMANDS, TIMERS } from './commands.js';
import { PHASES, type Phase } from './phase.js';

export const PRESET_NAMES = ['journey', 'discount', 'gifting', 'franchise'] as const;
export const PresetName = z.enum(PRESET_NAMES, {
  error: (issue) => (issue.input === undefined ? `preset is required: one of ${PRESET_NAMES.join(', ')}` : `preset must be one of ${PRESET_NAMES.join(', ')}`),
});
export type PresetName = z.infer<typeof PresetName>;

const PhaseSchema = z.enum(PHASES);

/** One row of a preset's transition table: in `from`, `on` (a command or a timer) leads to `to`. */
export const PresetTransition = z.tuple([PhaseSchema, z.enum([...COMMANDS, ...TIMERS]), PhaseSchema]);
export type PresetTransition = z.infer<typeof PresetTransition>;

/** What must hold before the activation command is accepted. */
export const Requirement = z.enum(['audience', 'products', 'dates']);
export type Requirement = z.infer<typeof Requirement>;

/**
 * A preset: the data that turns the canonical campaign statechart into one product's lifecycle.
 * Presets never fork the machine; its guards read this data.
 */
export const Preset = z
  .strictObject({
    name: PresetName,
    title: z.string(),
    seed: z.string(),
    /** Status label for every phase the preset uses. */
    statuses: z.partialRecord(PhaseSchema, z.string().min(1)),
    /** The seed's transition table. The statechart takes exactly these transitions, and no others. */
    transitions: z.array(PresetTransition).min(1),
    /** How much of the definition UPDATE may change, per phase; phases not listed are read-only. */
    editable: z.partialRecord(PhaseSchema, z.enum(['full', 'restricted'])),
    /** Phases in which `delete` is allowed. */
    deletable: z.array(PhaseSchema),
    /** Phases in which the audience sees the campaign (`scheduled` counts once `visibleAt` has passed). */
    visible: z.array(PhaseSchema),
    /** Phases in which those already in the campaign are served (messages sent, discounts applied, orders shipped). */
    processing: z.array(PhaseSchema),
    /** A hint added to the reason when a command is not available in the current status. */
    hints: z.partialRecord(z.enum(COMMANDS), z.string()).default({}),
    /** Which optional definition fields the preset understands (`onResume`: whether RESUME may extend the dates by the pause). */
    fields: z.strictObject({ startAt: z.boolean(), visibleAt: z.boolean(), recurrence: z.boolean(), onResume: z.boolean() }),
    activation: z.strictObject({
      command: z.enum(['ACTIVATE', 'PUBLISH']),
      requires: z.array(Requirement),
    }),
  })
  .superRefine((preset, ctx) => {
    const labelled = new Set(Object.keys(preset.statuses));
    for (const [from, on, to] of preset.transitions) {
      for (const phase of [from, to]) {
        if (!labelled.has(phase)) {
          ctx.addIssue({ code: 'custom', message: `${from} --${on}--> ${to}: phase ${phase} has no status label` });
        }
      }
    }
  });
export type Preset = z.infer<typeof Preset>;

/** Parses preset data once at load; a malformed preset is a programming error. */
export function definePreset(data: z.input<typeof Preset>): Preset {
  return Preset.parse(data);
}

/** Status label of a phase under a preset. */
export function statusLabel(preset: Preset, phase: Phase): string {
  const label = preset.statuses[phase];
  if (label === undefined) throw new Error(`Preset ${preset.name} has no status for phase ${phase}`);
  return label;
}
