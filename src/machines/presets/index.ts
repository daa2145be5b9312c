import type { Preset, PresetName } from '../Preset.js';
import { discount } from './discount.js';
import { franchise } from './franchise.js';
import { gifting } from './gifting.js';
import { journey } from './journey.js';

/** The four presets, by name. */
export const presets: Readonly<Record<PresetName, Preset>> = { journey, discount, gifting, franchise };

export { discount, franchise, gifting, journey };
