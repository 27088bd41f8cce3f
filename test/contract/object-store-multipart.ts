/** Contract cases: multipart uploads. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ObjectStore } from '../../src/objects/object-store.js';
import {
  MiB,
  OWNER,
  bodyOf,
  expectCode,
  md5Hex,
  multipartEtagOf,
  prngBytes,
  readAll,
  uniqueBucket,
} from './object-store-helpers.js';

export function multipartCases(store: () => ObjectStore): void {
  const bucket = uniqueBucket('multipart');
  // Two minimum-size parts and a short last one.
  const parts = [prngBytes(1, 5 * MiB), prngBytes(2, 5 * MiB + 7), prngBytes(3, 1000)];
  const whole = Buffer.concat(parts);
  before(async () => {
    await store().createBucket(bucket, 'us-east-1', OWNER);
  });

  async function upload(key: string, bodies: readonly Buffer[]) {
    const { uploadId } = await store().createMultipartUpload({ bucket, key });
    const etags: string[] = [];
    for (const [i, body] of bodies.entries()) {
      etags.push((await store().uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(body), contentLength: body.length })).etag);
    }
    return { uploadId, completed: etags.map((etag, i) => ({ partNumber: i + 1, etag })) };
  }

  test('upload, list parts, complete, read across part boundaries', async () => {
    const key = 'mp/object';
    const { uploadId } = await store().createMultipartUpload({
      bucket,
      key,
      contentType: 'application/x-multi',
      userMetadata: { kind: 'multi' },
    });
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const { etag } = await store().uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(body) });
      assert.equal(etag, `"${md5Hex(body)}"`);
      etags.push(etag);
    }
    const listed = await store().listParts(bucket, key, uploadId);
    assert.deepEqual(listed.map((p) => [p.partNumber, p.etag, p.size]), parts.map((p, i) => [i + 1, etags[i], p.length]));
    assert.equal(await store().headObject(bucket, key), undefined, 'not visible before completion');
    const meta = await store().completeMultipartUpload({ bucket, key, uploadId, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    assert.equal(meta.etag, multipartEtagOf(parts));
    assert.equal(meta.size, whole.length);
    const head = await store().headObject(bucket, key);
    assert.equal(head?.etag, multipartEtagOf(parts));
    assert.equal(head?.contentType, 'application/x-multi');
    assert.deepEqual(head?.userMetadata, { kind: 'multi' });
    assert.ok((await readAll((await store().getObject(bucket, key)).body)).equals(whole));
    for (const [start, end] of [
      [5 * MiB - 100, 5 * MiB + 100],
      [3, 10 * MiB + 500],
      [10 * MiB + 7, whole.length - 1],
    ] as const) {
      const got = await store().getObject(bucket, key, { start, end });
      assert.ok((await readAll(got.body)).equals(whole.subarray(start, end + 1)), `range ${start}-${end}`);
    }
    await expectCode(store().listParts(bucket, key, uploadId), 'NoSuchUpload');
  });

  test('a re-uploaded part replaces the earlier one; unlisted parts are dropped', async () => {
    const key = 'mp/replaced';
    const { uploadId } = await store().createMultipartUpload({ bucket, key });
    await store().uploadPart({ bucket, key, uploadId, partNumber: 1, body: bodyOf(prngBytes(9, 5 * MiB)) });
    const p1 = await store().uploadPart({ bucket, key, uploadId, partNumber: 1, body: bodyOf(parts[0]!) });
    await store().uploadPart({ bucket, key, uploadId, partNumber: 2, body: bodyOf('never listed') });
    const p3 = await store().uploadPart({ bucket, key, uploadId, partNumber: 3, body: bodyOf(parts[2]!) });
    assert.equal((await store().listParts(bucket, key, uploadId)).length, 3);
    const meta = await store().completeMultipartUpload({
      bucket,
      key,
      uploadId,
      parts: [
        { partNumber: 1, etag: p1.etag },
        { partNumber: 3, etag: p3.etag },
      ],
    });
    assert.equal(meta.etag, multipartEtagOf([parts[0]!, parts[2]!]));
    assert.ok((await readAll((await store().getObject(bucket, key)).body)).equals(Buffer.concat([parts[0]!, parts[2]!])));
  });

  test('completion errors: InvalidPart, InvalidPartOrder, EntityTooSmall', async () => {
    const key = 'mp/errors';
    const { uploadId, completed } = await upload(key, [prngBytes(4, 5 * MiB), Buffer.from('small'), Buffer.from('tail')]);
    const [one, two, three] = completed as [(typeof completed)[0], (typeof completed)[0], (typeof completed)[0]];
    await expectCode(store().completeMultipartUpload({ bucket, key, uploadId, parts: [one, { partNumber: 2, etag: `"${md5Hex('other')}"` }] }), 'InvalidPart');
    await expectCode(store().completeMultipartUpload({ bucket, key, uploadId, parts: [one, { partNumber: 7, etag: two.etag }] }), 'InvalidPart');
    await expectCode(store().completeMultipartUpload({ bucket, key, uploadId, parts: [one, one] }), 'InvalidPartOrder');
    await expectCode(store().completeMultipartUpload({ bucket, key, uploadId, parts: [one, two, three] }), 'EntityTooSmall');
    // The failed attempts left the upload intact.
    assert.equal((await store().listParts(bucket, key, uploadId)).length, 3);
    const meta = await store().completeMultipartUpload({ bucket, key, uploadId, parts: [one, two] });
    assert.equal(meta.size, 5 * MiB + 5);
  });

  test('abort, and NoSuchUpload for unknown or aborted uploads', async () => {
    const key = 'mp/aborted';
    const { uploadId, completed } = await upload(key, [Buffer.from('part one')]);
    await store().abortMultipartUpload(bucket, key, uploadId);
    await expectCode(store().listParts(bucket, key, uploadId), 'NoSuchUpload');
    await expectCode(store().completeMultipartUpload({ bucket, key, uploadId, parts: completed }), 'NoSuchUpload');
    await expectCode(store().uploadPart({ bucket, key, uploadId, partNumber: 2, body: bodyOf('x') }), 'NoSuchUpload');
    await expectCode(store().abortMultipartUpload(bucket, key, 'no-such-upload-id'), 'NoSuchUpload');
    assert.equal(await store().headObject(bucket, key), undefined);
  });

  test('an open upload keeps its bucket from being deleted', async () => {
    const name = uniqueBucket('open-upload');
    await store().createBucket(name, 'us-east-1', OWNER);
    const { uploadId } = await store().createMultipartUpload({ bucket: name, key: 'k' });
    await expectCode(store().deleteBucket(name), 'BucketNotEmpty');
    await store().abortMultipartUpload(name, 'k', uploadId);
    await store().deleteBucket(name);
  });

  test('multipart on a missing bucket', async () => {
    await expectCode(store().createMultipartUpload({ bucket: uniqueBucket('none'), key: 'k' }), 'NoSuchBucket');
  });
}
