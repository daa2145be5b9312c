/**
 * What the crash worker (`crashWorker.ts`) tells its parent, one JSON object per stdout line.
 * Lines are written with `fs.writeSync` (synchronous), so a line the parent reads was written
 * before anything that followed it — an `ack` is only written after the command's promise resolved.
 */

/** A command the worker is about to send with a commandId (written before sending). */
export interface SendIntent {
  t: 'intent';
  kind: 'send';
  campaignId: string;
  commandId: string;
  command: Record<string, unknown> & { type: string };
  source: 'user' | 'system';
  expectedVersion: number | null;
}

/** A campaign the worker is about to create (written before calling `create`). */
export interface CreateIntent {
  t: 'intent';
  kind: 'create';
  campaignId: string;
  commandId: string | null;
  definition: Record<string, unknown>;
}

/** A call whose promise resolved: it is acknowledged, so it must be durable. */
export interface Ack {
  t: 'ack';
  kind: 'create' | 'send' | 'delete' | 'retry';
  campaignId: string;
  commandId: string | null;
  /** The version the returned view carries (null for delete, which returns nothing). */
  version: number | null;
  event: string;
}

/** The durable consumer every worker runs; a change whose seq is a multiple of PARKED_EVERY always fails (parked), of FAILS_ONCE_EVERY fails once. */
export const CONSUMER = 'harness';
export const PARKED_EVERY = 101;
export const FAILS_ONCE_EVERY = 13;

export type WorkerLine =
  | SendIntent
  | CreateIntent
  | Ack
  | { t: 'opening'; at: number }
  | { t: 'ready'; at: number; campaigns: number }
  /** A background error (the runtime's onError) or an error of a type the API must never throw. */
  | { t: 'error'; where: string; name: string; message: string }
  | { t: 'stats'; refused: number; conflicts: number }
  /** A change this process's subscription delivered (`--watch-feed`). */
  | { t: 'seen'; seq: number; campaignId: string; version: number }
  /** A change the durable consumer's handler handled (written before the handler returns). */
  | { t: 'handled'; seq: number; campaignId: string; version: number };

export function parseLine(line: string): WorkerLine | null {
  if (line.trim() === '') return null;
  try {
    return JSON.parse(line) as WorkerLine;
  } catch {
    return null; // a line cut short by SIGKILL
  }
}
