import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignChange, CampaignView } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Reads an SSE response frame by frame. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const frames: Frame[] = [];
  let buffer = '';
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame: Frame = {};
          for (const line of buffer.slice(0, cut).split('\n')) {
            const colon = line.indexOf(':');
            const field = line.slice(0, colon);
            const text = line.slice(colon + 1).replace(/^ /, '');
            if (field === '') frame.comment = text;
            else if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') frame[field] = text;
          }
          frames.push(frame);
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  const until = async (predicate: (frames: Frame[]) => boolean, what: string) => {
    for (let i = 0; i < 250 && !predicate(frames); i++) await new Promise((r) => setTimeout(r, 20));
    if (!predicate(frames)) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(frames)}`);
  };
  return {
    response,
    frames,
    changes: () => frames.filter((f) => f.event === 'change').map((f) => ({ id: Number(f.id), ...(JSON.parse(f.data!) as CampaignChange) })),
    until,
    ended: () => ended,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

describe('change stream (SSE)', () => {
  let s: TestServer;
  afterEach(async () => {
    await s.close();
  });

  it('streams committed changes with id = seq, resumes after Last-Event-ID, and sends heartbeats', async () => {
    s = await startTestServer({ heartbeatMs: 50 });
    const c = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'Stream', products: ['mug'] } })).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'ACTIVATE' } });
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'PAUSE' } });

    const all = await openStream(`${s.url}/api/changes?after=0`);
    expect(all.response.headers.get('content-type')).toContain('text/event-stream');
    await all.until((f) => f.filter((x) => x.event === 'change').length === 3, 'three changes');
    expect(all.changes().map((x) => [x.id, x.seq, x.event, x.to])).toEqual([
      [1, 1, 'CREATE', 'Draft'],
      [2, 2, 'ACTIVATE', 'Active'],
      [3, 3, 'PAUSE', 'Paused'],
    ]);
    expect(all.frames[0]?.retry).toBe('2000');

    const resumed = await openStream(`${s.url}/api/changes?after=0`, { 'Last-Event-ID': '2' });
    await resumed.until((f) => f.some((x) => x.event === 'change'), 'the change after 2');
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'RESUME' } });
    await resumed.until((f) => f.filter((x) => x.event === 'change').length === 2, 'a live change');
    expect(resumed.changes().map((x) => [x.seq, x.event, x.campaignId])).toEqual([
      [3, 'PAUSE', c.id],
      [4, 'RESUME', c.id],
    ]);
    await resumed.until((f) => f.some((x) => x.comment === 'heartbeat'), 'a heartbeat');

    const fromNow = await openStream(`${s.url}/api/changes`);
    await fromNow.until((f) => f.some((x) => x.comment === 'connected'), 'the connection');
    await s.clock.advanceTo('2026-12-31T00:00:00Z');
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'END' } });
    await fromNow.until((f) => f.some((x) => x.event === 'change'), 'END');
    expect(fromNow.changes().map((x) => x.seq)).toEqual([5]);

    await Promise.all([all.close(), resumed.close(), fromNow.close()]);
  });

  it('a timer firing is streamed too, with its due instant', async () => {
    s = await startTestServer();
    const c = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'gifting', name: 'Expiring', products: ['mug'], endAt: '2026-03-02T10:00:00Z' } })).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'ACTIVATE' } });
    const stream = await openStream(`${s.url}/api/changes`, { 'Last-Event-ID': '2' });
    await s.clock.advanceTo('2026-03-02T11:00:00Z');
    await stream.until((f) => f.some((x) => x.event === 'change'), 'the endAt timer');
    expect(stream.changes()[0]).toMatchObject({ event: 'endAt', source: 'timer', from: 'Active', to: 'Expired', dueAt: '2026-03-02T10:00:00.000Z' });
    await stream.close();
  });

  it('a cursor ahead of the feed (the data was reset) is a 400 with the reason, before anything is streamed, and leaves nothing open', async () => {
    s = await startTestServer();
    await s.rt.create({ preset: 'discount', name: 'One' });
    const ahead = await fetch(`${s.url}/api/changes`, { headers: { 'Last-Event-ID': '57' } });
    expect(ahead.status).toBe(400);
    expect(ahead.headers.get('content-type')).toContain('application/json');
    const body = (await ahead.json()) as { error: string; message: string };
    expect(body.error).toBe('ValidationError');
    expect(body.message).toContain('ahead of the change feed (its last sequence is 1)');
    expect((await fetch(`${s.url}/api/changes?after=2`)).status).toBe(400);
    expect(s.errors).toEqual([]);
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    s = await startTestServer();
  });

  it('shutdown finishes in bounded time while clients take nothing (their socket buffers full)', async () => {
    s = await startTestServer();
    const { connect } = await import('node:net');
    const sockets = await Promise.all(
      Array.from({ length: 20 }, () => new Promise<import('node:net').Socket>((resolve) => {
        const socket = connect({ port: s.port, host: '127.0.0.1' }, () => {
          socket.write('GET /api/changes?after=0 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
          socket.pause(); // never reads: the server's writes pile up
          resolve(socket);
        });
      })),
    );
    const c = await s.rt.create({ preset: 'discount', name: 'x'.repeat(150), content: { blob: 'y'.repeat(30_000) } });
    for (let i = 0; i < 60; i++) await s.rt.send(c.id, { type: 'UPDATE', patch: { labels: [`l${i}`] } });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    for (const socket of sockets) socket.destroy();
    s = await startTestServer();
  });

  it('bad resume points are 400; open streams end cleanly when the server closes', async () => {
    s = await startTestServer();
    expect((await s.request('GET', '/api/changes?after=-1')).status).toBe(400);
    expect((await s.request('GET', '/api/changes', { headers: { 'Last-Event-ID': 'x' } })).status).toBe(400);
    const stream = await openStream(`${s.url}/api/changes`);
    await stream.until((f) => f.some((x) => x.comment === 'connected'), 'the connection');
    const started = Date.now();
    await s.close();
    await stream.until(() => stream.ended(), 'the end of the stream');
    expect(Date.now() - started).toBeLessThan(2_000);
    s = await startTestServer();
  });
});
