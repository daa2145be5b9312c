import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { RuntimeHealth } from '../../actors/CampaignRuntime.js';
import { presetCommands } from '../../machines/describeCampaign.js';
import { presets } from '../../machines/presets/index.js';
import type { ChangeStreams } from '../changes.js';
import type { RuntimeGate } from '../RuntimeGate.js';
import { ChangesQuery, PresetInfo, Statechart, StreamHeaders } from '../schemas.js';
import { statechart } from '../statechart.js';
import { validate } from '../validate.js';
import { errors, json } from './responses.js';

const TAG = ['service'];

/** The service routes under `/api`: health, presets, the statechart and the change stream. */
export function serviceRoutes(gate: RuntimeGate, changes: ChangeStreams): Hono {
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
  const app = new Hono();

  app.get(
    '/health',
    describeRoute({
      operationId: 'health',
      summary: 'Timers pending and overdue, firing lag',
      description: 'Answers 503 (same body) when a timer is overdue by more than 5 s.',
      tags: TAG,
      responses: { 200: json('Healthy', RuntimeHealth), ...errors(), 503: json('Unhealthy (or shutting down)', RuntimeHealth) },
    }),
    async (c) => {
      const health = await gate.runtime.health();
      return c.json(health, health.ok ? 200 : 503);
    },
  );

  app.get(
    '/presets',
    describeRoute({
      operationId: 'listPresets',
      summary: 'The presets',
      description: 'Statuses, user commands, activation command and supported fields of each preset.',
      tags: TAG,
      responses: { 200: json('Presets', z.array(PresetInfo)), ...errors() },
    }),
    (c) => c.json(presetInfo),
  );

  app.get(
    '/statechart',
    describeRoute({
      operationId: 'getStatechart',
      summary: 'The statechart',
      description: "The statechart's state nodes as a tree, and the nodes each preset phase stands for.",
      tags: TAG,
      responses: { 200: json('Statechart', Statechart), ...errors() },
    }),
    (c) => c.json(chart),
  );

  app.get(
    '/changes',
    describeRoute({
      operationId: 'streamChanges',
      summary: 'The change feed as Server-Sent Events',
      description:
        'Each committed change is an event `change` whose id is its sequence number and whose data is a CampaignChange. ' +
        'Resumes after `Last-Event-ID` (sent by EventSource on reconnect), else after `?after=`, else from now. ' +
        'A comment line is sent as a heartbeat.',
      tags: TAG,
      responses: {
        200: { description: 'An event stream of CampaignChange', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...errors(400),
      },
    }),
    validate('query', ChangesQuery),
    validate('header', StreamHeaders),
    (c) => changes.open(c as never, c.req.valid('header')['last-event-id'] ?? c.req.valid('query').after),
  );

  return app;
}
