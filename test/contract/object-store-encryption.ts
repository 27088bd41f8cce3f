/**
 * Contract cases: server-side encryption. A write names SSE-KMS with a key ARN and every read of
 * the object reports it; multipart uploads and copies carry it; a copy takes the encryption it is
 * given, else its source's. Objects written without one are SSE-S3: AWS and the embedded store
 * report 'AES256', some compatible servers (moto, MinIO without a KMS) report nothing, none
 * report SSE-KMS. Listings report encryption only where the backend lists it (S3 does not).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ObjectMeta, ObjectStore } from '../../src/objects/object-store.js';
import { MiB, OWNER, bodyOf, expectCode, prngBytes, readAll, uniqueBucket } from './object-store-helpers.js';

const KEY_A = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_B = 'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';
const kms = (sseKmsKeyId: string) => ({ serverSideEncryption: 'aws:kms' as const, sseKmsKeyId });

function assertKms(meta: ObjectMeta | undefined, keyArn: string, what: string): void {
  assert.equal(meta?.serverSideEncryption, 'aws:kms', what);
  assert.equal(meta?.sseKmsKeyId, keyArn, what);
}

function assertSseS3(meta: ObjectMeta | undefined, what: string): void {
  assert.ok(meta, what);
  if (meta.serverSideEncryption !== undefined) assert.equal(meta.serverSideEncryption, 'AES256', what);
  assert.equal(meta.sseKmsKeyId, undefined, what);
}

export function encryptionCases(store: () => ObjectStore): void {
  const bucket = uniqueBucket('sse');
  before(async () => {
    await store().createBucket(bucket, 'us-east-1', OWNER);
  });

  /** Asserts head, get (bytes too) and, where listed, the listing report `keyArn` for `key`. */
  async function expectKmsObject(key: string, keyArn: string, data: Buffer): Promise<void> {
    assertKms(await store().headObject(bucket, key), keyArn, `head ${key}`);
    const got = await store().getObject(bucket, key);
    assertKms(got.meta, keyArn, `get ${key}`);
    assert.ok((await readAll(got.body)).equals(data), `bytes of ${key}`);
    const ranged = await store().getObject(bucket, key, { start: 1, end: 3 });
    assert.ok((await readAll(ranged.body)).equals(data.subarray(1, 4)), `range of ${key}`);
    const listed = (await store().listObjects({ bucket, prefix: key, maxKeys: 1 })).objects[0];
    assert.equal(listed?.key, key);
    if (listed.serverSideEncryption !== undefined) assertKms(listed, keyArn, `list ${key}`);
  }

  test('SSE-S3 by default or when asked; SSE-KMS under the key named, reported by put, head, get and list', async () => {
    assertSseS3(await store().putObject({ bucket, key: 'sse/default', body: bodyOf('plain') }), 'put default');
    assertSseS3(await store().headObject(bucket, 'sse/default'), 'head default');
    const asked = await store().putObject({ bucket, key: 'sse/s3', body: bodyOf('asked'), serverSideEncryption: 'AES256' });
    assert.equal(asked.serverSideEncryption, 'AES256');
    assert.equal((await store().headObject(bucket, 'sse/s3'))?.serverSideEncryption, 'AES256');

    const data = prngBytes(21, 300 * 1024 + 3);
    const put = await store().putObject({ bucket, key: 'sse/kms', body: bodyOf(data), contentLength: data.length, ...kms(KEY_A) });
    assertKms(put, KEY_A, 'put');
    await expectKmsObject('sse/kms', KEY_A, data);

    // A new version takes the new write's encryption.
    await store().putObject({ bucket, key: 'sse/kms', body: bodyOf('now SSE-S3') });
    assertSseS3(await store().headObject(bucket, 'sse/kms'), 'replaced');
    assert.equal((await readAll((await store().getObject(bucket, 'sse/kms')).body)).toString(), 'now SSE-S3');
  });

  test('a multipart upload opened with SSE-KMS completes into an SSE-KMS object', async () => {
    const key = 'sse/multipart';
    const parts = [prngBytes(22, 5 * MiB), prngBytes(23, 1000)];
    const { uploadId } = await store().createMultipartUpload({ bucket, key, contentType: 'text/x-parts', ...kms(KEY_B) });
    const completed = [];
    for (const [i, body] of parts.entries()) {
      const { etag } = await store().uploadPart({ bucket, key, uploadId, partNumber: i + 1, body: bodyOf(body), contentLength: body.length });
      completed.push({ partNumber: i + 1, etag });
    }
    assertKms(await store().completeMultipartUpload({ bucket, key, uploadId, parts: completed }), KEY_B, 'complete');
    assert.equal((await store().headObject(bucket, key))?.contentType, 'text/x-parts');
    await expectKmsObject(key, KEY_B, Buffer.concat(parts));
  });

  test('a copy keeps its source encryption unless given one, with or without new metadata', async () => {
    const data = prngBytes(24, 2 * MiB + 5);
    await store().putObject({ bucket, key: 'sse/source', body: bodyOf(data), userMetadata: { origin: 'kms' }, ...kms(KEY_A) });
    assertKms(await store().copyObject({ bucket, key: 'sse/source' }, { bucket, key: 'sse/copy-kept' }), KEY_A, 'copy');
    await expectKmsObject('sse/copy-kept', KEY_A, data);
    assert.deepEqual((await store().headObject(bucket, 'sse/copy-kept'))?.userMetadata, { origin: 'kms' });

    await store().copyObject({ bucket, key: 'sse/source' }, { bucket, key: 'sse/copy-replaced' }, { contentType: 'text/new' });
    await expectKmsObject('sse/copy-replaced', KEY_A, data);

    await store().copyObject({ bucket, key: 'sse/source' }, { bucket, key: 'sse/copy-other-key' }, undefined, kms(KEY_B));
    await expectKmsObject('sse/copy-other-key', KEY_B, data);
    assert.deepEqual((await store().headObject(bucket, 'sse/copy-other-key'))?.userMetadata, { origin: 'kms' });

    const toS3 = await store().copyObject({ bucket, key: 'sse/source' }, { bucket, key: 'sse/copy-s3' }, undefined, { serverSideEncryption: 'AES256' });
    assert.equal(toS3.serverSideEncryption, 'AES256');
    assert.equal(toS3.sseKmsKeyId, undefined);
    assert.ok((await readAll((await store().getObject(bucket, 'sse/copy-s3')).body)).equals(data));

    // Back from SSE-S3 to SSE-KMS, then re-encrypted in place under another key.
    await store().copyObject({ bucket, key: 'sse/copy-s3' }, { bucket, key: 'sse/copy-back' }, undefined, kms(KEY_A));
    await expectKmsObject('sse/copy-back', KEY_A, data);
    await store().copyObject({ bucket, key: 'sse/copy-back' }, { bucket, key: 'sse/copy-back' }, undefined, kms(KEY_B));
    await expectKmsObject('sse/copy-back', KEY_B, data);
    // The source is untouched by its copies.
    await expectKmsObject('sse/source', KEY_A, data);
  });

  test('SSE-KMS needs a key; a key needs SSE-KMS', async () => {
    await expectCode(store().putObject({ bucket, key: 'sse/bad', body: bodyOf('x'), serverSideEncryption: 'aws:kms' }), 'InvalidArgument');
    await expectCode(store().putObject({ bucket, key: 'sse/bad', body: bodyOf('x'), sseKmsKeyId: KEY_A }), 'InvalidArgument');
    await expectCode(
      store().putObject({ bucket, key: 'sse/bad', body: bodyOf('x'), serverSideEncryption: 'AES256', sseKmsKeyId: KEY_A }),
      'InvalidArgument',
    );
    await expectCode(store().createMultipartUpload({ bucket, key: 'sse/bad', serverSideEncryption: 'aws:kms' }), 'InvalidArgument');
    await store().putObject({ bucket, key: 'sse/src', body: bodyOf('x') });
    await expectCode(store().copyObject({ bucket, key: 'sse/src' }, { bucket, key: 'sse/bad' }, undefined, { sseKmsKeyId: KEY_A }), 'InvalidArgument');
    assert.equal(await store().headObject(bucket, 'sse/bad'), undefined);
  });
}
