import type { Preset, PresetName } from '../Preset.js';
import { discount } from './discount.js';
import { franchise } from './franchise.js';
import { gifting } from './gifting.js';
import { journey } from './journey.js';

/** The four presets, by name. */
export const presets: Readonly<Record<PresetName, Preset>> = { journey, discount, gifting, franchise };

export { discount, franchise, gifting, journey };

const tables = new Map(
  Object.values(presets).map((preset) => {
    const keys = new Set<string>();
    for (const [from, on, to] of preset.transitions) keys.add(`${from}|${on}|${to}`).add(`${from}|${on}|*`);
    return [preset.name, keys] as const;
  }),
);

/** Whether the preset's table has `from --on--> to` (any target when `to` is omitted). O(1). */
export function presetAllows(preset: PresetName, from: string, on: string, to: string | undefined): boolean {
  return tables.get(preset)?.has(`${from}|${on}|${to ?? '*'}`) ?? false;
}
