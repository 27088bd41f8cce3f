/**
 * The bucket store's bucket-level API through the official S3 client: create (with and without
 * a LocationConstraint, and S3's region rules), head, list, location, policies, delete, and each
 * error as the SDK surfaces it — including another account's calls on our buckets.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/s3.js';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.s3();
});
after(async () => server.stop());

function policyFor(bucket: string, accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadLogs', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
  });
}

test('create, head, list, locate and delete a bucket', async () => {
  const created = await s3.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' }));
  assert.equal(created.Location, '/alpha-bucket');
  const head = await s3.send(new HeadBucketCommand({ Bucket: 'alpha-bucket' }));
  assert.equal(head.BucketRegion, 'us-east-1');
  const listed = await s3.send(new ListBucketsCommand({}));
  const mine = listed.Buckets?.find((b) => b.Name === 'alpha-bucket');
  assert.ok(mine?.CreationDate instanceof Date);
  assert.match(listed.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha-bucket' }));
  assert.equal(location.LocationConstraint, undefined, 'us-east-1 answers an empty LocationConstraint');
  await s3.send(new DeleteBucketCommand({ Bucket: 'alpha-bucket' }));
  await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: 'alpha-bucket' })), 'NotFound', 404);
});

test('LocationConstraint: any region through us-east-1, the same region elsewhere', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'eu-bucket' }))).LocationConstraint, 'eu-west-1');
  const west = server.s3('us-west-2');
  await west.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
  assert.equal((await s3.send(new HeadBucketCommand({ Bucket: 'west-bucket' }))).BucketRegion, 'us-west-2');
  const listed = await s3.send(new ListBucketsCommand({}));
  assert.equal(listed.Buckets?.find((b) => b.Name === 'eu-bucket')?.BucketRegion, 'eu-west-1');

  // (the SDK itself adds its region as LocationConstraint when none is given)
  const err = await rejectsWith(
    west.send(new CreateBucketCommand({ Bucket: 'wrong-constraint', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    'IllegalLocationConstraintException',
    400,
  );
  assert.match(err.message, /eu-west-1 location constraint is incompatible/);
  await rejectsWith(
    s3.send(new CreateBucketCommand({ Bucket: 'explicit-default', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as BucketLocationConstraint } })),
    'InvalidLocationConstraint',
    400,
  );
  await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: 'wrong-constraint' })), 'NotFound', 404);
});

test('bucket errors: already owned, invalid name, not empty, no such bucket', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'taken-bucket' }));
  await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: 'taken-bucket' })), 'BucketAlreadyOwnedByYou', 409);
  await rejectsWith(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), 'InvalidBucketName', 400);
  await s3.send(new PutObjectCommand({ Bucket: 'taken-bucket', Key: 'k', Body: 'x' }));
  await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: 'taken-bucket' })), 'BucketNotEmpty', 409);
  const missing = await rejectsWith(s3.send(new GetBucketLocationCommand({ Bucket: 'never-made' })), 'NoSuchBucket', 404);
  assert.equal((missing as unknown as { BucketName?: string }).BucketName, 'never-made');
  await rejectsWith(s3.send(new DeleteBucketCommand({ Bucket: 'never-made' })), 'NoSuchBucket', 404);
});

test('bucket policy: put, get back verbatim, malformed refused, delete', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'policy-bucket' }));
  await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' })), 'NoSuchBucketPolicy', 404);
  const policy = policyFor('policy-bucket', server.accountId);
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: policy }));
  assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' }))).Policy, policy);

  const notJson = await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: 'nope' })), 'MalformedPolicy', 400);
  assert.match(notJson.message, /valid JSON/);
  const noPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  await rejectsWith(s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: noPrincipal })), 'MalformedPolicy', 400);
  assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' }))).Policy, policy, 'a refused policy changes nothing');

  await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-bucket' }));
  await rejectsWith(s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' })), 'NoSuchBucketPolicy', 404);
});

test("another account gets AccessDenied on our buckets and does not see them", async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'private-bucket' }));
  const other = server.s3('us-east-1', server.accountCredentials('111122223333'));
  await rejectsWith(other.send(new PutObjectCommand({ Bucket: 'private-bucket', Key: 'k', Body: 'x' })), 'AccessDenied', 403);
  await rejectsWith(other.send(new GetBucketPolicyCommand({ Bucket: 'private-bucket' })), 'AccessDenied', 403);
  await rejectsWith(other.send(new DeleteBucketCommand({ Bucket: 'private-bucket' })), 'AccessDenied', 403);
  await rejectsWith(other.send(new HeadBucketCommand({ Bucket: 'private-bucket' })), undefined, 403);
  await rejectsWith(other.send(new CreateBucketCommand({ Bucket: 'private-bucket' })), 'BucketAlreadyExists', 409);
  const theirs = await other.send(new ListBucketsCommand({}));
  assert.deepEqual(theirs.Buckets ?? [], []);
  await other.send(new CreateBucketCommand({ Bucket: 'their-bucket' }));
  assert.deepEqual((await other.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name), ['their-bucket']);
  await rejectsWith(s3.send(new HeadBucketCommand({ Bucket: 'their-bucket' })), undefined, 403);
});
