/**
 * Adapters load their database driver when a store is opened, never when the package is
 * imported; a missing driver is a StoreDriverMissingError naming the package to install. Each
 * case runs in a fresh Node process, as a user's program would.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadDriver, StoreDriverMissingError } from '../../src/persistence/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hideDriver = fileURLToPath(new URL('./hideDriver.mjs', import.meta.url));

/** Runs an ES module snippet under tsx from the repository root; resolves with its JSON output. */
async function run(code: string, env: Record<string, string> = {}, extraImports: string[] = []): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...extraImports.flatMap((i) => ['--import', i]), '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** Records every native addon the process loads. */
const TRACK_ADDONS = `
  const loaded = [];
  const dlopen = process.dlopen;
  process.dlopen = (module, file, ...rest) => { loaded.push(file); return dlopen.call(process, module, file, ...rest); };
  const sqliteLoaded = () => loaded.some((f) => f.includes('better_sqlite3'));
`;

describe('database drivers load only when a store is opened', () => {
  it('importing the package loads no driver; opening sqliteStore loads better-sqlite3', async () => {
    const result = await run(`${TRACK_ADDONS}
      const { mkdtempSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const lib = await import('./src/index.ts');
      const afterImport = sqliteLoaded();
      const store = lib.sqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'cl-driver-')), 'c.db') });
      const afterCreate = sqliteLoaded();
      await store.open();
      const afterOpen = sqliteLoaded();
      await store.close();
      console.log(JSON.stringify({ afterImport, afterCreate, afterOpen }));
    `);
    expect(result).toEqual({ afterImport: false, afterCreate: false, afterOpen: true });
  });

  it.each([false, true])('a missing better-sqlite3 is a StoreDriverMissingError naming the package (thread: %s)', async (thread) => {
    const result = await run(
      `
      const lib = await import('./src/index.ts');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const store = lib.sqliteStore({ path: join(tmpdir(), 'never-created', 'c.db'), thread: ${thread} });
      const error = await store.open().then(() => null, (e) => e);
      await store.close();
      console.log(JSON.stringify({ missing: error instanceof lib.StoreDriverMissingError, name: error?.name, driver: error?.driver, message: error?.message }));
    `,
      { HIDE_DRIVERS: 'better-sqlite3' },
      [hideDriver],
    );
    expect(result).toEqual({
      missing: true,
      name: 'StoreDriverMissingError',
      driver: 'better-sqlite3',
      message: '[campaign-lifecycle] sqliteStore needs the "better-sqlite3" package: install it with `npm install better-sqlite3`',
    });
  });

  it('loadDriver passes on errors other than a missing package', async () => {
    const broken = () => Promise.reject(Object.assign(new Error('invalid ELF header'), { code: 'ERR_DLOPEN_FAILED' }));
    await expect(loadDriver('sqliteStore', 'better-sqlite3', broken)).rejects.toThrow('invalid ELF header');
    const missing = () => Promise.reject(Object.assign(new Error("Cannot find package 'pg'"), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expect(loadDriver('postgresStore', 'pg', missing)).rejects.toBeInstanceOf(StoreDriverMissingError);
  });
});
