/**
 * The S3 wire protocol around the operations: S3's XML error documents and headers, HEAD errors
 * without a body, authentication failures in S3's words, operations S3 has and OpenTrail does
 * not (NotImplemented, by name), virtual-hosted buckets through the SDK, and presigned URLs.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { localhostAgent, rejectsWith, s3Raw, xmlText } from '../helpers/s3.js';
import { ManualClock } from '../../src/lib/clock.js';

let server: TestServer;
const clock = new ManualClock(Date.now());

before(async () => {
  server = await startTestServer({ clock });
  await server.s3().send(new CreateBucketCommand({ Bucket: 'proto-bucket' }));
});
after(async () => server.stop());

const raw = (call: Parameters<typeof s3Raw>[2]) => s3Raw(server.endpoint, server.credentials, call);

test('errors are <Error> documents with code, message, details, resource, request id and host id', async () => {
  const res = await raw({ method: 'GET', path: '/proto-bucket/missing%20key' });
  assert.equal(res.status, 404);
  assert.equal(res.headers['content-type'], 'application/xml');
  assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code>/);
  assert.equal(xmlText(res.body, 'Message'), 'The specified key does not exist.');
  assert.equal(xmlText(res.body, 'Key'), 'missing key');
  assert.equal(xmlText(res.body, 'Resource'), '/proto-bucket/missing%20key');
  assert.equal(xmlText(res.body, 'RequestId'), res.headers['x-amz-request-id']);
  assert.equal(xmlText(res.body, 'HostId'), res.headers['x-amz-id-2']);
  assert.match(String(res.headers['x-amz-id-2']), /^[A-Za-z0-9+/]{64}$/);
});

test('HEAD errors carry the status and no body', async () => {
  const res = await raw({ method: 'HEAD', path: '/proto-bucket/missing' });
  assert.equal(res.status, 404);
  assert.equal(res.body, '');
  assert.ok(res.headers['x-amz-request-id']);
});

test('authentication failures in S3 words', async () => {
  const unsigned = await raw({ method: 'GET', path: '/proto-bucket', unsigned: true });
  assert.equal(unsigned.status, 403);
  assert.equal(xmlText(unsigned.body, 'Code'), 'AccessDenied');
  const wrongSecret = await s3Raw(server.endpoint, { ...server.credentials, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' }, { method: 'GET', path: '/proto-bucket' });
  assert.equal(wrongSecret.status, 403);
  assert.equal(xmlText(wrongSecret.body, 'Code'), 'SignatureDoesNotMatch');
  const unknownKey = await s3Raw(server.endpoint, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }, { method: 'GET', path: '/' });
  assert.equal(unknownKey.status, 403);
  assert.equal(xmlText(unknownKey.body, 'Code'), 'InvalidAccessKeyId');
});

test('S3 operations OpenTrail lacks answer NotImplemented, naming the operation', async () => {
  const err = await rejectsWith(server.s3().send(new GetBucketAclCommand({ Bucket: 'proto-bucket' })), 'NotImplemented', 501);
  assert.match(err.message, /GetBucketAcl/);
  const tagging = await raw({ method: 'PUT', path: '/proto-bucket/k?tagging', body: '<Tagging/>' });
  assert.equal(tagging.status, 501);
  assert.match(xmlText(tagging.body, 'Message') ?? '', /PutObjectTagging/);
  const wrongMethod = await raw({ method: 'POST', path: '/proto-bucket/k' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(xmlText(wrongMethod.body, 'Code'), 'MethodNotAllowed');
});

test('request documents: malformed XML, a Delete without Content-MD5, a missing region constraint', async () => {
  const md5 = (s: string) => createHash('md5').update(s).digest('base64');
  const bad = '<Delete><Object><Key>k</Key></Delete>';
  const malformed = await raw({ method: 'POST', path: '/proto-bucket?delete', body: bad, headers: { 'content-md5': md5(bad) } });
  assert.equal(malformed.status, 400);
  assert.equal(xmlText(malformed.body, 'Code'), 'MalformedXML');
  const unchecked = await raw({ method: 'POST', path: '/proto-bucket?delete', body: '<Delete><Object><Key>k</Key></Object></Delete>' });
  assert.equal(xmlText(unchecked.body, 'Code'), 'InvalidRequest');
  const noConstraint = await raw({ method: 'PUT', path: '/west-no-constraint', region: 'us-west-2' });
  assert.equal(noConstraint.status, 400);
  assert.equal(xmlText(noConstraint.body, 'Code'), 'IllegalLocationConstraintException');
  assert.match(xmlText(noConstraint.body, 'Message') ?? '', /unspecified location constraint/);
});

test('an object stored without a Content-Type is binary/octet-stream', async () => {
  const put = await raw({ method: 'PUT', path: '/proto-bucket/untyped', body: 'abc' });
  assert.equal(put.status, 200);
  const get = await raw({ method: 'GET', path: '/proto-bucket/untyped' });
  assert.equal(get.headers['content-type'], 'binary/octet-stream');
  assert.equal(get.body, 'abc');
});

test('virtual-hosted buckets: <bucket>.s3.localhost through the SDK, <bucket>.localhost raw', async () => {
  const port = new URL(server.endpoint).port;
  const vhost = server.s3('us-east-1', server.credentials, {
    endpoint: `http://s3.localhost:${port}`,
    forcePathStyle: false,
    requestHandler: new NodeHttpHandler({ httpAgent: localhostAgent() }),
  });
  await vhost.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
  await vhost.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/file name.txt', Body: 'via vhost' }));
  const got = await vhost.send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/file name.txt' }));
  assert.equal(await got.Body!.transformToString(), 'via vhost');
  const listed = await vhost.send(new ListObjectsV2Command({ Bucket: 'vhost-bucket' }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['dir/file name.txt']);
  // the same object by path style, and by <bucket>.localhost
  const pathStyle = await server.s3().send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/file name.txt' }));
  assert.equal(await pathStyle.Body!.transformToString(), 'via vhost');
  const short = await raw({ method: 'GET', path: '/dir/file%20name.txt', host: `vhost-bucket.localhost:${port}` });
  assert.equal(short.body, 'via vhost');
});

test('presigned PUT and GET URLs work with plain HTTP clients; an expired one is refused', async () => {
  const s3 = server.s3();
  const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'proto-bucket', Key: 'shared/report.txt' }), { expiresIn: 300 });
  assert.match(putUrl, /X-Amz-Signature=/);
  const put = await fetch(putUrl, { method: 'PUT', body: 'presigned body' });
  assert.equal(put.status, 200);
  const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'proto-bucket', Key: 'shared/report.txt' }), { expiresIn: 60 });
  const get = await fetch(getUrl);
  assert.equal(get.status, 200);
  assert.equal(await get.text(), 'presigned body');

  // The SDK signed with real time, and the manual clock may lag it by however long the suite
  // has run on a loaded machine: expire relative to when the URL was signed.
  clock.set(Date.now() + 61_000);
  const expired = await fetch(getUrl);
  assert.equal(expired.status, 403);
  assert.equal(xmlText(await expired.text(), 'Code'), 'AccessDenied');
  const tampered = await fetch(putUrl.replace('shared/report.txt', 'shared/other.txt'), { method: 'PUT', body: 'x' });
  assert.equal(tampered.status, 403);
  assert.equal(xmlText(await tampered.text(), 'Code'), 'SignatureDoesNotMatch');
});
