import { StoreDriverMissingError } from './errors.js';

/** How a module is imported; tests pass one that fails. */
export type Importer = (specifier: string) => Promise<unknown>;

const nativeImport: Importer = (specifier) => import(specifier);

const isMissing = (error: unknown, driver: string) => {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${driver}'`)
  );
};

/**
 * Imports a store's database driver when the store is opened, not when the package is: drivers
 * are optional peer dependencies, and a user of one store does not install the other's. A driver
 * that is not installed is a {@link StoreDriverMissingError} naming the package to install.
 */
export async function loadDriver<T>(adapter: string, driver: string, importer: Importer = nativeImport): Promise<T> {
  let loaded: unknown;
  try {
    loaded = await importer(driver);
  } catch (error) {
    if (isMissing(error, driver)) throw new StoreDriverMissingError(adapter, driver, { cause: error });
    throw error;
  }
  const module = loaded as { default?: unknown };
  return (module.default ?? module) as T;
}
