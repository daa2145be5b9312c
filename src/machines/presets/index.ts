import type { Preset, PresetName } from '../Preset.js';
import { discount } from './discount.js';
import { franchise } from './franchise.js';
import { gifting } from './gifting.js';
import { journey } from './journey.js';

/** The four presets, by name. */
export const presets: Readonly<Record<PresetName, Preset>> = { journey, discount, gifting, franchise };

export { discount, franchise, gifting, journey };

type Table = Map<string, Map<string, Set<string>>>;

const tables = new Map<PresetName, Table>(
  Object.values(presets).map((preset) => {
    const table: Table = new Map();
    for (const [from, on, to] of preset.transitions) {
      const byEvent = table.get(from) ?? new Map<string, Set<string>>();
      table.set(from, byEvent.set(on, (byEvent.get(on) ?? new Set<string>()).add(to)));
    }
    return [preset.name, table] as const;
  }),
);

/** Whether the preset's table has `from --on--> to` (any target when `to` is omitted). */
export function presetAllows(preset: PresetName, from: string, on: string, to: string | undefined): boolean {
  const targets = tables.get(preset)?.get(from)?.get(on);
  return targets !== undefined && (to === undefined || targets.has(to));
}
