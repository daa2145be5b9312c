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
  /**
   * New changes are written to the streams together, after a pause that grows with the number of
   * open streams — 0.1 ms per stream, at least 10 ms and at most `flushMs` (default 250 ms) — so
   * the service makes at most ~10,000 stream writes a second however many watch.
   */
  flushMs?: number;
  /** A stream with more than this many bytes not yet taken by its client is dropped; it resumes with Last-Event-ID (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Frames kept in memory for streams that resume (default 10 000). */
  recentFrames?: number;
}

/** The part of the runtime a change stream needs. */
export type FeedSource = () => Pick<ParsedInputs, 'subscribe' | 'lastSeq'>;

interface Stream {
  res: ServerResponse;
  /** The last change written to (or queued for) this stream. */
  cursor: number;
  /** While it reads what it missed from the feed on its own (its cursor is older than the frames in memory). */
  catchUp: (() => void) | null;
  catchUpText: string[];
  closed: boolean;
}

const frameOf = (change: CampaignChange) => `id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`;

/**
 * The open `GET /api/changes` streams, served by one subscription to the change feed (the hub)
 * however many streams are open: each change is serialized once, kept in a window of recent
 * frames, and every `flushMs` the frames since the last flush are joined into one string written
 * to every stream that is in step — one write per stream per flush, whatever the number of
 * changes. A stream that resumes from an older cursor gets its frames from the window, or reads
 * the feed on its own until it is in step. A client that does not keep up is dropped and resumes
 * from its Last-Event-ID; a cursor ahead of the feed is a 400 before anything is streamed;
 * `close()` ends every stream without waiting on any client.
 */
export class ChangeStreams {
  readonly #feed: FeedSource;
  readonly #retryMs: number;
  readonly #flushMs: number;
  readonly #maxBuffered: number;
  readonly #recentLimit: number;
  readonly #open = new Set<Stream>();
  /** Frames of the recent changes, in order, gap-free: `#recent[i]` is the frame of seq `#recentStart + i`. */
  #recent: string[] = [];
  #recentStart = 1;
  /** The last seq the hub received; `#flushed` the last one written to the streams in step. */
  #hubSeq = 0;
  #flushed = 0;
  #hub: (() => void) | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #closing = false;

  constructor(feed: FeedSource, options: ChangeStreamsOptions = {}) {
    this.#feed = feed;
    this.#retryMs = options.retryMs ?? 2_000;
    this.#flushMs = options.flushMs ?? 250;
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    this.#recentLimit = options.recentFrames ?? 10_000;
    this.#heartbeat = setInterval(() => {
      for (const stream of this.#open) this.write(stream, ': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#open.size;
  }

  /** Streams every change after `after` (default: from now) until the client leaves or the server closes. */
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
    if (!this.#hub) this.startHub(feed, lastSeq);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(`retry: ${this.#retryMs}\n: connected\n\n`);
    const stream: Stream = { res, cursor: after ?? lastSeq, catchUp: null, catchUpText: [], closed: false };
    this.#open.add(stream);
    res.on('close', () => this.end(stream));
    this.bringUp(stream, feed);
    return RESPONSE_ALREADY_SENT;
  }

  /** Ends every open stream and refuses new ones; never waits on a client. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#hub?.();
    this.#hub = null;
    for (const stream of [...this.#open]) this.end(stream);
  }

  /** The one subscription every stream is served from. */
  private startHub(feed: ReturnType<FeedSource>, from: number): void {
    this.#hubSeq = from;
    this.#flushed = from;
    this.#recentStart = from + 1;
    this.#hub = feed.subscribe(
      (change) => {
        if (change.seq !== this.#recentStart + this.#recent.length) {
          this.#recent = [];
          this.#recentStart = change.seq;
        }
        this.#recent.push(frameOf(change));
        this.#hubSeq = change.seq;
        if (this.#recent.length > 2 * this.#recentLimit) this.trimRecent();
        this.#flushTimer ??= setTimeout(() => this.flush(), Math.min(this.#flushMs, Math.max(10, this.#open.size / 10)));
      },
      { after: from },
    );
  }

  /** A new stream: in step already, served from the window of recent frames, or reading the feed on its own. */
  private bringUp(stream: Stream, feed: ReturnType<FeedSource>): void {
    if (stream.cursor >= this.#flushed) return; // in step: the next flush carries what comes
    if (stream.cursor + 1 >= this.#recentStart) {
      this.write(stream, this.framesAfter(stream.cursor, this.#flushed));
      stream.cursor = this.#flushed;
      return;
    }
    // older than the window: read the feed until in step, then join the flushes
    stream.catchUp = feed.subscribe(
      (change) => {
        if (stream.closed || stream.catchUp === null) return;
        if (change.seq > this.#flushed) {
          this.joinFlushes(stream);
          return;
        }
        stream.catchUpText.push(frameOf(change));
        stream.cursor = change.seq;
        if (stream.catchUpText.length >= 100 || change.seq === this.#flushed) this.write(stream, stream.catchUpText.splice(0).join(''));
        if (stream.cursor >= this.#flushed) this.joinFlushes(stream);
      },
      { after: stream.cursor, maxLag: 10_000, onLagged: () => this.end(stream) },
    );
  }

  private joinFlushes(stream: Stream): void {
    stream.catchUp?.();
    stream.catchUp = null;
    this.write(stream, stream.catchUpText.splice(0).join(''));
    if (stream.cursor < this.#flushed) this.write(stream, this.framesAfter(stream.cursor, this.#flushed));
    stream.cursor = this.#flushed;
  }

  /** Writes the frames since the last flush, joined once, to every stream in step. */
  private flush(): void {
    this.#flushTimer = null;
    if (this.#hubSeq <= this.#flushed) return;
    const from = this.#flushed;
    const text = this.framesAfter(from, this.#hubSeq);
    this.#flushed = this.#hubSeq;
    for (const stream of this.#open) {
      if (stream.catchUp !== null || stream.cursor > from) continue;
      this.write(stream, stream.cursor === from ? text : this.framesAfter(stream.cursor, this.#flushed));
      stream.cursor = this.#flushed;
    }
  }

  private framesAfter(cursor: number, until: number): string {
    const start = Math.max(0, cursor + 1 - this.#recentStart);
    return this.#recent.slice(start, until - this.#recentStart + 1).join('');
  }

  private trimRecent(): void {
    // never drop a frame the streams in step have not been sent yet
    const drop = Math.min(this.#recent.length - this.#recentLimit, this.#flushed - this.#recentStart + 1);
    if (drop <= 0) return;
    this.#recent = this.#recent.slice(drop);
    this.#recentStart += drop;
  }

  private write(stream: Stream, text: string): void {
    if (stream.closed || text === '') return;
    stream.res.write(text);
    if (stream.res.writableLength > this.#maxBuffered) this.end(stream); // the client resumes from its Last-Event-ID
  }

  private end(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    stream.catchUp?.();
    stream.catchUp = null;
    this.#open.delete(stream);
    stream.res.end();
    // a client that takes nothing must not keep the socket (or the shutdown) waiting
    setTimeout(() => stream.res.destroy(), 1_000).unref();
  }
}
