import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/app/file-replay.js';
import { sqliteState, type SqliteState } from '../../src/app/state.js';
import { loadProfile } from '../../src/config/load-profile.js';
import { notificationKey, type Alert } from '../../src/domain/alert.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { UserAdmin } from '../../src/inbox/auth/user-admin.js';
import { buildInboxServer } from '../../src/inbox/inbox.server.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import type { InboxStores } from '../../src/inbox/store/inbox-stores.js';
import { InboxNotifier } from '../../src/notifiers/inbox.notifier.js';
import { explain } from '../../src/rules/explain.js';

/**
 * The clinician inbox in a real browser: Debian's Chromium (never a downloaded one), headless,
 * against the server on loopback, over alerts from a replayed synthetic feed. Skipped with a
 * visible reason when /usr/bin/chromium is missing, unless REQUIRE_SERVICES=1 (CI).
 * Screenshots go to docs/images/ only with UPDATE_DOCS=1, so a test run leaves the tree clean.
 */
const CHROMIUM = '/usr/bin/chromium';
const DOCS = join(import.meta.dirname, '..', '..', 'docs', 'images');
const PASSWORD = 'synthetic-passphrase-1';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but no browser at ${CHROMIUM}`);
  // eslint-disable-next-line no-console
  console.warn(`skipping the browser tests of the inbox: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!hasBrowser)('when a clinician uses the inbox in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-inbox-browser-'));
  const shots = process.env.UPDATE_DOCS === '1' ? DOCS : dir;
  let state: SqliteState;
  let stores: InboxStores;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let alerts: Alert[];
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const feed = join(dir, 'feed.hl7');
    await writeFeed(feed, { patients: 120, seed: 11 });
    const profile = loadProfile(undefined);
    const log = pino({ level: 'silent' });
    const db = join(dir, 'state.db');
    const run = await replay({ inputs: [feed], dbPath: db, profile, log, clock: 'feed' });
    await run.close();
    state = sqliteState(db, () => new Date());
    stores = sqliteInboxStores(state.db);
    alerts = (await state.alerts.list()).filter((a) => a.status !== 'withdrawn');
    // a fixed "now" two days after the newest alert: the ages on the screenshots do not move
    const now = new Date(Math.max(...alerts.map((a) => Date.parse(a.updatedAt))) + 2 * 86_400_000);
    const clock = (): Date => now;
    const inbox = new InboxNotifier(stores.items, clock);
    for (const alert of alerts) {
      const notification = { key: notificationKey(alert.id, alert.episode, alert.tier), alertId: alert.id, episode: alert.episode, patientKey: alert.patientKey, tier: alert.tier, event: 'created' as const, createdAt: alert.updatedAt };
      await inbox.deliver({ notification, alert, recipient: { kind: 'pool', id: 'neuromuscular', display: 'Neuromuscular team' } });
    }
    const admin = new UserAdmin({ ...stores, clock, operator: 'test-operator', passwordCost: { N: 2 ** 12, r: 8, p: 1 } });
    await admin.add({ username: 'drneuro', displayName: 'Dr Neuro (synthetic)', role: 'clinician', pools: ['neuromuscular'], password: PASSWORD });
    await admin.add({ username: 'auditor1', displayName: 'Auditor (synthetic)', role: 'auditor', password: PASSWORD });
    app = await buildInboxServer({
      alerts: state.alerts,
      inboxStore: stores,
      log,
      clock,
      flushAlerts: () => state.db.flush(),
      explain: async (alert) => explain(await state.timeline.timeline(await state.timeline.resolve(alert.patientKey)), profile),
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    mkdirSync(shots, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await state?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    return page;
  }

  /** Opens the site, which sends a stranger to the login form; signs in; lands on the role's home. */
  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Account name').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname !== '/login');
  }

  /** axe-core through the DevTools protocol (the page's CSP allows no script of ours or anyone's). */
  async function axeViolations(page: Page): Promise<string[]> {
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id} (${v.impact ?? 'unknown'}, ${v.nodes.length} nodes)`);
    });
  }

  it('replayed a feed with alerts of more than one tier', () => {
    expect(alerts.length).toBeGreaterThan(3);
    expect(new Set(alerts.map((a) => a.tier)).size).toBeGreaterThan(1);
  });

  it('logs in, lists alerts by tier, opens one, sees the evidence table, dismisses it with a reason, and an auditor sees the entry', async () => {
    const page = await newPage();
    await signIn(page, 'drneuro');
    expect(new URL(page.url()).pathname).toBe('/alerts');
    expect(await page.title()).toBe('Alerts · POEMS Sentinel');
    const headings = await page.locator('main h2').allTextContents();
    expect(headings.length).toBeGreaterThan(1);
    expect(headings[0]).toMatch(/POEMS (criteria met|work-up recommended)/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'inbox-list.png'), fullPage: true });

    const first = page.locator('main table tbody tr td a').first();
    const patient = (await first.textContent()) ?? '';
    await first.click();
    await page.waitForURL(/\/alerts\/[0-9a-f-]+$/);
    const alertId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    const evidence = page.locator('table', { has: page.locator('caption', { hasText: 'Evidence: each criterion met' }) });
    expect(await evidence.locator('thead th').allTextContents()).toEqual(['Criterion', 'Value', 'Unit', 'Date', 'Source']);
    expect(await evidence.locator('tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('h1').textContent()).toContain(patient);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'inbox-alert.png'), fullPage: true });

    await page.getByLabel('Reason').selectOption('poems-excluded');
    await page.getByLabel('Note (optional)').fill('Synthetic test: marrow and VEGF reviewed');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.waitForURL(/done=dismiss$/);
    expect(await page.getByRole('status').textContent()).toBe('Dismissed.');
    expect(await page.locator('.facts .status').textContent()).toBe('Dismissed');
    expect(await page.locator('#history ~ table tbody tr').last().textContent()).toMatch(/dismissed.*drneuro.*poems-excluded/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await signIn(page, 'auditor1');
    expect(new URL(page.url()).pathname).toBe('/audit');
    const row = page.locator('tbody tr', { hasText: alertId }).filter({ hasText: 'dismiss' });
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['drneuro', 'clinician', 'dismiss', 'ok', alertId, '127.0.0.1', 'web']));
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('works with the keyboard alone: skip link, an alert, acknowledge, with a visible focus', async () => {
    const page = await newPage();
    await signIn(page, 'drneuro');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    // Tab until an alert link has the focus, then open it
    let onAlert = false;
    for (let i = 0; i < 20 && !onAlert; i += 1) {
      await page.keyboard.press('Tab');
      onAlert = await page.evaluate(() => /^\/alerts\/[0-9a-f-]+$/.test(new URL((document.activeElement as HTMLAnchorElement).href ?? '', location.href).pathname));
    }
    expect(onAlert).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/alerts\/[0-9a-f-]+$/);
    let onAck = false;
    for (let i = 0; i < 40 && !onAck; i += 1) {
      await page.keyboard.press('Tab');
      onAck = await page.evaluate(() => document.activeElement?.textContent === 'Acknowledge' && document.activeElement.tagName === 'BUTTON');
    }
    expect(onAck).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=acknowledge$/);
    expect(await page.locator('.facts .status').textContent()).toBe('Acknowledged');
    await page.close();
  }, 120_000);

  it('loads nothing but our own pages and stylesheet, and logs no error (no CSP violation)', () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((r) => !r.startsWith(base))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('leaves screenshots of the list and of one alert', () => {
    for (const name of ['inbox-list.png', 'inbox-alert.png']) expect(readFileSync(join(shots, name)).subarray(1, 4).toString()).toBe('PNG');
  });

});
