import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreFullError, StoreLockedError, StoreReadOnlyError, StoreUnavailableError } from '../errors.js';

const codeOf = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '');

const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (error) {
    return codeOf(error) === 'ENOENT';
  }
};

/** The closest directory of `path` that exists (the one a new directory would be made in). */
const existingAncestor = (path: string) => {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
};

const diskFull = (path: string) => {
  try {
    return statfsSync(dirname(path)).bavail === 0;
  } catch {
    return false;
  }
};

/**
 * The store error an SQLite (or file-system) failure stands for: full, read-only, locked, or
 * failing storage — typed, with the path, so the service can answer 503 with a reason an
 * operator acts on. Anything else is returned as it is.
 */
export function storageError(error: unknown, path: string): unknown {
  const code = codeOf(error);
  const options = { cause: error };
  if (code.startsWith('SQLITE_BUSY')) return new StoreLockedError(path, options);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new StoreFullError(path, options);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StoreReadOnlyError(path, options);
  }
  // mkdir -p answers ENOENT when the directory it would create lies on a read-only file system
  if (code === 'ENOENT' && !writable(existingAncestor(path))) return new StoreReadOnlyError(path, options);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') {
    if (!writable(dirname(path)) || !writable(path)) return new StoreReadOnlyError(path, options);
    if (diskFull(path)) return new StoreFullError(path, options);
    return new StoreUnavailableError(path, `storage failing (${code}): ${(error as Error).message}`, options);
  }
  return error;
}
