import type { CampaignEvent } from './CampaignCommand.js';
import type { CampaignSnapshot } from './armedTimers.js';
import { activationProblem, patchProblem, reopenProblem, rerunProblem, resumeProblem } from './conditions.js';
import { type Phase, phaseOf } from './phase.js';
import { statusLabel } from './Preset.js';
import { presetAllows, presets } from './presets/index.js';

const availability = new Map<string, string>();

/** "Active, Paused": the statuses from which a preset accepts a command (cached). */
function availableIn(presetName: keyof typeof presets, command: string): string | null {
  const key = `${presetName}|${command}`;
  let where = availability.get(key);
  if (where === undefined) {
    const preset = presets[presetName];
    const rows = preset.transitions.filter(([, on]) => on === command);
    where = [...new Set(rows.map(([from]) => statusLabel(preset, from)))].join(', ');
    availability.set(key, where);
  }
  return where === '' ? null : where;
}

/**
 * Why the campaign refuses `event` right now, in words — or `null` if it would accept it.
 * Pure: the same snapshot and event always give the same answer.
 */
export function refusalReason(
  snapshot: CampaignSnapshot,
  event: CampaignEvent,
  phase: Phase = phaseOf(snapshot.value),
): string | null {
  const context = snapshot.context;
  const preset = presets[context.preset];
  const status = statusLabel(preset, phase);
  if (!presetAllows(preset.name, phase, event.type, undefined)) {
    const where = availableIn(preset.name, event.type);
    if (where === null) {
      const hint = event.type === 'ACTIVATE' || event.type === 'PUBLISH' ? `; use ${preset.activation.command}` : '';
      return `${preset.name} campaigns have no ${event.type}${hint}`;
    }
    const hint = preset.hints[event.type];
    return `${event.type} is not available while the campaign is ${status} (only when ${where})${hint ? `: ${hint}` : ''}`;
  }
  if (snapshot.can(event)) return null;
  const at = event.at;
  let problem: string | null = null;
  switch (event.type) {
    case 'ACTIVATE':
    case 'PUBLISH':
      problem = activationProblem(context, at);
      break;
    case 'ACTIVATE_NOW':
      if (context.recurrence) problem = 'A recurring campaign follows its rule: ACTIVATE_NOW is not available';
      break;
    case 'RESUME':
      problem = resumeProblem(context, at);
      break;
    case 'REACTIVATE':
      problem = phase === 'ended' ? rerunProblem(context, event, at) : reopenProblem(context, event, at);
      break;
    case 'UPDATE':
      problem = patchProblem(context, event.patch, phase, at);
      break;
    case 'AUDIENCE_LIST_LOADED':
      if (context.audience?.mode !== 'list') problem = 'Only list-triggered journeys (audience.mode "list") load an audience list';
      break;
  }
  return problem ?? `${event.type} is refused while the campaign is ${status}`;
}

/** Why a campaign in `status` cannot be deleted, naming the statuses where it can. */
export function deleteRefusal(preset: keyof typeof presets, status: string): string {
  const definition = presets[preset];
  const where = [...new Set(definition.deletable.map((phase) => statusLabel(definition, phase)))].join(', ');
  return `A campaign cannot be deleted while ${status} (only when ${where})`;
}
