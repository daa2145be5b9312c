import { z } from 'zod';
import {
  CampaignCommand,
  CampaignDefinition,
  type CampaignRuntime,
  type CampaignView,
} from '../index.js';
import { presetCommands, presets } from '../machines/index.js';
import type { ChangeStreams } from './changes.js';
import { mapError } from './errors.js';
import { defineRoute, type ResponseDoc, type Route } from './route.js';
import {
  AdmitBody,
  AdmitResultSchema,
  BulkBody,
  BulkResultSchema,
  CampaignViewSchema,
  ChangesQuery,
  CountsQuery,
  CountsSchema,
  DuplicateBody,
  ErrorSchema,
  ForecastSchema,
  HealthSchema,
  HistorySchema,
  ListQuery,
  PageSchema,
  PresetInfoSchema,
  StatechartSchema,
} from './schemas.js';
import { statechart } from './statechart.js';

const error = (description: string): ResponseDoc => ({ description, schema: ErrorSchema });
const E400 = error('Invalid input (ValidationError with zod issues, MalformedJson)');
const E404 = error('No such campaign (NotFoundError)');
const E409 = error('Refused now (TransitionRejectedError) or stale If-Match / reused Idempotency-Key (ConflictError)');

const viewHeaders = (view: CampaignView) => ({ ETag: `"${view.version}"` });

/** The JSON API: every route's schemas, documentation and (thin) handler. */
export function apiRoutes(rt: CampaignRuntime, changes: ChangeStreams): Route[] {
  const chart = statechart();
  const presetInfo = Object.values(presets).map((preset) => ({
    name: preset.name,
    title: preset.title,
    statuses: [...new Set(Object.values(preset.statuses))],
    commands: presetCommands(preset.name),
    activation: preset.activation.command,
    requires: preset.activation.requires,
    fields: preset.fields,
  }));

  return [
    defineRoute({
      method: 'POST',
      path: '/api/campaigns',
      operationId: 'createCampaign',
      summary: 'Create a campaign (Draft / Designing)',
      tag: 'campaigns',
      body: CampaignDefinition,
      headers: ['Idempotency-Key'],
      responses: { 201: { description: 'Created', schema: CampaignViewSchema }, 400: E400, 409: E409 },
      async handle({ body, idempotencyKey }) {
        const view = await rt.create(body, idempotencyKey ? { commandId: idempotencyKey } : {});
        return { status: 201, body: view, headers: { ...viewHeaders(view), Location: `/api/campaigns/${encodeURIComponent(view.id)}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns',
      operationId: 'listCampaigns',
      summary: 'List campaigns, newest first, one page at a time',
      description: 'Repeat `status` to match several statuses. Pass `next` back as `after` for the next page.',
      tag: 'campaigns',
      query: ListQuery,
      responses: { 200: { description: 'One page', schema: PageSchema }, 400: E400 },
      async handle({ query }) {
        return { status: 200, body: await rt.listPage(query) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/counts',
      operationId: 'countCampaigns',
      summary: 'Number of campaigns per status label (every status of every preset, zeros included)',
      tag: 'campaigns',
      query: CountsQuery,
      responses: { 200: { description: 'Counts by status', schema: CountsSchema }, 400: E400 },
      async handle({ query }) {
        return { status: 200, body: await rt.counts(query.preset ? { preset: query.preset } : {}) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/campaigns/bulk',
      operationId: 'bulkCommand',
      summary: 'Send one command (or DELETE) to many campaigns',
      description:
        'Always 200: each id gets its own result, with the HTTP status and error body it would have had alone. ' +
        'With `Idempotency-Key: K`, the command id for campaign X is `K:X`.',
      tag: 'campaigns',
      body: BulkBody,
      headers: ['Idempotency-Key'],
      responses: { 200: { description: 'Per-id results', schema: BulkResultSchema }, 400: E400 },
      async handle({ body, idempotencyKey }) {
        const ids = [...new Set(body.ids)];
        const command = body.command;
        const results = await Promise.all(
          ids.map(async (id) => {
            const options = idempotencyKey ? { commandId: `${idempotencyKey}:${id}` } : {};
            try {
              if (command.type === 'DELETE') {
                await rt.delete(id, options);
                return { id, ok: true as const, campaign: null };
              }
              return { id, ok: true as const, campaign: await rt.send(id, command, { ...options, source: 'user' }) };
            } catch (caught) {
              const mapped = mapError(caught);
              return { id, ok: false as const, httpStatus: mapped.status, error: mapped.body };
            }
          }),
        );
        return { status: 200, body: { results } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns/:id',
      operationId: 'getCampaign',
      summary: 'One campaign: status, state, actions accepted now and why the others are refused',
      tag: 'campaigns',
      responses: { 200: { description: 'The campaign (ETag: its version)', schema: CampaignViewSchema }, 404: E404 },
      async handle({ params }) {
        const view = await rt.get(params['id']!);
        return { status: 200, body: view, headers: viewHeaders(view) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/campaigns/:id',
      operationId: 'deleteCampaign',
      summary: 'Delete a campaign (refused with 409 in statuses that keep their records)',
      tag: 'campaigns',
      headers: ['If-Match', 'Idempotency-Key'],
      responses: { 204: { description: 'Deleted' }, 400: E400, 404: E404, 409: E409 },
      async handle({ params, ifMatch, idempotencyKey }) {
        await rt.delete(params['id']!, {
          ...(ifMatch !== undefined ? { expectedVersion: ifMatch } : {}),
          ...(idempotencyKey ? { commandId: idempotencyKey } : {}),
        });
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/campaigns/:id/commands',
      operationId: 'sendCommand',
      summary: 'Send a user command (system-only commands are refused with 409)',
      tag: 'campaigns',
      body: CampaignCommand,
      headers: ['If-Match', 'Idempotency-Key'],
      responses: { 200: { description: 'The campaign after the command', schema: CampaignViewSchema }, 400: E400, 404: E404, 409: E409 },
      async handle({ params, body, ifMatch, idempotencyKey }) {
        const view = await rt.send(params['id']!, body, {
          source: 'user',
          ...(ifMatch !== undefined ? { expectedVersion: ifMatch } : {}),
          ...(idempotencyKey ? { commandId: idempotencyKey } : {}),
        });
        return { status: 200, body: view, headers: viewHeaders(view) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/campaigns/:id/duplicate',
      operationId: 'duplicateCampaign',
      summary: 'Copy a campaign into a new draft (dates cleared unless given)',
      tag: 'campaigns',
      body: DuplicateBody,
      bodyOptional: true,
      responses: { 201: { description: 'The copy', schema: CampaignViewSchema }, 400: E400, 404: E404 },
      async handle({ params, body }) {
        const view = await rt.duplicate(params['id']!, body);
        return { status: 201, body: view, headers: { ...viewHeaders(view), Location: `/api/campaigns/${encodeURIComponent(view.id)}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns/:id/history',
      operationId: 'campaignHistory',
      summary: 'Every committed change of a campaign, oldest first (timers carry when they were due)',
      tag: 'campaigns',
      responses: { 200: { description: 'History', schema: HistorySchema }, 404: E404 },
      async handle({ params }) {
        return { status: 200, body: { items: await rt.history(params['id']!) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns/:id/forecast',
      operationId: 'campaignForecast',
      summary: 'Timed transitions ahead if nobody acts',
      tag: 'campaigns',
      responses: { 200: { description: 'Forecast', schema: ForecastSchema }, 404: E404 },
      async handle({ params }) {
        return { status: 200, body: { items: await rt.forecast(params['id']!) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/campaigns/:id/admit',
      operationId: 'admit',
      summary: "Would the campaign admit this member now? (campaign intake and the invite's own expiry)",
      tag: 'campaigns',
      body: AdmitBody,
      responses: { 200: { description: 'Answer', schema: AdmitResultSchema }, 400: E400, 404: E404 },
      async handle({ params, body }) {
        return { status: 200, body: await rt.admit(params['id']!, body) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/health',
      operationId: 'health',
      summary: 'Timers pending and overdue, firing lag; 503 when a timer is overdue by more than 5 s',
      tag: 'service',
      responses: { 200: { description: 'Healthy', schema: HealthSchema }, 503: { description: 'Unhealthy', schema: HealthSchema } },
      async handle() {
        const health = await rt.health();
        return { status: health.ok ? 200 : 503, body: health };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/presets',
      operationId: 'presets',
      summary: 'The presets: statuses, user commands, activation command and supported fields',
      tag: 'service',
      responses: { 200: { description: 'Presets', schema: z.array(PresetInfoSchema) } },
      async handle() {
        return { status: 200, body: presetInfo };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/statechart',
      operationId: 'statechart',
      summary: "The statechart's state nodes as a tree, and the nodes each preset phase stands for",
      tag: 'service',
      responses: { 200: { description: 'Statechart', schema: StatechartSchema } },
      async handle() {
        return { status: 200, body: chart };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/changes',
      operationId: 'changes',
      summary: 'Change feed as Server-Sent Events',
      description:
        'Each committed change is an event `change` whose id is its sequence number and whose data is a CampaignChange. ' +
        'Resumes after `Last-Event-ID` (sent by EventSource on reconnect), else after `?after=`, else from now. ' +
        'A comment line is sent as a heartbeat.',
      tag: 'service',
      query: ChangesQuery,
      headers: ['Last-Event-ID'],
      responses: { 200: { description: 'An event stream of CampaignChange', contentType: 'text/event-stream' }, 400: E400 },
      async handle({ c, query, lastEventId }) {
        return changes.open(c, lastEventId ?? query.after);
      },
    }),
  ];
}
