import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { StoreLockedError, StoreUnavailableError } from '../persistence/errors.js';
import { loadStatelyConfig } from '../config/statelyConfig.js';
import { storeLocation, UsageError } from '../config/storeLocation.js';
import { startService } from './startService.js';

const USAGE = `Usage: npm start -- [options]          (from a checkout)
       npx campaign-lifecycle serve [options]  (the installed package; needs better-sqlite3, or pg for --store)

  --port N            HTTP port (env PORT, default 3000; 0 picks a free port)
  --host H            interface to listen on (env HOST, default 127.0.0.1)
  --data DIR          data directory, SQLite at DIR/campaigns.db (env CAMPAIGNS_DATA, default ./data)
  --store URL         PostgreSQL instead of SQLite: postgres://user@host/db (env DATABASE_URL);
                      several instances may serve one database
  --schema NAME       PostgreSQL schema (env CAMPAIGNS_SCHEMA, default campaign_lifecycle)
  --no-demo           do not create demo campaigns in an empty store
  --inspect           start the Stately inspector server and inspect every campaign actor
  --inspect-port N    inspector port (default: stately.config.json inspector.port, else 8080; 0 picks a free port)
  -h, --help          this text

  CAMPAIGNS_TOKEN     when set, every route requires "Authorization: Bearer <token>"
                      (the dashboard: open /?token=<token> once, or sign in with the form)`;

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new UsageError(`${name} must be a port number (0-65535), not "${value}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      store: { type: 'string' },
      schema: { type: 'string' },
      demo: { type: 'boolean', default: true },
      inspect: { type: 'boolean', default: false },
      'inspect-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowNegative: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const store = storeLocation(values);
  const stately = existsSync('stately.config.json') ? await loadStatelyConfig('stately.config.json') : null;
  const service = await startService({
    port: port(values.port ?? process.env['PORT'], '--port', 3000),
    host: values.host ?? process.env['HOST'] ?? '127.0.0.1',
    ...(store.kind === 'sqlite' ? { dataDir: store.dataDir } : { dataDir: './data', databaseUrl: store.url, ...(store.schema ? { schema: store.schema } : {}) }),
    demo: values.demo,
    token: process.env['CAMPAIGNS_TOKEN'] || undefined,
    inspectPort: values.inspect ? port(values['inspect-port'], '--inspect-port', stately?.inspector.port ?? 8080) : undefined,
    inspectorUiUrl: stately?.inspector.url,
    onListening: ({ url }) => console.log(`Campaigns service listening on ${url} (/healthz answers; the API answers once missed timers have fired)`),
  });

  console.log(`Ready on ${service.url}`);
  console.log(`  store      ${service.databasePath}`);
  if (service.demoCampaigns > 0) console.log(`  demo       ${service.demoCampaigns} campaigns created`);
  console.log(`  API        ${service.url}/api/campaigns   OpenAPI ${service.url}/openapi.json`);
  if (process.env['CAMPAIGNS_TOKEN']) console.log(`  auth       bearer token required (dashboard: ${service.url}/?token=…)`);
  if (service.inspectorUrl) {
    console.log(`  inspector  open ${service.inspectorUrl} to watch every campaign actor in the Stately inspector`);
  }

  return new Promise<number>((resolveExit) => {
    let signals = 0;
    const shutdown = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        console.error(`${signal} again: exiting without waiting`);
        resolveExit(1);
        return;
      }
      console.log(`${signal}: shutting down…`);
      service.stop().then(
        () => {
          console.log('Stopped.');
          resolveExit(0);
        },
        (error: unknown) => {
          console.error('Shutdown failed:', error);
          resolveExit(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof StoreLockedError) console.error(`Cannot open the store: ${error.message}`);
    else if (error instanceof StoreUnavailableError) console.error(`Cannot open the store: ${error.reason}`);
    else if (code === 'EADDRINUSE') {
      console.error(`Port already in use: ${(error as Error).message}`);
    } else console.error(error);
    process.exit(1);
  },
);
