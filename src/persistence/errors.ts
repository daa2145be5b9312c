/**
 * The errors a store throws on purpose. Each carries its details as plain fields, so an adapter
 * that runs in another thread or process can send them across and rebuild the same class
 * ({@link serializeStoreError} / {@link deserializeStoreError}).
 *
 * @module
 */

/** Base class of store errors; `name` is the class name. */
export class StoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A write did not match the stored state (stale version, existing id, timer already fired). */
export class StoreConflictError extends StoreError {
  /** Index of the refused write in the batch. */
  readonly index: number;
  readonly campaignId: string;
  constructor(index: number, campaignId: string, message: string) {
    super(message);
    this.index = index;
    this.campaignId = campaignId;
  }
}

/** The store's schema is newer than this library understands. */
export class StoreVersionError extends StoreError {
  /** The store's file or schema. */
  readonly location: string;
  readonly found: number;
  readonly supported: number;
  constructor(location: string, found: number, supported: number) {
    super(
      `[campaign-lifecycle] ${location} has schema version ${found}, newer than this version of campaign-lifecycle supports (${supported}); upgrade campaign-lifecycle to open it`,
    );
    this.location = location;
    this.found = found;
    this.supported = supported;
  }
}

/** Another runtime (another process) holds the store. */
export class StoreLockedError extends StoreError {
  readonly location: string;
  constructor(location: string, options?: ErrorOptions) {
    super(
      `[campaign-lifecycle] ${location} is in use by another campaign runtime; one runtime owns a SQLite store at a time`,
      options,
    );
    this.location = location;
  }
}

/** The database driver an adapter needs is not installed (it is an optional peer dependency). */
export class StoreDriverMissingError extends StoreError {
  /** The adapter that needs it, e.g. `sqliteStore`. */
  readonly adapter: string;
  /** The npm package to install, e.g. `better-sqlite3`. */
  readonly driver: string;
  constructor(adapter: string, driver: string, options?: ErrorOptions) {
    super(`[campaign-lifecycle] ${adapter} needs the "${driver}" package: install it with \`npm install ${driver}\``, options);
    this.adapter = adapter;
    this.driver = driver;
  }
}

/**
 * The store cannot take writes now: its storage is full, read-only or failing. Nothing was
 * written; the same write may succeed once the operator fixes the storage (a retry is safe).
 */
export class StoreUnavailableError extends StoreError {
  readonly location: string;
  /** What is wrong, in words an operator acts on ("storage full", "read-only: /data", …). */
  readonly reason: string;
  constructor(location: string, reason: string, options?: ErrorOptions) {
    super(`[campaign-lifecycle] ${location}: ${reason}`, options);
    this.location = location;
    this.reason = reason;
  }
}

/** The disk (or the store's size limit) is full. */
export class StoreFullError extends StoreUnavailableError {
  constructor(location: string, options?: ErrorOptions) {
    super(location, 'storage full', options);
  }
}

/** The store's file or directory cannot be written. */
export class StoreReadOnlyError extends StoreUnavailableError {
  constructor(location: string, options?: ErrorOptions) {
    super(location, `read-only: ${location}`, options);
  }
}

/** A store error as plain data (structured-clone and JSON safe). */
export interface SerializedStoreError {
  name: string;
  message: string;
  /** The error's own fields (`index`, `campaignId`, `location`, `found`, `code`, …). */
  fields: Record<string, string | number | null>;
}

const REBUILD: Record<string, (fields: SerializedStoreError['fields'], message: string) => Error> = {
  StoreError: (_, message) => new StoreError(message),
  StoreConflictError: (f, message) => new StoreConflictError(Number(f['index']), String(f['campaignId']), message),
  StoreVersionError: (f) => new StoreVersionError(String(f['location']), Number(f['found']), Number(f['supported'])),
  StoreLockedError: (f) => new StoreLockedError(String(f['location'])),
  StoreDriverMissingError: (f) => new StoreDriverMissingError(String(f['adapter']), String(f['driver'])),
  StoreUnavailableError: (f) => new StoreUnavailableError(String(f['location']), String(f['reason'])),
  StoreFullError: (f) => new StoreFullError(String(f['location'])),
  StoreReadOnlyError: (f) => new StoreReadOnlyError(String(f['location'])),
};

/** Turns any thrown value into plain data: the class name, the message and the error's own scalar fields. */
export function serializeStoreError(error: unknown): SerializedStoreError {
  const e = error instanceof Error ? error : new Error(String(error));
  const fields: SerializedStoreError['fields'] = {};
  for (const [key, value] of Object.entries(e)) {
    if (typeof value === 'string' || typeof value === 'number' || value === null) fields[key] = value;
  }
  return { name: e.name, message: e.message, fields };
}

/** Rebuilds the store error class of {@link serializeStoreError}'s output; other errors keep their name and fields. */
export function deserializeStoreError(wire: SerializedStoreError): Error {
  const rebuild = REBUILD[wire.name];
  if (rebuild) return rebuild(wire.fields, wire.message);
  return Object.assign(new Error(wire.message), wire.fields, { name: wire.name });
}
