import type { CampaignEvent } from './CampaignCommand.js';
import type { CampaignSnapshot } from './armedTimers.js';
import { activationProblem, patchProblem, reopenProblem, rerunProblem, resumeProblem } from './conditions.js';
import { phaseOf } from './phase.js';
import { statusLabel } from './Preset.js';
import { presets } from './presets/index.js';

const list = (items: string[]) => [...new Set(items)].join(', ');

/**
 * Why the campaign refuses `event` right now, in words — or `null` if it would accept it.
 * Pure: the same snapshot and event always give the same answer.
 */
export function refusalReason(snapshot: CampaignSnapshot, event: CampaignEvent): string | null {
  if (snapshot.can(event)) return null;
  const context = snapshot.context;
  const preset = presets[context.preset];
  const phase = phaseOf(snapshot.value);
  const status = statusLabel(preset, phase);
  const rows = preset.transitions.filter(([, on]) => on === event.type);
  if (rows.length === 0) {
    const hint =
      event.type === 'ACTIVATE' || event.type === 'PUBLISH' ? `; use ${preset.activation.command}` : '';
    return `${preset.name} campaigns have no ${event.type}${hint}`;
  }
  if (!rows.some(([from]) => from === phase)) {
    const where = list(rows.map(([from]) => statusLabel(preset, from)));
    return `${event.type} is not available while the campaign is ${status} (only when ${where})`;
  }
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
