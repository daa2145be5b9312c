import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createCampaignRuntime, createManualClock, memoryStore } from '../../src/index.js';

interface Message {
  type: string;
  sessionId?: string;
  name?: string;
  event?: { type: string };
  snapshot?: { value: unknown };
}

describe('Stately inspection', () => {
  const servers: WebSocketServer[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('sends @xstate.actor, @xstate.event and @xstate.snapshot of every hosted actor to a WebSocket server', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(server);
    await once(server, 'listening');
    const received: Message[] = [];
    server.on('connection', (ws) => ws.on('message', (data) => received.push(JSON.parse(String(data)) as Message)));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rt = await createCampaignRuntime({ store: memoryStore(), clock: createManualClock('2026-01-05T08:00:00Z'), inspect: { url } });
    const c = await rt.create({ preset: 'gifting', name: 'Inspected', products: ['mug'] });
    await rt.send(c.id, { type: 'ACTIVATE' });
    for (let i = 0; i < 100 && !received.some((m) => m.type === '@xstate.snapshot' && m.event?.type === 'ACTIVATE'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await rt.stop();
    const actor = received.find((m) => m.type === '@xstate.actor');
    expect(actor?.name).toBe(c.id);
    expect(received.some((m) => m.type === '@xstate.event' && m.event?.type === 'ACTIVATE')).toBe(true);
    const last = received.filter((m) => m.type === '@xstate.snapshot').at(-1);
    expect(last?.snapshot?.value).toEqual({ published: { running: { intake: 'accepting', processing: 'active' } } });
  });

  it('a runtime inspecting a URL nobody listens on still exits promptly after stop()', () => {
    const script = `
      import { createCampaignRuntime, memoryStore } from './src/index.ts';
      const rt = await createCampaignRuntime({ store: memoryStore(), inspect: { url: 'ws://127.0.0.1:9' } });
      await rt.create({ preset: 'discount', name: 'x' });
      await new Promise((r) => setTimeout(r, 300));
      await rt.stop();
      console.log('stopped');
    `;
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout).toContain('stopped');
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
