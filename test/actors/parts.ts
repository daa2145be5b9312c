/** Helpers of the runtime parts' unit tests: a memory store and live campaigns made by the real statechart. */
import { GroupCommit } from '../../src/actors/GroupCommit.js';
import { Lanes } from '../../src/actors/Lanes.js';
import { Quarantine } from '../../src/actors/Quarantine.js';
import { LiveCampaigns } from '../../src/actors/LiveCampaigns.js';
import { CampaignWriter } from '../../src/actors/CampaignWriter.js';
import { CampaignDefinition, type CampaignDefinitionInput } from '../../src/machines/index.js';
import { memoryStore } from '../../src/persistence/index.js';

export const T0 = Date.parse('2026-01-05T08:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const discount = (over: Partial<CampaignDefinitionInput> = {}) =>
  CampaignDefinition.parse({
    preset: 'discount',
    name: 'Spring sale',
    startAt: new Date(T0 + DAY).toISOString(),
    endAt: new Date(T0 + 7 * DAY).toISOString(),
    ...over,
  });

/** The parts wired as the runtime wires them, on a memory store. */
export function parts(maxLive = 100) {
  const store = memoryStore();
  const lanes = new Lanes(() => live.evict());
  const live = new LiveCampaigns({ store, maxLive, busy: (id) => lanes.busy(id), quarantine: new Quarantine(() => 0) });
  const committed: number[] = [];
  const commits = new GroupCommit(store, (_, seqs) => committed.push(...seqs));
  const writer = new CampaignWriter(commits, live);
  return { store, lanes, live, commits, writer, committed };
}
