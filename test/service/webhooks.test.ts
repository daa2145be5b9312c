import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/index.js';
import type { WebhookDeliveryView, WebhookEndpointView } from '../../src/service/webhooks/Webhooks.js';
import { startTestServer, type TestServer } from './helpers.js';
import { until } from '../support/until.js';

type Mode = 'fail' | 'hang' | 'ok';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real local HTTP receiver: answers 500, never answers, or 204, as told. */
async function startReceiver(): Promise<{ url: string; mode: Mode; received: Received[]; close(): Promise<void> }> {
  const state = { mode: 'ok' as Mode, received: [] as Received[] };
  const hanging = new Set<ServerResponse>();
  const server: Server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.received.push({ headers: req.headers as Record<string, string>, body });
      if (state.mode === 'fail') res.writeHead(500).end('receiver is down');
      else if (state.mode === 'hang') hanging.add(res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

describe('signed webhooks', () => {
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let dir: string;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const logged: string[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-webhooks-'));
    receiver = await startReceiver();
    const original = { error: console.error, log: console.log, warn: console.warn };
    for (const level of ['error', 'log', 'warn'] as const) {
      console[level] = (...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
        original[level](...args);
      };
    }
    s = await startTestServer({
      start: Date.now(), // signatures carry the clock's time; the receiver checks it against its own
      store: sqliteStore({ path: path.join(dir, 'campaigns.db') }),
      webhooks: { timeoutMs: 300, maxAttempts: 3, retry: { initialMs: 1_000, maxMs: 4_000 }, syncMs: 1_000 },
    });
    Object.assign(s, { restoreConsole: () => Object.assign(console, original) });
  });

  afterEach(async () => {
    (s as unknown as { restoreConsole(): void }).restoreConsole();
    await s.close();
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const deliveries = async (id: string) => (await s.request<WebhookDeliveryView[]>('GET', `/api/webhooks/${id}/deliveries`)).body;

  it('signs each delivery (Standard Webhooks), retries 500s and timeouts with backoff, parks after the last attempt and redelivers by hand', async () => {
    const registered = await s.request<WebhookEndpointView>('POST', '/api/webhooks', {
      body: { url: receiver.url, secret, events: ['CREATE'], description: 'shop sync' },
    });
    expect(registered.status).toBe(201);
    expect(JSON.stringify(registered.body)).not.toContain(secret.slice(6));
    expect(registered.body).not.toHaveProperty('secret');
    const id = registered.body.id;

    receiver.mode = 'fail';
    const campaign = (await s.request<{ id: string }>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'Spring' } })).body;
    await s.request('POST', `/api/campaigns/${campaign.id}/commands`, { body: { type: 'UPDATE', patch: { labels: ['x'] } } }); // not a CREATE: filtered out
    await until(async () => (await deliveries(id)).length === 1, 'the first attempt');
    const [first] = await deliveries(id);
    expect(first).toMatchObject({ attempt: 1, status: 500, ok: false, error: 'the endpoint answered 500' });
    const wait1 = Date.parse(first!.nextAttemptAt!) - Date.parse(first!.at);
    expect(wait1).toBeGreaterThanOrEqual(500); // backoff: 1 s ceiling, jittered into its upper half
    expect(wait1).toBeLessThanOrEqual(1_000);

    receiver.mode = 'hang';
    await s.clock.advanceBy(1_000);
    await until(async () => (await deliveries(id)).length === 2, 'the second attempt');
    const [second] = await deliveries(id);
    expect(second).toMatchObject({ attempt: 2, status: null, ok: false, error: 'no answer within 300 ms' });
    const wait2 = Date.parse(second!.nextAttemptAt!) - Date.parse(second!.at);
    expect(wait2).toBeGreaterThanOrEqual(1_000); // doubled: 2 s ceiling
    expect(wait2).toBeLessThanOrEqual(2_000);

    receiver.mode = 'fail';
    await s.clock.advanceBy(2_000);
    await until(async () => (await deliveries(id)).length === 3, 'the third attempt');
    expect((await deliveries(id))[0]).toMatchObject({ attempt: 3, status: 500, ok: false, nextAttemptAt: null, error: 'the endpoint answered 500 (parked)' });
    await until(async () => (await s.request<unknown[]>('GET', `/api/webhooks/${id}/parked`)).body.length === 1, 'the change to be parked');
    const [parked] = (await s.request<{ seq: number; attempts: number; change: { event: string } }[]>('GET', `/api/webhooks/${id}/parked`)).body;
    expect(parked).toMatchObject({ attempts: 3, change: { event: 'CREATE' } });
    expect((await s.request<WebhookEndpointView>('GET', `/api/webhooks/${id}`)).body.consumer).toMatchObject({ parked: 1 });

    // the receiver recovers; the parked change is redelivered by hand
    receiver.mode = 'ok';
    expect((await s.request('POST', `/api/webhooks/${id}/parked/${parked!.seq}/redeliver`)).status).toBe(202);
    expect((await s.request('POST', `/api/webhooks/${id}/parked/99999/redeliver`)).status).toBe(404);
    await s.clock.advanceBy(1_000);
    await until(async () => (await deliveries(id))[0]?.ok === true, 'the redelivery');
    expect((await deliveries(id))[0]).toMatchObject({ seq: parked!.seq, attempt: 4, status: 204, ok: true });
    expect((await s.request<unknown[]>('GET', `/api/webhooks/${id}/parked`)).body).toEqual([]);

    // every request the receiver got verifies with the spec's reference check, with the same id each time
    expect(receiver.received).toHaveLength(4);
    for (const request of receiver.received) {
      const payload = new Webhook(secret).verify(request.body, request.headers) as { type: string; data: { seq: number; campaignId: string } };
      expect(payload).toMatchObject({ type: 'campaign.CREATE', data: { seq: parked!.seq, campaignId: campaign.id } });
      expect(request.headers['webhook-id']).toBe(`msg_${parked!.seq}`);
    }
    // a forged body does not
    const forged = receiver.received[0]!;
    expect(() => new Webhook(secret).verify(forged.body.replace('CREATE', 'DELETE'), forged.headers)).toThrow();

    // the secret appears in no response and no log line
    const everything = JSON.stringify([
      (await s.request('GET', '/api/webhooks')).body,
      (await s.request('GET', `/api/webhooks/${id}`)).body,
      await deliveries(id),
      (await s.request('GET', '/openapi.json')).body,
      (await s.request('GET', '/api/health')).body,
      logged,
      s.errors.map(String),
    ]);
    expect(everything).not.toContain(secret.slice(6));
  });

  it('delivers later changes of other campaigns while one campaign waits for its retry', async () => {
    const id = (await s.request<WebhookEndpointView>('POST', '/api/webhooks', { body: { url: receiver.url, secret } })).body.id;
    receiver.mode = 'fail';
    const a = (await s.request<{ id: string }>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'A' } })).body;
    await until(async () => (await deliveries(id)).length === 1, 'the failed attempt');
    receiver.mode = 'ok';
    const b = (await s.request<{ id: string }>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'B' } })).body;
    await until(() => receiver.received.some((r) => r.body.includes(b.id)), "B's delivery");
    expect(receiver.received.filter((r) => r.body.includes(a.id))).toHaveLength(1); // A still waits for its backoff
    await s.clock.advanceBy(1_000);
    await until(() => receiver.received.filter((r) => r.body.includes(a.id)).length === 2, "A's retry");
  });

  it('refuses bad registrations with a typed error and stores nothing', async () => {
    const bad = [
      { url: receiver.url }, // no secret
      { url: receiver.url, secret: 'not-a-secret' },
      { url: receiver.url, secret: `whsec_${randomBytes(8).toString('base64')}` }, // too short
      { url: 'ftp://example.com/hook', secret },
      { url: 'http://user:pw@example.com/hook', secret },
      { url: receiver.url, secret, events: ['LAUNCH'] },
      { url: receiver.url, secret, presets: ['coupon'] },
      { url: receiver.url, secret, extra: true },
    ];
    for (const body of bad) {
      const response = await s.request('POST', '/api/webhooks', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toBe('ValidationError');
      expect(JSON.stringify(response.body)).not.toContain(secret.slice(6));
    }
    expect((await s.request('GET', '/api/webhooks')).body).toEqual([]);
    expect((await s.request('GET', '/api/webhooks/we_nope/deliveries')).status).toBe(404);
    expect((await s.request('DELETE', '/api/webhooks/we_nope')).status).toBe(404);
  });

  it('removing an endpoint stops its deliveries', async () => {
    const id = (await s.request<WebhookEndpointView>('POST', '/api/webhooks', { body: { url: receiver.url, secret } })).body.id;
    await until(async () => (await s.rt.health()).consumers.some((c) => c.name === `webhook:${id}`), 'its consumer');
    expect((await s.request('DELETE', `/api/webhooks/${id}`)).status).toBe(204);
    expect((await s.rt.health()).consumers).toEqual([]); // its consumer is forgotten, not left lagging behind
    await s.request('POST', '/api/campaigns', { body: { preset: 'discount', name: 'After removal' } });
    await s.clock.advanceBy(2_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toEqual([]);
    expect((await s.request('GET', `/api/webhooks/${id}`)).status).toBe(404);
  });
});
