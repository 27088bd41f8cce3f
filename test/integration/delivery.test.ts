/**
 * Log file delivery (reference §4, issue 4) with the SDK against a real server on a ManualClock:
 * cadence, records byte-identical to what was recorded, final files on StopLogging and
 * DeleteTrail, limits per file, a failing bucket reported in GetTrailStatus and retried until it
 * is back, delivery's own bucket writes kept out of the delivering trail, and a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { DeleteBucketPolicyCommand, HeadObjectCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { deliveredFiles, deliveredRecords, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { ACCOUNT, record } from '../helpers/records.js';
import { tempDir } from '../helpers/server.js';
import { makeBucket } from '../helpers/trails.js';

async function withServer(fn: (s: DeliveryServer) => Promise<void>, config = {}): Promise<void> {
  const s = await startDeliveryServer(config);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

/** Calls ListTrails `n` times; resolves to the request ids the client saw. */
async function listTrails(s: DeliveryServer, n: number, region = 'us-east-1'): Promise<string[]> {
  const ct = s.cloudtrail(region);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await ct.send(new ListTrailsCommand({}))).$metadata.requestId!);
  return ids;
}

test('files come every interval, one per region, with the records exactly as recorded', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'cadence', { multiRegion: true });
    const east = await listTrails(s, 3);
    const west = await listTrails(s, 2, 'us-west-2');
    await s.app.delivery.runOnce();
    assert.deepEqual(await deliveredFiles(s, bucket), [], 'nothing before the interval has passed');

    await s.deliver();
    const files = await deliveredFiles(s, bucket);
    assert.deepEqual(files.map((f) => f.key.split('/')[3]), ['us-east-1', 'us-west-2']);
    const [eastFile, westFile] = files;
    assert.deepEqual(eastFile!.records.map((r) => r.eventName), ['StartLogging', 'ListTrails', 'ListTrails', 'ListTrails']);
    assert.deepEqual(eastFile!.records.slice(1).map((r) => r.requestID), east);
    assert.deepEqual(westFile!.records.map((r) => r.requestID), west);

    // Byte for byte what event history returns for the same event.
    const history = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StartLogging' }] }));
    assert.equal(JSON.stringify(eastFile!.records[0]), history.Events![0]!.CloudTrailEvent);

    const head = await s.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: eastFile!.key }));
    assert.equal(head.ContentType, 'application/json');
    assert.equal(head.ContentEncoding, 'gzip');
    assert.equal(head.ServerSideEncryption, 'AES256');

    const status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'cadence' }));
    assert.equal(status.IsLogging, true);
    assert.equal(status.LatestDeliveryTime?.getTime(), s.clock.now());
    assert.equal(status.LatestDeliveryAttemptSucceeded, new Date(s.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(status.LatestDeliveryError, undefined);

    await s.deliver();
    assert.equal((await deliveredFiles(s, bucket)).length, 3, 'the GetTrailStatus call only: one more file');
    await s.deliver();
    assert.equal((await deliveredFiles(s, bucket)).length, 3, 'no events, no file');
  }));

test('StopLogging delivers its final file at once; nothing after it; StartLogging resumes', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'stops');
    const ct = s.cloudtrail();
    await listTrails(s, 2);
    await ct.send(new StopLoggingCommand({ Name: 'stops' }));
    const unlogged = await listTrails(s, 2);
    await s.app.delivery.runOnce();
    const names = (await deliveredRecords(s, bucket)).map((r) => r.eventName);
    assert.deepEqual(names, ['StartLogging', 'ListTrails', 'ListTrails', 'StopLogging']);

    await ct.send(new StartLoggingCommand({ Name: 'stops' }));
    const again = await listTrails(s, 1);
    await s.deliver();
    const records = await deliveredRecords(s, bucket);
    assert.deepEqual(records.map((r) => r.eventName).slice(4), ['StartLogging', 'ListTrails']);
    assert.equal(records.at(-1)!.requestID, again[0]);
    for (const id of unlogged) assert.ok(!records.some((r) => r.requestID === id), 'calls while stopped are not delivered');
  }));

test('DeleteTrail: what was logged before it is still delivered, then the trail is gone', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'doomed');
    const before = await listTrails(s, 2);
    await s.cloudtrail().send(new DeleteTrailCommand({ Name: 'doomed' }));
    await listTrails(s, 2);
    await s.app.delivery.runOnce();
    const records = await deliveredRecords(s, bucket);
    assert.deepEqual(records.map((r) => r.eventName), ['StartLogging', 'ListTrails', 'ListTrails', 'DeleteTrail']);
    assert.deepEqual(records.slice(1, 3).map((r) => r.requestID), before);

    // A new trail under the same name is a new stream: it starts at its own StartLogging.
    await loggingTrail(s, 'doomed', { bucket: 'doomed-logs-2' });
    await s.deliver();
    assert.equal((await deliveredRecords(s, bucket)).length, 4);
    assert.deepEqual((await deliveredRecords(s, 'doomed-logs-2')).map((r) => r.eventName), ['StartLogging']);
  }));

test('a file holds at most --delivery-max-records; a backlog becomes several files, each event once', () =>
  withServer(
    async (s) => {
      const { bucket } = await loggingTrail(s, 'small-files');
      const ids = await listTrails(s, 10);
      await s.deliver();
      const files = await deliveredFiles(s, bucket);
      assert.equal(files.length, 4);
      for (const f of files) assert.ok(f.records.length <= 3);
      assert.equal(new Set(files.map((f) => f.key)).size, 4);
      // Keys of one delivery share the stamp and differ by their random-looking suffix, so the
      // listing order says nothing; each event is in exactly one file.
      const delivered = files.flatMap((f) => f.records).filter((r) => r.eventName === 'ListTrails');
      assert.deepEqual(delivered.map((r) => r.requestID).sort(), [...ids].sort());
    },
    { deliveryMaxRecords: 3 },
  ));

test('a missing bucket or a refusing policy is reported, retried with backoff, and nothing is lost', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'flaky', { bucket: 'flaky-logs' });
    const s3 = s.s3();
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    const first = await listTrails(s, 2);
    await s.deliver();
    let status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'flaky' }));
    assert.equal(status.LatestDeliveryError, 'AccessDenied');
    assert.equal(status.LatestDeliveryTime, undefined);
    assert.notEqual(status.LatestDeliveryAttemptTime, '');
    assert.deepEqual(await deliveredFiles(s, bucket), []);

    // The bucket disappears altogether.
    await s.app.context.objects.deleteBucket(bucket);
    await s.deliver();
    status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'flaky' }));
    assert.equal(status.LatestDeliveryError, 'NoSuchBucket');

    // Back, with the policy: the next attempt after the backoff delivers everything.
    await makeBucket(s, bucket);
    await s.deliver();
    const records = await deliveredRecords(s, bucket);
    for (const id of first) assert.equal(records.filter((r) => r.requestID === id).length, 1);
    status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'flaky' }));
    assert.equal(status.LatestDeliveryError, undefined);
    assert.ok(status.LatestDeliveryTime);
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(cloudTrailBucketPolicy({ bucket, accountId: s.accountId })) }));
  }));

test("delivery's own writes reach other trails logging the bucket, never the delivering trail", () =>
  withServer(async (s) => {
    const ct = s.cloudtrail();
    const own = await loggingTrail(s, 'self-logger', { bucket: 'self-logs' });
    const allData = [{ ReadWriteType: 'All' as const, IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::self-logs/'] }] }];
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'self-logger', EventSelectors: allData }));
    const watcher = await loggingTrail(s, 'watcher', { bucket: 'watcher-logs' });
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'watcher', EventSelectors: allData }));

    await s.deliver();
    await s.deliver();
    const ownRecords = await deliveredRecords(s, own.bucket);
    assert.ok(!ownRecords.some((r) => r.userIdentity.invokedBy === 'cloudtrail.amazonaws.com'), 'no record of its own writes');
    const ownFiles = (await deliveredFiles(s, own.bucket)).length;
    await s.deliver();
    await s.deliver();
    assert.equal((await deliveredFiles(s, own.bucket)).length, ownFiles, 'no file begets another');

    const seen = (await deliveredRecords(s, watcher.bucket)).filter((r) => r.userIdentity.type === 'AWSService');
    assert.ok(seen.length >= 1);
    const put = seen[0]!;
    assert.equal(put.eventName, 'PutObject');
    assert.equal(put.userIdentity.invokedBy, 'cloudtrail.amazonaws.com');
    assert.equal(put.sourceIPAddress, 'cloudtrail.amazonaws.com');
    assert.equal(put.requestParameters?.bucketName, 'self-logs');
    assert.match(String(put.requestParameters?.key), /^AWSLogs\/\d{12}\/CloudTrail\/us-east-1\//);
    assert.equal(put.requestParameters?.['x-amz-acl'], 'bucket-owner-full-control');
    assert.equal(put.eventCategory, 'Data');
    assert.equal(put.managementEvent, false);
  }));

test('undelivered events survive a restart and are delivered once', async () => {
  const dataDir = tempDir();
  let s = await startDeliveryServer({}, { dataDir });
  const { bucket } = await loggingTrail(s, 'restart');
  const ids = await listTrails(s, 3);
  const clock = s.clock;
  await s.stop(true);
  s = await startDeliveryServer({}, { dataDir, clock });
  try {
    await s.deliver();
    const records = await deliveredRecords(s, bucket);
    assert.deepEqual(records.map((r) => r.requestID).slice(1), ids);
    await s.deliver();
    assert.equal((await deliveredRecords(s, bucket)).length, records.length);
  } finally {
    await s.stop();
  }
});

test("a trail's KmsKeyId encrypts its log files with SSE-KMS under that key", () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'sealed');
    const ct = s.cloudtrail();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/0b3f1a2c-4d5e-6f70-8192-a3b4c5d6e7f8';
    await ct.send(new UpdateTrailCommand({ Name: 'sealed', KmsKeyId: key }));
    await listTrails(s, 1);
    await s.deliver();
    const [file] = await deliveredFiles(s, bucket);
    assert.ok(file);
    const head = await s.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: file.key }));
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.equal(head.SSEKMSKeyId, key);
    assert.deepEqual(file.records.map((r) => r.eventName), ['StartLogging', 'UpdateTrail', 'ListTrails']);
  }));

test('a pass ends under steady traffic, so every trail is served', () =>
  withServer(
    async (s) => {
      const first = await loggingTrail(s, 'aaa-first');
      const second = await loggingTrail(s, 'zzz-second');
      let passDone = false;
      const pass = s.deliver().then(() => {
        passDone = true;
      });
      // Events keep arriving while the pass runs (one file per event: the pass has work for each).
      let appended = 0;
      while (!passDone && appended < 200) {
        appended++;
        const rec = record({ eventName: 'Tick', awsRegion: 'us-east-1', eventID: `tick-${appended}`, requestID: `tick-${appended}` });
        await s.app.context.eventLog.append([{ record: rec, eventTimeMs: s.clock.now(), accountId: ACCOUNT, region: 'us-east-1', category: 'management', lookupResources: [] }]);
      }
      await pass;
      assert.ok(appended < 200, 'the pass finished while events were still arriving');
      assert.ok((await deliveredFiles(s, first.bucket)).length > 0);
      assert.ok((await deliveredFiles(s, second.bucket)).length > 0);
    },
    { deliveryMaxRecords: 1 },
  ));
