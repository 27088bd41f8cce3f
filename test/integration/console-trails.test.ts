/**
 * The console's trails and bucket pages in a real Chromium against a real server on a manual
 * clock: the create wizard (new bucket with CloudTrail's policy, then logging), a user denied
 * cloudtrail:CreateTrail seeing AWS's message, edit with advanced selectors, stop/start, delete
 * with typed confirmation, browsing a delivered log file down the AWSLogs folders to its
 * records, and a trail made with a KMS key and basic data event selectors (one bucket, all Lambda). Each page is saved as a screenshot under test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { GetBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { cliEnv } from '../helpers/aws-cli.js';
import { startBrowser, type TestBrowser } from '../helpers/browser.js';
import { signInWithKeys } from '../helpers/console.js';
import { deliveredDigests, deliveredFiles, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';

const run = promisify(execFile);
const TRAIL = 'console-trail';
const BUCKET = 'console-trail-logs';

let server: DeliveryServer;
let browser: TestBrowser;
let page: Page;

before(async () => {
  server = await startDeliveryServer();
  browser = await startBrowser();
  ({ page } = await browser.newPage());
  await signInWithKeys(page, server.endpoint, server.credentials);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${server.endpoint}/console/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function badgeOf(name: string): Promise<string> {
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  return row.locator('.badge').innerText();
}

test('the wizard creates a trail with a new bucket and CloudTrail policy, and the list shows it logging', async () => {
  await open('#/trails', 'Trails');
  await page.getByRole('button', { name: 'Create trail' }).click();
  await page.getByRole('heading', { level: 1, name: 'Create trail' }).waitFor();

  // Checked in the form before any call.
  await page.getByLabel('Trail name').fill('-x');
  await page.getByLabel('New bucket name').fill('Bad_Bucket');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Trail name must be 3 to 128 characters long.').waitFor();
  await page.getByText('Bucket name may contain only lowercase letters').waitFor();
  assert.equal(await page.getByLabel('Trail name').getAttribute('aria-invalid'), 'true');
  await browser.screenshot(page, 'trail-wizard-general');

  await page.getByLabel('Trail name').fill(TRAIL);
  await page.getByLabel('New bucket name').fill(BUCKET);
  await page.getByLabel('Log file prefix (optional)').fill('audit');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Choose log events' }).waitFor();
  await page.getByRole('radio', { name: 'Write', exact: true }).check();
  await page.getByLabel('Exclude AWS KMS events').check();
  await browser.screenshot(page, 'trail-wizard-events');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Review and create' }).waitFor();
  await browser.screenshot(page, 'trail-wizard-review');
  await page.getByRole('button', { name: 'Create trail' }).click();
  await page.getByRole('heading', { level: 1, name: TRAIL }).waitFor();

  const ct = server.cloudtrail();
  const { Trail: trail } = await ct.send(new GetTrailCommand({ Name: TRAIL }));
  assert.equal(trail?.S3BucketName, BUCKET);
  assert.equal(trail?.S3KeyPrefix, 'audit');
  assert.equal(trail?.IsMultiRegionTrail, true);
  assert.equal(trail?.LogFileValidationEnabled, true);
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, true);
  const selectors = await ct.send(new GetEventSelectorsCommand({ TrailName: TRAIL }));
  assert.deepEqual(selectors.EventSelectors?.[0]?.ReadWriteType, 'WriteOnly');
  assert.deepEqual(selectors.EventSelectors?.[0]?.ExcludeManagementEventSources, ['kms.amazonaws.com']);
  const policy = JSON.parse((await server.s3().send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy ?? '{}') as {
    Statement: Array<{ Sid: string; Action: string; Resource: string; Principal: unknown; Condition: { StringEquals: Record<string, string> } }>;
  };
  const write = policy.Statement.find((s) => s.Sid === 'AWSCloudTrailWrite20150319');
  assert.equal(write?.Resource, `arn:aws:s3:::${BUCKET}/audit/AWSLogs/${server.accountId}/*`);
  assert.deepEqual(write?.Principal, { Service: 'cloudtrail.amazonaws.com' });
  assert.equal(write?.Condition.StringEquals['s3:x-amz-acl'], 'bucket-owner-full-control');
  assert.equal(write?.Condition.StringEquals['aws:SourceArn'], trail?.TrailARN);
  assert.equal(policy.Statement.find((s) => s.Sid === 'AWSCloudTrailAclCheck20150319')?.Action, 's3:GetBucketAcl');

  await open('#/trails', 'Trails');
  assert.equal(await badgeOf(TRAIL), 'Logging');
  await browser.screenshot(page, 'trails');
});

test('a user denied cloudtrail:CreateTrail sees AccessDeniedException in the wizard and no trail is made', async () => {
  const env = { ...cliEnv(server), AWS_ENDPOINT_URL: server.endpoint };
  const aws = async (args: string[]) => JSON.parse((await run('aws', [...args, '--output', 'json'], { env })).stdout || '{}') as Record<string, unknown>;
  await aws(['iam', 'create-user', '--user-name', 'dana']);
  const key = (await aws(['iam', 'create-access-key', '--user-name', 'dana'])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'cloudtrail:CreateTrail', Resource: '*' },
    ],
  };
  await aws(['iam', 'put-user-policy', '--user-name', 'dana', '--policy-name', 'no-trails', '--policy-document', JSON.stringify(policy)]);

  const { context, page: danaPage } = await browser.newPage();
  try {
    await signInWithKeys(danaPage, server.endpoint, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
    await danaPage.goto(`${server.endpoint}/console/#/trails/new`);
    await danaPage.getByLabel('Trail name').fill('dana-trail');
    await danaPage.getByRole('radio', { name: 'Use existing S3 bucket' }).check();
    await danaPage.getByLabel('Bucket', { exact: true }).selectOption(BUCKET);
    await danaPage.getByRole('button', { name: 'Next' }).click();
    await danaPage.getByRole('button', { name: 'Next' }).click();
    await danaPage.getByRole('button', { name: 'Create trail' }).click();
    const alert = danaPage.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /Creating the trail failed\./);
    assert.match(text, /AccessDeniedException/);
    assert.match(text, new RegExp(`arn:aws:iam::${server.accountId}:user/dana is not authorized to perform: cloudtrail:CreateTrail`));
    await browser.screenshot(danaPage, 'trail-wizard-denied');
  } finally {
    await context.close();
  }
  const { trailList = [] } = await server.cloudtrail().send(new DescribeTrailsCommand({}));
  assert.deepEqual(
    trailList.map((t) => t.Name),
    [TRAIL],
  );
});

test('edit switches to advanced event selectors; stop and start logging from the detail page', async () => {
  await open(`#/trails/${TRAIL}`, TRAIL);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: `Edit trail ${TRAIL}` }).waitFor();
  assert.equal(await page.getByLabel('Trail name').inputValue(), TRAIL);
  assert.equal(await page.getByLabel('Bucket', { exact: true }).inputValue(), BUCKET);
  await page.getByLabel('Log file validation').uncheck();
  await page.getByRole('button', { name: 'Next' }).click();
  // Prefilled from GetEventSelectors.
  assert.equal(await page.getByRole('radio', { name: 'Write', exact: true }).isChecked(), true);
  await page.getByRole('radio', { name: 'Advanced event selectors' }).check();
  await page.getByRole('button', { name: 'Add advanced event selector' }).click();
  await page.getByLabel('Selector 1 name').fill('Log bucket objects');
  await page.getByLabel('Selector 1 row 2 value').fill('AWS::S3::Object');
  await page.getByRole('button', { name: 'Add condition to selector 1' }).click();
  await page.getByLabel('Selector 1 row 3 field').selectOption('resources.ARN');
  await page.getByLabel('Selector 1 row 3 operator').selectOption('StartsWith');
  await page.getByLabel('Selector 1 row 3 value').fill(`arn:aws:s3:::${BUCKET}/`);
  await browser.screenshot(page, 'trail-wizard-advanced');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { level: 1, name: TRAIL }).waitFor();

  const ct = server.cloudtrail();
  assert.equal((await ct.send(new GetTrailCommand({ Name: TRAIL }))).Trail?.LogFileValidationEnabled, false);
  const { AdvancedEventSelectors: advanced } = await ct.send(new GetEventSelectorsCommand({ TrailName: TRAIL }));
  assert.deepEqual(advanced?.[0]?.FieldSelectors, [
    { Field: 'eventCategory', Equals: ['Management'] },
    { Field: 'readOnly', Equals: ['false'] },
    { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] },
  ]);
  assert.equal(advanced?.[1]?.Name, 'Log bucket objects');
  assert.deepEqual(advanced?.[1]?.FieldSelectors?.find((f) => f.Field === 'resources.ARN')?.StartsWith, [`arn:aws:s3:::${BUCKET}/`]);

  await page.getByRole('button', { name: 'Stop logging' }).click();
  await page.getByRole('button', { name: 'Start logging' }).waitFor();
  assert.equal(await page.locator('.badge').innerText(), 'Not logging');
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, false);
  await page.getByRole('button', { name: 'Start logging' }).click();
  await page.getByRole('button', { name: 'Stop logging' }).waitFor();
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, true);
  await browser.screenshot(page, 'trail-detail');
});

test('a delivered log file is browsed to by folders, opened as records and JSON, and downloaded', async () => {
  const ct = server.cloudtrail();
  await ct.send(new ListTrailsCommand({}));
  await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
  await server.deliver();
  const files = await deliveredFiles(server, BUCKET, 'audit/');
  const file = files.find((f) => f.records.some((r) => r.eventName === 'UpdateTrail'));
  assert.ok(file, `no delivered file has UpdateTrail: ${files.map((f) => f.key).join(', ')}`);
  const folders = file.key.split('/').slice(0, -1);
  const fileName = file.key.split('/').pop() ?? '';

  await open('#/buckets', 'Buckets');
  await browser.screenshot(page, 'buckets');
  await page.getByRole('link', { name: BUCKET }).click();
  await page.getByRole('heading', { level: 1, name: BUCKET }).waitFor();
  for (const folder of folders) {
    await page.getByRole('link', { name: `${folder}/`, exact: true }).click();
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: folder, exact: true }).waitFor();
  }
  await page.getByRole('link', { name: fileName }).waitFor();
  await browser.screenshot(page, 'bucket-browser');
  await page.getByRole('link', { name: fileName }).click();
  await page.getByRole('heading', { level: 1, name: fileName }).waitFor();
  const table = page.getByRole('table');
  await table.waitFor();
  const names = await table.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(names, file.records.map((r) => r.eventName));
  // The console's own writes are there; reads are not (the trail logs write events only).
  for (const name of ['CreateTrail', 'PutEventSelectors', 'UpdateTrail']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  assert.ok(!names.includes('ListTrails') && !names.includes('GetTrail'));
  // dana's refused CreateTrail: her name and AccessDenied in the row.
  const denied = table.getByRole('row').filter({ hasText: 'dana' }).filter({ hasText: 'CreateTrail' });
  assert.match(await denied.innerText(), /AccessDenied/);
  await browser.screenshot(page, 'log-file');

  await page.getByRole('radio', { name: 'JSON' }).check();
  const json = await page.getByLabel('File contents as JSON').innerText();
  assert.deepEqual(JSON.parse(json), { Records: file.records });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), fileName);
  const bytes = await readFile(await download.path());
  assert.deepEqual(JSON.parse(gunzipSync(bytes).toString('utf8')), { Records: file.records });
});

test('the bucket browser pages over continuation tokens, and a digest file opens as JSON', async () => {
  const { bucket } = await loggingTrail(server, 'digested', { validation: true });
  const s3 = server.s3();
  for (let i = 0; i < 105; i += 15) {
    await Promise.all(
      Array.from({ length: 15 }, (_, j) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `many/obj-${String(i + j).padStart(3, '0')}.txt`, Body: 'x' }))),
    );
  }
  await server.deliver();
  // Stopping delivers the trail's last digest file.
  await server.cloudtrail().send(new StopLoggingCommand({ Name: 'digested' }));
  await server.app.delivery.runOnce();
  const [digest] = await deliveredDigests(server, bucket);
  assert.ok(digest, 'a digest file was delivered');

  await open(`#/buckets/${bucket}?prefix=many%2F`, bucket);
  const fileLinks = page.getByRole('table').getByRole('link', { name: /^obj-/ });
  await fileLinks.first().waitFor();
  assert.equal(await fileLinks.count(), 100);
  assert.equal(await page.getByRole('button', { name: 'Previous page' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2').waitFor();
  await page.getByRole('link', { name: 'obj-104.txt' }).waitFor();
  assert.equal(await fileLinks.count(), 5);
  assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
  await browser.screenshot(page, 'bucket-browser-page-2');
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByRole('link', { name: 'obj-000.txt' }).waitFor();

  const name = digest.key.split('/').pop() ?? '';
  await open(`#/buckets/${bucket}/file?key=${encodeURIComponent(digest.key)}`, name);
  const json = page.getByLabel('File contents as JSON');
  await json.waitFor();
  assert.deepEqual(JSON.parse(await json.innerText()), JSON.parse(digest.json.toString('utf8')));
  assert.equal(await page.getByRole('radio', { name: 'Table' }).count(), 0);
  await browser.screenshot(page, 'log-file-digest');
});

test('delete asks for the trail name typed out before deleting', async () => {
  await open(`#/trails/${TRAIL}`, TRAIL);
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const confirm = dialog.getByRole('button', { name: 'Delete' });
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel('To confirm, type the trail name').fill('console-tra');
  assert.equal(await confirm.isDisabled(), true);
  await dialog.getByLabel('To confirm, type the trail name').fill(TRAIL);
  await browser.screenshot(page, 'trail-delete');
  await confirm.click();
  await page.getByRole('heading', { level: 1, name: 'Trails' }).waitFor();
  await page.getByRole('link', { name: 'digested', exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: TRAIL, exact: true }).count(), 0);
  const { trailList = [] } = await server.cloudtrail().send(new DescribeTrailsCommand({}));
  assert.deepEqual(
    trailList.map((t) => t.Name),
    ['digested'],
  );
});

test('the wizard creates a trail with a KMS key id and basic data events for one bucket and all Lambda functions', async () => {
  const name = 'console-basic-data';
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  await open('#/trails/new', 'Create trail');
  await page.getByLabel('Trail name').fill(name);
  await page.getByLabel('New bucket name').fill('console-basic-data-logs');
  await page.getByLabel('AWS KMS key (optional)').fill(keyId);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('radio', { name: 'Read', exact: true }).check();
  await page.getByRole('radio', { name: 'Specific S3 buckets' }).check();
  await page.getByLabel('S3 bucket names').fill(BUCKET);
  await page.getByLabel('Log data events for all Lambda functions').check();
  await browser.screenshot(page, 'trail-wizard-basic-data');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create trail' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();

  const ct = server.cloudtrail();
  const { Trail: trail } = await ct.send(new GetTrailCommand({ Name: name }));
  // A bare key id comes back as the key's ARN in the trail's home region and account.
  const keyArn = `arn:aws:kms:${trail?.HomeRegion}:${server.accountId}:key/${keyId}`;
  assert.equal(trail?.KmsKeyId, keyArn);
  // ReadWriteType covers a selector's management and data events alike, so read-only management
  // events with read and write data events take two selectors, as the AWS console writes them.
  const expected = [
    { ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
    {
      ReadWriteType: 'All',
      IncludeManagementEvents: false,
      DataResources: [
        { Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${BUCKET}/`] },
        { Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] },
      ],
      ExcludeManagementEventSources: [],
    },
  ];
  const selectors = await ct.send(new GetEventSelectorsCommand({ TrailName: name }));
  assert.deepEqual(selectors.EventSelectors, expected);
  assert.equal(selectors.AdvancedEventSelectors, undefined);

  const kmsRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'AWS KMS key' }) });
  assert.equal(await kmsRow.getByRole('cell').innerText(), keyArn);
  await page.getByRole('heading', { name: 'Event selectors', exact: true }).waitFor();
  const shown = page.getByRole('region', { name: 'Event selectors' }).locator('pre');
  assert.deepEqual(JSON.parse(await shown.innerText()), expected);
  await browser.screenshot(page, 'trail-detail-basic-data');
});
