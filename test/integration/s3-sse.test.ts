/**
 * Server-side encryption through the S3 wire service, driven by the official SDK: PutObject,
 * CreateMultipartUpload and CopyObject take `x-amz-server-side-encryption` (AES256 or aws:kms)
 * and the KMS key id (a key ARN, a bare key id or an alias; none: the account's AWS managed key
 * in the bucket's region); every write and read answers the encryption applied; unsupported
 * methods and a key without aws:kms are S3's 400 InvalidArgument; a copy is encrypted as its
 * request says, not as its source; and the records log the headers as sent and as answered.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { rejectsWith, s3Raw, xmlText } from '../helpers/s3.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const BUCKET = 'sse-bucket';
const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_UUID = '0987dcba-09fe-87dc-65ba-ab0987654321';

let server: TestServer;
let s3: S3Client;
let arnPrefix: string;

before(async () => {
  server = await startTestServer();
  s3 = server.s3('eu-west-1');
  arnPrefix = `arn:aws:kms:eu-west-1:${server.accountId}`;
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
});
after(async () => server.stop());

async function head(key: string) {
  const out = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  return [out.ServerSideEncryption, out.SSEKMSKeyId];
}

test('PutObject: SSE-S3 by default and when asked; SSE-KMS under the named key, reported by PUT, HEAD and GET', async () => {
  const plain = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'default', Body: 'x' }));
  assert.deepEqual([plain.ServerSideEncryption, plain.SSEKMSKeyId], ['AES256', undefined]);
  const asked = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'aes', Body: 'x', ServerSideEncryption: 'AES256' }));
  assert.deepEqual([asked.ServerSideEncryption, asked.SSEKMSKeyId], ['AES256', undefined]);
  assert.deepEqual(await head('aes'), ['AES256', undefined]);

  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kms', Body: 'under a key', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN }));
  assert.deepEqual([put.ServerSideEncryption, put.SSEKMSKeyId], ['aws:kms', KEY_ARN]);
  assert.deepEqual(await head('kms'), ['aws:kms', KEY_ARN]);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kms' }));
  assert.deepEqual([got.ServerSideEncryption, got.SSEKMSKeyId], ['aws:kms', KEY_ARN]);
  assert.equal(await got.Body!.transformToString(), 'under a key');
});

test('a KMS key named by id or alias becomes its ARN; none named is the AWS managed key of the bucket’s region', async () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, `${arnPrefix}:alias/aws/s3`],
    [KEY_UUID, `${arnPrefix}:key/${KEY_UUID}`],
    ['alias/trail-logs', `${arnPrefix}:alias/trail-logs`],
  ];
  for (const [keyId, arn] of cases) {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'named', Body: 'x', ServerSideEncryption: 'aws:kms', ...(keyId ? { SSEKMSKeyId: keyId } : {}) }),
    );
    assert.equal(put.SSEKMSKeyId, arn, String(keyId));
    assert.deepEqual(await head('named'), ['aws:kms', arn]);
  }
});

test('unsupported methods and a key without aws:kms are 400 InvalidArgument, on every write that takes them', async () => {
  const unsupported = 'The encryption method specified is not supported';
  const needsKms = 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms';
  const bad: Array<[{ ServerSideEncryption?: ServerSideEncryption; SSEKMSKeyId?: string }, string]> = [
    [{ ServerSideEncryption: 'AES128' as ServerSideEncryption }, unsupported],
    [{ ServerSideEncryption: 'aws:kms:dsse' }, unsupported],
    [{ ServerSideEncryption: 'AES256', SSEKMSKeyId: KEY_ARN }, needsKms],
    [{ SSEKMSKeyId: KEY_ARN }, needsKms],
  ];
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy-source', Body: 'x' }));
  for (const [sse, message] of bad) {
    const calls = [
      () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bad', Body: 'x', ...sse })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'bad', ...sse })),
      () => s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'bad', CopySource: `${BUCKET}/copy-source`, ...sse })),
    ];
    for (const call of calls) assert.equal((await rejectsWith(call(), 'InvalidArgument', 400)).message, message);
  }
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bad' })), undefined, 404);
  // S3 names the offending header and value.
  const raw = await s3Raw(server.endpoint, server.credentials, {
    method: 'PUT',
    path: `/${BUCKET}/bad`,
    region: 'eu-west-1',
    headers: { 'x-amz-server-side-encryption': 'AES128' },
    body: 'x',
  });
  assert.equal(raw.status, 400);
  assert.equal(xmlText(raw.body, 'ArgumentName'), 'x-amz-server-side-encryption');
  assert.equal(xmlText(raw.body, 'ArgumentValue'), 'AES128');
});

test('a multipart upload opened with SSE-KMS answers it at creation and completion, and the object has it', async () => {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN }));
  assert.deepEqual([created.ServerSideEncryption, created.SSEKMSKeyId], ['aws:kms', KEY_ARN]);
  const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp', UploadId: created.UploadId, PartNumber: 1, Body: 'one part' }));
  const done = await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp', UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } }),
  );
  assert.deepEqual([done.ServerSideEncryption, done.SSEKMSKeyId], ['aws:kms', KEY_ARN]);
  assert.deepEqual(await head('mp'), ['aws:kms', KEY_ARN]);
  const plain = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp-plain' }));
  assert.deepEqual([plain.ServerSideEncryption, plain.SSEKMSKeyId], ['AES256', undefined]);
});

test('CopyObject is encrypted as its request says (SSE-S3 when it names nothing), whatever the source', async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'src', Body: 'copy me', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN }));
  const plain = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy-plain', CopySource: `${BUCKET}/src` }));
  assert.deepEqual([plain.ServerSideEncryption, plain.SSEKMSKeyId], ['AES256', undefined]);
  assert.deepEqual(await head('copy-plain'), ['AES256', undefined]);
  const toKms = await s3.send(
    new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy-kms', CopySource: `${BUCKET}/copy-plain`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_UUID }),
  );
  assert.deepEqual([toKms.ServerSideEncryption, toKms.SSEKMSKeyId], ['aws:kms', `${arnPrefix}:key/${KEY_UUID}`]);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copy-kms' }));
  assert.equal(await got.Body!.transformToString(), 'copy me');

  // In place: allowed when it changes the encryption, refused when it changes nothing.
  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'src', CopySource: `${BUCKET}/src` })), 'InvalidRequest', 400);
  const reencrypted = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'src', CopySource: `${BUCKET}/src`, ServerSideEncryption: 'AES256' }));
  assert.equal(reencrypted.ServerSideEncryption, 'AES256');
  assert.deepEqual(await head('src'), ['AES256', undefined]);
  assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'src' }))).Body!.transformToString(), 'copy me');
});

test('records log the encryption headers as sent (requestParameters) and as answered (responseElements)', async () => {
  const bucket = 'sse-records';
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(cloudTrailBucketPolicy({ bucket, accountId: server.accountId })) }));
  const ct = server.cloudtrail('eu-west-1');
  await ct.send(new CreateTrailCommand({ Name: 'sse-trail', S3BucketName: bucket }));
  await ct.send(new PutEventSelectorsCommand({
    TrailName: 'sse-trail',
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${bucket}/`] }] }],
  }));
  await ct.send(new StartLoggingCommand({ Name: 'sse-trail' }));

  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_UUID }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'managed', Body: 'x', ServerSideEncryption: 'aws:kms' }));
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad', Body: 'x', ServerSideEncryption: 'AES128' as ServerSideEncryption })), 'InvalidArgument', 400);
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/kms` }));

  const records = (await server.app.context.eventLog.readAfter(0, 10_000))
    .map((e) => e.record)
    .filter((r) => r.eventSource === 's3.amazonaws.com' && r.managementEvent === false);
  const find = (name: string, key: string) => records.find((r) => r.eventName === name && r.requestParameters?.key === key);
  const keyArn = `${arnPrefix}:key/${KEY_UUID}`;

  const kms = find('PutObject', 'kms')!;
  assert.equal(kms.requestParameters?.['x-amz-server-side-encryption'], 'aws:kms');
  assert.equal(kms.requestParameters?.['x-amz-server-side-encryption-aws-kms-key-id'], KEY_UUID);
  assert.deepEqual(kms.responseElements, { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': keyArn });

  const managed = find('PutObject', 'managed')!;
  assert.equal(managed.requestParameters?.['x-amz-server-side-encryption-aws-kms-key-id'], undefined);
  assert.deepEqual(managed.responseElements, {
    'x-amz-server-side-encryption': 'aws:kms',
    'x-amz-server-side-encryption-aws-kms-key-id': `${arnPrefix}:alias/aws/s3`,
  });

  const failed = find('PutObject', 'bad')!;
  assert.equal(failed.errorCode, 'InvalidArgument');
  assert.equal(failed.requestParameters?.['x-amz-server-side-encryption'], 'AES128');
  assert.equal(failed.responseElements, null);

  assert.deepEqual(find('CopyObject', 'copy')!.responseElements, { 'x-amz-server-side-encryption': 'AES256' });
});
