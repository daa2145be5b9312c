import { StoreConflictError, StoreError, StoreFullError, StoreReadOnlyError, StoreUnavailableError } from '../errors.js';

const CONNECTION = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/**
 * The store error a PostgreSQL (or connection) failure stands for: a refused write (the commit
 * function's CL409), a database that is away or restarting, full or read-only storage — typed,
 * so the service answers 409 or 503 with a reason; anything else is returned as it is.
 */
export function postgresError(error: unknown, location: string): unknown {
  if (error instanceof StoreError) return error;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = String(e?.code ?? '');
  const message = String(e?.message ?? error);
  const options = { cause: error };
  if (code === 'CL409') {
    const details = JSON.parse(message) as { index: number; campaignId: string; message: string };
    return new StoreConflictError(details.index, details.campaignId, details.message);
  }
  if (code === '53100') return new StoreFullError(location, options);
  if (code === '25006') return new StoreReadOnlyError(location, options);
  if (CONNECTION.has(code) || code.startsWith('08') || /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)) {
    return new StoreUnavailableError(location, `database unavailable (${code || 'connection lost'}): ${message}`, options);
  }
  if (code === '40P01' || code === '40001') return new StoreUnavailableError(location, `transient database conflict (${code}): retry`, options);
  return error;
}
