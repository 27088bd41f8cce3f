/**
 * The recording gateway with the npm `s3rver` as its `s3=` upstream (issue 7's second S3
 * upstream besides moto), driven by the unchanged AWS CLI v1 as an IAM user: `aws s3 mb`, `cp`
 * of a small file and of 100 MiB up and down, `rm`, `rb` through OpenTrail. LookupEvents answers
 * who deleted the bucket. Trails on a manual clock show that the gateway's object calls are data
 * events that a trail selecting S3 objects (basic or advanced selectors) delivers, with the
 * object ARN and the bytes moved, and that a management-only trail does not. With `s3=` naming an
 * upstream the S3 API no longer reaches the embedded store, so the trails' log buckets are made
 * directly in OpenTrail's object store, where delivery writes. Delivered records are compared
 * with AWS's documented S3 records (fixtures/gateway-samples) for their field set and shapes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { cliEnv } from '../helpers/aws-cli.js';
import { deliveredRecords, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { startS3rver, S3RVER_CREDENTIALS, type S3rver } from '../helpers/s3rver.js';
import { isoSeconds } from '../../src/recorder/recorder.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import { skeleton } from '../helpers/records.js';

const run = promisify(execFile);

const BUCKET = 'gateway-s3rver';
const BIG = 100 * 1024 * 1024;
const SMALL = 28_441;

let upstream: S3rver;
let s: DeliveryServer;
let dir: string;

before(async () => {
  upstream = await startS3rver();
  s = await startDeliveryServer({
    upstreams: [`s3=${upstream.endpoint}`],
    upstreamAccessKeyId: S3RVER_CREDENTIALS.accessKeyId,
    upstreamSecretAccessKey: S3RVER_CREDENTIALS.secretAccessKey,
  });
  dir = mkdtempSync(join(tmpdir(), 'gateway-s3rver-'));
});

after(async () => {
  await s?.stop();
  await upstream?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The AWS CLI v1 against OpenTrail as `keys`; stdout parsed when it is JSON. */
async function aws(keys: Keys, args: string[]): Promise<string> {
  const env = { ...cliEnv(s), AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_MAX_ATTEMPTS: '1' };
  try {
    const { stdout } = await run('aws', ['--endpoint-url', s.endpoint, ...args], { env, maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`aws ${args.join(' ')}: ${err.stderr ?? err.message}`);
  }
}

const json = async (keys: Keys, args: string[]) => JSON.parse(await aws(keys, [...args, '--output', 'json'])) as Record<string, unknown>;

/** An IAM user allowed s3:* only, and its access key. */
async function s3User(name: string): Promise<Keys> {
  await aws(s.credentials, ['iam', 'create-user', '--user-name', name]);
  const key = (await json(s.credentials, ['iam', 'create-access-key', '--user-name', name])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  await aws(s.credentials, ['iam', 'put-user-policy', '--user-name', name, '--policy-name', 's3', '--policy-document', JSON.stringify(policy)]);
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

const sha256 = async (file: string) => {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
};

/** Delivered records but CloudTrail's own writes of log files (a data trail logs those too). */
async function delivered(bucket: string): Promise<CloudTrailRecord[]> {
  return (await deliveredRecords(s, bucket)).filter((r) => r.userIdentity.invokedBy !== 'cloudtrail.amazonaws.com');
}

const onBucket = (r: CloudTrailRecord) => r.requestParameters?.bucketName === BUCKET;

/**
 * The top-level fields of AWS's documented S3 data event records (S3 user guide, "CloudTrail log
 * file entries for Amazon S3", GetObject/PutObject examples; reference §3.3 and §11.2) but
 * `tlsDetails`: the CLI reached OpenTrail over plain HTTP, where a record has none (nor a
 * CipherSuite in additionalEventData).
 */
const S3_DATA_EVENT_FIELDS = [
  'additionalEventData', 'awsRegion', 'eventCategory', 'eventID', 'eventName', 'eventSource', 'eventTime', 'eventType', 'eventVersion',
  'managementEvent', 'readOnly', 'recipientAccountId', 'requestID', 'requestParameters', 'resources', 'responseElements', 'sourceIPAddress',
  'userAgent', 'userIdentity',
];

function sample(name: string): Record<string, unknown> {
  const text = readFileSync(new URL(`../unit/fixtures/gateway-samples/${name}.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { record: Record<string, unknown> }).record;
}

/**
 * Same field set as AWS's records and, field by field, the sample's shapes. Differences that are
 * the setting's, not the gateway's: no CipherSuite over HTTP; no `x-amz-id-2`, which s3rver does
 * not send (the gateway records the upstream's, never an invented one); `responseElements` null
 * for writes, since s3rver answers no encryption or version headers (AWS applies SSE-S3 to
 * every object, hence the sample's).
 */
function assertLikeSample(r: CloudTrailRecord, name: string): void {
  assert.deepEqual(Object.keys(r).sort(), S3_DATA_EVENT_FIELDS, `${r.eventName}: top-level fields`);
  const expected = structuredClone(sample(name));
  const extra = expected.additionalEventData as Record<string, unknown>;
  delete extra.CipherSuite;
  delete extra['x-amz-id-2'];
  expected.responseElements = null;
  expected.eventName = r.eventName;
  for (const [field, value] of Object.entries(expected)) {
    assert.deepEqual(skeleton((r as unknown as Record<string, unknown>)[field]), skeleton(value), `${r.eventName}: ${field}`);
  }
}

test('aws s3 mb/cp/rm/rb as an IAM user through the gateway to s3rver; data events delivered only by trails that select them', async () => {
  // Trails first: data events are kept only when a logging trail selects them as they happen.
  const basic = await loggingTrail(s, 'basic-objects', { start: false });
  await s.cloudtrail().send(
    new PutEventSelectorsCommand({
      TrailName: 'basic-objects',
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${BUCKET}/`] }] }],
    }),
  );
  const advanced = await loggingTrail(s, 'advanced-objects', { start: false });
  await s.cloudtrail().send(
    new PutEventSelectorsCommand({
      TrailName: 'advanced-objects',
      AdvancedEventSelectors: [
        { Name: 'S3 objects', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
      ],
    }),
  );
  const management = await loggingTrail(s, 'management-only', { start: false });
  for (const name of ['basic-objects', 'advanced-objects', 'management-only']) await s.cloudtrail().send(new StartLoggingCommand({ Name: name }));

  const carol = await s3User('carol');
  const small = join(dir, 'small.bin');
  const big = join(dir, 'big.bin');
  writeFileSync(small, randomBytes(SMALL));
  writeFileSync(big, randomBytes(BIG));
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    await aws(carol, ['s3', 'mb', `s3://${BUCKET}`]);
    await aws(carol, ['s3', 'cp', small, `s3://${BUCKET}/small.bin`]);
    await aws(carol, ['s3', 'cp', `s3://${BUCKET}/small.bin`, join(dir, 'small-back.bin')]);
    await aws(carol, ['s3', 'cp', big, `s3://${BUCKET}/dir/big.bin`]);
    await aws(carol, ['s3', 'cp', `s3://${BUCKET}/dir/big.bin`, join(dir, 'big-back.bin')]);
  } finally {
    clearInterval(sampler);
  }
  assert.equal(await sha256(join(dir, 'small-back.bin')), await sha256(small), 'the small object came back intact');
  assert.equal(await sha256(join(dir, 'big-back.bin')), await sha256(big), 'the 100 MiB object came back intact');
  // Streamed: this process (OpenTrail and the test) held far less than the object.
  assert.ok(peak - baseline < 64 * 1024 * 1024, `RSS grew by ${((peak - baseline) / 2 ** 20).toFixed(0)} MiB for a 100 MiB object`);
  const listing = await aws(carol, ['s3', 'ls', `s3://${BUCKET}/dir/`]);
  assert.match(listing, new RegExp(`\\s${BIG}\\s+big\\.bin`), 's3rver holds the object at its full size');
  await aws(carol, ['s3', 'rm', `s3://${BUCKET}/small.bin`]);
  await aws(carol, ['s3', 'rm', `s3://${BUCKET}/dir/big.bin`]);
  await aws(carol, ['s3', 'rb', `s3://${BUCKET}`]);
  await assert.rejects(aws(carol, ['s3', 'ls', `s3://${BUCKET}`]), /NoSuchBucket/, 's3rver no longer has the bucket');

  // Who deleted the bucket? Event history answers before any delivery.
  const events = (await json(s.credentials, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=DeleteBucket']))
    .Events as { CloudTrailEvent: string; Username: string; AccessKeyId: string; EventTime: number | string }[];
  assert.equal(events.length, 1);
  const deleted = JSON.parse(events[0]!.CloudTrailEvent) as CloudTrailRecord;
  assert.equal(events[0]!.Username, 'carol');
  assert.equal(events[0]!.AccessKeyId, carol.accessKeyId);
  assert.equal(deleted.eventSource, 's3.amazonaws.com');
  assert.equal(deleted.userIdentity.type, 'IAMUser');
  assert.equal(deleted.userIdentity.userName, 'carol');
  assert.equal(deleted.userIdentity.accessKeyId, carol.accessKeyId);
  assert.equal(deleted.sourceIPAddress, '127.0.0.1');
  assert.equal(deleted.eventTime, isoSeconds(s.clock.now()), 'eventTime is the (manual) clock at the call');
  assert.deepEqual(deleted.requestParameters, { bucketName: BUCKET, Host: new URL(s.endpoint).host });
  assert.equal(deleted.errorCode, undefined);
  assert.equal(deleted.managementEvent, true);

  await s.deliver();

  // The basic selector (this bucket's objects, no management events) and the advanced one (all objects).
  for (const trail of [basic, advanced]) {
    const records = await delivered(trail.bucket);
    assert.ok(records.length > 0, `${trail.bucket} got the object calls`);
    for (const r of records) {
      assert.equal(r.eventSource, 's3.amazonaws.com');
      assert.equal(r.eventCategory, 'Data', `${r.eventName} is a data event`);
      assert.equal(r.managementEvent, false);
      assert.equal(r.userIdentity.userName, 'carol');
      assert.equal(r.userIdentity.accessKeyId, carol.accessKeyId);
      assert.ok(onBucket(r), `${r.eventName} is on ${BUCKET}`);
      assert.ok(r.userAgent?.startsWith('[aws-cli/1.'), `${r.eventName}: bracketed user agent ${r.userAgent}`);
    }
    const names = new Set(records.map((r) => r.eventName));
    for (const name of ['PutObject', 'GetObject', 'DeleteObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']) {
      assert.ok(names.has(name), `${trail.bucket} has ${name} (has ${[...names].sort().join(', ')})`);
    }
    assert.ok(!names.has('CreateBucket') && !names.has('DeleteBucket'), 'no management events');

    const one = (name: string, key: string) => {
      const found = records.filter((r) => r.eventName === name && r.requestParameters?.key === key);
      assert.equal(found.length, 1, `one ${name} of ${key}`);
      return found[0]!;
    };
    const put = one('PutObject', 'small.bin');
    const get = one('GetObject', 'small.bin');
    const del = one('DeleteObject', 'small.bin');
    for (const r of [put, get, del]) {
      assert.deepEqual(r.resources, [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${BUCKET}/small.bin` },
        { accountId: s.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${BUCKET}` },
      ]);
      assert.equal(r.errorCode, undefined, `${r.eventName} succeeded`);
    }
    assert.equal(put.additionalEventData?.bytesTransferredIn, SMALL);
    assert.equal(put.additionalEventData?.bytesTransferredOut, 0);
    assert.equal(put.readOnly, false);
    assert.equal(get.additionalEventData?.bytesTransferredIn, 0);
    assert.equal(get.additionalEventData?.bytesTransferredOut, SMALL);
    assert.equal(get.readOnly, true);
    assert.equal(del.readOnly, false);
    assertLikeSample(put, 's3-putobject');
    assertLikeSample(get, 's3-getobject');
    // AWS documents no DeleteObject record of its own; it is a write data event like PutObject.
    assertLikeSample(del, 's3-putobject');

    // Every byte of the 100 MiB object is accounted for, up (parts) and down (ranged GETs).
    const bigKey = (r: CloudTrailRecord) => r.requestParameters?.key === 'dir/big.bin';
    const sum = (name: string, field: string) =>
      records.filter((r) => r.eventName === name && bigKey(r)).reduce((n, r) => n + Number(r.additionalEventData?.[field] ?? 0), 0);
    assert.equal(sum('UploadPart', 'bytesTransferredIn'), BIG);
    assert.equal(sum('GetObject', 'bytesTransferredOut'), BIG);
    assert.ok(records.filter((r) => r.eventName === 'UploadPart').every((r) => r.resources?.[0]?.ARN === `arn:aws:s3:::${BUCKET}/dir/big.bin`));
  }

  // The management-only trail: the bucket calls and no object call.
  const mgmt = (await delivered(management.bucket)).filter(onBucket);
  assert.deepEqual(mgmt.map((r) => r.eventName).sort(), ['CreateBucket', 'DeleteBucket']);
  assert.ok(mgmt.every((r) => r.eventCategory === 'Management'));
});
