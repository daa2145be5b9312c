import { z } from 'zod';
import { Instant } from './Instant.js';
import { PresetName } from './Preset.js';
import { presets } from './presets/index.js';
import { Recurrence } from './Recurrence.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_CONTENT_BYTES = 64 * 1024;
const MAX_AUDIENCE_BYTES = 64 * 1024;
const MAX_PRODUCT_BYTES = 4 * 1024;
const MAX_PRODUCTS = 1000;
const MAX_DEPTH = 32;

/**
 * The first problem in raw host data, walked without recursion (so no input can overflow the
 * stack): a prototype key, a cycle, or nesting deeper than {@link MAX_DEPTH}.
 */
function dataProblem(value: unknown): { path: (string | number)[]; message: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (seen.has(current)) return { path, message: 'Cyclic data is not allowed' };
    seen.add(current);
    if (path.length >= MAX_DEPTH) return { path, message: `Data may nest at most ${MAX_DEPTH} levels deep` };
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) return { path: [...path, key], message: `Key "${key}" is not allowed` };
      const child = (current as Record<string, unknown>)[key];
      stack.push({ value: child, path: [...path, Array.isArray(current) ? Number(key) : key] });
    }
  }
  return null;
}

/**
 * Checks raw input before zod copies it (copying would turn a `__proto__` key into a prototype,
 * and deep or cyclic data would overflow the stack), then normalizes it as JSON would store it.
 */
function safe<S extends z.ZodType>(schema: S, maxBytes: number, what: string) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      const problem = dataProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', ...problem });
    })
    .pipe(schema)
    .transform((value) => JSON.parse(JSON.stringify(value)) as z.output<S>)
    .refine((value) => JSON.stringify(value).length <= maxBytes, `${what} must serialize to at most ${maxBytes / 1024} KiB of JSON`);
}

/** Any JSON value (the shape of host data once parsed). */
export type JsonShape = string | number | boolean | null | JsonShape[] | { [key: string]: JsonShape };
export const JsonShape: z.ZodType<JsonShape> = z
  .union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(z.lazy(() => JsonShape)),
    z.record(
      z.string(),
      z.lazy(() => JsonShape),
    ),
  ])
  .meta({ id: 'Json', description: 'Any JSON value' });

/** Any JSON value the host stores with the campaign; never interpreted, at most 64 KiB, no prototype keys. */
export const Content = safe(JsonShape, MAX_CONTENT_BYTES, 'content');
export type Content = z.infer<typeof Content>;

/** The shape of parsed audience settings. */
export const AudienceShape = z
  .object({ mode: z.string().trim().min(1).max(40).optional() })
  .catchall(JsonShape)
  .meta({ id: 'Audience', description: 'Audience settings: `mode` ("trigger" or "list") and the host\'s own fields' });

/**
 * Audience settings. Only `mode` is interpreted (a journey activates with `trigger` or `list`);
 * the other fields are the host's and are kept as given.
 */
export const Audience = safe(AudienceShape, MAX_AUDIENCE_BYTES, 'audience').meta({
  type: 'object',
  properties: { mode: { type: 'string', minLength: 1, maxLength: 40, description: '"trigger" or "list" (journeys)' } },
  additionalProperties: true,
  description: "Audience settings: `mode` and the host's own fields",
});
export type Audience = z.infer<typeof Audience>;

/** The shape of a parsed product. */
export const ProductShape = z
  .union([z.string().trim().min(1).max(200), z.object({ id: z.string().trim().min(1).max(200) }).catchall(JsonShape)])
  .meta({ id: 'Product', description: "A product id, or an object with an `id` and the host's own fields" });

/** A product: its id, or an object with an `id` and the host's own fields. */
export const Product = safe(ProductShape, MAX_PRODUCT_BYTES, 'a product').meta({
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 200 },
    { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'], additionalProperties: true },
  ],
  description: "A product id, or an object with an `id` and the host's own fields",
});
export type Product = z.infer<typeof Product>;

/** An IANA time zone, stored under its canonical name (`europe/berlin` → `Europe/Berlin`). */
export const Timezone = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const canonical = canonicalTimeZone(name);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: 'timezone must be an IANA time zone such as Europe/Berlin' });
      return z.NEVER;
    }
    return canonical;
  });

function canonicalTimeZone(name: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/**
 * What RESUME does to the dates (presets that offer it): `keep` — dates are absolute, a pause
 * does not move them; `extend` — the end date (and a running occurrence's end) moves by the time
 * the campaign was paused: the remaining time is preserved.
 */
export const OnResume = z.enum(['keep', 'extend'], { error: 'onResume must be "keep" or "extend"' });
export type OnResume = z.infer<typeof OnResume>;

/** Fields of a definition that UPDATE may change (everything but the preset). */
const editableShape = {
  name: z
    .string({ error: (issue) => (issue.input === undefined ? 'name is required' : 'name must be text') })
    .trim()
    .min(1, 'name must not be empty')
    .max(200, 'name must be at most 200 characters'),
  startAt: Instant.nullable(),
  endAt: Instant.nullable(),
  visibleAt: Instant.nullable(),
  timezone: Timezone.nullable(),
  audience: Audience.nullable(),
  products: z.array(Product).max(MAX_PRODUCTS),
  labels: z.array(z.string().trim().min(1).max(64)).max(50),
  content: Content,
  recurrence: Recurrence.nullable(),
  onResume: OnResume,
};

/** A patch of definition fields, as carried by UPDATE: every field optional, `null` clears a date. */
export const CampaignPatch = z.strictObject(editableShape).partial();
export type CampaignPatch = z.infer<typeof CampaignPatch>;

/** What a campaign is made of once parsed: dates as epoch milliseconds, defaults filled in. */
export interface CampaignDefinition {
  preset: PresetName;
  name: string;
  startAt: number | null;
  endAt: number | null;
  visibleAt: number | null;
  timezone: string | null;
  audience: Audience | null;
  products: Product[];
  labels: string[];
  content: Content;
  recurrence: Recurrence | null;
  /** Absent in snapshots stored before 0.2: read as `keep`. */
  onResume: OnResume;
}

/** Order rules between the dates of a definition. */
export function definitionProblems(def: CampaignDefinition): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  if (def.startAt !== null && def.endAt !== null && def.endAt <= def.startAt) {
    problems.push({ path: ['endAt'], message: 'endAt must be after startAt' });
  }
  if (def.visibleAt !== null && def.startAt !== null && def.visibleAt > def.startAt) {
    problems.push({ path: ['visibleAt'], message: 'visibleAt must not be after startAt' });
  }
  return problems;
}

/** Fields given as input that the preset does not understand (e.g. a start date for gifting). */
export function presetFieldProblems(
  preset: PresetName,
  fields: Pick<CampaignPatch, 'startAt' | 'visibleAt' | 'recurrence' | 'onResume'>,
): { path: string[]; message: string }[] {
  const supports = presets[preset].fields;
  const problems: { path: string[]; message: string }[] = [];
  if (!supports.startAt && fields.startAt != null) {
    problems.push({ path: ['startAt'], message: `${preset} campaigns have no start date: they start when activated` });
  }
  if (!supports.visibleAt && fields.visibleAt != null) {
    problems.push({ path: ['visibleAt'], message: `${preset} campaigns have no visible date` });
  }
  if (!supports.recurrence && fields.recurrence != null) {
    problems.push({ path: ['recurrence'], message: `${preset} campaigns do not recur` });
  }
  if (!supports.onResume && fields.onResume === 'extend') {
    problems.push({ path: ['onResume'], message: `${preset} campaigns keep their dates on resume: onResume "extend" is for discount campaigns` });
  }
  return problems;
}

/** Input of `create`: a preset, a name and any definition fields. */
export const CampaignDefinition = z
  .strictObject({
    preset: PresetName,
    name: editableShape.name,
    startAt: editableShape.startAt.optional(),
    endAt: editableShape.endAt.optional(),
    visibleAt: editableShape.visibleAt.optional(),
    timezone: editableShape.timezone.optional(),
    audience: editableShape.audience.optional(),
    products: editableShape.products.optional(),
    labels: editableShape.labels.optional(),
    content: editableShape.content.optional(),
    recurrence: editableShape.recurrence.optional(),
    onResume: editableShape.onResume.optional(),
  })
  .transform(
    (input): CampaignDefinition => ({
      preset: input.preset,
      name: input.name,
      startAt: input.startAt ?? null,
      endAt: input.endAt ?? null,
      visibleAt: input.visibleAt ?? null,
      timezone: input.timezone ?? null,
      audience: input.audience ?? null,
      products: input.products ?? [],
      labels: [...new Set(input.labels ?? [])],
      content: input.content ?? null,
      recurrence: input.recurrence ?? null,
      onResume: input.onResume ?? 'keep',
    }),
  )
  .superRefine((def, ctx) => {
    for (const problem of [...presetFieldProblems(def.preset, def), ...definitionProblems(def)]) {
      ctx.addIssue({ code: 'custom', ...problem });
    }
  });
export type CampaignDefinitionInput = z.input<typeof CampaignDefinition>;
