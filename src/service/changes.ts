import type { ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { CampaignChange, ParsedInputs } from '../actors/CampaignRuntime.js';
import { ValidationError } from '../machines/ValidationError.js';
import { HttpError } from './errors.js';

export interface ChangeStreamsOptions {
  /** Comment line sent this often to keep proxies and browsers from timing out (default 15 s). */
  heartbeatMs?: number;
  /** Reconnect delay advised to EventSource clients (default 2 s). */
  retryMs?: number;
  /** Changes are written to each stream at most this often, together (default 25 ms). */
  flushMs?: number;
  /** A stream with more than this many bytes not yet taken by its client is dropped; it resumes with Last-Event-ID (default 1 MiB). */
  maxBufferedBytes?: number;
}

/** The part of the runtime a change stream needs. */
export type FeedSource = () => Pick<ParsedInputs, 'subscribe' | 'lastSeq'>;

interface Stream {
  res: ServerResponse;
  pending: string[];
  unsubscribe: () => void;
  closed: boolean;
}

/**
 * The open `GET /api/changes` streams. Each is a subscription to the process's one change feed
 * (fanned out from memory: writes cost the same however many streams are open), written straight
 * to its socket, every stream's new frames together at most every `flushMs`. A stream whose client
 * does not keep up is dropped and resumes from its Last-Event-ID; a cursor ahead of the feed is a 400
 * before anything is streamed. `close()` always finishes: it ends every stream without waiting on clients.
 */
export class ChangeStreams {
  readonly #feed: FeedSource;
  readonly #retryMs: number;
  readonly #flushMs: number;
  readonly #maxBuffered: number;
  readonly #open = new Set<Stream>();
  readonly #dirty = new Set<Stream>();
  /** One SSE frame per change, serialized once however many streams carry it. */
  readonly #frames = new Map<number, string>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #closing = false;

  constructor(feed: FeedSource, options: ChangeStreamsOptions = {}) {
    this.#feed = feed;
    this.#retryMs = options.retryMs ?? 2_000;
    this.#flushMs = options.flushMs ?? 25;
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.#heartbeat = setInterval(() => {
      for (const stream of this.#open) this.write(stream, ': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#open.size;
  }

  /** Streams every change after `after` (default: from now) until the client leaves or the server closes. `feed` is asked at each open. */
  open(c: Context<{ Bindings: HttpBindings }>, after: number | undefined): Response {
    if (this.#closing) throw new HttpError(503, 'ShuttingDown', 'The service is shutting down');
    const feed = this.#feed();
    const lastSeq = feed.lastSeq;
    if (after !== undefined && after > lastSeq) {
      throw new ValidationError(
        [{ code: 'custom', path: ['Last-Event-ID'], input: undefined, message: `The cursor ${after} is ahead of the change feed (its last sequence is ${lastSeq}): the data was reset; reload and reconnect without a cursor` }],
        'change stream cursor',
      );
    }
    const res = c.env?.outgoing;
    if (!res) throw new HttpError(501, 'NotSupported', 'The change stream needs the Node.js HTTP server');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(`retry: ${this.#retryMs}\n: connected\n\n`);
    const stream: Stream = { res, pending: [], unsubscribe: () => {}, closed: false };
    this.#open.add(stream);
    res.on('close', () => this.end(stream));
    stream.unsubscribe = feed.subscribe(
      (change) => {
        if (stream.closed) return;
        stream.pending.push(this.frameOf(change));
        this.#dirty.add(stream);
        this.scheduleFlush();
      },
      { after: after ?? lastSeq, maxLag: 10_000, onLagged: () => this.end(stream) },
    );
    return RESPONSE_ALREADY_SENT;
  }

  /** Ends every open stream and refuses new ones; never waits on a client. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    for (const stream of [...this.#open]) this.end(stream);
  }

  private frameOf(change: CampaignChange): string {
    let frame = this.#frames.get(change.seq);
    if (frame === undefined) {
      frame = `id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`;
      this.#frames.set(change.seq, frame);
      if (this.#frames.size > 4_096) this.#frames.delete(this.#frames.keys().next().value!);
    }
    return frame;
  }

  private scheduleFlush(): void {
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = null;
      for (const stream of this.#dirty) {
        const text = stream.pending.join('');
        stream.pending = [];
        this.write(stream, text);
      }
      this.#dirty.clear();
    }, this.#flushMs);
  }

  private write(stream: Stream, text: string): void {
    if (stream.closed || text === '') return;
    stream.res.write(text);
    if (stream.res.writableLength > this.#maxBuffered) this.end(stream); // the client resumes from its Last-Event-ID
  }

  private end(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    stream.unsubscribe();
    this.#open.delete(stream);
    this.#dirty.delete(stream);
    stream.res.end();
    // a client that takes nothing must not keep the socket (or the shutdown) waiting
    setTimeout(() => stream.res.destroy(), 1_000).unref();
  }
}
