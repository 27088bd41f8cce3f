/**
 * Embedded-store behaviour beyond the shared contract: injected time, verbatim policies, part
 * number bounds, uploads bound to their key, the lifecycle of chunk files (shared by copies,
 * removed when the last reference goes, kept while a reader streams them) and Range reads at
 * every segment and part boundary.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.js';
import { isValidBucketName } from '../../src/objects/embedded/bucket-name.js';
import { DEFAULT_SEGMENT_LOG2 } from '../../src/objects/embedded/crypto.js';
import { EmbeddedObjectStore } from '../../src/objects/embedded/index.js';
import { MiB, OTHER_OWNER, OWNER, bodyOf, expectCode, prngBytes, readAll } from '../contract/object-store-helpers.js';
import { tempDir } from '../helpers/server.js';

const B = 'unit-bucket';
const clock = new ManualClock(1_700_000_000_000);
let root: string;
let dir: string;
let store: EmbeddedObjectStore;

const fileCount = () => readdirSync(join(dir, 'blobs')).reduce((n, sub) => n + readdirSync(join(dir, 'blobs', sub)).length, 0);
/** Removal happens right after the commit, asynchronously. */
const settle = () => new Promise((r) => setTimeout(r, 50));

before(async () => {
  root = tempDir('opentrail-objects-');
  dir = join(root, 'objects');
  store = await EmbeddedObjectStore.open({ dir, masterKey: randomBytes(32), clock });
  await store.createBucket(B, 'us-east-1', OWNER);
});

after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

test('times come from the injected clock', async () => {
  clock.set(1_800_000_000_000);
  assert.equal((await store.createBucket('clock-bucket', 'eu-west-1', OWNER)).creationDateMs, 1_800_000_000_000);
  clock.advance(5000);
  assert.equal((await store.putObject({ bucket: 'clock-bucket', key: 'k', body: bodyOf('x') })).lastModifiedMs, 1_800_000_005_000);
  await store.deleteObject('clock-bucket', 'k');
  await store.deleteBucket('clock-bucket');
});

test('listBuckets lists only the owner’s buckets, by name', async () => {
  await store.createBucket('zz-other', 'us-east-1', OTHER_OWNER);
  await store.createBucket('aa-mine', 'us-east-1', OWNER);
  assert.deepEqual((await store.listBuckets(OWNER)).map((b) => b.name), ['aa-mine', B]);
  assert.deepEqual((await store.listBuckets(OTHER_OWNER)).map((b) => b.name), ['zz-other']);
  await store.deleteBucket('zz-other');
  await store.deleteBucket('aa-mine');
});

test('bucket names', () => {
  for (const ok of ['abc', 'a-b.c', 'my.bucket.1', '1bucket', 'a'.repeat(63)]) assert.ok(isValidBucketName(ok), ok);
  for (const bad of ['ab', 'Abc', 'a_b', 'a..b', '.ab', 'ab.', '10.0.0.1', 'sthree-x', 'x-s3alias', 'x--ol-s3', 'a'.repeat(64)]) {
    assert.equal(isValidBucketName(bad), false, bad);
  }
});

test('a policy is stored verbatim', async () => {
  const text = '{ "Version":"2012-10-17",\n  "Statement": [] }';
  await store.putBucketPolicy(B, text);
  assert.equal(await store.getBucketPolicy(B), text);
  await store.deleteBucketPolicy(B);
});

test('part numbers 1..10000; uploads are bound to their key; open uploads keep a bucket', async () => {
  const { uploadId } = await store.createMultipartUpload({ bucket: B, key: 'mp' });
  for (const partNumber of [0, 10_001, 1.5]) {
    await expectCode(store.uploadPart({ bucket: B, key: 'mp', uploadId, partNumber, body: bodyOf('x') }), 'InvalidArgument');
  }
  await store.uploadPart({ bucket: B, key: 'mp', uploadId, partNumber: 10_000, body: bodyOf('x') });
  await expectCode(store.listParts(B, 'other', uploadId), 'NoSuchUpload');
  await expectCode(store.uploadPart({ bucket: B, key: 'other', uploadId, partNumber: 1, body: bodyOf('x') }), 'NoSuchUpload');
  await expectCode(store.completeMultipartUpload({ bucket: B, key: 'mp', uploadId, parts: [] }), 'InvalidArgument');
  await store.createBucket('with-upload', 'us-east-1', OWNER);
  const open = await store.createMultipartUpload({ bucket: 'with-upload', key: 'k' });
  await expectCode(store.deleteBucket('with-upload'), 'BucketNotEmpty');
  await store.abortMultipartUpload('with-upload', 'k', open.uploadId);
  await store.deleteBucket('with-upload');
  await store.abortMultipartUpload(B, 'mp', uploadId);
});

test('chunk files: replaced and deleted files go, copies share, multipart moves parts', async () => {
  await settle();
  const start = fileCount();
  await store.putObject({ bucket: B, key: 'f', body: bodyOf('one') });
  await store.putObject({ bucket: B, key: 'f', body: bodyOf('two') });
  await settle();
  assert.equal(fileCount(), start + 1, 'the replaced version’s file is removed');
  await store.copyObject({ bucket: B, key: 'f' }, { bucket: B, key: 'g' });
  await settle();
  assert.equal(fileCount(), start + 1, 'a copy shares the file');
  await store.deleteObject(B, 'f');
  await settle();
  assert.equal(fileCount(), start + 1, 'still referenced by the copy');
  assert.equal((await readAll((await store.getObject(B, 'g')).body)).toString(), 'two');
  await store.deleteObject(B, 'g');
  await settle();
  assert.equal(fileCount(), start);

  const { uploadId } = await store.createMultipartUpload({ bucket: B, key: 'm' });
  const p1 = await store.uploadPart({ bucket: B, key: 'm', uploadId, partNumber: 1, body: bodyOf(prngBytes(1, 5 * MiB)) });
  await store.uploadPart({ bucket: B, key: 'm', uploadId, partNumber: 2, body: bodyOf('dropped') });
  const p3 = await store.uploadPart({ bucket: B, key: 'm', uploadId, partNumber: 3, body: bodyOf('last') });
  assert.equal(fileCount(), start + 3);
  await store.completeMultipartUpload({ bucket: B, key: 'm', uploadId, parts: [{ partNumber: 1, etag: p1.etag }, { partNumber: 3, etag: p3.etag }] });
  await settle();
  assert.equal(fileCount(), start + 2, 'the unlisted part is removed, listed parts become the object');
  await store.deleteObject(B, 'm');
  const aborted = await store.createMultipartUpload({ bucket: B, key: 'a' });
  await store.uploadPart({ bucket: B, key: 'a', uploadId: aborted.uploadId, partNumber: 1, body: bodyOf('x') });
  await store.abortMultipartUpload(B, 'a', aborted.uploadId);
  await settle();
  assert.equal(fileCount(), start);
});

test('a reader keeps streaming the version it opened while the key is replaced and deleted', async () => {
  const v1 = prngBytes(21, 4 * MiB);
  await store.putObject({ bucket: B, key: 'r', body: bodyOf(v1) });
  await settle();
  const start = fileCount();
  const { body } = await store.getObject(B, 'r');
  const iterator = body[Symbol.asyncIterator]();
  const first = (await iterator.next()).value as Buffer;
  await store.putObject({ bucket: B, key: 'r', body: bodyOf('v2') });
  await store.deleteObject(B, 'r');
  await settle();
  assert.equal(fileCount(), start, 'the old file waits for its reader');
  const rest: Buffer[] = [first];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value as Buffer);
  assert.ok(Buffer.concat(rest).equals(v1));
  await settle();
  assert.equal(fileCount(), start - 1, 'removed once the reader is done');
});

test('a reader that gives up early releases its pin too', async () => {
  await store.putObject({ bucket: B, key: 'early', body: bodyOf(prngBytes(22, 3 * MiB)) });
  await settle();
  const start = fileCount();
  const { body } = await store.getObject(B, 'early');
  await store.deleteObject(B, 'early');
  body.destroy();
  await settle();
  assert.equal(fileCount(), start - 1);
});

test('Range reads at every segment and part boundary', async () => {
  const parts = [prngBytes(31, 5 * MiB + 3), prngBytes(32, 2 * MiB + 1)];
  const whole = Buffer.concat(parts);
  const { uploadId } = await store.createMultipartUpload({ bucket: B, key: 'ranges' });
  const etags = [];
  for (const [i, p] of parts.entries()) etags.push((await store.uploadPart({ bucket: B, key: 'ranges', uploadId, partNumber: i + 1, body: bodyOf(p) })).etag);
  await store.completeMultipartUpload({ bucket: B, key: 'ranges', uploadId, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
  const segment = 2 ** DEFAULT_SEGMENT_LOG2;
  const boundaries = [1, 2, 3, 4, 5, 9, 20].map((n) => n * segment).concat([parts[0]!.length, parts[0]!.length + segment, whole.length]);
  for (const b of boundaries) {
    for (const [start, end] of [
      [b - 1, b - 1],
      [b - 1, b],
      [b - 2, b + 2],
      [b, b + segment],
      [b - 2 * segment - 1, b + 1],
    ] as const) {
      if (start < 0 || start >= whole.length) continue;
      const got = await store.getObject(B, 'ranges', { start, end });
      const want = whole.subarray(start, Math.min(end, whole.length - 1) + 1);
      assert.ok((await readAll(got.body)).equals(want), `${start}-${end}`);
    }
  }
  await store.deleteObject(B, 'ranges');
});
