/**
 * Object-level S3 through the official client: put/get/head with metadata, ETags, encryption
 * and checksum echo; ranges (closed, open, suffix, unsatisfiable); copies; deletes (single and
 * batch); listings v1 and v2 with prefixes, delimiters, paging and url encoding; and the errors
 * the SDK surfaces for each.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/s3.js';

let server: TestServer;
let s3: S3Client;
const BUCKET = 'objects-bucket';

before(async () => {
  server = await startTestServer();
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
after(async () => server.stop());

const md5 = (s: string | Uint8Array) => createHash('md5').update(s).digest('hex');

async function text(key: string, extra: { Range?: string } = {}) {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ...extra }));
  return { out, body: await out.Body!.transformToString() };
}

test('put then get: bytes, ETag, type, metadata, encryption, Last-Modified, checksum echo', async () => {
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'docs/hello.txt',
      Body: 'hello world',
      ContentType: 'text/plain',
      CacheControl: 'no-cache',
      ContentDisposition: 'attachment',
      Metadata: { owner: 'alice', 'Mixed-Case': 'v' },
      ChecksumAlgorithm: 'SHA256',
    }),
  );
  assert.equal(put.ETag, `"${md5('hello world')}"`);
  assert.equal(put.ServerSideEncryption, 'AES256');
  assert.equal(put.ChecksumSHA256, createHash('sha256').update('hello world').digest('base64'));
  const { out, body } = await text('docs/hello.txt');
  assert.equal(body, 'hello world');
  assert.equal(out.ETag, put.ETag);
  assert.equal(out.ContentType, 'text/plain');
  assert.equal(out.CacheControl, 'no-cache');
  assert.equal(out.ContentDisposition, 'attachment');
  assert.equal(out.ContentLength, 11);
  assert.deepEqual(out.Metadata, { owner: 'alice', 'mixed-case': 'v' });
  assert.equal(out.ServerSideEncryption, 'AES256');
  assert.ok(out.LastModified instanceof Date && Math.abs(out.LastModified.getTime() - Date.now()) < 60_000);
  assert.equal(out.AcceptRanges, 'bytes');
  assert.equal(out.ContentEncoding, undefined, "the SDK's aws-chunked transfer coding is not the object's");
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'docs/log.json.gz', Body: 'gz', ContentEncoding: 'gzip', ContentType: 'application/json' }));
  const gz = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'docs/log.json.gz' }));
  assert.equal(gz.ContentEncoding, 'gzip');
});

test('the SDK default CRC32 echoed; empty objects', async () => {
  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'plain', Body: new Uint8Array([1, 2, 3]) }));
  assert.equal(put.ChecksumCRC32, Buffer.from([0x55, 0xbc, 0x80, 0x1d]).toString('base64'));
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'plain' }));
  assert.equal(head.ContentLength, 3);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' }));
  const { out, body } = await text('empty');
  assert.equal(body, '');
  assert.equal(out.ETag, `"${md5('')}"`);
});

test('keys with spaces, plus signs, unicode, question marks and percent signs round-trip', async () => {
  const keys = ['a b+c.txt', 'ünï/cødé €.bin', 'what?#frag', '100%/x', 'trailing/'];
  for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  for (const key of keys) assert.equal((await text(key)).body, key);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const key of keys) assert.ok(listed.Contents?.some((o) => o.Key === key), key);
});

test('ranges: closed, open, suffix; 416 when nothing is selected', async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'digits', Body: '0123456789' }));
  const closed = await text('digits', { Range: 'bytes=2-5' });
  assert.equal(closed.body, '2345');
  assert.equal(closed.out.ContentRange, 'bytes 2-5/10');
  assert.equal(closed.out.ContentLength, 4);
  assert.equal(closed.out.$metadata.httpStatusCode, 206);
  assert.equal((await text('digits', { Range: 'bytes=7-' })).body, '789');
  const suffix = await text('digits', { Range: 'bytes=-3' });
  assert.equal(suffix.body, '789');
  assert.equal(suffix.out.ContentRange, 'bytes 7-9/10');
  assert.equal((await text('digits', { Range: 'bytes=8-100' })).body, '89');
  assert.equal((await text('digits', { Range: 'bytes=5-2' })).body, '0123456789', 'an invalid range is ignored');
  const err = await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=10-' })), 'InvalidRange', 416);
  assert.equal((err as unknown as { ActualObjectSize?: string }).ActualObjectSize, '10');
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'digits', Range: 'bytes=-4' }));
  assert.equal(head.ContentLength, 4);
  assert.equal(head.ContentRange, 'bytes 6-9/10');
});

test('response-* overrides rename what a GET serves', async () => {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digits', ResponseContentType: 'application/x-test', ResponseContentDisposition: 'inline' }));
  assert.equal(out.ContentType, 'application/x-test');
  assert.equal(out.ContentDisposition, 'inline');
  await out.Body!.transformToString();
});

test('missing keys and buckets', async () => {
  const err = await rejectsWith(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'nope' })), 'NoSuchKey', 404);
  assert.equal((err as unknown as { Key?: string }).Key, 'nope');
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'nope' })), 'NotFound', 404);
  await rejectsWith(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })), 'NoSuchBucket', 404);
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k'.repeat(1025), Body: 'x' })), 'KeyTooLongError', 400);
});

test('integrity: a wrong Content-MD5 is BadDigest and stores nothing', async () => {
  await rejectsWith(
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bad-md5', Body: 'abc', ContentMD5: Buffer.from(md5('abd'), 'hex').toString('base64') })),
    'BadDigest',
    400,
  );
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bad-md5' })), 'NotFound', 404);
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bad-md5', Body: 'abc', ContentMD5: 'not-base64!' })), 'InvalidDigest', 400);
  const meta = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'.repeat(80)]));
  await rejectsWith(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big-meta', Body: 'x', Metadata: meta })), 'MetadataTooLarge', 400);
});

test('copy: metadata copied by default, replaced with REPLACE, refused onto itself', async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'src.txt', Body: 'source', ContentType: 'text/x-src', Metadata: { a: '1' } }));
  await s3.send(new CreateBucketCommand({ Bucket: 'copy-target' }));
  const copied = await s3.send(new CopyObjectCommand({ Bucket: 'copy-target', Key: 'dst.txt', CopySource: `${BUCKET}/src.txt` }));
  assert.equal(copied.CopyObjectResult?.ETag, `"${md5('source')}"`);
  assert.ok(copied.CopyObjectResult?.LastModified instanceof Date);
  const dst = await s3.send(new GetObjectCommand({ Bucket: 'copy-target', Key: 'dst.txt' }));
  assert.equal(await dst.Body!.transformToString(), 'source');
  assert.equal(dst.ContentType, 'text/x-src');
  assert.deepEqual(dst.Metadata, { a: '1' });

  await s3.send(
    new CopyObjectCommand({ Bucket: BUCKET, Key: 'src.txt', CopySource: `/${BUCKET}/src.txt`, MetadataDirective: 'REPLACE', ContentType: 'text/x-new', Metadata: { b: '2' } }),
  );
  const replaced = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'src.txt' }));
  assert.equal(replaced.ContentType, 'text/x-new');
  assert.deepEqual(replaced.Metadata, { b: '2' });

  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'src.txt', CopySource: `${BUCKET}/src.txt` })), 'InvalidRequest', 400);
  const missing = await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: `${BUCKET}/absent` })), 'NoSuchKey', 404);
  assert.equal((missing as unknown as { Key?: string }).Key, 'absent');
  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: 'gone-bucket/k' })), 'NoSuchBucket', 404);
  await rejectsWith(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: 'only-bucket' })), 'InvalidArgument', 400);
});

test('delete: one key (existing or not), then many with and without Quiet', async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'del/one', Body: '1' }));
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'del/one' }));
  await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'del/never-there' }));
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'del/one' })), 'NotFound', 404);

  for (const k of ['del/a', 'del/b', 'del/c']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
  const loud = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/a' }, { Key: 'del/b' }, { Key: 'del/zzz' }] } }));
  assert.deepEqual(loud.Deleted?.map((d) => d.Key), ['del/a', 'del/b', 'del/zzz']);
  assert.equal(loud.Errors, undefined);
  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/c' }], Quiet: true } }));
  assert.equal(quiet.Deleted, undefined);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'del/' }));
  assert.equal(left.KeyCount, 0);
});

test('ListObjectsV2: prefix, delimiter, paging with continuation tokens, StartAfter, url encoding', async () => {
  await s3.send(new CreateBucketCommand({ Bucket: 'list-bucket' }));
  const keys = ['a/1', 'a/2', 'a/sub/3', 'b/1', 'c', 'd e/f'];
  for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: 'list-bucket', Key: k, Body: k }));

  const all = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket' }));
  assert.deepEqual(all.Contents?.map((o) => o.Key), keys);
  assert.equal(all.KeyCount, 6);
  assert.equal(all.Contents?.[0]?.Size, 3);
  assert.equal(all.Contents?.[0]?.Owner, undefined, 'owner only with FetchOwner');

  const grouped = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Delimiter: '/' }));
  assert.deepEqual(grouped.Contents?.map((o) => o.Key), ['c']);
  assert.deepEqual(grouped.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/', 'd e/']);
  assert.equal(grouped.KeyCount, 4);

  const underA = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Prefix: 'a/', Delimiter: '/', FetchOwner: true }));
  assert.deepEqual(underA.Contents?.map((o) => o.Key), ['a/1', 'a/2']);
  assert.deepEqual(underA.CommonPrefixes?.map((p) => p.Prefix), ['a/sub/']);
  assert.match(underA.Contents?.[0]?.Owner?.ID ?? '', /^[0-9a-f]{64}$/);

  const pages: string[][] = [];
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 4 }, { Bucket: 'list-bucket' })) {
    pages.push(page.Contents?.map((o) => o.Key!) ?? []);
  }
  assert.deepEqual(pages, [keys.slice(0, 4), keys.slice(4)]);

  const first = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', MaxKeys: 2 }));
  assert.equal(first.IsTruncated, true);
  assert.ok(first.NextContinuationToken && !first.NextContinuationToken.includes('a/2'), 'the token is opaque');
  const second = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
  assert.deepEqual(second.Contents?.map((o) => o.Key), ['a/sub/3', 'b/1']);
  assert.equal(second.ContinuationToken, first.NextContinuationToken);

  const after = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', StartAfter: 'b/1' }));
  assert.deepEqual(after.Contents?.map((o) => o.Key), ['c', 'd e/f']);
  assert.equal(after.StartAfter, 'b/1');

  const encoded = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', Prefix: 'd ', EncodingType: 'url' }));
  assert.deepEqual(encoded.Contents?.map((o) => o.Key), ['d%20e/f']);
  assert.equal(encoded.Prefix, 'd%20');

  const none = await s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', MaxKeys: 0 }));
  assert.equal(none.KeyCount, 0);
  assert.equal(none.IsTruncated, false);
  await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: 'list-bucket', ContinuationToken: 'garbage' })), 'InvalidArgument', 400);
  await rejectsWith(s3.send(new ListObjectsV2Command({ Bucket: 'missing-list' })), 'NoSuchBucket', 404);
});

test('ListObjects v1: Marker, and NextMarker when a delimiter groups keys', async () => {
  const page = await s3.send(new ListObjectsCommand({ Bucket: 'list-bucket', MaxKeys: 2 }));
  assert.deepEqual(page.Contents?.map((o) => o.Key), ['a/1', 'a/2']);
  assert.equal(page.IsTruncated, true);
  assert.equal(page.NextMarker, undefined, 'no NextMarker without a delimiter');
  assert.match(page.Contents?.[0]?.Owner?.ID ?? '', /^[0-9a-f]{64}$/, 'v1 lists owners');
  const next = await s3.send(new ListObjectsCommand({ Bucket: 'list-bucket', MaxKeys: 2, Marker: 'a/2' }));
  assert.deepEqual(next.Contents?.map((o) => o.Key), ['a/sub/3', 'b/1']);
  assert.equal(next.Marker, 'a/2');

  const grouped = await s3.send(new ListObjectsCommand({ Bucket: 'list-bucket', Delimiter: '/', MaxKeys: 2 }));
  assert.deepEqual(grouped.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
  assert.equal(grouped.IsTruncated, true);
  assert.equal(grouped.NextMarker, 'b/');
  const rest = await s3.send(new ListObjectsCommand({ Bucket: 'list-bucket', Delimiter: '/', Marker: grouped.NextMarker }));
  assert.deepEqual(rest.Contents?.map((o) => o.Key), ['c']);
  assert.deepEqual(rest.CommonPrefixes?.map((p) => p.Prefix), ['d e/']);
  await rejectsWith(s3.send(new ListObjectsCommand({ Bucket: 'list-bucket', MaxKeys: -1 })), 'InvalidArgument', 400);
});
