import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { CampaignRuntime } from '../actors/CampaignRuntime.js';

export interface ChangeStreamsOptions {
  /** Comment line sent this often to keep proxies and browsers from timing out (default 15 s). */
  heartbeatMs?: number;
  /** Reconnect delay advised to EventSource clients (default 2 s). */
  retryMs?: number;
}

/** The open `GET /api/changes` streams: each one a change-feed subscription written as SSE. */
export class ChangeStreams {
  readonly #rt: CampaignRuntime;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #open = new Set<{ close: () => Promise<void> }>();
  #closing = false;

  constructor(rt: CampaignRuntime, options: ChangeStreamsOptions = {}) {
    this.#rt = rt;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#retryMs = options.retryMs ?? 2_000;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Streams every change after `after` (default: from now) until the client leaves or the server closes. */
  open(c: Context, after: number | undefined): Response {
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      if (this.#closing) return;
      let finish: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        finish = resolve;
      });
      const entry = {
        close: async () => {
          finish();
          await stream.close();
        },
      };
      this.#open.add(entry);
      stream.onAbort(finish);
      await stream.write(`retry: ${this.#retryMs}\n: connected\n\n`);
      const unsubscribe = this.#rt.subscribe(
        (change) => this.write(stream, change.seq, change),
        after === undefined ? {} : { after },
      );
      const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), this.#heartbeatMs);
      try {
        await done;
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
        this.#open.delete(entry);
      }
    });
  }

  private async write(stream: SSEStreamingApi, seq: number, data: unknown): Promise<void> {
    if (stream.aborted || stream.closed) return;
    await stream.writeSSE({ id: String(seq), event: 'change', data: JSON.stringify(data) });
  }

  /** Ends every open stream and refuses new ones. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#open].map((entry) => entry.close()));
  }
}
