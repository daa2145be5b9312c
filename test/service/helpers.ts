import {
  type CampaignRuntime,
  type CampaignStore,
  createCampaignRuntime,
  createManualClock,
  type ManualClock,
  memoryStore,
} from '../../src/index.js';
import { type CreateServerOptions, createServer } from '../../src/service/createServer.js';
import type { ErrorBody } from '../../src/service/errors.js';

export const START = '2026-03-02T09:00:00Z';

export interface TestServer {
  url: string;
  port: number;
  rt: CampaignRuntime;
  clock: ManualClock;
  errors: unknown[];
  /** JSON request; `body` is serialized unless `raw` is given. */
  request<T = ErrorBody>(
    method: string,
    path: string,
    init?: { body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: T }>;
  close(): Promise<void>;
}

/** The real HTTP server on an ephemeral port, around a runtime with a manual clock and a memory store. */
export async function startTestServer(
  options: Omit<CreateServerOptions, 'runtime'> & { port?: number; start?: string | number; store?: CampaignStore } = {},
): Promise<TestServer> {
  const { port: wanted = 0, start = START, store = memoryStore(), ...serverOptions } = options;
  const clock = createManualClock(start);
  const errors: unknown[] = [];
  const rt = await createCampaignRuntime({ store, clock, onError: (e) => errors.push(e) });
  const server = createServer({ runtime: rt, onError: (e) => errors.push(e), ...serverOptions });
  const { port } = await server.listen({ port: wanted });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    rt,
    clock,
    errors,
    async request(method, path, init = {}) {
      const hasBody = init.raw !== undefined || init.body !== undefined;
      const response = await fetch(url + path, {
        method,
        headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
        ...(hasBody ? { body: init.raw ?? JSON.stringify(init.body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : {}) as never,
      };
    },
    async close() {
      await server.close();
      await rt.stop();
    },
  };
}
