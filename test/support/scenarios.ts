import { CampaignDefinition, type CampaignDefinitionInput, type PresetName } from '../../src/machines/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Instants used by the model: `created` is when the campaign is created. */
export const created = Date.parse('2026-01-05T08:00:00Z'); // a Monday

export interface Scenario {
  name: string;
  preset: PresetName;
  definition: CampaignDefinitionInput;
  /** Instants (besides "now" and due timers) at which commands may be sent. */
  landmarks: number[];
  /** Command types the model does not try (to keep a scenario's graph small). */
  skip?: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const visibleAt = created + 3 * DAY;
const startAt = created + 7 * DAY; // Monday 2026-01-12 08:00Z
const endAt = created + 28 * DAY;

const onceLandmarks = [created + HOUR, visibleAt + HOUR, startAt + HOUR, startAt + 10 * DAY, endAt + HOUR, endAt + 10 * DAY];

/** Recurring: Monday and Tuesday, one day each (Mon→Tue back to back, Tue→next Mon a gap). */
const weeklyLandmarks = [
  created + HOUR,
  visibleAt + HOUR,
  startAt + 2 * HOUR, // Monday, inside
  startAt + 1 * DAY + 2 * HOUR, // Tuesday, inside
  startAt + 3 * DAY, // Thursday, between
  startAt + 7 * DAY + 2 * HOUR, // next Monday, inside
  endAt + 2 * DAY,
];

/** Far-away dates used by REACTIVATE cases. */
export const rerunStart = endAt + 40 * DAY;
export const rerunEnd = endAt + 60 * DAY;

export const scenarios: Scenario[] = [
  {
    name: 'journey (list audience, dated)',
    preset: 'journey',
    definition: { preset: 'journey', name: 'Birthday journey', audience: { mode: 'list' }, startAt: iso(startAt), endAt: iso(endAt) },
    landmarks: onceLandmarks,
  },
  {
    name: 'discount (once)',
    preset: 'discount',
    definition: { preset: 'discount', name: 'Spring sale', startAt: iso(startAt), endAt: iso(endAt) },
    landmarks: onceLandmarks,
  },
  {
    name: 'discount (recurring Mon+Tue)',
    preset: 'discount',
    definition: {
      preset: 'discount',
      name: 'Early-week deals',
      startAt: iso(startAt),
      endAt: iso(startAt + 15 * DAY),
      timezone: 'UTC',
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,TU', duration: 'P1D' },
    },
    landmarks: weeklyLandmarks,
    skip: ['REACTIVATE', 'CANCEL'],
  },
  {
    name: 'gifting',
    preset: 'gifting',
    definition: { preset: 'gifting', name: 'Client gifts', products: ['mug'], endAt: iso(endAt) },
    landmarks: onceLandmarks,
  },
  {
    name: 'franchise (once, visible early)',
    preset: 'franchise',
    definition: { preset: 'franchise', name: 'Black Friday', startAt: iso(startAt), endAt: iso(endAt), visibleAt: iso(visibleAt) },
    landmarks: onceLandmarks,
  },
  {
    name: 'franchise (recurring Mon+Tue)',
    preset: 'franchise',
    definition: {
      preset: 'franchise',
      name: 'Weekly specials',
      startAt: iso(startAt),
      endAt: iso(startAt + 15 * DAY),
      visibleAt: iso(visibleAt),
      timezone: 'UTC',
      recurrence: { rule: 'FREQ=WEEKLY;BYDAY=MO,TU', duration: 'P1D' },
    },
    landmarks: weeklyLandmarks,
    skip: ['REACTIVATE', 'CANCEL'],
  },
];

export function parseScenario(scenario: Scenario) {
  return CampaignDefinition.parse(scenario.definition);
}
