/**
 * The web console's accessibility in a real Chromium against a real server holding a trail, its
 * bucket and a delivered log file: every page (sign-in with and without an error, dashboard,
 * event history and detail, trails, each wizard step, trail detail, the delete dialog, buckets,
 * the bucket browser, a log file as table and as JSON) is checked by axe-core against WCAG 2.0
 * and 2.1 A/AA and must not scroll sideways at a 1280×800 laptop screen; the keyboard alone
 * signs in, filters event history (keeping focus where it was after applying) and opens an
 * event, with a visible focus ring on the way.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { DescribeTrailsCommand, GetTrailCommand } from '@aws-sdk/client-cloudtrail';
import type { Locator, Page } from 'playwright-core';
import { startBrowser, type TestBrowser } from '../helpers/browser.js';
import { dashboardSettled, signInWithKeys } from '../helpers/console.js';
import { deliveredFiles, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';

// The console's Content-Security-Policy (default-src 'self') refuses an injected <script>, so
// axe's source is evaluated through the DevTools protocol, which the policy does not govern.
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LAPTOP = { width: 1280, height: 800 };
const TRAIL = 'a11y-trail';
/** More Tab presses than any page has stops before the one a test is after. */
const MAX_TABS = 60;

let server: DeliveryServer;
let browser: TestBrowser;
let page: Page;
let bucket: string;
let logKey: string;

before(async () => {
  server = await startDeliveryServer();
  ({ bucket } = await loggingTrail(server, TRAIL));
  const ct = server.cloudtrail();
  await ct.send(new DescribeTrailsCommand({}));
  // A failed call, so error badges and error counts are on the pages too.
  await ct.send(new GetTrailCommand({ Name: 'no-such-trail' })).catch(() => undefined);
  await server.deliver();
  const [file] = await deliveredFiles(server, bucket);
  assert.ok(file, 'a log file was delivered');
  logKey = file.key;
  browser = await startBrowser();
  ({ page } = await newLaptopPage());
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newLaptopPage(): Promise<Awaited<ReturnType<TestBrowser['newPage']>>> {
  const opened = await browser.newPage();
  await opened.page.setViewportSize(LAPTOP);
  return opened;
}

interface AxeViolation {
  id: string;
  help: string;
  impact: string | null;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe-core's WCAG 2.0/2.1 A and AA violations on the page as it is now. */
async function axeViolations(p: Page): Promise<AxeViolation[]> {
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(AXE_SOURCE);
  return p.evaluate(async (tags) => {
    // axe is a global the injected script defines; the page's types do not know it.
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return violations.map((v) => ({
      id: v.id,
      help: v.help,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: n.target, ...(n.failureSummary ? { failureSummary: n.failureSummary } : {}) })),
    }));
  }, WCAG_TAGS);
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/** The page as shown passes axe and fits a laptop screen's width; a screenshot is kept. */
async function audit(p: Page, name: string): Promise<void> {
  await browser.screenshot(p, `a11y-${name}`);
  const violations = await axeViolations(p);
  assert.equal(violations.length, 0, `${name}: axe violations\n${describeViolations(violations)}`);
  const width = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(width.scroll <= width.client, `${name}: scrolls sideways at ${LAPTOP.width} px (${width.scroll} > ${width.client})`);
}

async function open(hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${server.endpoint}/console/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/** Presses Tab until `target` has focus; fails if it never does. */
async function tabTo(p: Page, target: Locator, what: string): Promise<void> {
  for (let i = 0; i < MAX_TABS; i++) {
    await p.keyboard.press('Tab');
    if (await isFocused(target)) return;
  }
  assert.fail(`${what} is not reached by Tab`);
}

/** The focused control shows a ring: it matches :focus-visible and has an outline or a shadow. */
async function assertFocusVisible(target: Locator, what: string): Promise<void> {
  const style = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { visible: el.matches(':focus-visible'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
  });
  assert.ok(style.visible, `${what} matches :focus-visible`);
  assert.ok(style.outline || style.shadow, `${what} shows a focus outline or shadow`);
}

/** Tab from the focused control visits `order` one after the other, each with a visible ring. */
async function assertTabOrder(p: Page, order: Array<[Locator, string]>): Promise<void> {
  for (const [target, what] of order) {
    await p.keyboard.press('Tab');
    assert.ok(await isFocused(target), `${what} is next in Tab order`);
    await assertFocusVisible(target, what);
  }
}

async function shiftTab(p: Page, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await p.keyboard.press('Shift+Tab');
}

test('sign-in, plain and with an error shown, has no WCAG A/AA violations and fits 1280 px', async () => {
  const { context, page: p } = await newLaptopPage();
  try {
    await p.goto(`${server.endpoint}/console/#/signin`);
    await p.getByRole('button', { name: 'Sign in' }).waitFor();
    await audit(p, 'signin');
    await p.getByRole('radio', { name: 'Access key' }).check();
    await p.getByLabel('Access key ID').fill(server.credentials.accessKeyId);
    await p.getByLabel('Secret access key').fill('not-the-secret-key');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').waitFor();
    await audit(p, 'signin-error');
  } finally {
    await context.close();
  }
});

test('the keyboard alone signs in: Tab visits method, fields and button in order, Enter submits', async () => {
  await page.goto(`${server.endpoint}/console/#/signin`);
  const submit = page.getByRole('button', { name: 'Sign in' });
  await submit.waitFor();
  const password = page.getByRole('radio', { name: 'IAM user password' });
  await tabTo(page, password, 'the sign-in method');
  await assertFocusVisible(password, 'the sign-in method radio');
  await assertTabOrder(page, [
    [page.getByLabel('Account ID or alias'), 'Account ID or alias'],
    [page.getByLabel('IAM user name'), 'IAM user name'],
    [page.getByLabel('Password', { exact: true }), 'Password'],
    [submit, 'the Sign in button'],
  ]);
  // Back to the method; arrow keys move within the radio group and choose access keys.
  await shiftTab(page, 4);
  assert.ok(await isFocused(password), 'Shift+Tab goes back to the sign-in method');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('radio', { name: 'Access key' }).isChecked(), true);
  await assertTabOrder(page, [
    [page.getByLabel('Access key ID'), 'Access key ID'],
    [page.getByLabel('Secret access key'), 'Secret access key'],
    [submit, 'the Sign in button'],
  ]);
  // Enter in the secret's field submits the form.
  await shiftTab(page, 2);
  await page.keyboard.type(server.credentials.accessKeyId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(server.credentials.secretAccessKey);
  await page.keyboard.press('Enter');
  await dashboardSettled(page);
});

test('event history by keyboard: Tab reaches the filters and a row link, Enter applies (focus stays put) and opens', async () => {
  await open('#/events', 'Event history');
  await page.locator('.count').filter({ hasText: 'shown' }).waitFor();
  const attribute = page.getByLabel('Lookup attribute');
  const value = page.getByLabel('Attribute value');
  const apply = page.getByRole('button', { name: 'Apply' });
  await tabTo(page, attribute, 'Lookup attribute');
  await assertFocusVisible(attribute, 'Lookup attribute');
  await assertTabOrder(page, [
    [value, 'Attribute value'],
    [page.getByLabel('Time range'), 'Time range'],
    [apply, 'Apply'],
  ]);
  // Back to the value; Enter on Apply applies the filter and leaves focus on Apply.
  await shiftTab(page, 2);
  await page.keyboard.type('ConsoleLogin');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('.count').filter({ hasText: 'shown (Event name: ConsoleLogin)' }).waitFor();
  assert.ok(await isFocused(apply), 'after Apply, focus stays on Apply (not <body>)');
  await assertFocusVisible(apply, 'Apply after applying');
  assert.equal(await page.locator('.count').getAttribute('aria-live'), 'polite', 'the new count is announced');
  // Enter in the value applies too, and leaves focus in the value.
  await shiftTab(page, 2);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('DescribeTrails');
  await page.keyboard.press('Enter');
  await page.locator('.count').filter({ hasText: 'shown (Event name: DescribeTrails)' }).waitFor();
  assert.ok(await isFocused(value), 'after Enter in the value, focus stays in the value');
  assert.equal(await value.inputValue(), 'DescribeTrails');
  // Clear empties the form it keeps; Back rebuilds the form from the address it returns to.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.locator('.count').filter({ hasText: /^\d+ events? shown(, more available)?$/ }).waitFor();
  assert.equal(await value.inputValue(), '');
  await page.goBack();
  await page.locator('.count').filter({ hasText: 'shown (Event name: DescribeTrails)' }).waitFor();
  assert.equal(await value.inputValue(), 'DescribeTrails');
  const link = page.getByRole('table').getByRole('link', { name: 'DescribeTrails' }).first();
  await tabTo(page, link, 'a row link');
  await assertFocusVisible(link, 'the row link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'DescribeTrails' }).waitFor();
});

test('dashboard, event history and event detail have no WCAG A/AA violations and fit 1280 px', async () => {
  await open('#/dashboard', 'Dashboard');
  await dashboardSettled(page);
  await page.locator('figure.chart canvas').first().waitFor();
  await audit(page, 'dashboard');

  await open('#/events', 'Event history');
  await page.locator('table.events-grid tbody tr').first().waitFor();
  await page.locator('.badge.bad').first().waitFor();
  await audit(page, 'events');
  // The column chooser open.
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('group', { name: 'Visible columns' }).waitFor();
  await audit(page, 'events-columns');

  await page.getByRole('table').getByRole('link', { name: 'GetTrail' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'GetTrail' }).waitFor();
  await page.locator('pre.json').waitFor();
  await audit(page, 'event-detail');
});

test('trails, every wizard step, trail detail and the delete dialog have no WCAG A/AA violations and fit 1280 px', async () => {
  await open('#/trails', 'Trails');
  await page.getByRole('link', { name: TRAIL, exact: true }).waitFor();
  await audit(page, 'trails');

  await open('#/trails/new', 'Create trail');
  await page.getByRole('heading', { name: 'General details' }).waitFor();
  await audit(page, 'wizard-general');
  // Problems shown inline.
  await page.getByLabel('Trail name').fill('-x');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Trail name must be 3 to 128 characters long.').waitFor();
  await audit(page, 'wizard-general-problems');
  await page.getByLabel('Trail name').fill('a11y-wizard');
  await page.getByRole('radio', { name: 'Use existing S3 bucket' }).check();
  await page.getByLabel('Bucket', { exact: true }).selectOption(bucket);
  await audit(page, 'wizard-general-existing');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Choose log events' }).waitFor();
  await audit(page, 'wizard-events');
  await page.getByRole('radio', { name: 'Advanced event selectors' }).check();
  await page.getByRole('button', { name: 'Add advanced event selector' }).click();
  await page.getByLabel('Selector 1 name').waitFor();
  await audit(page, 'wizard-events-advanced');
  await page.getByRole('radio', { name: 'Basic event selectors' }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Review and create' }).waitFor();
  await audit(page, 'wizard-review');

  await open(`#/trails/${TRAIL}`, TRAIL);
  await page.getByRole('heading', { name: 'General details' }).waitFor();
  await audit(page, 'trail-detail');
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await audit(page, 'trail-delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
});

test('buckets, the bucket browser and a log file (table and JSON) have no WCAG A/AA violations and fit 1280 px', async () => {
  await open('#/buckets', 'Buckets');
  await page.getByRole('link', { name: bucket }).waitFor();
  await audit(page, 'buckets');

  await open(`#/buckets/${bucket}`, bucket);
  await page.getByRole('link', { name: 'AWSLogs/', exact: true }).waitFor();
  await audit(page, 'bucket-browser');
  const folder = logKey.slice(0, logKey.lastIndexOf('/') + 1);
  const fileName = logKey.slice(folder.length);
  await open(`#/buckets/${bucket}?prefix=${encodeURIComponent(folder)}`, bucket);
  await page.getByRole('link', { name: fileName }).waitFor();
  await audit(page, 'bucket-browser-folder');

  await open(`#/buckets/${bucket}/file?key=${encodeURIComponent(logKey)}`, fileName);
  await page.getByRole('table').waitFor();
  await audit(page, 'log-file-table');
  await page.getByRole('radio', { name: 'JSON' }).check();
  await page.getByLabel('File contents as JSON').waitFor();
  await audit(page, 'log-file-json');
});
