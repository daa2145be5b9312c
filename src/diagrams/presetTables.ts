import { PHASE_STATE, type Phase } from '../machines/phase.js';
import type { Preset } from '../machines/Preset.js';
import { statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';

function describeState(value: unknown, prefix = ''): string {
  if (typeof value === 'string') return `${prefix}${value}`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) return describeState(entries[0]![1], `${prefix}${entries[0]![0]}.`);
  return `${prefix.slice(0, -1)} { ${entries.map(([k, v]) => describeState(v, `${k}.`)).join(', ')} }`;
}

/** Dates read as such: `⏱ endAt`, and for recurring presets the occurrence boundaries too. */
function timerLabel(preset: Preset, on: string): string | null {
  if (!/^[a-z]/.test(on)) return null;
  if (on === 'windowEnd') return preset.fields.recurrence ? '⏱ endAt / occurrence end' : '⏱ endAt';
  if (on === 'startAt' && preset.fields.recurrence) return '⏱ startAt / occurrence start';
  return `⏱ ${on}`;
}

function phaseRow(preset: Preset, phase: Phase): string {
  const out = preset.transitions
    .filter(([from]) => from === phase)
    .map(([, on, to]) => `${timerLabel(preset, on) ?? on} → ${statusLabel(preset, to)}`);
  const intake = ['active', 'paused'].includes(phase) ? 'accepting' : ['closed', 'pausedClosed'].includes(phase) ? 'closed' : phase === 'frozen' ? 'frozen' : '—';
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const visible = preset.visible.includes(phase) ? (phase === 'scheduled' ? 'after visibleAt' : 'yes') : 'no';
  return `| ${statusLabel(preset, phase)} | \`${phase}\` | \`${describeState(PHASE_STATE[phase])}\` | ${intake} | ${yes(preset.processing.includes(phase))} | ${visible} | ${[...new Set(out)].join('<br>') || '—'} |`;
}

/** Markdown: for each preset, its seed statuses mapped to the statechart's states. */
export function presetTables(): string {
  return Object.values(presets)
    .map((preset) => {
      const phases = Object.keys(preset.statuses) as Phase[];
      return [
        `### ${preset.name} — ${preset.title} (seed \`${preset.seed}\`)`,
        '',
        '| Status | Phase | State | Intake | Processing | Visible | Leads to |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...phases.map((phase) => phaseRow(preset, phase)),
      ].join('\n');
    })
    .join('\n\n');
}
