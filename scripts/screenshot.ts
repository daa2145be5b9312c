/**
 * Starts the service with demo data in a temporary directory, opens a campaign page and the
 * calendar in Chromium and saves them as docs/dashboard.png and docs/calendar.png.
 *
 * Usage: npm run screenshot [-- --out docs/dashboard.png --calendar docs/calendar.png --campaign "Summer menu launch"]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startService } from '../src/service/startService.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/dashboard.png' },
    calendar: { type: 'string', default: 'docs/calendar.png' },
    campaign: { type: 'string', default: 'Spring sale −20 %' },
    chromium: { type: 'string', default: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium' },
  },
});

const dataDir = mkdtempSync(join(tmpdir(), 'campaigns-screenshot-'));
const service = await startService({ dataDir, port: 0, demo: true });
const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });
try {
  const { items } = await service.runtime.listPage({ limit: 50 });
  const campaign = items.find((c) => c.name === values.campaign) ?? items[0];
  if (!campaign) throw new Error('No demo campaign to show');
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(`${service.url}/#/campaigns/${encodeURIComponent(campaign.id)}`);
  await page.locator('[data-testid="status"]').filter({ hasText: campaign.status }).waitFor();
  await page.locator('.sc-node.active').first().waitFor();
  await page.locator('#live[data-state="live"]').waitFor();
  const out = resolve(values.out);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`Saved ${out} (${campaign.name}, ${campaign.status})`);

  await page.goto(`${service.url}/#/calendar`);
  await page.locator('.calendar-entry').first().waitFor();
  const calendar = resolve(values.calendar);
  await page.screenshot({ path: calendar, fullPage: true });
  console.log(`Saved ${calendar} (this month)`);
} finally {
  await browser.close();
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
