/**
 * Authorization end to end: a real server, SDK clients signing as an IAM user whose identity
 * policies come from the IAM directory; CloudTrail (awsJson) and S3 (restXml) calls allowed or
 * denied by identity and bucket policies, denials answered in each protocol's form and recorded
 * with errorCode AccessDenied.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudTrailServiceException,
  CreateTrailCommand,
  ListTrailsCommand,
  LookupEventsCommand,
  type CloudTrailClient,
  type Event,
} from '@aws-sdk/client-cloudtrail';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Staged } from '../../src/trails/registry.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const BUCKET = 'authz-bucket';
let server: TestServer;
let root: { ct: CloudTrailClient; s3: S3Client };
let alice: { ct: CloudTrailClient; s3: S3Client; arn: string; userId: string; accessKeyId: string };

/** Commits what a directory call staged, as the IAM API's pipeline would. */
async function commit(staged: Staged): Promise<void> {
  await server.app.context.eventLog.append([], staged.changes);
}

async function setPolicy(name: string, statements: object[] | undefined): Promise<void> {
  const iam = server.app.context.iam;
  if (statements === undefined) {
    const staged = iam.deletePolicy(alice.userId, name);
    if (staged) await commit(staged);
    return;
  }
  await commit(iam.putPolicy(alice.userId, name, JSON.stringify({ Version: '2012-10-17', Statement: statements })));
}

async function failure<E>(p: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
  return err;
}

async function recorded(eventName: string, username: string): Promise<Record<string, unknown>[]> {
  const out = await root.ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: username }] }));
  return (out.Events ?? [])
    .filter((e: Event) => e.EventName === eventName)
    .map((e: Event) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>);
}

before(async () => {
  server = await startTestServer();
  const { iam, clock } = server.app.context;
  const created = iam.createUser({ accountId: server.accountId, userName: 'alice', path: '/', createdAt: clock.now(), tags: [] });
  await commit(created.staged);
  const key = iam.createAccessKey(created.user, clock.now());
  await commit(key.staged);
  const creds = { accessKeyId: key.key.accessKeyId, secretAccessKey: key.key.secretAccessKey };
  root = { ct: server.cloudtrail(), s3: server.s3() };
  alice = {
    ct: server.cloudtrail('us-east-1', creds),
    s3: server.s3('us-east-1', creds),
    arn: `arn:aws:iam::${server.accountId}:user/alice`,
    userId: created.user.userId,
    accessKeyId: creds.accessKeyId,
  };
  await root.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const Key of ['public/a.txt', 'private/b.txt', 'private/secret.txt']) {
    await root.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `body of ${Key}` }));
  }
});

after(() => server.stop());

describe('CloudTrail (awsJson) as an IAM user allowed only LookupEvents', () => {
  before(() => setPolicy('lookup-only', [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }]));
  after(() => setPolicy('lookup-only', undefined));

  test('LookupEvents succeeds; CreateTrail is AccessDeniedException (403) with AWS message', async () => {
    await alice.ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const err = await failure(alice.ct.send(new CreateTrailCommand({ Name: 'denied', S3BucketName: BUCKET })), CloudTrailServiceException);
    assert.equal(err.name, 'AccessDeniedException');
    assert.equal(err.$metadata.httpStatusCode, 403);
    const trail = `arn:aws:cloudtrail:us-east-1:${server.accountId}:trail/denied`;
    assert.equal(
      err.message,
      `User: ${alice.arn} is not authorized to perform: cloudtrail:CreateTrail on resource: ${trail} because no identity-based policy allows the cloudtrail:CreateTrail action`,
    );
    const listErr = await failure(alice.ct.send(new ListTrailsCommand({})), CloudTrailServiceException);
    assert.equal(listErr.name, 'AccessDeniedException');
  });

  test('both calls are recorded as the IAMUser; the denial with errorCode AccessDenied', async () => {
    const [lookup] = await recorded('LookupEvents', 'alice');
    assert.ok(lookup, 'LookupEvents recorded');
    assert.equal(lookup.errorCode, undefined);
    const [create] = await recorded('CreateTrail', 'alice');
    assert.ok(create, 'CreateTrail recorded');
    assert.equal(create.errorCode, 'AccessDenied');
    assert.match(String(create.errorMessage), /is not authorized to perform: cloudtrail:CreateTrail/);
    const identity = create.userIdentity as Record<string, unknown>;
    assert.equal(identity.type, 'IAMUser');
    assert.equal(identity.userName, 'alice');
    assert.equal(identity.accessKeyId, alice.accessKeyId);
    // The denied call names its trail for LookupEvents' resources too.
    const res = await root.ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: `arn:aws:cloudtrail:us-east-1:${server.accountId}:trail/denied` }] }));
    assert.equal(res.Events?.[0]?.EventName, 'CreateTrail');
  });

  test('a trail-scoped policy allows the named trail only; a Deny wins over Allow *', async () => {
    await setPolicy('trails', [
      { Effect: 'Allow', Action: 'cloudtrail:CreateTrail', Resource: `arn:aws:cloudtrail:*:${server.accountId}:trail/team-*` },
    ]);
    // Allowed by policy: the handler runs (and answers on its own terms: the bucket has no policy).
    const err = await failure(alice.ct.send(new CreateTrailCommand({ Name: 'team-a', S3BucketName: BUCKET })), CloudTrailServiceException);
    assert.equal(err.name, 'InsufficientS3BucketPolicyException');
    const denied = await failure(alice.ct.send(new CreateTrailCommand({ Name: 'other', S3BucketName: BUCKET })), CloudTrailServiceException);
    assert.equal(denied.name, 'AccessDeniedException');
    await setPolicy('deny', [{ Effect: 'Deny', Action: 'cloudtrail:*', Resource: '*' }]);
    const explicit = await failure(alice.ct.send(new LookupEventsCommand({})), CloudTrailServiceException);
    assert.match(explicit.message, /with an explicit deny in an identity-based policy$/);
    await setPolicy('deny', undefined);
    await setPolicy('trails', undefined);
    await alice.ct.send(new LookupEventsCommand({ MaxResults: 1 }));
  });
});

describe('S3 (restXml) through identity and bucket policies', () => {
  const get = (client: S3Client, Key: string) => client.send(new GetObjectCommand({ Bucket: BUCKET, Key })).then((o) => o.Body!.transformToString());
  const putBucketPolicy = (Statement: object[]) =>
    root.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement }) }));

  test('no policy: GetObject is 403 AccessDenied with the message; a denied CreateBucket is recorded', async () => {
    const err = await failure(get(alice.s3, 'public/a.txt'), S3ServiceException);
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.equal(
      err.message,
      `User: ${alice.arn} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${BUCKET}/public/a.txt because no identity-based policy allows the s3:GetObject action`,
    );
    const create = await failure(alice.s3.send(new CreateBucketCommand({ Bucket: 'alice-bucket' })), S3ServiceException);
    assert.equal(create.name, 'AccessDenied');
    const [record] = await recorded('CreateBucket', 'alice');
    assert.equal(record?.errorCode, 'AccessDenied');
    assert.equal((record?.userIdentity as Record<string, unknown>).type, 'IAMUser');
  });

  test('an identity policy allows GetObject under a prefix, ListBucket with an s3:prefix condition', async () => {
    await setPolicy('s3-read', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/private/*` },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringLike: { 's3:prefix': 'private/*' } } },
    ]);
    assert.equal(await get(alice.s3, 'private/b.txt'), 'body of private/b.txt');
    await failure(get(alice.s3, 'public/a.txt'), S3ServiceException);
    const listed = await alice.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'private/' }));
    assert.equal(listed.KeyCount, 2);
    const unlisted = await failure(alice.s3.send(new ListObjectsV2Command({ Bucket: BUCKET })), S3ServiceException);
    assert.equal(unlisted.name, 'AccessDenied');
  });

  test('a missing key is NoSuchKey only to a caller who may list the bucket', async () => {
    await setPolicy('s3-any', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }]);
    const hidden = await failure(get(alice.s3, 'private/none.txt'), S3ServiceException);
    assert.equal(hidden.name, 'AccessDenied');
    assert.equal(hidden.$metadata.httpStatusCode, 403);
    await setPolicy('s3-list', [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }]);
    const missing = await failure(get(alice.s3, 'private/none.txt'), S3ServiceException);
    assert.equal(missing.name, 'NoSuchKey');
    await setPolicy('s3-any', undefined);
    await setPolicy('s3-list', undefined);
  });

  test("a bucket policy naming the user allows without an identity policy; its Deny beats the identity's Allow", async () => {
    await putBucketPolicy([
      { Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/public/*` },
      { Effect: 'Deny', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/private/secret*` },
    ]);
    assert.equal(await get(alice.s3, 'public/a.txt'), 'body of public/a.txt');
    assert.equal(await get(alice.s3, 'private/b.txt'), 'body of private/b.txt');
    const err = await failure(get(alice.s3, 'private/secret.txt'), S3ServiceException);
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /with an explicit deny in a resource-based policy$/);
    // Root is not named by the Deny: it reads everything.
    assert.equal(await get(root.s3, 'private/secret.txt'), 'body of private/secret.txt');
  });

  test('CopyObject needs GetObject on the source; DeleteObjects reports denied keys one by one', async () => {
    await setPolicy('s3-write', [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${BUCKET}/copies/*` }]);
    await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copies/own.txt', Body: 'mine' }));
    await alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copies/b.txt', CopySource: `${BUCKET}/private/b.txt` }));
    const denied = await failure(
      alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'copies/s.txt', CopySource: `${BUCKET}/private/secret.txt` })),
      S3ServiceException,
    );
    assert.match(denied.message, /s3:GetObject on resource: arn:aws:s3:::authz-bucket\/private\/secret\.txt with an explicit deny/);
    const out = await alice.s3.send(new DeleteObjectsCommand({
      Bucket: BUCKET,
      Delete: { Objects: [{ Key: 'copies/own.txt' }, { Key: 'public/a.txt' }] },
    }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ['copies/own.txt']);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['public/a.txt', 'AccessDenied']]);
    assert.equal(await get(root.s3, 'public/a.txt'), 'body of public/a.txt');
    await setPolicy('s3-write', undefined);
  });

  test("a bucket policy's explicit Deny to everyone applies to root too", async () => {
    await putBucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/*` }]);
    const err = await failure(root.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'public/a.txt' })), S3ServiceException);
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.$metadata.httpStatusCode, 403);
    await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    await root.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'public/a.txt' }));
  });
});

describe("a role session: the role's policies and bucket policies naming the role", () => {
  let session: { ct: CloudTrailClient; s3: S3Client };
  const sessionArn = () => `arn:aws:sts::${server.accountId}:assumed-role/reader/s1`;

  before(async () => {
    const { iam, identity, clock } = server.app.context;
    const trustPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: server.accountId }, Action: 'sts:AssumeRole' }] });
    const { role, staged } = iam.createRole({ accountId: server.accountId, roleName: 'reader', path: '/', trustPolicy, maxSessionDuration: 3600, createdAt: clock.now(), tags: [] });
    await commit(staged);
    await commit(iam.putPolicy(role.roleId, 'lookup', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] })));
    // A session credential as STS would issue it, stored directly (STS is tested on its own).
    const creds = { accessKeyId: 'AKIAREADERSESSION001', secretAccessKey: 'reader-session-secret-0123456789' };
    identity.putAccessKey(
      { type: 'AssumedRole', accountId: server.accountId, accessKeyId: creds.accessKeyId, roleId: role.roleId, roleName: 'reader', rolePath: '/', sessionName: 's1', sessionCreatedAt: clock.now(), mfaAuthenticated: false },
      creds.secretAccessKey,
      clock.now(),
    );
    session = { ct: server.cloudtrail('us-east-1', creds), s3: server.s3('us-east-1', creds) };
  });

  test("the role's inline policy allows LookupEvents; CreateTrail is denied naming the session", async () => {
    await session.ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const err = await failure(session.ct.send(new CreateTrailCommand({ Name: 'by-role', S3BucketName: BUCKET })), CloudTrailServiceException);
    assert.equal(err.name, 'AccessDeniedException');
    assert.match(err.message, new RegExp(`^User: ${sessionArn()} is not authorized to perform: cloudtrail:CreateTrail`));
  });

  test('a bucket policy naming the role ARN covers its sessions', async () => {
    await failure(session.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'private/b.txt' })), S3ServiceException);
    const Statement = [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${server.accountId}:role/reader` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/private/*` }];
    await root.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement }) }));
    const out = await session.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'private/b.txt' }));
    assert.equal(await out.Body!.transformToString(), 'body of private/b.txt');
    await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
  });
});
