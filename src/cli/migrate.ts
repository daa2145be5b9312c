import { parseArgs } from 'node:util';
import { storeLocation, UsageError } from '../config/storeLocation.js';
import { ValidationError } from '../machines/ValidationError.js';
import type { StoredCampaigns } from '../persistence/CampaignStore.js';
import { StoreError, StoreLockedError, StoreUnavailableError } from '../persistence/errors.js';
import { readPostgresCampaigns } from '../persistence/postgres/readPostgresCampaigns.js';
import { readSqliteCampaigns } from '../persistence/sqlite/readSqliteCampaigns.js';
import { checkPassed, checkSnapshots, formatSnapshotCheck } from './snapshotCheck.js';

export const MIGRATE_USAGE = `Usage: npm run migrate -- --check [options]              (from a checkout)
       npx campaign-lifecycle migrate --check [options]   (the installed package)

Reads a store and reports, without writing anything, how many campaigns each statechart version
stored, how many this code would migrate as it loads them, and which it would refuse (and why).
Stored snapshots migrate when a campaign is loaded, and store schemas when the store is opened:
there is nothing else to run.

  --check             required: report, write nothing
  --data DIR          the SQLite store at DIR/campaigns.db (env CAMPAIGNS_DATA, default ./data);
                      stop the service that holds it, or check a copy
  --store URL         a PostgreSQL store: postgres://user@host/db (env DATABASE_URL)
  --schema NAME       its schema (env CAMPAIGNS_SCHEMA, default campaign_lifecycle)
  --json              the report as JSON
  -h, --help          this text

Exit status: 0 when every campaign loads with this code, 1 when some would be refused or the
store cannot be opened, 2 for a usage error.`;

/** `migrate --check`: the report on `out`, problems on `err`; resolves to the exit status. */
export async function migrate(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let source: StoredCampaigns;
  let json: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        check: { type: 'boolean', default: false },
        data: { type: 'string' },
        store: { type: 'string' },
        schema: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    if (values.help) {
      out(MIGRATE_USAGE);
      return 0;
    }
    if (!values.check) throw new UsageError('migrate only checks (--check): snapshots migrate as campaigns load, and store schemas as the store opens');
    json = values.json;
    const location = storeLocation(values);
    source =
      location.kind === 'sqlite'
        ? await readSqliteCampaigns({ path: location.path })
        : await readPostgresCampaigns({ connectionString: location.url, ...(location.schema ? { schema: location.schema } : {}) });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ValidationError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n\n${MIGRATE_USAGE}`);
      return 2;
    }
    if (error instanceof StoreLockedError) err(`Cannot read the store: ${error.message}. Stop the service that holds it, or check a copy of the file.`);
    else if (error instanceof StoreUnavailableError) err(`Cannot read the store: ${error.location}: ${error.reason}`);
    else if (error instanceof StoreError) err(`Cannot read the store: ${error.message}`);
    else throw error;
    return 1;
  }
  try {
    const check = await checkSnapshots(source);
    out(json ? JSON.stringify(check, null, 2) : formatSnapshotCheck(check));
    return checkPassed(check) ? 0 : 1;
  } finally {
    await source.close();
  }
}
