import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadProfile } from '../../src/config/load-profile.js';
import { demoLabels, labelsCsv, writeDemo } from '../../src/validate/demo-labels.js';
import { parseLabels } from '../../src/validate/labels.js';
import { renderHtml } from '../../src/validate/report-html.js';
import { buildReport } from '../../src/validate/report.js';
import { replayForValidation } from '../../src/app/validation-replay.js';

/**
 * The HTML validation report in a real browser: the system Chromium (never a downloaded one),
 * offline. Skipped with a visible reason when /usr/bin/chromium is missing, unless
 * REQUIRE_SERVICES=1 (CI), where a missing browser fails the run.
 */
const CHROMIUM = '/usr/bin/chromium';
/** the docs' copy is rewritten only on request (UPDATE_DOCS=1), so a test run leaves the tree clean */
const DOCS_SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'images', 'validation-report.png');
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but no browser at ${CHROMIUM}`);
  // eslint-disable-next-line no-console
  console.warn(`skipping the browser test of the validation report: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!hasBrowser)('when the HTML validation report is opened in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-validate-html-'));
  const html = join(dir, 'report.html');
  const SCREENSHOT = process.env.UPDATE_DOCS === '1' ? DOCS_SCREENSHOT : join(dir, 'validation-report.png');
  let browser: Browser;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const accessibility: string[] = [];
  let svgs: { plots: number; series: number; bars: number; titled: number }[] = [];
  let tables: { caption: string; rows: number; height: number }[] = [];

  beforeAll(async () => {
    // The command's own path is tested in test/integration/validate-command.test.ts; here the
    // report is built with a fixed date, so the screenshot changes only when the report does.
    const feed = { patients: 150, seed: 2 };
    const paths = await writeDemo(dir, feed);
    const labels = parseLabels(labelsCsv(demoLabels(feed))).labels;
    if (labels === null) throw new Error('demo labels do not parse');
    const log = pino({ level: 'silent' });
    const runs = [];
    for (const [i, profile] of [loadProfile(undefined), loadProfile(paths.profileB)].entries()) {
      runs.push(await replayForValidation({ inputs: [paths.feed], dbPath: join(dir, `state-${i}.db`), profile, log }));
    }
    writeFileSync(html, renderHtml(buildReport({ runs, labels, generatedAt: '2025-04-01T00:00:00.000Z' })));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });

    svgs = await page.$$eval('svg.plot', (els) => els.map((s) => ({
      plots: 1,
      series: s.querySelectorAll('path.series').length,
      bars: s.querySelectorAll('rect.bar').length,
      titled: s.querySelector('title') && s.querySelector('desc') && s.getBoundingClientRect().height > 100 ? 1 : 0,
    })));
    tables = await page.$$eval('table', (els) => els.map((t) => ({ caption: t.querySelector('caption')?.textContent ?? '', rows: t.querySelectorAll('tbody tr').length, height: t.getBoundingClientRect().height })));

    // axe-core, run through the DevTools protocol (not a page script: the page's CSP forbids scripts)
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id} (${v.impact ?? 'unknown'})`);
    });
    accessibility.push(...violations);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every plot: a tier chart and two lead-time histograms per run, each titled', () => {
    expect(svgs).toHaveLength(6);
    expect(svgs.every((s) => s.titled === 1)).toBe(true);
    const tierCharts = svgs.filter((s) => s.series > 0);
    expect(tierCharts).toHaveLength(2);
    for (const c of tierCharts) expect(c.series).toBe(3);
    expect(svgs.filter((s) => s.bars > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('renders the tables with their captions and rows', () => {
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const t of tables) {
      expect(t.caption.length).toBeGreaterThan(0);
      expect(t.rows).toBeGreaterThan(0);
      expect(t.height).toBeGreaterThan(0);
    }
    expect(tables.some((t) => /whose final tier differs between A and B/.test(t.caption))).toBe(true);
  });

  it('loads nothing but the file itself and logs no error', () => {
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(consoleErrors).toEqual([]);
  });

  it('passes the axe-core accessibility checks', () => {
    expect(accessibility).toEqual([]);
  });

  it('leaves a screenshot for the docs', () => {
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  });
});
