/**
 * The committed release fixtures (test/fixtures/<version>/, cut by scripts/fixtures.ts and never
 * edited): what each release wrote, for the upgrade tests to open with today's code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CampaignRecord, CampaignStore, CampaignWrite, TimerRecord } from '../../src/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

/** Every release with committed fixtures, oldest first. */
export const releases = readdirSync(FIXTURES)
  .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** A stored row of a release: the campaign's record and its timers, as that release wrote them. */
export interface StoredRow {
  record: CampaignRecord;
  timers: TimerRecord[];
}

/** The rows of a release's store (`store.json`). */
export const releaseRows = (release: string): StoredRow[] => (JSON.parse(readFileSync(join(FIXTURES, release, 'store.json'), 'utf8')) as { rows: StoredRow[] }).rows;

/** The path of a release's SQLite store file (copy it before opening it with a store). */
export const releaseDatabase = (release: string) => join(FIXTURES, release, 'campaigns.db');

/** Rows committed into `store` (opened, then closed) exactly as they were stored. */
export async function loadRows(store: CampaignStore, rows: readonly StoredRow[]): Promise<void> {
  await store.open();
  const writes: CampaignWrite[] = rows.map(({ record, timers }) => ({
    campaignId: record.id,
    preset: record.preset,
    fromVersion: 0,
    record,
    timers,
    change: { campaignId: record.id, version: record.version, at: record.updatedAt, dueAt: null, event: 'CREATE', source: 'system', from: null, to: record.status, commandId: null, detail: JSON.stringify({ loadedFrom: 'fixture' }) },
  }));
  for (let i = 0; i < writes.length; i += 50) await store.commit(writes.slice(i, i + 50));
  await store.close();
}
