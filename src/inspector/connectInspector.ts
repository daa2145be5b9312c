import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import WebSocket from 'ws';

export interface InspectorConnection {
  /** Pass to `createActor(…, { inspect })`: forwards every inspection event of the actor system. */
  inspect: Observer<InspectionEvent>;
  /** Closes the socket and cancels any reconnection; the process is free to exit. */
  stop(): void;
}

const MAX_BUFFER = 1_000;

type Adapter = Parameters<typeof createInspector>[0];

/**
 * A Stately inspector that sends to a WebSocket server (such as `createInspectorServer` from
 * `@statelyai/inspect/server`). Same wire protocol as `createWebSocketInspector`, but with a
 * reconnect that `stop()` cancels: the stock adapter sleeps 5 s and reconnects forever, keeping
 * the process alive when nothing listens.
 */
export function connectInspector(options: { url: string; retryMs?: number }): InspectorConnection {
  const retryMs = options.retryMs ?? 2_000;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const buffer: string[] = [];

  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.on('open', () => {
      for (const message of buffer.splice(0)) ws.send(message);
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (socket === ws) socket = null;
      if (stopped) return;
      retry = setTimeout(connect, retryMs);
      retry.unref();
    });
  };

  const adapter: Adapter = {
    start: connect,
    stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      socket?.terminate();
      socket = null;
    },
    send(event: StatelyInspectionEvent) {
      if (stopped) return;
      let message: string;
      try {
        message = JSON.stringify(event);
      } catch {
        return;
      }
      if (socket?.readyState === WebSocket.OPEN) socket.send(message);
      else {
        buffer.push(message);
        if (buffer.length > MAX_BUFFER) buffer.shift();
      }
    },
  };

  const inspector = createInspector(adapter);
  inspector.start();
  return {
    inspect: inspector.inspect as Observer<InspectionEvent>,
    stop: () => inspector.stop(),
  };
}
