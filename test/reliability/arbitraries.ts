/**
 * fast-check generators for the property tests: campaign definitions, command sequences with
 * clock advances, and malformed input. Dates are generated relative to "now" and made concrete
 * when a step runs, so they stay meaningful whatever the clock has done before.
 */
import fc from 'fast-check';
import type { CampaignCommandInput, CampaignDefinitionInput, PresetName } from '../../src/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Where every property run starts: Monday 2026-01-05 08:00 UTC. */
export const T0 = Date.parse('2026-01-05T08:00:00Z');

// ── dates ───────────────────────────────────────────────────────────────────────────────────

/** An instant `offset` ms from "now", written in one of the accepted forms. */
export interface RelDate {
  offset: number;
  /** `Z`: toISOString; `offset`: ISO with ±hh:mm (`zone` minutes); `date`: a Date object. */
  form: 'Z' | 'offset' | 'date';
  zone: number;
}

const offsets = fc.oneof(
  fc.constantFrom(-2 * DAY, -HOUR, -1, 0, 1, MINUTE, HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY, 10 * DAY),
  fc.integer({ min: -3 * DAY, max: 14 * DAY }),
);

export const relDate: fc.Arbitrary<RelDate> = fc.record({
  offset: offsets,
  form: fc.constantFrom('Z', 'offset', 'date'),
  zone: fc.constantFrom(0, 60, 120, 330, 345, -300, -480, 780, -600),
});

/** `ms` as an ISO-8601 string with the offset `zone` (minutes east of UTC). */
export function isoWithOffset(ms: number, zone: number): string {
  const local = new Date(ms + zone * MINUTE).toISOString().slice(0, -1);
  const sign = zone < 0 ? '-' : '+';
  const abs = Math.abs(zone);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function dateAt(date: RelDate, now: number): string | Date {
  const ms = now + date.offset;
  if (date.form === 'date') return new Date(ms);
  return date.form === 'Z' ? new Date(ms).toISOString() : isoWithOffset(ms, date.zone);
}

const optionalDate = (date: RelDate | null | undefined, now: number) =>
  date === undefined ? undefined : date === null ? null : dateAt(date, now);

// ── definitions ─────────────────────────────────────────────────────────────────────────────

/**
 * JSON values as they survive a JSON round trip. (fast-check also produces -0, which JSON stores as 0:
 * that known discrepancy has its own test in properties.test.ts, so the random runs look for others.)
 */
const json = (maxDepth: number) => fc.jsonValue({ maxDepth }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

const TIMEZONES = [null, 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe'] as const;

export const RECURRENCES = [
  { rule: 'FREQ=DAILY;COUNT=5', duration: 'PT6H' },
  { rule: 'FREQ=WEEKLY;BYDAY=MO,TU', duration: 'P1D' },
  { rule: 'FREQ=HOURLY;INTERVAL=6', duration: 'PT2H' },
  { rule: 'FREQ=DAILY', duration: 'PT30M' },
  { rule: 'FREQ=DAILY', duration: 'P1D' },
  { rule: 'FREQ=DAILY;COUNT=3', duration: 'PT36H' },
] as const;

export interface DefinitionSpec {
  preset: PresetName;
  name: string;
  start: RelDate | null;
  /** endAt = (startAt or now) + length */
  length: number | null;
  /** visibleAt = startAt − lead (franchise) */
  lead: number | null;
  timezone: (typeof TIMEZONES)[number];
  audience: 'none' | 'trigger' | 'list' | 'bogus' | 'empty';
  products: 0 | 1 | 2;
  labels: string[];
  content: unknown;
  recurrence: (typeof RECURRENCES)[number] | null;
  /** Give fields the preset does not know (gifting startAt, journey recurrence …) anyway. */
  stray: boolean;
}

export const definitionSpec: fc.Arbitrary<DefinitionSpec> = fc.record({
  preset: fc.constantFrom('journey', 'discount', 'gifting', 'franchise'),
  name: fc.oneof(fc.constantFrom('Spring sale', 'Q4 gifts', 'Ünïcödé ✓'), fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '')),
  start: fc.option(relDate, { nil: null }),
  length: fc.option(fc.constantFrom(1, MINUTE, HOUR, DAY, 3 * DAY, 14 * DAY), { nil: null }),
  lead: fc.option(fc.constantFrom(0, HOUR, 2 * DAY), { nil: null }),
  timezone: fc.constantFrom(...TIMEZONES),
  audience: fc.constantFrom('none', 'trigger', 'list', 'bogus', 'empty'),
  products: fc.constantFrom(0, 1, 2),
  labels: fc.array(fc.constantFrom('spring', 'vip', 'b2b'), { maxLength: 3 }),
  content: fc.oneof(fc.constant(null), json(2)),
  recurrence: fc.option(fc.constantFrom(...RECURRENCES), { nil: null, freq: 3 }),
  stray: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

/** The `create` input a spec stands for, at instant `now`. */
export function definitionAt(spec: DefinitionSpec, now: number): CampaignDefinitionInput {
  const fields = { journey: ['startAt'], discount: ['startAt', 'recurrence'], gifting: [], franchise: ['startAt', 'visibleAt', 'recurrence'] }[
    spec.preset
  ] as string[];
  const knows = (field: string) => spec.stray || fields.includes(field);
  const startMs = spec.start === null ? null : now + spec.start.offset;
  const endMs = spec.length === null ? null : (startMs ?? now) + spec.length;
  const definition: Record<string, unknown> = { preset: spec.preset, name: spec.name };
  if (spec.start && knows('startAt')) definition['startAt'] = dateAt(spec.start, now);
  if (endMs !== null) definition['endAt'] = new Date(endMs).toISOString();
  if (spec.lead !== null && startMs !== null && knows('visibleAt')) definition['visibleAt'] = new Date(startMs - spec.lead).toISOString();
  if (spec.timezone !== null) definition['timezone'] = spec.timezone;
  if (spec.audience !== 'none') {
    definition['audience'] = spec.audience === 'empty' ? {} : { mode: spec.audience, segment: 'newsletter' };
  }
  if (spec.products > 0) definition['products'] = spec.products === 1 ? ['mug'] : ['mug', { id: 'tee', size: 'L' }];
  if (spec.labels.length > 0) definition['labels'] = spec.labels;
  if (spec.content !== null) definition['content'] = spec.content;
  if (spec.recurrence && knows('recurrence')) definition['recurrence'] = { ...spec.recurrence };
  return definition as CampaignDefinitionInput;
}

// ── commands ────────────────────────────────────────────────────────────────────────────────

export interface PatchSpec {
  name?: string;
  startAt?: RelDate | null;
  endAt?: RelDate | null;
  visibleAt?: RelDate | null;
  timezone?: string | null;
  audience?: { mode: string } | null;
  products?: string[];
  labels?: string[];
  content?: unknown;
  recurrence?: (typeof RECURRENCES)[number] | null;
}

export const patchSpec: fc.Arbitrary<PatchSpec> = fc.record(
  {
    name: fc.constantFrom('Renamed', 'Other name'),
    startAt: fc.option(relDate, { nil: null, freq: 6 }),
    endAt: fc.option(relDate, { nil: null, freq: 6 }),
    visibleAt: fc.option(relDate, { nil: null, freq: 6 }),
    timezone: fc.constantFrom(null, 'UTC', 'Europe/Berlin', 'Asia/Tokyo'),
    audience: fc.constantFrom(null, { mode: 'trigger' }, { mode: 'list' }, { mode: 'bogus' }),
    products: fc.constantFrom([], ['mug'], ['mug', 'cap']),
    labels: fc.array(fc.constantFrom('edited', 'vip', 'spring'), { maxLength: 3 }),
    content: json(2),
    recurrence: fc.option(fc.constantFrom(...RECURRENCES), { nil: null }),
  },
  { requiredKeys: [] },
);

export function patchAt(spec: PatchSpec, now: number): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) continue;
    patch[key] = key === 'startAt' || key === 'endAt' || key === 'visibleAt' ? optionalDate(value as RelDate | null, now) : value;
  }
  return patch;
}

export type CommandSpec =
  | { type: Exclude<CampaignCommandInput['type'], 'REACTIVATE' | 'UPDATE' | 'SYSTEM_FAULT'> }
  | { type: 'REACTIVATE'; startAt?: RelDate; endAt?: RelDate }
  | { type: 'UPDATE'; patch: PatchSpec }
  | { type: 'SYSTEM_FAULT'; reason: string };

export const commandSpec: fc.Arbitrary<CommandSpec> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('ACTIVATE', 'PUBLISH', 'ACTIVATE_NOW', 'PAUSE', 'RESUME', 'FREEZE', 'CLOSE', 'END', 'ABORT', 'CANCEL', 'ARCHIVE', 'SYSTEM_RECOVER', 'AUDIENCE_LIST_LOADED').map((type) => ({ type })) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('REACTIVATE' as const), startAt: relDate, endAt: relDate }, { requiredKeys: ['type'] }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('UPDATE' as const), patch: patchSpec }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('SYSTEM_FAULT' as const), reason: fc.constantFrom('mailer down', 'quota') }) },
);

export function commandAt(spec: CommandSpec, now: number): CampaignCommandInput {
  switch (spec.type) {
    case 'REACTIVATE':
      return {
        type: 'REACTIVATE',
        ...(spec.startAt ? { startAt: dateAt(spec.startAt, now) } : {}),
        ...(spec.endAt ? { endAt: dateAt(spec.endAt, now) } : {}),
      };
    case 'UPDATE':
      return { type: 'UPDATE', patch: patchAt(spec.patch, now) } as CampaignCommandInput;
    default:
      return spec;
  }
}

/** The command (and source) a `send` step sends to a campaign whose current view is `view`. */
export function steeredCommand(
  s: Extract<Step, { kind: 'send' }>,
  view: { preset: PresetName; actions: readonly string[] } | null,
  now: number,
): { command: CampaignCommandInput; source: 'user' | 'system' | undefined } {
  const raw = { command: commandAt(s.command, now), source: s.source };
  if (s.steer === null || view === null) return raw;
  if (view.preset === 'journey' && s.steer % 5 === 0) {
    const type = (['SYSTEM_FAULT', 'SYSTEM_RECOVER', 'AUDIENCE_LIST_LOADED'] as const)[Math.floor(s.steer / 5) % 3]!;
    return { command: type === 'SYSTEM_FAULT' ? { type, reason: 'mailer down' } : { type }, source: s.source === 'user' ? 'user' : 'system' };
  }
  if (view.actions.length === 0) return raw;
  return { command: steeredUserCommand(s, s.steer, view, now), source: s.source };
}

function steeredUserCommand(
  s: Extract<Step, { kind: 'send' }>,
  steer: number,
  view: { preset: PresetName; actions: readonly string[] },
  now: number,
): CampaignCommandInput {
  const type = view.actions[steer % view.actions.length]!;
  if (type === 'UPDATE') {
    const { name, labels, content, startAt, visibleAt, recurrence, ...rest } = s.patch;
    const mild = { name, labels, content };
    // dates the preset has (the raw commands try the others)
    const known = {
      ...(view.preset !== 'gifting' ? { startAt } : {}),
      ...(view.preset === 'franchise' ? { visibleAt } : {}),
      ...(view.preset === 'discount' || view.preset === 'franchise' ? { recurrence } : {}),
    };
    return { type, patch: patchAt(s.mild ? mild : { ...mild, ...known, ...rest }, now) } as CampaignCommandInput;
  }
  if (type === 'REACTIVATE') return commandAt({ type, ...s.reactivate }, now);
  return { type } as CampaignCommandInput;
}

// ── sequences ───────────────────────────────────────────────────────────────────────────────

export type Step =
  | {
      kind: 'send';
      target: number;
      /**
       * `null`: send `command` as generated (mostly refused). Otherwise pick one of the commands the
       * campaign accepts now (its view's `actions`, or a system command), with `patch`/`reactivate`
       * as payload — so sequences get somewhere.
       */
      steer: number | null;
      command: CommandSpec;
      patch: PatchSpec;
      /** A steered UPDATE keeps to name, labels and content. */
      mild: boolean;
      reactivate: { startAt?: RelDate; endAt?: RelDate };
      source: 'user' | 'system' | undefined;
      commandId: boolean;
      expected: 'none' | 'current' | 'stale';
    }
  | { kind: 'retry'; pick: number; same: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'delete'; target: number; expected: 'none' | 'current' | 'stale' }
  | { kind: 'duplicate'; target: number; overrides: PatchSpec | null }
  | { kind: 'admit'; target: number; invite: RelDate | null }
  | { kind: 'restart' };

/** 15 stands for a campaign that does not exist. */
const target = fc.nat({ max: 15 });
const expectedVersion = fc.constantFrom('none', 'none', 'none', 'none', 'current', 'current', 'stale') as fc.Arbitrary<'none' | 'current' | 'stale'>;

export const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      target,
      steer: fc.option(fc.nat(), { nil: null, freq: 4 }),
      command: commandSpec,
      patch: patchSpec,
      mild: fc.boolean(),
      reactivate: fc.record({ startAt: relDate, endAt: relDate.map((d) => ({ ...d, offset: Math.abs(d.offset) + 1 })) }, { requiredKeys: [] }),
      source: fc.constantFrom('user', 'system', undefined),
      commandId: fc.boolean(),
      expected: expectedVersion,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(), same: fc.boolean() }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.constantFrom(0, 1, MINUTE, HOUR, 6 * HOUR, DAY, 3 * DAY, 8 * DAY), fc.integer({ min: 0, max: 10 * DAY })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target, expected: expectedVersion }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), target, overrides: fc.option(patchSpec, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('admit' as const), target, invite: fc.option(relDate, { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

// ── malformed input ─────────────────────────────────────────────────────────────────────────

const repeat = (n: number) => 'x'.repeat(n);

/** Values no date field accepts: numbers, offset-less or impossible strings, invalid Dates, other types. */
export const badDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constant(1_767_225_600_000),
  fc.constantFrom(
    '2026-03-01T10:00:00',
    '2026-03-01T10:00:00.123',
    '2026-03-01',
    '2026-03-01T10:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T25:00:00Z',
    '2026-01-01T10:00:00+0100',
    '2026-01-01 10:00:00Z',
    'tomorrow',
    'now',
    '',
    'NaN',
    '1767225600000',
  ),
  fc.string({ maxLength: 20 }).map((s) => `x${s}`),
  fc.constant(new Date(Number.NaN)),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
);

const badName = fc.oneof(
  fc.constantFrom('', '   ', '\t\n'),
  fc.constantFrom(201, 5_000, 1_000_000).map(repeat),
  fc.integer(),
  fc.constant(null),
  fc.constant({}),
  fc.constant(['x']),
);

/** For each definition/patch field, values it must refuse (null excluded where null clears the field). */
export const badField: Record<string, fc.Arbitrary<unknown>> = {
  name: badName,
  startAt: badDate,
  endAt: badDate,
  visibleAt: badDate,
  timezone: fc.oneof(fc.constantFrom('Mars/Olympus', '', repeat(65), 'Europe/Berlinn', 'CEST'), fc.integer(), fc.constant({})),
  audience: fc.oneof(
    fc.constant('list'),
    fc.constant([]),
    fc.constant({ mode: '' }),
    fc.constant({ mode: repeat(41) }),
    fc.constant({ mode: 5 }),
    fc.constant({ mode: 'list', extra: () => 1 }),
  ),
  products: fc.oneof(
    fc.constant('mug'),
    fc.constant(['']),
    fc.constant([{}]),
    fc.constant([{ id: '' }]),
    fc.constant([{ id: 1 }]),
    fc.constant([{ id: repeat(201) }]),
    fc.constant([null]),
    fc.constant(Array.from({ length: 1_001 }, (_, i) => `p${i}`)),
  ),
  labels: fc.oneof(
    fc.constant('vip'),
    fc.constant(['']),
    fc.constant([repeat(65)]),
    fc.constant(Array.from({ length: 51 }, (_, i) => `l${i}`)),
    fc.constant([1]),
    fc.constant({}),
  ),
  content: fc.oneof(
    fc.constant(repeat(70_000)),
    fc.constant({ big: repeat(66_000) }),
    fc.constant({ f: () => 1 }),
    fc.constant({ n: Number.NaN }),
    fc.constant({ u: undefined }),
    fc.constant({ d: new Date(0) }),
    fc.constant({ b: 1n }),
    fc.constant(new Map([['a', 1]])),
  ),
  recurrence: fc.oneof(
    fc.constantFrom(
      { rule: 'FREQ=MINUTELY', duration: 'PT1H' },
      { rule: 'FREQ=SECONDLY', duration: 'PT1H' },
      { rule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', duration: 'PT1H' },
      { rule: '', duration: 'PT1H' },
      { rule: 'FREQ=SOMETIMES', duration: 'PT1H' },
      { rule: 'BYDAY=MO', duration: 'PT1H' },
      { rule: 'FREQ=DAILY;FOO=BAR', duration: 'PT1H' },
      { rule: 'FREQ=DAILY', duration: 'PT0S' },
      { rule: 'FREQ=DAILY', duration: 'P2Y' },
      { rule: 'FREQ=DAILY', duration: '-P1D' },
      { rule: 'FREQ=DAILY', duration: '1 day' },
      { rule: 'FREQ=DAILY' },
      { duration: 'P1D' },
      { rule: 'FREQ=DAILY', duration: 'P1D', extra: 1 },
      { rule: repeat(501), duration: 'P1D' },
    ),
    fc.constantFrom('FREQ=DAILY', 5, []),
  ),
};

const FIELDS = Object.keys(badField);

/** `value` with an own `key` (`__proto__`, `constructor`, `prototype`) planted at a random depth, as JSON.parse makes it. */
export function plant(value: unknown, key: string, depth: number): unknown {
  const marker = '__planted__';
  let nested: unknown = { [marker]: { polluted: true } };
  for (let i = 0; i < depth; i++) nested = i % 2 ? [nested] : { inner: nested };
  const host =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object), planted: nested } : { value, planted: nested };
  return JSON.parse(JSON.stringify(host).replaceAll(`"${marker}"`, JSON.stringify(key)));
}

const forbiddenKey = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** A definition field that carries JSON, with a prototype key planted somewhere inside. */
const planted = fc
  .record({
    field: fc.constantFrom('audience', 'products', 'content'),
    key: forbiddenKey,
    depth: fc.nat({ max: 4 }),
    json: fc.jsonValue({ maxDepth: 2 }),
  })
  .map(({ field, key, depth, json }) => {
    if (field === 'audience') return { field, value: plant({ mode: 'list' }, key, depth) };
    if (field === 'products') return { field, value: ['mug', plant({ id: 'tee' }, key, depth)] };
    return { field, value: plant(json, key, depth) };
  });

/** One field of a definition or patch made invalid, or an unknown key added. */
const badFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FIELDS).chain((field) => badField[field]!.map((value) => ({ [field]: value }))) },
  { weight: 3, arbitrary: planted.map(({ field, value }) => ({ [field]: value })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('status', 'id', 'version', 'extra', 'at', 'state', 'createdAt').map((key) => ({ [key]: 'x' })),
  },
);

const validDefinition = fc.constantFrom<Record<string, unknown>>(
  { preset: 'discount', name: 'Sale', startAt: '2026-02-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' },
  { preset: 'journey', name: 'Journey', audience: { mode: 'list' } },
  { preset: 'gifting', name: 'Gifts', products: ['mug'] },
  { preset: 'franchise', name: 'Franchise', startAt: '2026-02-01T00:00:00+01:00', endAt: '2026-03-01T00:00:00+01:00' },
);

/** A call of the public API with malformed input: every one must be a ValidationError, with nothing written. */
export type Malformed =
  | { api: 'create'; input: unknown }
  | { api: 'createOptions'; options: unknown }
  | { api: 'send'; command: unknown }
  | { api: 'sendOptions'; options: unknown }
  | { api: 'duplicate'; overrides: unknown }
  | { api: 'admit'; input: unknown };

const badCommand: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    'PAUSE',
    5,
    [],
    {},
    { type: 'LAUNCH' },
    { type: 'pause' },
    { type: '' },
    { type: 'PAUSE', at: 5 },
    { type: 'PAUSE', extra: true },
    { type: 'SYSTEM_FAULT' },
    { type: 'SYSTEM_FAULT', reason: '' },
    { type: 'SYSTEM_FAULT', reason: repeat(501) },
    { type: 'UPDATE' },
    { type: 'UPDATE', patch: null },
    { type: 'UPDATE', patch: { preset: 'journey' } },
    { type: 'UPDATE', patch: { unknown: 1 } },
  ),
  fc.record({ type: fc.constant('REACTIVATE'), endAt: badDate }),
  fc.record({ type: fc.constant('REACTIVATE'), startAt: badDate, endAt: fc.constant('2027-01-01T00:00:00Z') }),
  badFields.map((patch) => ({ type: 'UPDATE', patch })),
);

const badSendOptions: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, '2', Number.NaN, Number.POSITIVE_INFINITY, null).map((expectedVersion) => ({ expectedVersion })),
  fc.constantFrom('', '   ', repeat(201), 5, {}, null).map((commandId) => ({ commandId })),
  fc.constantFrom('timer', 'admin', '', 5, null).map((source) => ({ source })),
  fc.constant({ force: true }),
  fc.constantFrom('user', 5),
);

const badCreateOptions: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('has space', 'a/b', '', repeat(101), 5, 'é', '../x').map((id) => ({ id })),
  fc.constantFrom('', repeat(201)).map((commandId) => ({ commandId })),
  fc.constant({ extra: 1 }),
);

const badAdmit: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom({}, { memberId: '' }, { memberId: 5 }, { memberId: 'm', extra: 1 }, null, 'm'),
  badDate.map((inviteExpiresAt) => ({ memberId: 'm', inviteExpiresAt })),
);

export const malformed: fc.Arbitrary<Malformed> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(validDefinition, badFields).map(([definition, bad]): Malformed => ({ api: 'create', input: { ...definition, ...bad } })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Malformed>(
      { api: 'create', input: { preset: 'nope', name: 'x' } },
      { api: 'create', input: { name: 'x' } },
      { api: 'create', input: { preset: 'discount' } },
      { api: 'create', input: null },
      { api: 'create', input: 'discount' },
      { api: 'create', input: { preset: 'gifting', name: 'x', startAt: '2026-02-01T00:00:00Z' } },
      { api: 'create', input: { preset: 'journey', name: 'x', recurrence: { rule: 'FREQ=DAILY', duration: 'PT1H' } } },
      { api: 'create', input: { preset: 'discount', name: 'x', visibleAt: '2026-02-01T00:00:00Z' } },
      { api: 'create', input: { preset: 'discount', name: 'x', startAt: '2026-02-01T00:00:00Z', endAt: '2026-02-01T00:00:00Z' } },
      { api: 'create', input: { preset: 'franchise', name: 'x', startAt: '2026-02-01T00:00:00Z', visibleAt: '2026-02-02T00:00:00Z' } },
    ),
  },
  { weight: 1, arbitrary: badCreateOptions.map((options): Malformed => ({ api: 'createOptions', options })) },
  { weight: 4, arbitrary: badCommand.map((command): Malformed => ({ api: 'send', command })) },
  { weight: 1, arbitrary: badSendOptions.map((options): Malformed => ({ api: 'sendOptions', options })) },
  { weight: 2, arbitrary: badFields.map((overrides): Malformed => ({ api: 'duplicate', overrides })) },
  { weight: 1, arbitrary: badAdmit.map((input): Malformed => ({ api: 'admit', input })) },
);
