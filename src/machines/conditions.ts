import type { CampaignCommand } from './CampaignCommand.js';
import { type CampaignContext, MAX_PAUSES } from './CampaignContext.js';
import { type CampaignPatch, definitionProblems, presetFieldProblems } from './CampaignDefinition.js';
import type { Phase } from './phase.js';
import { presets } from './presets/index.js';
import { occurrenceFor, occurrencesAround } from './Recurrence.js';

/*
 * Pure predicates over (context, instant). The statechart's guards call them; so does the
 * explanation of a refused command, which is how every refusal gets a reason in words.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** Where an instant falls in the campaign's schedule. */
export type Position = 'before' | 'inside' | 'between' | 'after';

export function position(context: CampaignContext, at: number): Position {
  const { recurrence, startAt, endAt, timezone } = context;
  if (recurrence && startAt !== null) {
    const { current, next } = occurrencesAround({ recurrence, startAt, endAt, timezone }, at);
    if (current) return 'inside';
    if (next) return at < startAt ? 'before' : 'between';
    return 'after';
  }
  if (startAt !== null && at < startAt) return 'before';
  if (endAt !== null && at >= endAt) return 'after';
  return 'inside';
}

/** Recurring campaigns: the occurrence to run now or wait for. */
export function plannedOccurrence(context: CampaignContext, at: number): CampaignContext['occurrence'] {
  const { recurrence, startAt, endAt, timezone } = context;
  if (!recurrence || startAt === null) return null;
  return occurrenceFor({ recurrence, startAt, endAt, timezone }, at);
}

function requirementProblem(context: CampaignContext): string | null {
  const preset = presets[context.preset];
  for (const requirement of preset.activation.requires) {
    if (requirement === 'audience') {
      const mode = context.audience?.mode;
      if (mode !== 'trigger' && mode !== 'list') {
        return mode === undefined
          ? 'Set the audience first: audience.mode must be "trigger" or "list"'
          : `audience.mode "${mode}" is not valid: use "trigger" or "list"`;
      }
    }
    if (requirement === 'products' && context.products.length === 0) {
      return 'Attach at least one product first';
    }
    if (requirement === 'dates' && (context.startAt === null || context.endAt === null)) {
      return 'Set both a start date and an end date first';
    }
  }
  return null;
}

/** Why the campaign cannot be activated/published at `at`, or `null`. */
export function activationProblem(context: CampaignContext, at: number): string | null {
  const requirement = requirementProblem(context);
  if (requirement) return requirement;
  if (context.recurrence && context.startAt === null) return 'A recurring campaign needs a startAt (its first occurrence)';
  if (context.endAt !== null && context.endAt <= at) {
    return `The end date ${iso(context.endAt)} has passed: move endAt into the future first`;
  }
  if (position(context, at) === 'after') return 'No occurrence of the recurrence rule is left before endAt';
  return null;
}

/** Why a paused campaign cannot resume at `at`, or `null`. */
/**
 * The context RESUME at `at` continues with: unchanged, unless the campaign extends its dates on
 * resume (`onResume: 'extend'`) — then the end date, and the end of an occurrence that was
 * running when the pause began, move by the length of the last pause (open or just closed).
 */
export function resumeContext(context: CampaignContext, at: number): CampaignContext {
  const pause = context.pauses.at(-1);
  if (context.onResume !== 'extend' || !pause) return context;
  const paused = (pause.to ?? at) - pause.from;
  if (paused <= 0) return context;
  const occurrence = context.occurrence;
  return {
    ...context,
    endAt: context.endAt === null ? null : context.endAt + paused,
    occurrence: occurrence && occurrence.start <= pause.from && pause.from < occurrence.end ? { ...occurrence, end: occurrence.end + paused } : occurrence,
  };
}

/** An extended occurrence that `at` falls in (extending campaigns only): the run goes on in it. */
function extendedOccurrenceAt(context: CampaignContext, at: number): CampaignContext['occurrence'] {
  const occurrence = context.occurrence;
  return context.onResume === 'extend' && occurrence && occurrence.start <= at && at < occurrence.end ? occurrence : null;
}

/** Where RESUME at `at` lands in the schedule, judged on the dates it continues with. */
export function resumePosition(context: CampaignContext, at: number): Position {
  const resumed = resumeContext(context, at);
  return extendedOccurrenceAt(resumed, at) ? 'inside' : position(resumed, at);
}

/** The occurrence a resumed campaign runs or waits for: its extended one while `at` is in it, else the rule's. */
export function resumedOccurrence(context: CampaignContext, at: number): CampaignContext['occurrence'] {
  return extendedOccurrenceAt(context, at) ?? plannedOccurrence(context, at);
}

export function resumeProblem(context: CampaignContext, at: number): string | null {
  const where = resumePosition(context, at);
  context = resumeContext(context, at);
  if (where !== 'after') return null;
  if (context.recurrence) return 'No occurrence is left before endAt: set new dates (UPDATE) before resuming';
  return `The end date ${context.endAt === null ? '' : iso(context.endAt)} has passed: set a new endAt (UPDATE) before resuming`;
}

type Reactivate = Extract<CampaignCommand, { type: 'REACTIVATE' }>;

/** REACTIVATE of a campaign that is still running (journey): intake reopens until `endAt`. */
export function reopenProblem(context: CampaignContext, event: Reactivate, at: number): string | null {
  if (event.startAt !== undefined) return 'startAt cannot move once the campaign has started';
  const endAt = event.endAt ?? context.endAt;
  if (endAt !== null && endAt <= at) {
    return event.endAt !== undefined
      ? 'endAt must be in the future'
      : `The end date ${iso(endAt)} has passed: reactivate with a new endAt`;
  }
  return null;
}

/** The dates of a new run started by REACTIVATE from an ended campaign. */
export function rerunContext(context: CampaignContext, event: Reactivate, at: number): CampaignContext {
  return { ...context, startAt: event.startAt ?? at, endAt: event.endAt ?? context.endAt };
}

/** REACTIVATE of an ended campaign: it needs dates with something left to run. */
export function rerunProblem(context: CampaignContext, event: Reactivate, at: number): string | null {
  const next = rerunContext(context, event, at);
  if (next.endAt !== null && next.endAt <= at) return 'Set new dates to reactivate: endAt must be in the future';
  if (next.startAt !== null && next.endAt !== null && next.endAt <= next.startAt) return 'endAt must be after startAt';
  if (position(next, at) === 'after') return 'No occurrence of the recurrence rule is left before endAt';
  return null;
}

/** Applies an UPDATE patch: the new definition, with the definition version bumped. */
export function patchedContext(context: CampaignContext, patch: CampaignPatch): CampaignContext {
  const next: CampaignContext = { ...context, definitionVersion: context.definitionVersion + 1 };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  if (patch.labels) next.labels = [...new Set(patch.labels)];
  return next;
}

const LOCKED_ONCE_STARTED = ['startAt', 'visibleAt', 'recurrence'] as const;

/** Why UPDATE with `patch` is not allowed in `phase`, or `null`. */
export function patchProblem(context: CampaignContext, patch: CampaignPatch, phase: Phase, at: number): string | null {
  const level = presets[context.preset].editable[phase];
  if (!level) return 'The campaign is read-only in this status';
  const next = patchedContext(context, patch);
  if (level === 'restricted') {
    for (const field of LOCKED_ONCE_STARTED) {
      if (patch[field] !== undefined && JSON.stringify(patch[field]) !== JSON.stringify(context[field])) {
        return `${field} cannot change once the campaign has started`;
      }
    }
    if (context.recurrence && patch.timezone !== undefined && patch.timezone !== context.timezone) {
      return 'timezone cannot change once a recurring campaign has started';
    }
    const requirement = requirementProblem(next);
    if (requirement) return `The edit would break what the running campaign needs: ${requirement}`;
  }
  if (phase !== 'draft' && patch.endAt !== undefined && patch.endAt !== null && patch.endAt <= at) {
    return 'endAt must be in the future (use END or CLOSE to stop now)';
  }
  if ((phase === 'scheduled' || phase === 'held') && next.startAt === null) {
    return 'A published campaign that has not started needs a startAt';
  }
  const problem = [...presetFieldProblems(context.preset, patch), ...definitionProblems(next)][0];
  return problem ? `${problem.path.join('.')}: ${problem.message}` : null;
}

/** Opens a pause window at `at` (re-opening one that closed at the same instant). */
export function openPause(pauses: CampaignContext['pauses'], at: number): CampaignContext['pauses'] {
  const last = pauses.at(-1);
  if (last && last.to === at) return [...pauses.slice(0, -1), { from: last.from, to: null }];
  if (last && last.to === null) return pauses;
  return [...pauses, { from: at, to: null }].slice(-MAX_PAUSES);
}

export function closePause(pauses: CampaignContext['pauses'], at: number): CampaignContext['pauses'] {
  const last = pauses.at(-1);
  if (!last || last.to !== null) return pauses;
  return [...pauses.slice(0, -1), { from: last.from, to: at }];
}
