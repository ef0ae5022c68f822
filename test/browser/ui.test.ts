/**
 * The dashboard of `logsleuth serve` and the HTML report of `analyze --report`, in a real headless
 * Chromium (Debian's, driven by playwright-core; .ci/run installs it). Screenshots go to
 * test-artifacts/ (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../cli/commands/serve.ts';
import { logsleuth, ROOT } from '../cli/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let server: LocalServer;
let context: BrowserContext;
let browser: Browser | undefined;
let reportPath: string;
let runId: string;

// .ci/run installs Chromium; without it these fail with a message that says so, never skip silently.
describe('in a real browser', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run \`bash .ci/run\` (or apt-get install chromium) first`);
    dir = await mkdtemp(join(tmpdir(), 'logsleuth-ui-'));
    await mkdir(ARTIFACTS, { recursive: true });
    reportPath = join(dir, 'report.html');
    const run = await logsleuth(['analyze', 'events/logs/incident.jsonl', '--baseline', 'events/logs/baseline.jsonl', '--source', 'checkout', '--store', join(dir, 'store'), '--report', reportPath, '--json']);
    if (run.code !== 0) throw new Error(`analyze failed: ${run.stderr}`);
    runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    server = await startLocalServer({ dir: join(dir, 'store'), port: 0 });
    // A fresh profile each run (--user-data-dir), as the machine notes ask.
    context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 900 } });
    browser = context.browser() ?? undefined;
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const watch = (page: Page) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    return errors;
  };

  it('binds serve to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('dashboard: from the run list to an anomaly, showing its session timeline and explanation', async () => {
    const page = await context.newPage();
    const errors = watch(page);
    await page.goto(`${server.url}/`);
    const row = page.locator(`[data-testid="run-row"][data-run="${runId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('link', { name: runId }).click();

    await expect.poll(() => page.locator('[data-testid="anomaly-row"]').count()).toBeGreaterThan(3);
    expect(page.url()).toContain(`#/runs/${runId}`);
    // The first anomaly with a session: its row's link leads to the detail.
    const target = page.locator('[data-testid="anomaly-row"]').filter({ hasText: 'req-' }).first();
    const anomalyId = await target.getAttribute('data-anomaly');
    await target.getByRole('link').click();

    const detail = page.locator(`[data-testid="anomaly-detail"][data-anomaly="${anomalyId}"]`);
    await detail.waitFor();
    await expect.poll(() => detail.getByTestId('session-summary').textContent()).toMatch(/^Session req-\S+ · \d+ records/);
    expect(await detail.getByTestId('explanation').textContent()).toMatch(/Root cause: .+Next step: /);
    expect(await detail.locator('[data-testid="waterfall"] g.row').count()).toBeGreaterThan(1);
    expect(await detail.locator('[data-testid="waterfall"] g.row.anomalous').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-anomaly.png'), fullPage: true });

    // Back to the run, filtered by type: the API's type filter, through the page.
    await page.goto(`${server.url}/#/runs/${runId}`);
    await page.getByTestId('type-filter').selectOption('DURATION_SPIKE');
    await expect.poll(async () => new Set(await page.locator('[data-testid="anomaly-row"] .badge').allTextContents())).toEqual(new Set(['DURATION_SPIKE']));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dashboard: an unknown run shows the API\'s error message, not a blank page', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/#/runs/r00000000000000000000`);
    await expect.poll(() => page.getByTestId('error').textContent()).toContain('not found');
    await page.close();
  });

  it('report: one self-contained file that renders offline with summary, charts, explanations and session waterfalls', async () => {
    const html = await readFile(reportPath, 'utf8');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//);
    const page = await context.newPage();
    const errors = watch(page);
    // Nothing but the file itself may load: any request elsewhere fails the page.
    const requests: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url()); });
    await page.goto(pathToFileURL(reportPath).href);

    expect(await page.locator('h1').textContent()).toContain('incident.jsonl');
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(1);
    expect(await page.locator('[data-testid="timeline"] rect').count()).toBeGreaterThan(2);
    expect(await page.locator('[data-testid="templates"] rect').count()).toBeGreaterThan(10);
    const details = page.locator('[data-testid="anomaly-detail"]');
    expect(await details.count()).toBeGreaterThan(3);
    expect(await details.first().getByTestId('explanation').textContent()).toMatch(/Root cause: /);
    expect(await details.first().locator('g.row.anomalous').count()).toBeGreaterThan(0);

    // The table links to each anomaly's section in the page.
    const link = page.locator('[data-testid="anomaly-row"] a').nth(2);
    const href = await link.getAttribute('href');
    await link.click();
    expect(page.url()).toContain(href!);
    expect(await page.locator(`${href} [data-testid="waterfall"]`).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.goto(pathToFileURL(reportPath).href);
    await page.screenshot({ path: join(ARTIFACTS, 'report-top.png'), clip: { x: 0, y: 0, width: 1280, height: 1100 }, fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
