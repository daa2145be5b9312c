import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CampaignView } from '../../src/index.js';
import { type RunningService, startService } from '../../src/service/startService.js';

interface Message {
  type: string;
  name?: string;
  sessionId?: string;
  event?: { type: string };
  snapshot?: { value: unknown };
}

describe('Stately inspector', () => {
  let service: RunningService | null = null;
  let dir = '';
  afterEach(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--inspect: a WebSocket client of the inspector server receives @xstate.actor and @xstate.snapshot of a campaign', async () => {
    dir = mkdtempSync(join(tmpdir(), 'campaigns-inspect-'));
    service = await startService({ dataDir: dir, port: 0, inspectPort: 0, demo: false });
    expect(service.inspectorUrl).toBe(`http://localhost:${service.inspectorPort}`);

    const page = await fetch(service.inspectorUrl!);
    expect(await page.text()).toContain(`ws://localhost:${service.inspectorPort}`);

    const received: Message[] = [];
    const client = new WebSocket(`ws://localhost:${service.inspectorPort}`);
    client.on('message', (data) => received.push(JSON.parse(String(data)) as Message));
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });

    const created = await fetch(`${service.url}/api/campaigns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ preset: 'gifting', name: 'Inspected', products: ['mug'] }),
    });
    const campaign = (await created.json()) as CampaignView;
    await fetch(`${service.url}/api/campaigns/${campaign.id}/commands`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'ACTIVATE' }),
    });

    const activated = () => received.some((m) => m.type === '@xstate.snapshot' && m.event?.type === 'ACTIVATE');
    for (let i = 0; i < 250 && !activated(); i++) await new Promise((r) => setTimeout(r, 20));

    const actor = received.find((m) => m.type === '@xstate.actor' && m.name === campaign.id);
    expect(actor).toBeDefined();
    const snapshots = received.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === actor?.sessionId);
    expect(snapshots.at(-1)?.snapshot?.value).toEqual({ published: { running: { intake: 'accepting', processing: 'active' } } });
    client.close();

    const port = service.inspectorPort;
    await service.stop();
    service = null;
    const refused = await new Promise<boolean>((resolve) => {
      const again = new WebSocket(`ws://localhost:${port}`);
      again.once('error', () => resolve(true));
      again.once('open', () => resolve(false));
    });
    expect(refused).toBe(true);
  });
});
