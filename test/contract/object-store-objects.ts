/** Contract cases: single objects (put/get/head/delete/copy), ranges and streamed bodies. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ObjectStore } from '../../src/objects/object-store.js';
import {
  MiB,
  OWNER,
  bodyOf,
  expectCode,
  md5Hex,
  prngBytes,
  prngMd5,
  prngStream,
  readAll,
  streamMd5,
  uniqueBucket,
} from './object-store-helpers.js';

export function objectCases(store: () => ObjectStore): void {
  const bucket = uniqueBucket('objects');
  before(async () => {
    await store().createBucket(bucket, 'us-east-1', OWNER);
  });

  test('put / head / get with every header and user metadata', async () => {
    const before = Date.now();
    const put = await store().putObject({
      bucket,
      key: 'dir/file.json.gz',
      body: bodyOf('{"Records":[]}'),
      contentLength: 14,
      contentType: 'application/json',
      contentEncoding: 'gzip',
      contentDisposition: 'attachment; filename="file.json.gz"',
      cacheControl: 'no-cache',
      contentLanguage: 'en',
      userMetadata: { 'Trail-Name': 'main', plain: 'v' },
    });
    assert.equal(put.etag, `"${md5Hex('{"Records":[]}')}"`);
    assert.equal(put.size, 14);
    const head = await store().headObject(bucket, 'dir/file.json.gz');
    assert.ok(head);
    assert.equal(head.key, 'dir/file.json.gz');
    assert.equal(head.size, 14);
    assert.equal(head.etag, put.etag);
    assert.equal(head.contentType, 'application/json');
    assert.equal(head.contentEncoding, 'gzip');
    assert.equal(head.contentDisposition, 'attachment; filename="file.json.gz"');
    assert.equal(head.cacheControl, 'no-cache');
    assert.equal(head.contentLanguage, 'en');
    assert.deepEqual(head.userMetadata, { 'trail-name': 'main', plain: 'v' });
    assert.ok(Math.abs(head.lastModifiedMs - before) < 60_000);
    const got = await store().getObject(bucket, 'dir/file.json.gz');
    assert.equal(got.range, undefined);
    assert.equal(got.meta.etag, put.etag);
    assert.equal(got.meta.contentType, 'application/json');
    assert.equal((await readAll(got.body)).toString(), '{"Records":[]}');
  });

  test('defaults, empty objects and replacing a key', async () => {
    await store().putObject({ bucket, key: 'plain', body: bodyOf('first version') });
    const head = await store().headObject(bucket, 'plain');
    assert.equal(head?.contentType, 'binary/octet-stream');
    assert.deepEqual(head?.userMetadata, {});
    const second = await store().putObject({ bucket, key: 'plain', body: bodyOf('second'), contentType: 'text/plain' });
    assert.equal((await readAll((await store().getObject(bucket, 'plain')).body)).toString(), 'second');
    assert.equal((await store().headObject(bucket, 'plain'))?.etag, second.etag);
    assert.equal((await store().headObject(bucket, 'plain'))?.contentType, 'text/plain');
    const empty = await store().putObject({ bucket, key: 'empty', body: bodyOf(''), contentLength: 0 });
    assert.equal(empty.etag, `"${md5Hex('')}"`);
    assert.equal(empty.size, 0);
    assert.equal((await readAll((await store().getObject(bucket, 'empty')).body)).length, 0);
  });

  test('missing keys and buckets', async () => {
    const missing = uniqueBucket('missing');
    assert.equal(await store().headObject(bucket, 'no/such/key'), undefined);
    await expectCode(store().getObject(bucket, 'no/such/key'), 'NoSuchKey');
    await expectCode(store().headObject(missing, 'k'), 'NoSuchBucket');
    await expectCode(store().getObject(missing, 'k'), 'NoSuchBucket');
    await expectCode(store().putObject({ bucket: missing, key: 'k', body: bodyOf('x') }), 'NoSuchBucket');
    await expectCode(store().deleteObject(missing, 'k'), 'NoSuchBucket');
  });

  test('deleteObject removes the key; deleting a missing key succeeds', async () => {
    await store().putObject({ bucket, key: 'gone', body: bodyOf('bye') });
    await store().deleteObject(bucket, 'gone');
    assert.equal(await store().headObject(bucket, 'gone'), undefined);
    await store().deleteObject(bucket, 'gone');
  });

  test('byte ranges', async () => {
    const data = prngBytes(7, 3 * MiB + 1234);
    await store().putObject({ bucket, key: 'ranged', body: bodyOf(data), contentLength: data.length });
    const ranges: Array<[number, number]> = [
      [0, 0],
      [0, 99],
      [MiB - 10, MiB + 10],
      [MiB, 2 * MiB - 1],
      [5, 3 * MiB + 100],
      [data.length - 1, data.length - 1],
    ];
    for (const [start, end] of ranges) {
      const got = await store().getObject(bucket, 'ranged', { start, end });
      assert.deepEqual(got.range, { start, end }, `range ${start}-${end}`);
      assert.ok((await readAll(got.body)).equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`);
    }
    const clamped = await store().getObject(bucket, 'ranged', { start: data.length - 5, end: data.length + 1000 });
    assert.deepEqual(clamped.range, { start: data.length - 5, end: data.length - 1 });
    assert.ok((await readAll(clamped.body)).equals(data.subarray(data.length - 5)));
    assert.equal(clamped.meta.size, data.length);
    await expectCode(store().getObject(bucket, 'ranged', { start: data.length, end: data.length + 10 }), 'InvalidRange');
  });

  test('copyObject keeps metadata, or replaces it when given', async () => {
    const data = prngBytes(11, 2 * MiB + 17);
    const put = await store().putObject({
      bucket,
      key: 'copy/source',
      body: bodyOf(data),
      contentType: 'application/x-source',
      userMetadata: { origin: 'a' },
    });
    const target = uniqueBucket('copy-target');
    await store().createBucket(target, 'us-east-1', OWNER);
    const kept = await store().copyObject({ bucket, key: 'copy/source' }, { bucket: target, key: 'same' });
    assert.equal(kept.etag, put.etag);
    assert.equal(kept.size, data.length);
    const keptHead = await store().headObject(target, 'same');
    assert.equal(keptHead?.contentType, 'application/x-source');
    assert.deepEqual(keptHead?.userMetadata, { origin: 'a' });
    const replaced = await store().copyObject({ bucket, key: 'copy/source' }, { bucket: target, key: 'new' }, {
      contentType: 'text/plain',
      userMetadata: { origin: 'b' },
    });
    assert.equal(replaced.etag, put.etag);
    const head = await store().headObject(target, 'new');
    assert.equal(head?.contentType, 'text/plain');
    assert.deepEqual(head?.userMetadata, { origin: 'b' });
    // The copy is independent of its source.
    await store().deleteObject(bucket, 'copy/source');
    assert.ok((await readAll((await store().getObject(target, 'same')).body)).equals(data));
    assert.ok((await readAll((await store().getObject(target, 'new', { start: MiB - 3, end: MiB + 3 })).body)).equals(data.subarray(MiB - 3, MiB + 4)));
    await expectCode(store().copyObject({ bucket, key: 'copy/source' }, { bucket: target, key: 'x' }), 'NoSuchKey');
    await expectCode(store().copyObject({ bucket: target, key: 'same' }, { bucket: uniqueBucket('nope'), key: 'x' }), 'NoSuchBucket');
    for (const key of ['same', 'new']) await store().deleteObject(target, key);
    await store().deleteBucket(target);
  });

  test('copying an object onto itself with new metadata', async () => {
    await store().putObject({ bucket, key: 'self', body: bodyOf('self data'), contentType: 'text/a' });
    await store().copyObject({ bucket, key: 'self' }, { bucket, key: 'self' }, { contentType: 'text/b' });
    assert.equal((await store().headObject(bucket, 'self'))?.contentType, 'text/b');
    assert.equal((await readAll((await store().getObject(bucket, 'self')).body)).toString(), 'self data');
  });

  test('a streamed object of tens of MiB, with and without a declared length', async () => {
    const size = 24 * MiB + 333;
    const put = await store().putObject({ bucket, key: 'stream/known', body: prngStream(42, size), contentLength: size });
    const expected = prngMd5(42, size);
    assert.equal(put.etag, `"${expected}"`);
    assert.equal(put.size, size);
    assert.deepEqual(await streamMd5((await store().getObject(bucket, 'stream/known')).body), { md5: expected, size });
    // Length unknown: the bytes must round-trip (an S3 backend may store it as a multipart upload).
    const unknownSize = 12 * MiB + 5;
    await store().putObject({ bucket, key: 'stream/unknown', body: prngStream(43, unknownSize, 64 * 1024) });
    const head = await store().headObject(bucket, 'stream/unknown');
    assert.equal(head?.size, unknownSize);
    assert.deepEqual(await streamMd5((await store().getObject(bucket, 'stream/unknown')).body), {
      md5: prngMd5(43, unknownSize),
      size: unknownSize,
    });
  });
}
