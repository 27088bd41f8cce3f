/**
 * The web console's shell, sign-in, dashboard and event history in a real Chromium against a
 * real server: failed and successful sign-ins (recorded as ConsoleLogin), finding events by user
 * name and event name through the page's filters, the event detail, paging and the CSV download,
 * console calls recorded with the browser's user agent and sessionCredentialFromConsole, an
 * expired session sent back to sign-in, and sign-out. Screenshots of each page go to
 * test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { DescribeTrailsCommand, LookupEventsCommand, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import type { Page } from 'playwright-core';
import { cliEnv } from '../helpers/aws-cli.js';
import { startBrowser, type TestBrowser } from '../helpers/browser.js';
import { dashboardSettled, signInWithKeys, signInWithPassword } from '../helpers/console.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

const run = promisify(execFile);
const PASSWORD = 'Console-Test-Password-1!';
const SESSION_SECONDS = 3600;

let s: TestServer;
let browser: TestBrowser;
// The browser computes relative time ranges from its own clock, so the server's starts at now.
const clock = new ManualClock(Date.now());

before(async () => {
  s = await startTestServer({ clock, config: { consoleSessionSeconds: SESSION_SECONDS } });
  browser = await startBrowser();
  // carol: an IAM user with a password who may use CloudTrail.
  await iam(['create-user', '--user-name', 'carol']);
  await iam(['create-login-profile', '--user-name', 'carol', '--password', PASSWORD]);
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }] };
  await iam(['put-user-policy', '--user-name', 'carol', '--policy-name', 'cloudtrail', '--policy-document', JSON.stringify(policy)]);
});
after(async () => {
  await browser?.close();
  await s?.stop();
});

/** An IAM call by root through the AWS CLI (the SDK's IAM client is not installed). */
async function iam(args: string[]): Promise<void> {
  await run('aws', ['iam', ...args, '--endpoint-url', s.endpoint, '--output', 'json'], { env: cliEnv(s) });
}

async function history(key: LookupAttributeKey, value: string): Promise<CloudTrailRecord[]> {
  const out = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] }));
  return (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as CloudTrailRecord);
}

const responseOf = (r: CloudTrailRecord) => (r.responseElements as { ConsoleLogin?: string } | null | undefined)?.ConsoleLogin;

/** The events table's cells of one column, in row order. */
async function column(page: Page, label: string): Promise<string[]> {
  const headers = await page.locator('table.events-grid thead th').allTextContents();
  const i = headers.indexOf(label);
  assert.ok(i >= 0, `column ${label} is shown (have ${headers.join(', ')})`);
  return page.locator(`table.events-grid tbody tr td:nth-child(${i + 1})`).allTextContents();
}

async function filter(page: Page, attribute: string, value: string): Promise<void> {
  await page.getByLabel('Lookup attribute').selectOption({ label: attribute });
  await page.getByLabel('Attribute value').fill(value);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.count').filter({ hasText: `shown (${attribute}: ${value})` }).waitFor();
}

test('a wrong password shows the server message and is recorded as a failed ConsoleLogin', async () => {
  const { context, page } = await browser.newPage();
  await page.goto(`${s.endpoint}/console/`);
  // No session: the shell sends the browser to sign-in.
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.match(page.url(), /#\/signin$/);
  await browser.screenshot(page, 'signin');
  await page.getByLabel('Account ID or alias').fill(s.accountId);
  await page.getByLabel('IAM user name').fill('carol');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.ok((await alert.textContent())?.trim(), 'the alert says why');
  assert.doesNotMatch((await alert.textContent()) ?? '', /not-the-password/);
  await browser.screenshot(page, 'signin-failed');
  await context.close();

  const failures = (await history('EventName', 'ConsoleLogin')).filter((r) => responseOf(r) === 'Failure');
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.eventSource, 'signin.amazonaws.com');
  assert.doesNotMatch(JSON.stringify(failures[0]), /not-the-password/);
});

test('an IAM user signs in with a password, and the dashboard shows who is signed in', async () => {
  const { context, page } = await browser.newPage();
  await signInWithPassword(page, s.endpoint, { account: s.accountId, userName: 'carol', password: PASSWORD });
  assert.equal((await page.locator('.identity').textContent())?.trim(), `carol @ ${s.accountId}`);
  await context.close();
  const successes = (await history('Username', 'carol')).filter((r) => r.eventName === 'ConsoleLogin' && responseOf(r) === 'Success');
  assert.equal(successes.length, 1);
});

test('root signs in with its key pair and uses dashboard, event history, detail and downloads', async () => {
  // More than one page of events, so "Load more" has something to load.
  const ct = s.cloudtrail();
  for (let i = 0; i < 55; i++) await ct.send(new DescribeTrailsCommand({}));

  const { context, page } = await browser.newPage();
  await signInWithKeys(page, s.endpoint, s.credentials);
  assert.equal((await page.locator('.identity').textContent())?.trim(), `root @ ${s.accountId}`);

  // Dashboard: figures from the last day and the chart.
  const total = page.locator('.card.stat').filter({ hasText: 'Events' }).first().locator('.stat-value');
  await total.waitFor();
  assert.ok(Number((await total.textContent())?.replace(/,/g, '')) >= 55, 'the events card counts the calls');
  await page.locator('figure.chart canvas').first().waitFor();
  assert.match((await page.locator('figure.chart [role=img]').getAttribute('aria-label')) ?? '', /Events and errors per hour/);
  assert.ok((await page.locator('.dashboard table.grid').filter({ hasText: 'DescribeTrails' }).count()) >= 1, 'top event names list DescribeTrails');
  await browser.screenshot(page, 'dashboard');

  // Event history: one LookupEvents call of 50 before the first render (fast at any size), then more.
  const lookupBodies: string[] = [];
  page.on('request', (r) => {
    if (r.headers()['x-amz-target']?.endsWith('.LookupEvents')) lookupBodies.push(r.postData() ?? '');
  });
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Event history' }).click();
  await page.getByRole('heading', { level: 1, name: 'Event history' }).waitFor();
  await page.getByText('50 events shown, more available').waitFor();
  assert.deepEqual(lookupBodies.map((b) => JSON.parse(b) as unknown), [{ MaxResults: 50 }]);
  await page.getByRole('button', { name: 'Load more' }).click();
  await page.locator('.count').filter({ hasText: /^(5[1-9]|[6-9]\d|\d{3,}) events shown/ }).waitFor();

  // By user name: every row is carol's, her sign-ins among them.
  await filter(page, 'User name', 'carol');
  assert.match(page.url(), /attr=Username&value=carol/);
  const users = await column(page, 'User name');
  assert.ok(users.length >= 1);
  assert.deepEqual(new Set(users), new Set(['carol']));
  assert.ok((await column(page, 'Event name')).includes('ConsoleLogin'));
  // A reload keeps the filter.
  await page.reload();
  await page.locator('.count').filter({ hasText: /shown/ }).waitFor();
  assert.equal(await page.getByLabel('Attribute value').inputValue(), 'carol');
  assert.deepEqual(new Set(await column(page, 'User name')), new Set(['carol']));

  // By event name.
  await filter(page, 'Event name', 'CreateUser');
  assert.deepEqual(await column(page, 'Event name'), ['CreateUser']);
  assert.deepEqual(await column(page, 'User name'), ['root']);
  await browser.screenshot(page, 'events');

  // Time ranges: the last hour holds it, a day in 2020 does not.
  await page.getByLabel('Time range').selectOption({ label: 'Last 1 hour' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.count').filter({ hasText: '1 event shown (Event name: CreateUser, Last 1 hour)' }).waitFor();
  await page.getByLabel('Time range').selectOption({ label: 'Absolute range…' });
  await page.getByLabel('Start', { exact: true }).fill('2020-01-01T00:00');
  await page.getByLabel('End', { exact: true }).fill('2020-01-02T00:00');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/range=custom&start=2020-01-01T00%3A00&end=2020-01-02T00%3A00/);
  await page.getByText('0 events shown (Event name: CreateUser, 2020-01-01T00:00 to 2020-01-02T00:00)').waitFor();
  await page.getByText('No events match these filters.').waitFor();
  await page.getByLabel('Time range').selectOption({ label: 'Any time (90 days)' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.count').filter({ hasText: '1 event shown (Event name: CreateUser)' }).waitFor();

  // The column chooser hides a column, and remembers it.
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'AWS access key' }).uncheck();
  assert.ok(!(await page.locator('table.events-grid thead th').allTextContents()).includes('AWS access key'));
  await page.reload();
  await page.locator('table.events-grid').waitFor();
  assert.ok(!(await page.locator('table.events-grid thead th').allTextContents()).includes('AWS access key'));

  // CSV of what is loaded: the visible columns, and the event.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'event_history.csv');
  const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
  assert.equal(csv[0], 'Event time,User name,Event name,Resource type,Resource name,Event source,AWS region,Error code');
  assert.match(csv[1] ?? '', /,root,CreateUser,AWS::IAM::User,carol,iam\.amazonaws\.com,us-east-1,$/);
  // JSON of what is loaded: the records themselves.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  assert.equal(json.suggestedFilename(), 'event_history.json');
  const records = (JSON.parse(readFileSync((await json.path())!, 'utf8')) as { Records: CloudTrailRecord[] }).Records;
  assert.deepEqual(records.map((r) => [r.eventName, r.userIdentity.type]), [['CreateUser', 'Root']]);

  // Detail, reached with the keyboard: summary, linked resource, the record.
  await page.getByRole('link', { name: 'CreateUser' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'CreateUser' }).waitFor();
  const eventId = decodeURIComponent(page.url().split('#/events/')[1] ?? '');
  assert.ok(eventId);
  const record = JSON.parse((await page.locator('pre.json').textContent()) ?? '{}') as CloudTrailRecord;
  assert.equal(record.eventID, eventId);
  assert.equal(record.eventName, 'CreateUser');
  assert.equal(await page.getByRole('link', { name: 'carol' }).getAttribute('href'), '#/events?attr=ResourceName&value=carol');
  await browser.screenshot(page, 'event-detail');

  // CSV quoting (RFC 4180): IAM user names may hold commas. Filters can come from the address.
  await iam(['create-user', '--user-name', 'ed,jr']);
  await page.goto(`${s.endpoint}/console/#/events?attr=ResourceName&value=ed%2Cjr`);
  await page.locator('.count').filter({ hasText: '1 event shown (Resource name: ed,jr)' }).waitFor();
  const [quoted] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.match(readFileSync((await quoted.path())!, 'utf8').split('\r\n')[1] ?? '', /,root,CreateUser,AWS::IAM::User,"ed,jr",iam\.amazonaws\.com,/);

  // Another region: the same filters find nothing there (IAM events live in us-east-1), the
  // console's calls go to that region, and a reload stays in it.
  await page.getByLabel('Region', { exact: true }).selectOption('eu-west-1');
  await page.getByText('No events match these filters.').waitFor();
  await page.reload();
  await page.getByText('No events match these filters.').waitFor();
  assert.equal(await page.getByLabel('Region', { exact: true }).inputValue(), 'eu-west-1');
  const inEuWest = await s.cloudtrail('eu-west-1').send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }] }));
  const euRecords = (inEuWest.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as CloudTrailRecord);
  assert.ok(euRecords.some((r) => r.awsRegion === 'eu-west-1' && r.sessionCredentialFromConsole === 'true'));

  // The console's own calls are recorded like AWS records console use.
  const userAgent = await page.evaluate(() => navigator.userAgent);
  const lookups = (await history('EventName', 'LookupEvents')).filter((r) => r.sessionCredentialFromConsole === 'true');
  assert.ok(lookups.length >= 1, 'console LookupEvents calls are in event history');
  for (const r of lookups) assert.equal(r.userAgent, userAgent);
  assert.ok(lookups.some((r) => r.userIdentity.type === 'Root'));
  await context.close();
});

async function signInAgainWithKeys(page: Page): Promise<void> {
  await page.getByRole('radio', { name: 'Access key' }).check();
  await page.getByLabel('Access key ID').fill(s.credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(s.credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an expired session goes back to sign-in with a message, then back where it was', async () => {
  const expired = 'Your session has expired. Sign in again.';
  const { context, page } = await browser.newPage();
  await signInWithKeys(page, s.endpoint, s.credentials);

  // Reloading a page after the session ran out.
  clock.advance((SESSION_SECONDS + 1) * 1000);
  await page.reload();
  await page.getByText(expired).waitFor();
  assert.match(page.url(), /#\/signin\?expired=1&next=%23%2Fdashboard$/);
  await signInAgainWithKeys(page);
  await dashboardSettled(page);

  // A call made after the session ran out; a reload of sign-in keeps the way back.
  clock.advance((SESSION_SECONDS + 1) * 1000);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Event history' }).click();
  await page.getByText(expired).waitFor();
  assert.match(page.url(), /#\/signin\?expired=1&next=%23%2Fevents$/);
  await page.reload();
  await page.getByText(expired).waitFor();
  await signInAgainWithKeys(page);
  await page.getByRole('heading', { level: 1, name: 'Event history' }).waitFor();
  await context.close();
});

test('sign out ends the session', async () => {
  const { context, page } = await browser.newPage();
  await signInWithKeys(page, s.endpoint, s.credentials);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.match(page.url(), /#\/signin$/);
  await page.goto(`${s.endpoint}/console/#/dashboard`);
  await page.reload();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.match(page.url(), /#\/signin\?next=%23%2Fdashboard$/);
  assert.equal(await page.getByText('Your session has expired').count(), 0, 'signing out is not an expiry');
  const status = await page.evaluate(async () => (await fetch('/console/api/session')).status);
  assert.equal(status, 401);
  await context.close();
});
