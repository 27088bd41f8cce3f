/**
 * What S3 calls leave in CloudTrail: bucket calls are management events that event history
 * (LookupEvents) shows; object calls are data events, kept only when a logging trail selects
 * them and never shown by LookupEvents. Record contents follow AWS's S3 records (reference
 * §11.2): bracketed user agent, requestParameters with bucketName/Host/key, object and bucket
 * resources, additionalEventData with bytes and authentication method, null responseElements
 * for reads.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateTrailCommand, LookupEventsCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/s3.js';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.s3();
});
after(async () => server.stop());

async function s3History(): Promise<{ name: string; record: CloudTrailRecord; resources: { ResourceType?: string; ResourceName?: string }[] }[]> {
  const out = await server.cloudtrail().send(
    new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }], MaxResults: 50 }),
  );
  return (out.Events ?? []).map((e) => ({
    name: e.EventName!,
    record: JSON.parse(e.CloudTrailEvent!) as CloudTrailRecord,
    resources: e.Resources ?? [],
  }));
}

async function committedRecords(): Promise<CloudTrailRecord[]> {
  return (await server.app.context.eventLog.readAfter(0, 10_000)).map((e) => e.record);
}

test('bucket calls are management events in event history; object calls are not recorded without a trail', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'history-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new HeadBucketCommand({ Bucket: 'history-bucket' }));
  await s3.send(new PutObjectCommand({ Bucket: 'history-bucket', Key: 'k', Body: 'data' }));
  const get = await s3.send(new GetObjectCommand({ Bucket: 'history-bucket', Key: 'k' }));
  await get.Body!.transformToString();
  await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: 'history-bucket' })), 'NoSuchBucketPolicy', 404);

  const history = await s3History();
  const names = history.map((h) => h.name);
  assert.deepEqual(names.sort(), ['CreateBucket', 'GetBucketPolicy', 'HeadBucket']);
  assert.ok(!(await committedRecords()).some((r) => r.eventName === 'PutObject' || r.eventName === 'GetObject'), 'no data events kept');

  const create = history.find((h) => h.name === 'CreateBucket')!;
  const r = create.record;
  assert.equal(r.eventSource, 's3.amazonaws.com');
  assert.equal(r.awsRegion, 'us-east-1');
  assert.match(r.userAgent ?? '', /^\[aws-sdk-js\/.*\]$/);
  assert.equal(r.readOnly, false);
  assert.equal(r.managementEvent, true);
  assert.equal(r.eventCategory, 'Management');
  assert.equal(r.responseElements, null);
  assert.deepEqual(r.requestParameters, {
    bucketName: 'history-bucket',
    Host: new URL(server.endpoint).host,
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
  });
  assert.deepEqual(r.resources, [{ accountId: server.accountId, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::history-bucket' }]);
  assert.deepEqual(create.resources, [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'history-bucket' }]);
  const extra = r.additionalEventData ?? {};
  assert.equal(extra.SignatureVersion, 'SigV4');
  assert.equal(extra.AuthenticationMethod, 'AuthHeader');
  assert.equal(typeof extra.bytesTransferredIn, 'number');
  assert.ok((extra.bytesTransferredIn as number) > 0, 'the configuration document came in');
  assert.match(String(extra['x-amz-id-2']), /^[A-Za-z0-9+/]{64}$/);

  const head = history.find((h) => h.name === 'HeadBucket')!.record;
  assert.equal(head.readOnly, true);
  const failed = history.find((h) => h.name === 'GetBucketPolicy')!.record;
  assert.equal(failed.errorCode, 'NoSuchBucketPolicy');
  assert.equal(failed.errorMessage, 'The bucket policy does not exist');
  assert.deepEqual(failed.requestParameters, { bucketName: 'history-bucket', Host: new URL(server.endpoint).host, policy: '' });
});

test('PutBucketPolicy records the policy it was given', async () => {
  const policy = cloudTrailBucketPolicy({ bucket: 'history-bucket', accountId: server.accountId });
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'history-bucket', Policy: JSON.stringify(policy) }));
  const put = (await s3History()).find((h) => h.name === 'PutBucketPolicy')!.record;
  assert.deepEqual(put.requestParameters?.bucketPolicy, policy);
  assert.equal(put.requestParameters?.policy, '');
});

test('with a trail selecting S3 data events, object calls are recorded as AWS records them (and still not in event history)', async () => {
  const bucket = 'data-events-bucket';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(cloudTrailBucketPolicy({ bucket, accountId: server.accountId })) }));
  const ct = server.cloudtrail();
  await ct.send(new CreateTrailCommand({ Name: 'data-trail', S3BucketName: bucket }));
  await ct.send(new PutEventSelectorsCommand({
    TrailName: 'data-trail',
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
  }));
  await ct.send(new StartLoggingCommand({ Name: 'data-trail' }));

  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/obj.txt', Body: '0123456789' }));
  const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/obj.txt' }));
  assert.equal(await get.Body!.transformToString(), '0123456789');
  await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir/' }));
  await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'gone' }] } }));
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'dir/obj.txt' }), { expiresIn: 60 });
  assert.equal((await fetch(url)).status, 200);

  const records = (await committedRecords()).filter((r) => r.eventSource === 's3.amazonaws.com' && r.managementEvent === false);
  const byName = (name: string) => records.filter((r) => r.eventName === name);
  const host = new URL(server.endpoint).host;

  const putRecord = byName('PutObject')[0]!;
  assert.equal(putRecord.requestID, put.$metadata.requestId);
  assert.equal(putRecord.eventCategory, 'Data');
  assert.equal(putRecord.readOnly, false);
  assert.deepEqual(putRecord.requestParameters, { bucketName: bucket, Host: host, key: 'dir/obj.txt', 'x-id': 'PutObject' });
  assert.deepEqual(putRecord.responseElements, { 'x-amz-server-side-encryption': 'AES256' });
  assert.deepEqual(putRecord.resources, [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/dir/obj.txt` },
    { accountId: server.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ]);
  assert.equal(putRecord.additionalEventData?.bytesTransferredIn, 10);
  assert.equal(putRecord.additionalEventData?.bytesTransferredOut, 0);
  assert.equal(putRecord.additionalEventData?.['x-amz-id-2'], put.$metadata.extendedRequestId);
  assert.match(putRecord.userAgent ?? '', /^\[.*\]$/);

  const [getRecord, presignedRecord] = byName('GetObject');
  assert.equal(getRecord!.readOnly, true);
  assert.equal(getRecord!.responseElements, null);
  assert.equal(getRecord!.additionalEventData?.bytesTransferredOut, 10);
  assert.equal(getRecord!.additionalEventData?.AuthenticationMethod, 'AuthHeader');
  assert.equal(presignedRecord!.additionalEventData?.AuthenticationMethod, 'QueryString');
  assert.equal(presignedRecord!.requestParameters?.['X-Amz-Signature'], undefined, 'signatures are not recorded');
  assert.equal(presignedRecord!.requestParameters?.['X-Amz-Expires'], '60');

  for (const name of ['ListObjectsV2', 'DeleteObjects']) {
    const rec = byName(name)[0]!;
    assert.deepEqual(rec.resources?.[0], { type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/` }, name);
  }
  assert.equal(byName('ListObjectsV2')[0]!.requestParameters?.prefix, 'dir/');
  assert.equal(byName('DeleteObjects')[0]!.requestParameters?.delete, '');

  const history = await s3History();
  assert.ok(!history.some((h) => ['PutObject', 'GetObject', 'ListObjectsV2', 'DeleteObjects'].includes(h.name)), 'data events are not in event history');
});
