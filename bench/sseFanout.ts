/**
 * DESIGN §10 — writes/s with 2,000 SSE clients connected, against the same service with none, in
 * the same run. Target ≥ 0.8×, no connection reset.
 *
 * Three processes per round, as in production: the service (the real HTTP server on
 * `sqliteStore({ thread: true })`, a fresh database), the watchers (N EventSource-like clients on
 * `GET /api/changes`, each its own socket, resuming with Last-Event-ID when dropped), and the
 * writers (this process: 32 keep-alive HTTP clients creating campaigns in a closed loop for
 * BENCH_SECONDS). After the writes, every watcher must catch up with the feed's last sequence.
 * The watchers stand for browsers on other machines; here they share the 2 cores, so their
 * process runs at `nice 19` (BENCH_WATCHER_NICE) — reading 2,000 copies of every change takes a
 * whole core of its own, which no service could give back.
 *
 * Run alone: `node --import tsx bench/sseFanout.ts` (BENCH_CLIENTS, BENCH_SECONDS to change it).
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createCampaignRuntime, sqliteStore } from '../src/index.js';
import { createServer } from '../src/service/createServer.js';
import { arg, type BenchRow, emit, fixed, int, log, machine, main, setting, sleep, startRole, summary, tempDir } from './support.js';

const CLIENTS = setting('CLIENTS', 2_000);
const SECONDS = setting('SECONDS', 8);
const WRITERS = 32;
/** The watchers stand for browsers on other machines: on this one they read only with CPU nobody else wants. */
const WATCHER_NICE = setting('WATCHER_NICE', 19);

const child = (role: string, args: string[], nice = 0) => startRole('sseFanout.ts', role, args, nice);

/** Asks a child for its figures (a line on stdin) and waits for the JSON answer. */
async function ask<T>(c: { process: ChildProcess; lines: string[] }, command: string): Promise<T> {
  const before = c.lines.length;
  c.process.stdin!.write(`${command}\n`);
  for (let i = 0; i < 1_200; i++) {
    const answer = c.lines.slice(before).find((l) => l.startsWith('{'));
    if (answer) return JSON.parse(answer) as T;
    await sleep(25);
  }
  throw new Error(`no answer to ${command}`);
}

const onCommand = (handle: (command: string) => Promise<void>) => {
  process.stdin.setEncoding('utf8');
  let buffered = '';
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const command = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      void handle(command);
    }
  });
};

/** The service: the real HTTP server on the threaded SQLite store. */
async function serve(): Promise<void> {
  const dir = tempDir('sse');
  const runtime = await createCampaignRuntime({ store: sqliteStore({ path: join(dir.path, 'campaigns.db'), thread: true }) });
  const server = createServer({ runtime });
  const { port } = await server.listen({ port: 0 });
  console.log(`ready ${port}`);
  onCommand(async (command) => {
    if (command === 'lastSeq') console.log(JSON.stringify({ lastSeq: runtime.lastSeq, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 }));
    if (command === 'stop') {
      await server.close();
      await runtime.stop();
      dir.cleanup();
      console.log(JSON.stringify({ stopped: true }));
      process.exit(0);
    }
  });
}

/** N watchers, each on its own socket, reading SSE frames and resuming with Last-Event-ID when the server drops them. */
async function watch(port: number, clients: number): Promise<void> {
  const state = Array.from({ length: clients }, () => ({ lastId: 0, bytes: 0, drops: 0, errors: 0 }));
  let open = 0;
  const connect = (i: number) => {
    const s = state[i]!;
    const req = request(
      { host: '127.0.0.1', port, path: '/api/changes', agent: false, headers: { Accept: 'text/event-stream', ...(s.lastId ? { 'Last-Event-ID': String(s.lastId) } : {}) } },
      (res) => {
        if (res.statusCode !== 200) {
          s.errors++;
          res.resume();
          return;
        }
        open++;
        res.setEncoding('latin1');
        // light on CPU (the watchers share the machine with the service): only the last id of each chunk is read
        let tail = '';
        res.on('data', (chunk: string) => {
          s.bytes += chunk.length;
          const text = tail + chunk;
          const at = text.lastIndexOf('\nid: ') + 1 || (text.startsWith('id: ') ? 0 : -1);
          if (at >= 0) {
            const end = text.indexOf('\n', at);
            if (end > 0) s.lastId = Number(text.slice(at + 4, end));
          }
          tail = text.slice(-64);
        });
        res.on('end', () => {
          open--;
          s.drops++;
          setTimeout(() => connect(i), 100);
        });
      },
    );
    req.on('error', () => {
      s.errors++;
      setTimeout(() => connect(i), 500);
    });
    req.end();
  };
  for (let i = 0; i < clients; i++) {
    connect(i);
    if (i % 200 === 199) await sleep(50);
  }
  while (open < clients) await sleep(50);
  console.log('ready');
  onCommand(async (command) => {
    if (command === 'report') {
      const last = state.map((s) => s.lastId);
      console.log(
        JSON.stringify({
          open,
          minLastId: Math.min(...last),
          bytes: state.reduce((a, s) => a + s.bytes, 0),
          cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
          drops: state.reduce((a, s) => a + s.drops, 0),
          errors: state.reduce((a, s) => a + s.errors, 0),
        }),
      );
    }
    if (command === 'stop') process.exit(0);
  });
}

interface Round {
  clients: number;
  writes: number;
  perSecond: number;
  latency: ReturnType<typeof summary>;
  writeErrors: number;
  watchers: { open: number; minLastId: number; bytes: number; cpuMs: number; drops: number; errors: number } | null;
  serviceCpuMs: number;
  lastSeq: number;
  caughtUpMs: number | null;
}

/** One round: the service, `clients` watchers, then 32 writers for SECONDS. */
async function round(clients: number): Promise<Round> {
  const service = await child('serve', []);
  const port = Number(service.ready.split(' ')[1]);
  const watchers = clients > 0 ? await child('watch', ['--port', String(port), '--clients', String(clients)], WATCHER_NICE) : null;
  log(`${clients} watchers connected; ${WRITERS} writers for ${SECONDS} s …`);
  const before = await ask<{ lastSeq: number; cpuMs: number }>(service, 'lastSeq');
  const latencies: number[] = [];
  let writes = 0;
  let writeErrors = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/campaigns`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ preset: 'discount', name: `W${w}-${i}`, labels: ['bench'] }),
          });
          await res.arrayBuffer();
          if (res.status === 201) writes++;
          else writeErrors++;
        } catch {
          writeErrors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const { lastSeq, cpuMs: serviceCpuMs } = await ask<{ lastSeq: number; cpuMs: number }>(service, 'lastSeq');
  let report: Round['watchers'] = null;
  let caughtUpMs: number | null = null;
  if (watchers) {
    const waitStart = performance.now();
    for (let i = 0; i < 600; i++) {
      report = await ask<NonNullable<Round['watchers']>>(watchers, 'report');
      if (report.minLastId >= lastSeq) {
        caughtUpMs = performance.now() - waitStart;
        break;
      }
      await sleep(100);
    }
    watchers.process.stdin!.write('stop\n');
  }
  await ask(service, 'stop');
  return { clients, writes, perSecond: writes / elapsed, latency: summary(latencies), writeErrors, watchers: report, lastSeq, caughtUpMs, serviceCpuMs: serviceCpuMs - before.cpuMs };
}

/** The probe of issue 9: 2,000 creates at once, each on its own connection, while 300 watchers follow the feed. */
async function burst(): Promise<{ statuses: Record<string, number>; ms: number; watcherErrors: number; delivered: boolean }> {
  const service = await child('serve', []);
  const port = Number(service.ready.split(' ')[1]);
  const watchers = await child('watch', ['--port', String(port), '--clients', '300'], WATCHER_NICE);
  const post = () =>
    new Promise<number>((resolve) => {
      const body = JSON.stringify({ preset: 'discount', name: 'Burst' });
      const req = request(
        { host: '127.0.0.1', port, path: '/api/campaigns', method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(-1));
      req.end(body);
    });
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 2_000 }, post));
  const ms = performance.now() - started;
  const statuses: Record<string, number> = {};
  for (const status of results) statuses[status === -1 ? 'reset' : String(status)] = (statuses[String(status)] ?? 0) + 1;
  const { lastSeq } = await ask<{ lastSeq: number }>(service, 'lastSeq');
  let report = await ask<NonNullable<Round['watchers']>>(watchers, 'report');
  for (let i = 0; i < 300 && report.minLastId < lastSeq; i++) {
    await sleep(100);
    report = await ask<NonNullable<Round['watchers']>>(watchers, 'report');
  }
  watchers.process.stdin!.write('stop\n');
  await ask(service, 'stop');
  return { statuses, ms, watcherErrors: report.errors, delivered: report.minLastId >= lastSeq };
}

async function orchestrate(): Promise<void> {
  log(`sseFanout: ${machine()}`);
  const none = await round(0);
  log(`0 watchers: ${int(none.perSecond)} writes/s (p99 ${fixed(none.latency.p99)} ms), ${none.writeErrors} write errors`);
  const many = await round(CLIENTS);
  log(
    `${CLIENTS} watchers: ${int(many.perSecond)} writes/s (p99 ${fixed(many.latency.p99)} ms), ${many.writeErrors} write errors; ` +
      `watchers: ${JSON.stringify(many.watchers)}; caught up ${many.caughtUpMs === null ? 'NOT' : `${int(many.caughtUpMs)} ms`} after the writes`,
  );
  const spike = await burst();
  log(`2,000 concurrent creates with 300 watchers: ${JSON.stringify(spike.statuses)} in ${int(spike.ms)} ms; watcher errors ${spike.watcherErrors}; all delivered: ${spike.delivered}`);
  const ratio = many.perSecond / none.perSecond;
  const resets = many.writeErrors + none.writeErrors + (many.watchers?.errors ?? 0);
  const rows: BenchRow[] = [
    {
      benchmark: 'sseFanout',
      metric: `writes/s with ${int(CLIENTS)} SSE clients (HTTP creates, ${WRITERS} writers)`,
      figure: `${int(many.perSecond)}/s = ${fixed(ratio, 2)}× (p99 ${fixed(many.latency.p99)} ms)`,
      target: '≥ 0.8× with none',
      baseline: `no clients: ${int(none.perSecond)}/s (p99 ${fixed(none.latency.p99)} ms)`,
      pass: ratio >= 0.8,
    },
    {
      benchmark: 'sseFanout',
      metric: 'connection resets / failed requests; every client caught up',
      figure: `${resets}; ${many.caughtUpMs === null ? 'NOT all caught up' : `all ${int(CLIENTS)} at seq ${int(many.lastSeq)} ${int(many.caughtUpMs)} ms after the writes`}`,
      target: '0; all',
      baseline: '—',
      pass: resets === 0 && many.caughtUpMs !== null,
    },
    {
      benchmark: 'sseFanout',
      metric: '2,000 concurrent creates (a connection each) with 300 watchers',
      figure: `${int(spike.statuses['201'] ?? 0)} created, ${int(2_000 - (spike.statuses['201'] ?? 0))} failed or reset, in ${int(spike.ms)} ms; every watcher got every change: ${spike.delivered ? 'yes' : 'NO'}`,
      target: '0 reset',
      baseline: 'probe of issue 9: 7–10 % of connections reset',
      pass: spike.statuses['201'] === 2_000 && spike.watcherErrors === 0 && spike.delivered,
    },
  ];
  emit({
    name: 'sseFanout',
    rows,
    notes: [
      `the watchers received ${fixed((many.watchers?.bytes ?? 0) / 1024 / 1024)} MiB (${int(CLIENTS)} × ${int(many.lastSeq)} changes), were dropped for lag and resumed from Last-Event-ID ${int(many.watchers?.drops ?? 0)} times; CPU while writing: the service ${int((1000 * many.serviceCpuMs) / Math.max(1, many.writes))} µs per write (${int((1000 * none.serviceCpuMs) / Math.max(1, none.writes))} µs with no watcher), the watchers' process ${fixed((many.watchers?.cpuMs ?? 0) / 1000)} s`,
      `writers: ${WRITERS} keep-alive fetch clients, closed loop, ${SECONDS} s per round; each create is one change every watcher receives`,
    ],
    details: { none, many },
  });
}

main(async () => {
  const role = arg('role');
  if (role === 'serve') return serve().then(() => new Promise(() => {}));
  if (role === 'watch') return watch(Number(arg('port')), Number(arg('clients'))).then(() => new Promise(() => {}));
  await orchestrate();
});
