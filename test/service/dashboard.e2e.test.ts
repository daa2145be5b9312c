import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignView } from '../../src/index.js';
import { startTestServer, type TestServer } from './helpers.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const NASTY = '<img src=x onerror=alert(1)><script>window.pwned=1</script>';

// CI (.ci/run sets CI=1) must run it; elsewhere a machine without Chromium skips it, loudly.
const skip = !existsSync(CHROMIUM) && !process.env['CI'];
if (skip) console.warn(`Skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(skip)('dashboard in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  let acceptDialogs = false;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.setDefaultTimeout(20_000); // generous: CI runs every test file at once on 2 cores
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void (acceptDialogs ? dialog.accept() : dialog.dismiss());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 25 });
  const text = (locator: Locator) => poll(() => locator.textContent());
  const classes = (locator: Locator) => poll(async () => (await locator.getAttribute('class')) ?? '');
  const attribute = (locator: Locator, name: string) => poll(() => locator.getAttribute(name));
  const visible = (locator: Locator) => poll(() => locator.isVisible());
  const live = () => attribute(page.locator('#live'), 'data-state').toBe('live');
  const badge = () => page.getByTestId('status');
  const stateBox = (id: string) => page.locator(`[data-state-id="${id}"]`);

  it('creates a campaign through the form, presses an action and sees status and highlighted state change', async () => {
    await page.goto(`${s.url}/`);
    await live();
    await page.getByTestId('new-campaign').click();
    await page.locator('[data-preset="gifting"]').click();
    const form = page.getByTestId('create-form');
    await form.getByLabel('Name').fill('Gift boxes');
    await form.getByLabel('Products').fill('mug, notebook');
    await form.getByRole('button', { name: /Create gifting campaign/ }).click();

    await poll(async () => page.url()).toMatch(/#\/campaigns\//);
    await text(badge()).toBe('Draft');
    await text(page.getByTestId('campaign-name')).toBe('Gift boxes');
    await classes(stateBox('campaign.draft')).toMatch(/\bactive\b/);

    await page.locator('[data-command="ACTIVATE"]').click();
    await text(badge()).toBe('Active');
    await classes(stateBox('campaign.published.running.intake.accepting')).toMatch(/\bactive\b/);
    await classes(stateBox('campaign.published.running.processing.active')).toMatch(/\bactive\b/);
    await classes(stateBox('campaign.draft')).not.toMatch(/\bactive\b/);
    await text(page.getByTestId('history')).toContain('Activate');
  });

  it('greys out a refused action and shows its reason on hover and focus', async () => {
    const id = decodeURIComponent(page.url().split('/campaigns/')[1]!);
    const view = await s.rt.get(id);
    const reason = view.refusals.ACTIVATE!;
    expect(reason).toBeTruthy();
    const refused = page.locator('[data-command="ACTIVATE"]');
    await attribute(refused, 'aria-disabled').toBe('true');
    await attribute(refused, 'title').toBe(reason);
    const tooltip = refused.locator('.reason');
    await page.evaluate('document.activeElement && document.activeElement.blur()'); // the previous test pressed a button
    await page.mouse.move(0, 0);
    await visible(tooltip).toBe(false);
    await refused.hover();
    await visible(tooltip).toBe(true);
    await text(tooltip).toBe(reason);
    await page.mouse.move(0, 0);
    await refused.focus();
    await visible(tooltip).toBe(true);
    await page.keyboard.press('Enter');
    await text(page.getByTestId('message')).toContain(reason);
    expect((await s.rt.get(id)).version).toBe(view.version);
  });

  it('keeps the keyboard focus on an action when a live update re-renders the page', async () => {
    const c = await s.rt.create({ preset: 'discount', name: 'Focus kept' });
    await page.goto(`${s.url}/#/campaigns/${c.id}`);
    await text(badge()).toBe('Draft');
    await live();
    await page.locator('[data-command="PAUSE"]').focus();
    await s.rt.send(c.id, { type: 'UPDATE', patch: { labels: ['edited elsewhere'] } });
    await text(page.getByTestId('history')).toContain('Labels: none → edited elsewhere');
    expect(await page.evaluate('document.activeElement && document.activeElement.dataset.command')).toBe('PAUSE');
  });

  it('follows changes made elsewhere and fired timers live, without reloading', async () => {
    const c = await s.rt.create({ preset: 'discount', name: 'Live sale', startAt: '2026-03-02T10:00:00Z' });
    await s.rt.send(c.id, { type: 'PUBLISH' });
    await page.goto(`${s.url}/#/campaigns/${c.id}`);
    await text(badge()).toBe('Scheduled');
    await live();
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    await s.clock.advanceTo('2026-03-02T10:00:00Z');
    await text(badge()).toBe('Active');
    await classes(stateBox('campaign.published.running')).toMatch(/\bactive\b/);
    await text(page.getByTestId('history')).toContain('Start date');

    await s.rt.send(c.id, { type: 'PAUSE' });
    await text(badge()).toBe('Paused');
    await classes(stateBox('campaign.published.running.processing.paused')).toMatch(/\bactive\b/);
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('renders a hostile name as text: no element injected, no script run', async () => {
    await page.goto(`${s.url}/#/new?preset=discount`);
    const form = page.getByTestId('create-form');
    await form.getByLabel('Name').fill(NASTY);
    await form.getByRole('button', { name: /Create discount campaign/ }).click();
    await text(page.getByTestId('campaign-name')).toBe(NASTY);
    expect(await page.locator('main img, main script').count()).toBe(0);

    await page.goto(`${s.url}/#/`);
    const link = page.getByTestId('campaign-table').getByRole('link', { name: NASTY });
    await text(link).toBe(NASTY);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('filters by status tab and applies a bulk action to the selected campaigns', async () => {
    const gifts: CampaignView[] = [];
    for (const name of ['Bulk A', 'Bulk B']) {
      const c = await s.rt.create({ preset: 'gifting', name, products: ['mug'] });
      gifts.push(await s.rt.send(c.id, { type: 'ACTIVATE' }));
    }
    await page.goto(`${s.url}/#/`);
    await page.getByTestId('status-tabs').locator('[data-status="Active"]').click();
    await poll(async () => page.url()).toMatch(/status=Active/);
    const table = page.getByTestId('campaign-table');
    await poll(() => table.locator('tbody tr').count()).toBe(3);
    for (const gift of gifts) await table.getByLabel(`Select ${gift.name}`).check();
    await page.getByTestId('bulk-command').selectOption('PAUSE');
    await page.getByTestId('bulk-apply').click();
    await text(page.getByTestId('bulk-result')).toContain('Pause: 2 done, 0 refused');
    await poll(() => table.locator('tbody tr').count()).toBe(1);
    for (const gift of gifts) expect((await s.rt.get(gift.id)).status).toBe('Paused');
    await text(page.getByTestId('status-tabs').locator('[data-status="Paused"] .count')).toBe('3');
    // ending gifting campaigns cannot be undone: the bulk action asks first, in the seed's words
    await page.getByTestId('status-tabs').locator('[data-status="Paused"]').click();
    await poll(async () => page.url()).toMatch(/status=Paused/);
    for (const gift of gifts) await visible(table.getByLabel(`Select ${gift.name}`)).toBe(true);
    for (const gift of gifts) await table.getByLabel(`Select ${gift.name}`).check();
    dialogs.splice(0);
    await page.getByTestId('bulk-command').selectOption('END');
    await page.getByTestId('bulk-apply').click();
    await poll(async () => dialogs.length).toBe(1);
    expect(dialogs[0]).toContain('End early 2 campaigns?');
    expect(dialogs[0]).toContain('the redemption link no longer works');
    for (const gift of gifts) expect((await s.rt.get(gift.id)).status).toBe('Paused'); // dismissed: nothing sent
    dialogs.splice(0);
    expect(pageErrors).toEqual([]);
  });
  it('registers a webhook endpoint with a secret made in the page, shows its delivery log and lag, and redelivers a parked change', async () => {
    let answer = 500;
    const received: string[] = [];
    const receiver = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    try {
      await page.goto(`${s.url}/#/webhooks`);
      await live();
      const form = page.getByTestId('webhook-form');
      await form.getByLabel('URL').fill(url);
      await form.getByLabel('Events (none selected: every change)').selectOption(['CREATE']);
      const secret = await form.getByLabel('Signing secret').inputValue();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      await page.getByTestId('webhook-register').click();
      await text(page.getByTestId('webhook-notice')).toContain(`Registered ${url}`);
      const card = page.getByTestId('webhook-endpoint');
      await text(card).toContain('Nothing delivered yet');
      expect(await page.content()).not.toContain(secret.slice(6)); // the form made a new one; the old one is gone

      const created = await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'Hooked' } });
      await text(card.getByTestId('webhook-log')).toContain('the endpoint answered 500');
      await text(card.getByTestId('webhook-lag')).toMatch(/behind/);
      await text(page.getByTestId('consumer-table')).toContain('webhook:');
      // the receiver stays down through every attempt: the change is parked
      for (let i = 0; i < 8 && !(await card.getByTestId('webhook-parked').isVisible()); i++) {
        await s.clock.advanceBy(3_600_000);
        await page.waitForTimeout(200);
        await page.reload();
      }
      await text(card.getByTestId('webhook-parked')).toContain(`CREATE of ${created.body.id}`);
      answer = 204;
      await card.getByTestId('webhook-redeliver').click();
      await text(page.getByTestId('webhook-notice')).toContain('being delivered again');
      await s.clock.advanceBy(1_000);
      await poll(async () => received.length).toBe(9);
      await page.reload();
      await text(card.getByTestId('webhook-log')).toContain('delivered');
      await poll(() => card.getByTestId('webhook-parked').count()).toBe(0);
      await text(card.getByTestId('webhook-lag')).toBe('caught up');
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('offers the pause policy where the preset has it: a discount created to extend its dates on resume', async () => {
    await page.goto(`${s.url}/#/new?preset=gifting`);
    await live();
    await attribute(page.locator('[data-preset="gifting"]'), 'aria-current').toBe('page');
    expect(await page.getByTestId('create-form').getByLabel('After a pause').count()).toBe(0); // gifting keeps its dates
    await page.locator('[data-preset="discount"]').click();
    await attribute(page.locator('[data-preset="discount"]'), 'aria-current').toBe('page'); // the discount form is the one shown
    const form = page.getByTestId('create-form');
    await form.getByLabel('Name').fill('Weekend deal');
    await form.getByLabel('After a pause').selectOption('extend');
    await form.getByRole('button', { name: /Create discount campaign/ }).click();
    await poll(async () => page.url()).toMatch(/#\/campaigns\//);
    const id = decodeURIComponent(page.url().split('#/campaigns/')[1]!);
    expect((await s.request<CampaignView>('GET', `/api/campaigns/${encodeURIComponent(id)}`)).body.onResume).toBe('extend');
  });

  it('the statechart agrees with the facts on visibility: a Scheduled discount is not shown visible, a franchise past its visible date is', async () => {
    const discount = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'Later sale', startAt: '2026-03-10T09:00:00Z' } })).body;
    await s.request('POST', `/api/campaigns/${discount.id}/commands`, { body: { type: 'PUBLISH' } });
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(discount.id)}`);
    await live();
    await text(badge()).toBe('Scheduled');
    await text(page.locator('.fact', { hasText: 'Visible' }).first()).toContain('no');
    await classes(stateBox('campaign.published.scheduled.visibility.visible')).not.toMatch(/\bactive\b/);
    await classes(stateBox('campaign.published.scheduled.visibility')).toMatch(/\bunused\b/);
    await classes(stateBox('campaign.published.scheduled.countdown.waiting')).toMatch(/\bactive\b/);

    const franchise = (
      await s.request<CampaignView>('POST', '/api/campaigns', {
        body: { preset: 'franchise', name: 'Teaser', visibleAt: '2026-03-01T09:00:00Z', startAt: '2026-03-10T09:00:00Z', endAt: '2026-03-20T09:00:00Z' },
      })
    ).body;
    await s.request('POST', `/api/campaigns/${franchise.id}/commands`, { body: { type: 'PUBLISH' } });
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(franchise.id)}`);
    await text(badge()).toBe('Scheduled');
    await text(page.locator('.fact', { hasText: 'Visible' }).first()).toContain('yes');
    await classes(stateBox('campaign.published.scheduled.visibility.visible')).toMatch(/\bactive\b/);
  });

  it('asks before an irreversible action in the seed’s words, says what an action did and moves the focus to that message', async () => {
    const c = (
      await s.request<CampaignView>('POST', '/api/campaigns', {
        body: { preset: 'franchise', name: 'Spring push', startAt: '2026-03-01T09:00:00Z', endAt: '2026-04-01T09:00:00Z' },
      })
    ).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'PUBLISH' } });
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(c.id)}`);
    await live();
    await text(badge()).toBe('Active');
    dialogs.splice(0);
    await page.locator('[data-command="PAUSE"]').click(); // undone by Resume: not asked
    await text(page.getByTestId('message')).toBe('Pause done: Active → Paused.');
    expect(dialogs).toEqual([]);
    await poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid") ?? null')).toBe('message');

    await page.locator('[data-command="CANCEL"]').click(); // dismissed: nothing happens
    expect(dialogs[0]).toContain('permanent — there’s no undo');
    expect(dialogs[0]).toContain('All pending approvals are deleted');
    await text(page.getByTestId('message')).toBe('Cancel: nothing was changed.');
    await text(badge()).toBe('Paused');
    acceptDialogs = true;
    try {
      await page.locator('[data-command="CANCEL"]').click();
      await text(badge()).toBe('Archived');
      await text(page.getByTestId('message')).toBe('Cancel done: Paused → Archived.');
    } finally {
      acceptDialogs = false;
      dialogs.splice(0);
    }
  });

  it('speaks the user’s words: dates by name, who made a change, what an edit changed from and to', async () => {
    const c = (
      await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'Before', startAt: '2026-03-05T09:00:00Z', endAt: '2026-03-09T09:00:00Z' } })
    ).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'PUBLISH' } });
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(c.id)}`);
    await live();
    await text(page.getByTestId('forecast')).toContain('Start date');
    await text(page.getByTestId('forecast')).toContain('End date');
    await text(page.locator('.fact', { hasText: 'Next date' })).toContain('Start date');
    await page.locator('[data-command="UPDATE"]').click();
    const form = page.getByTestId('edit-form');
    await form.getByLabel('Name').fill('After');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await text(page.getByTestId('message')).toBe('Saved: name changed.');
    const latest = page.getByTestId('history').locator('li').first();
    await text(latest).toContain('Edit');
    await text(latest).toContain('by a user (request');
    await text(latest).toContain('status unchanged (Scheduled)');
    await text(latest).toContain('Name: Before → After');
    expect(await page.getByTestId('history').textContent()).not.toMatch(/startAt|UPDATE|Scheduled → Scheduled/);
  });

  it('has no dead end: an Expired discount offers Reactivate with a form that asks for the new dates', async () => {
    const endAt = new Date(s.clock.now() + 30 * 60_000).toISOString();
    const c = (await s.request<CampaignView>('POST', '/api/campaigns', { body: { preset: 'discount', name: 'Flash', endAt } })).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'PUBLISH' } });
    await s.clock.advanceTo(endAt);
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(c.id)}`);
    await live();
    await text(badge()).toBe('Expired');
    const reactivate = page.locator('[data-command="REACTIVATE"]');
    expect(await reactivate.getAttribute('aria-disabled')).toBeNull();
    await reactivate.click();
    const form = page.getByTestId('reactivate-form');
    await text(form).toContain('Reactivating needs new dates: an end date in the future.');
    // ten days ahead, in the browser's local time (what a datetime-local input holds)
    const local = await page.evaluate(`(() => { const d = new Date(${s.clock.now() + 10 * 86_400_000}); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); })()`);
    await form.getByLabel('New end').fill(String(local));
    await form.getByRole('button', { name: 'Reactivate' }).click();
    await text(badge()).toBe('Active');
    await text(page.getByTestId('message')).toBe('Reactivate done: Expired → Active.');
  });

  it('enters and shows every date in the campaign’s time zone, labelled, whatever the browser’s zone; the viewer’s time on hover', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    const ny = await context.newPage();
    try {
      await ny.goto(`${s.url}/#/new?preset=discount`);
      await attribute(ny.locator('[data-preset="discount"]'), 'aria-current').toBe('page');
      const form = ny.getByTestId('create-form');
      // a mistake is said in words, next to its field
      await form.getByLabel('Name').fill('Berlin morning');
      await form.getByLabel('Time zone').fill('Mars/Olympus');
      await form.getByRole('button', { name: /Create discount campaign/ }).click();
      await text(ny.locator('#timezone-error')).toMatch(/time ?zone/i);
      expect(await ny.locator('#timezone-error').textContent()).not.toMatch(/expected|regex|\^/);
      await form.getByLabel('Time zone').fill('Europe/Berlin');
      await poll(() => form.getByTestId('zone-note').first().textContent()).toBe('in Europe/Berlin');
      await form.getByLabel('Starts').fill('2026-03-10T09:00');
      await form.getByLabel('Ends').fill('2026-04-10T09:00'); // after the change to summer time (29 March)
      await form.getByRole('button', { name: /Create discount campaign/ }).click();
      await poll(async () => ny.url()).toMatch(/#\/campaigns\//);
      const id = decodeURIComponent(ny.url().split('#/campaigns/')[1]!);
      const stored = (await s.request<CampaignView>('GET', `/api/campaigns/${encodeURIComponent(id)}`)).body;
      expect(stored).toMatchObject({ timezone: 'Europe/Berlin', startAt: '2026-03-10T08:00:00.000Z', endAt: '2026-04-10T07:00:00.000Z' });
      const starts = ny.locator('.fact', { hasText: 'Starts' }).locator('dd');
      await text(starts).toMatch(/Mar 10, 2026, 9:00\s?AM GMT\+1/);
      await text(ny.locator('.fact', { hasText: 'Ends' }).locator('dd')).toMatch(/Apr 10, 2026, 9:00\s?AM GMT\+2/);
      expect(await starts.getAttribute('title')).toMatch(/Your time: Mar 10, 2026, 4:00:00\s?AM EDT/);
      // the edit form shows the dates as they were typed, in the campaign's zone
      await ny.locator('[data-command="UPDATE"]').click();
      expect(await ny.getByTestId('edit-form').getByLabel('Starts').inputValue()).toBe('2026-03-10T09:00');
    } finally {
      await context.close();
    }
  });

  it('shows a month and a week calendar of visible windows, runs and recurring occurrences, filtered by preset and label', async () => {
    const post = async (body: Record<string, unknown>) => (await s.request<CampaignView>('POST', '/api/campaigns', { body })).body.id;
    await post({ preset: 'discount', name: 'April once', startAt: '2027-04-05T09:00:00Z', endAt: '2027-04-07T09:00:00Z', labels: ['easter'] });
    await post({ preset: 'franchise', name: 'April teaser', visibleAt: '2027-04-01T08:00:00Z', startAt: '2027-04-12T08:00:00Z', endAt: '2027-04-20T08:00:00Z' });
    await post({ preset: 'discount', name: 'April Saturdays', startAt: '2027-04-03T09:00:00Z', endAt: '2027-05-01T00:00:00Z', recurrence: { rule: 'FREQ=WEEKLY;BYDAY=SA', duration: 'PT10H' } });
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    const cal = await context.newPage();
    try {
      await cal.goto(`${s.url}/#/calendar?month=2027-04`);
      const day = (d: string) => cal.locator(`[data-day="2027-04-${d}"]`);
      await text(day('06')).toContain('April once');
      expect(await day('08').textContent()).not.toContain('April once');
      await text(day('02')).toContain('April teaser'); // visible before its start
      expect(await day('02').locator('.kind-visible').count()).toBe(1);
      expect(await day('15').locator('.kind-run', { hasText: 'April teaser' }).count()).toBe(1);
      for (const saturday of ['03', '10', '17', '24']) expect(await day(saturday).locator('.kind-occurrence', { hasText: 'April Saturdays' }).count(), saturday).toBe(1);
      expect(await day('04').textContent()).not.toContain('April Saturdays');
      await cal.getByLabel('Preset').selectOption('franchise');
      await poll(async () => cal.url()).toMatch(/preset=franchise/);
      await text(day('15')).toContain('April teaser');
      await poll(() => day('06').textContent()).not.toContain('April once');
      await cal.goto(`${s.url}/#/calendar?month=2027-04&label=easter`);
      await text(day('06')).toContain('April once');
      await poll(() => day('15').textContent()).not.toContain('April teaser');
      await cal.getByTestId('next-month').click();
      await poll(async () => cal.url()).toMatch(/month=2027-05/);
      // the week view: seven days with the time a window starts on the day it starts
      await cal.goto(`${s.url}/#/calendar?month=2027-04`);
      await text(day('03')).toContain('April Saturdays');
      // the week's entries are held back until its title shows: the days are read once they have loaded
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      await cal.route(/\/api\/calendar\?/, async (route) => {
        await released;
        await route.continue();
      });
      await cal.getByTestId('week-view').click();
      await poll(async () => cal.url()).toMatch(/view=week&week=2027-03-29/);
      await text(cal.locator('h1')).toBe('Week of 29 Mar 2027');
      release();
      await poll(() => cal.locator('.calendar-day').count()).toBe(7);
      await text(day('03')).toContain('11:00 April Saturdays'); // 09:00Z is 11:00 in Berlin (summer time)
      await text(day('01')).toContain('10:00 April teaser'); // visible from 08:00Z
      await cal.getByTestId('next-month').click();
      await poll(async () => cal.url()).toMatch(/week=2027-04-05/);
      await text(day('05')).toContain('11:00 April once');
      await text(day('06')).toContain('April once');
      expect(await day('06').textContent()).not.toContain('11:00 April once'); // it started the day before
    } finally {
      await context.close();
    }
  });

  it('finds campaigns by name or label from the search box, keeps the search across status tabs, and sorts the rows by a column either way', async () => {
    await s.rt.create({ preset: 'discount', name: 'Needle in the list', labels: ['haystack'] });
    await s.rt.create({ preset: 'gifting', name: 'Other gifts', labels: ['NEEDLE-label'] });
    await page.goto(`${s.url}/#/`);
    await live();
    await page.getByTestId('search').fill('needle');
    await page.getByTestId('search').press('Enter');
    await poll(async () => page.url()).toMatch(/q=needle/);
    const table = page.getByTestId('campaign-table');
    await poll(async () => (await table.locator('tbody tr td:nth-child(2)').allTextContents()).sort()).toEqual(['Needle in the list', 'Other gifts']);
    await page.getByTestId('status-tabs').locator('[data-status="Draft"]').click();
    await poll(async () => page.url()).toMatch(/status=Draft.*q=needle|q=needle.*status=Draft/);
    await poll(async () => (await table.locator('tbody tr td:nth-child(2)').allTextContents()).sort()).toEqual(['Needle in the list', 'Other gifts']);
    // a column orders the whole list (the server sorts), both ways, and says so; the search stays
    const names = () => table.locator('tbody tr td:nth-child(2)').allTextContents();
    await table.locator('[data-sort="name"]').click();
    await poll(async () => page.url()).toMatch(/sort=name/);
    await poll(names).toEqual(['Needle in the list', 'Other gifts']);
    await attribute(table.locator('th', { has: page.locator('[data-sort="name"]') }), 'aria-sort').toBe('ascending');
    await table.locator('[data-sort="name"]').click();
    await poll(async () => page.url()).toMatch(/order=desc/);
    await poll(names).toEqual(['Other gifts', 'Needle in the list']);
    await table.locator('[data-sort="preset"]').click();
    await poll(async () => page.url()).toMatch(/sort=preset/);
    await poll(names).toEqual(['Needle in the list', 'Other gifts']); // discount before gifting
    expect(page.url()).toMatch(/q=needle/);
  });

  it('works at phone width and on the desktop: nothing wider than the screen, no serious or critical axe-core violation', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const [campaign] = await s.rt.list({ preset: 'franchise', limit: 1 });
    const pages = ['#/', '#/new?preset=franchise', '#/webhooks', '#/calendar?month=2027-04', '#/calendar?view=week&week=2027-03-29', `#/campaigns/${encodeURIComponent(campaign!.id)}`];
    const found: string[] = [];
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport });
      const p = await context.newPage();
      try {
        for (const hash of pages) {
          await p.goto(`${s.url}/${hash}`);
          await poll(() => p.locator('#live').getAttribute('data-state')).toBe('live');
          await p.waitForLoadState('networkidle');
          await p.evaluate(axe);
          const result = (await p.evaluate('axe.run({ resultTypes: ["violations"] })')) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
          for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
            found.push(`${viewport.width}px ${hash}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
          }
          const overflow = (await p.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
          if (overflow > 0) found.push(`${viewport.width}px ${hash}: the page is ${overflow}px wider than the screen`);
        }
      } finally {
        await context.close();
      }
    }
    expect(found).toEqual([]);
  });

  it('says a recurrence in words and how far a campaign is: occurrence 2 of 6, the share of it elapsed', async () => {
    const start = s.clock.now() - 70 * 60_000; // the second occurrence started 10 minutes ago
    const c = (
      await s.request<CampaignView>('POST', '/api/campaigns', {
        body: { preset: 'discount', name: 'Six flashes', startAt: new Date(start).toISOString(), recurrence: { rule: 'FREQ=HOURLY;COUNT=6', duration: 'PT20M' } },
      })
    ).body;
    await s.request('POST', `/api/campaigns/${c.id}/commands`, { body: { type: 'PUBLISH' } });
    await page.goto(`${s.url}/#/campaigns/${encodeURIComponent(c.id)}`);
    await live();
    await text(page.locator('.fact', { hasText: 'Repeats' }).locator('dd')).toBe('every hour for 6 times, 20 minutes each');
    await text(page.locator('.fact', { hasText: 'Progress' }).locator('dd')).toBe('occurrence 2 of 6, 50 % of this occurrence elapsed');
  });

  it('status tabs speak the chosen preset’s vocabulary; with all presets, only statuses that have campaigns beyond the common ones', async () => {
    await page.goto(`${s.url}/#/?preset=gifting`);
    await live();
    const tabs = page.getByTestId('status-tabs').locator('.tab');
    await poll(async () => (await tabs.allTextContents()).map((t) => t.replace(/\d+$/, ''))).toEqual(['All', 'Draft', 'Active', 'Paused', 'Expired']);
    await page.goto(`${s.url}/#/`);
    const all = async () => (await tabs.allTextContents()).map((t) => t.replace(/\d+$/, ''));
    await poll(all).toContain('Archived'); // the franchise cancelled earlier
    expect(await all()).not.toContain('Frozen'); // no campaign is Frozen: not offered
    expect((await all()).length).toBeLessThan(13);
  });

  it('links the API reference from the header; /docs renders every operation offline', async () => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${s.url}/#/`);
    await live();
    pageErrors.splice(0);
    await page.getByTestId('api-docs').click();
    await poll(async () => page.url()).toBe(`${s.url}/docs`);
    await visible(page.locator('.opblock').first());
    await poll(() => page.locator('.opblock').count()).toBe(23);
    await text(page.locator('.opblock-summary-path').first()).toContain('/api/');
    expect(requests.filter((url) => !url.startsWith(s.url) && !url.startsWith('data:'))).toEqual([]);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
  it('recovers when the data is reset: the stream refuses the old cursor (400), the page reloads its state and is live again', async () => {
    const first = await startTestServer();
    await first.rt.create({ preset: 'discount', name: 'Before the reset' });
    const tab = await browser.newPage();
    try {
      await tab.goto(`${first.url}/#/`);
      await expect.poll(() => tab.locator('#live').getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
      await expect.poll(() => tab.getByTestId('campaign-table').textContent(), { timeout: 20_000 }).toContain('Before the reset');
      await first.close();
      const second = await startTestServer({ port: first.port });
      try {
        await second.rt.create({ preset: 'gifting', name: 'After the reset', products: ['mug'] });
        await expect.poll(() => tab.locator('#live').getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
        await expect.poll(() => tab.getByTestId('campaign-table').textContent(), { timeout: 20_000 }).toContain('After the reset');
        expect(await tab.getByTestId('campaign-table').textContent()).not.toContain('Before the reset');
        await second.rt.create({ preset: 'gifting', name: 'Live after the reset', products: ['mug'] });
        await expect.poll(() => tab.getByTestId('campaign-table').textContent(), { timeout: 20_000 }).toContain('Live after the reset');
      } finally {
        await second.close();
      }
    } finally {
      await tab.close();
    }
  });
});
