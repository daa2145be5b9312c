import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { AdmitInput, Admission } from '../../machines/admission.js';
import { CampaignCommand } from '../../machines/CampaignCommand.js';
import { CampaignDefinition, CampaignPatch } from '../../machines/CampaignDefinition.js';
import { CampaignView } from '../../machines/CampaignView.js';
import { CountsQuery } from '../../actors/CampaignRuntime.js';
import { fingerprint } from '../../actors/fingerprint.js';
import { mapError } from '../errors.js';
import { KeysInFlight } from '../KeysInFlight.js';
import type { RuntimeGate } from '../RuntimeGate.js';
import { calendarEntries, type CalendarEntry } from '../../machines/calendar.js';
import { BulkBody, BulkResult, Calendar, CalendarQuery, CampaignIdParam, CampaignPage, Counts, Forecast, History, IdempotencyHeaders, ListQuery, WriteHeaders } from '../schemas.js';
import { jsonObjectBody, validate } from '../validate.js';
import { bodyErrors, errors, json } from './responses.js';

const TAG = ['campaigns'];
/** Campaigns a calendar looks at, at most (newest first). */
const CALENDAR_LIMIT = 10_000;
const etag = (view: CampaignView) => ({ ETag: `"${view.version}"` });
const location = (view: CampaignView) => ({ ...etag(view), Location: `/api/campaigns/${encodeURIComponent(view.id)}` });


/** The command id of one campaign of a bulk request: always fits, whatever the key's length. */
export const bulkCommandId = (key: string, campaignId: string) => `bulk:${fingerprint([key, campaignId])}`;

/** The campaign routes under `/api`: every request validated with the runtime's own schemas, parsed once. */
export function campaignRoutes(gate: RuntimeGate): Hono {
  const app = new Hono();
  const keys = new KeysInFlight();
  creating(app, gate, keys);
  commanding(app, gate, keys);
  reading(app, gate);
  return app;
}

/** Create and duplicate. */
function creating(app: Hono, gate: RuntimeGate, keys: KeysInFlight): void {
  app.post(
    '/campaigns',
    describeRoute({
      operationId: 'createCampaign',
      summary: 'Create a campaign',
      description: 'Creates a campaign in its first status (Draft, or Designing for journeys). `Idempotency-Key` makes a retry return the first campaign.',
      tags: TAG,
      responses: { 201: json('Created (Location: its URL, ETag: its version)', CampaignView), ...bodyErrors(409, 422) },
    }),
    jsonObjectBody(),
    validate('json', CampaignDefinition),
    validate('header', IdempotencyHeaders),
    async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const view = await keys.run(key, () => gate.parsed.create(c.req.valid('json'), key ? { commandId: key } : {}));
      return c.json(view, 201, location(view));
    },
  );

  app.post(
    '/campaigns/:id/duplicate',
    describeRoute({
      operationId: 'duplicateCampaign',
      summary: 'Copy a campaign into a new draft',
      description: 'Content, products, audience and labels are copied; dates are cleared unless given. The body (optional) overrides fields.',
      tags: TAG,
      responses: { 201: json('The copy (Location: its URL)', CampaignView), ...bodyErrors(404) },
    }),
    validate('param', CampaignIdParam),
    jsonObjectBody({ optional: true }),
    validate('json', CampaignPatch),
    async (c) => {
      const view = await gate.parsed.duplicate(c.req.valid('param').id, c.req.valid('json'));
      return c.json(view, 201, location(view));
    },
  );
}

/** Commands, one campaign or many, and delete. */
function commanding(app: Hono, gate: RuntimeGate, keys: KeysInFlight): void {
  app.post(
    '/campaigns/:id/commands',
    describeRoute({
      operationId: 'sendCommand',
      summary: 'Send a user command',
      description: 'System-only commands (SYSTEM_FAULT, SYSTEM_RECOVER, AUDIENCE_LIST_LOADED) are refused with 409.',
      tags: TAG,
      responses: { 200: json('The campaign after the command (ETag: its version)', CampaignView), ...bodyErrors(404, 409, 422) },
    }),
    validate('param', CampaignIdParam),
    jsonObjectBody(),
    validate('json', CampaignCommand),
    validate('header', WriteHeaders),
    async (c) => {
      const headers = c.req.valid('header');
      const view = await keys.run(headers['idempotency-key'], () =>
        gate.parsed.send(c.req.valid('param').id, c.req.valid('json'), {
          source: 'user',
          ...(headers['if-match'] !== undefined ? { expectedVersion: headers['if-match'] } : {}),
          ...(headers['idempotency-key'] ? { commandId: headers['idempotency-key'] } : {}),
        }),
      );
      return c.json(view, 200, etag(view));
    },
  );

  app.post(
    '/campaigns/bulk',
    describeRoute({
      operationId: 'bulkCommand',
      summary: 'Send one command (or DELETE) to many campaigns',
      description:
        'Always 200: each id gets its own result, with the HTTP status and error body it would have had alone. ' +
        'With `Idempotency-Key: K`, the command id for campaign X is `bulk:` + base64url(SHA-256(canonical JSON of [K, X])) — it always fits.',
      tags: TAG,
      responses: { 200: json('Per-id results', BulkResult), ...bodyErrors(409) },
    }),
    jsonObjectBody(),
    validate('json', BulkBody),
    validate('header', IdempotencyHeaders),
    async (c) => {
      const { ids, command } = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      const results = await keys.run(key, () => Promise.all(
        [...new Set(ids)].map(async (id) => {
          const options = key ? { commandId: bulkCommandId(key, id) } : {};
          try {
            if (command.type === 'DELETE') {
              await gate.parsed.delete(id, options);
              return { id, ok: true as const, campaign: null };
            }
            return { id, ok: true as const, campaign: await gate.parsed.send(id, command, { ...options, source: 'user' }) };
          } catch (caught) {
            const mapped = mapError(caught);
            return { id, ok: false as const, httpStatus: mapped.status, error: mapped.body };
          }
        }),
      ));
      return c.json({ results });
    },
  );

  app.delete(
    '/campaigns/:id',
    describeRoute({
      operationId: 'deleteCampaign',
      summary: 'Delete a campaign',
      description: 'Refused with 409 in the statuses that keep their records; history is kept.',
      tags: TAG,
      responses: { 204: { description: 'Deleted' }, ...errors(400, 404, 409, 422) },
    }),
    validate('param', CampaignIdParam),
    validate('header', WriteHeaders),
    async (c) => {
      const headers = c.req.valid('header');
      await keys.run(headers['idempotency-key'], () =>
        gate.parsed.delete(c.req.valid('param').id, {
          ...(headers['if-match'] !== undefined ? { expectedVersion: headers['if-match'] } : {}),
          ...(headers['idempotency-key'] ? { commandId: headers['idempotency-key'] } : {}),
        }),
      );
      return c.body(null, 204);
    },
  );
}

/** Lists, counts, one campaign, its history and forecast, and admission. */
function reading(app: Hono, gate: RuntimeGate): void {
  app.get(
    '/calendar',
    describeRoute({
      operationId: 'getCalendar',
      summary: 'Campaign windows in a time range',
      description:
        'For a window of up to 62 days: when each campaign is visible before its start, when it runs, and each occurrence of a recurring one. Filter by preset and label.',
      tags: TAG,
      responses: { 200: json('Calendar entries, by start', Calendar), ...errors(400) },
    }),
    validate('query', CalendarQuery),
    async (c) => {
      const query = c.req.valid('query');
      const [from, to] = [Date.parse(query.from), Date.parse(query.to)];
      const items: CalendarEntry[] = [];
      let after: string | undefined;
      let seen = 0;
      do {
        const page = await gate.parsed.listPage({ limit: 500, ...(query.preset ? { preset: query.preset } : {}), ...(after ? { after } : {}) });
        for (const view of page.items) if (!query.label || view.labels.includes(query.label)) items.push(...calendarEntries(view, from, to));
        seen += page.items.length;
        after = page.next ?? undefined;
      } while (after && seen < CALENDAR_LIMIT);
      items.sort((a, b) => a.start.localeCompare(b.start) || a.name.localeCompare(b.name));
      return c.json({ items, truncated: Boolean(after) });
    },
  );

  app.get(
    '/campaigns',
    describeRoute({
      operationId: 'listCampaigns',
      summary: 'List campaigns, newest first, one page at a time',
      description: 'Repeat `status` to match several statuses. Pass `next` back as `after` for the next page.',
      tags: TAG,
      responses: { 200: json('One page', CampaignPage), ...errors(400) },
    }),
    validate('query', ListQuery),
    async (c) => c.json(await gate.parsed.listPage(c.req.valid('query'))),
  );

  app.get(
    '/counts',
    describeRoute({
      operationId: 'countCampaigns',
      summary: 'Campaigns per status label',
      description: 'Every status of every preset (or of one preset), zeros included.',
      tags: TAG,
      responses: { 200: json('Counts by status', Counts), ...errors(400) },
    }),
    validate('query', CountsQuery),
    async (c) => c.json(await gate.parsed.counts(c.req.valid('query'))),
  );

  app.get(
    '/campaigns/:id',
    describeRoute({
      operationId: 'getCampaign',
      summary: 'One campaign',
      description: 'Its status and state, the actions accepted now and why each other one is refused (ETag: its version).',
      tags: TAG,
      responses: { 200: json('The campaign', CampaignView), ...errors(404) },
    }),
    validate('param', CampaignIdParam),
    async (c) => {
      const view = await gate.runtime.get(c.req.valid('param').id);
      return c.json(view, 200, etag(view));
    },
  );

  app.get(
    '/campaigns/:id/history',
    describeRoute({
      operationId: 'campaignHistory',
      summary: "A campaign's history",
      description: 'Every committed change, oldest first; a timer carries when it was due and when it fired.',
      tags: TAG,
      responses: { 200: json('History', History), ...errors(404) },
    }),
    validate('param', CampaignIdParam),
    async (c) => c.json({ items: await gate.runtime.history(c.req.valid('param').id) }),
  );

  app.get(
    '/campaigns/:id/forecast',
    describeRoute({
      operationId: 'campaignForecast',
      summary: 'Timed transitions ahead',
      description: 'What will happen when, if nobody acts.',
      tags: TAG,
      responses: { 200: json('Forecast', Forecast), ...errors(404) },
    }),
    validate('param', CampaignIdParam),
    async (c) => c.json({ items: await gate.runtime.forecast(c.req.valid('param').id) }),
  );

  app.post(
    '/campaigns/:id/admit',
    describeRoute({
      operationId: 'admit',
      summary: 'Would the campaign admit this member now?',
      description: "Asks the campaign's intake and the invite's own expiry; whichever ends first wins.",
      tags: TAG,
      responses: { 200: json('The answer', Admission), ...bodyErrors(404) },
    }),
    validate('param', CampaignIdParam),
    jsonObjectBody(),
    validate('json', AdmitInput),
    async (c) => c.json(await gate.parsed.admit(c.req.valid('param').id, c.req.valid('json'))),
  );
}
