import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { HttpError } from '../errors.js';
import { jsonObjectBody, validate } from '../validate.js';
import { WebhookEndpointInput } from '../webhooks/WebhookEndpointInput.js';
import { WebhookDeliveryView, WebhookEndpointView, type Webhooks } from '../webhooks/Webhooks.js';
import { ParkedCampaignChange } from '../../actors/CampaignChange.js';
import { bodyErrors, errors, json } from './responses.js';

const TAG = ['webhooks'];
const EndpointParam = z.object({ id: z.string().min(1).max(100) });
const ParkedParam = EndpointParam.extend({ seq: z.coerce.number().int().min(1) });
const DeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1_000).default(100).meta({ description: 'Most recent attempts to show (default 100)' }),
});
const notFound = (id: string) => new HttpError(404, 'NotFound', `No webhook endpoint ${id}`);

/**
 * The webhook routes under `/api/webhooks`: register, list and remove endpoints, read their
 * delivery log and parked changes, redeliver one by hand. Secrets go in, never out.
 */
export function webhookRoutes(webhooks: () => Webhooks): Hono {
  const app = new Hono();

  app.post(
    '/webhooks',
    describeRoute({
      operationId: 'registerWebhook',
      summary: 'Register a webhook endpoint',
      description:
        'Changes after now are POSTed to `url`, signed as the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`; verify with the `secret`). ' +
        'A receiver that does not answer 2xx (or within the timeout) is retried with exponential backoff; after the last attempt the change is parked for redelivery by hand.',
      tags: TAG,
      responses: { 201: json('Registered (the secret is not returned)', WebhookEndpointView), ...bodyErrors() },
    }),
    jsonObjectBody(),
    validate('json', WebhookEndpointInput),
    async (c) => {
      const endpoint = await webhooks().register(c.req.valid('json'));
      return c.json(endpoint, 201, { Location: `/api/webhooks/${endpoint.id}` });
    },
  );

  app.get(
    '/webhooks',
    describeRoute({
      operationId: 'listWebhooks',
      summary: 'The webhook endpoints',
      description: 'Each with the state of its delivery consumer: cursor, lag, parked changes and which instance delivers.',
      tags: TAG,
      responses: { 200: json('Endpoints', z.array(WebhookEndpointView)), ...errors() },
    }),
    async (c) => c.json(await webhooks().list()),
  );

  app.get(
    '/webhooks/:id',
    describeRoute({
      operationId: 'getWebhook',
      summary: 'One webhook endpoint',
      description: 'The endpoint (never its secret) and the state of its delivery consumer.',
      tags: TAG, responses: { 200: json('Endpoint', WebhookEndpointView), ...errors(404) } }),
    validate('param', EndpointParam),
    async (c) => {
      const { id } = c.req.valid('param');
      const endpoint = await webhooks().get(id);
      if (!endpoint) throw notFound(id);
      return c.json(endpoint);
    },
  );

  app.delete(
    '/webhooks/:id',
    describeRoute({
      operationId: 'removeWebhook',
      summary: 'Remove a webhook endpoint and its delivery log',
      description: 'Deliveries stop at once here and within `syncMs` on other instances sharing the store.',
      tags: TAG, responses: { 204: { description: 'Removed' }, ...errors(404) } }),
    validate('param', EndpointParam),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await webhooks().remove(id))) throw notFound(id);
      return c.body(null, 204);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    describeRoute({
      operationId: 'listWebhookDeliveries',
      summary: "An endpoint's delivery log",
      description: 'Its most recent attempts, newest first: status code, attempt number, error and when the next attempt is due.',
      tags: TAG,
      responses: { 200: json('Attempts', z.array(WebhookDeliveryView)), ...errors(400, 404) },
    }),
    validate('param', EndpointParam),
    validate('query', DeliveriesQuery),
    async (c) => c.json(await webhooks().deliveries(c.req.valid('param').id, c.req.valid('query').limit)),
  );

  app.get(
    '/webhooks/:id/parked',
    describeRoute({
      operationId: 'listParkedWebhookChanges',
      summary: 'Changes given up on for an endpoint',
      description: 'Each with the change itself, its attempts, the last error and whether a redelivery is pending.',
      tags: TAG,
      responses: { 200: json('Parked changes, oldest first', z.array(ParkedCampaignChange)), ...errors(404) },
    }),
    validate('param', EndpointParam),
    async (c) => c.json(await webhooks().parked(c.req.valid('param').id)),
  );

  app.post(
    '/webhooks/:id/parked/:seq/redeliver',
    describeRoute({
      operationId: 'redeliverWebhookChange',
      summary: 'Deliver a parked change again',
      description: 'The instance delivering to the endpoint tries it once more within a second or two; a failure parks it again.',
      tags: TAG,
      responses: { 202: json('Redelivery asked for', z.object({ seq: z.number().int(), redelivering: z.literal(true) })), ...errors(400, 404) },
    }),
    validate('param', ParkedParam),
    async (c) => {
      const { id, seq } = c.req.valid('param');
      if (!(await webhooks().redeliver(id, seq))) throw new HttpError(404, 'NotFound', `Change ${seq} is not parked for webhook endpoint ${id}`);
      return c.json({ seq, redelivering: true as const }, 202);
    },
  );

  return app;
}
