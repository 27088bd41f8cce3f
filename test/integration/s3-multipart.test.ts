/**
 * Multipart uploads through the official client: the explicit sequence (create, upload parts,
 * list, complete, read back), abort, S3's completion errors, and @aws-sdk/lib-storage's Upload
 * driving it on its own.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/s3.js';

let server: TestServer;
let s3: S3Client;
const BUCKET = 'multipart-bucket';
const MiB = 1024 * 1024;

before(async () => {
  server = await startTestServer();
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
after(async () => server.stop());

function filled(size: number, byte: number): Buffer {
  return Buffer.alloc(size, byte);
}

async function upload(key: string, parts: Buffer[], meta: { ContentType?: string } = {}) {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ...meta }));
  assert.ok(UploadId);
  const etags: string[] = [];
  for (const [i, body] of parts.entries()) {
    const out = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body }));
    etags.push(out.ETag!);
  }
  return { uploadId: UploadId, etags };
}

test('create, upload parts, list them, complete, read the object back', async () => {
  const parts = [filled(5 * MiB, 0x61), filled(5 * MiB, 0x62), filled(1000, 0x63)];
  const { uploadId, etags } = await upload('big/object.bin', parts, { ContentType: 'application/x-parts' });
  assert.deepEqual(etags, parts.map((p) => `"${createHash('md5').update(p).digest('hex')}"`));

  const listed = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/object.bin', UploadId: uploadId }));
  assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), parts.map((p, i) => [i + 1, p.length, etags[i]]));
  const paged = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/object.bin', UploadId: uploadId, MaxParts: 2 }));
  assert.equal(paged.IsTruncated, true);
  assert.equal(paged.NextPartNumberMarker, '2');
  const rest = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/object.bin', UploadId: uploadId, PartNumberMarker: '2' }));
  assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [3]);

  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: 'big/object.bin',
      UploadId: uploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
  assert.equal(done.ETag, `"${createHash('md5').update(md5s).digest('hex')}-3"`);
  assert.equal(done.Bucket, BUCKET);
  assert.equal(done.Key, 'big/object.bin');
  assert.match(done.Location ?? '', /\/multipart-bucket\/big\/object\.bin$/);

  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/object.bin' }));
  const bytes = Buffer.from(await got.Body!.transformToByteArray());
  assert.ok(bytes.equals(Buffer.concat(parts)));
  assert.equal(got.ContentType, 'application/x-parts');
  assert.equal(got.ETag, done.ETag);
  const tail = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/object.bin', Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` }));
  assert.equal(await tail.Body!.transformToString(), 'aabb', 'a range across a part boundary');
  await rejectsWith(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/object.bin', UploadId: uploadId })), 'NoSuchUpload', 404);
});

test('abort drops the upload', async () => {
  const { uploadId } = await upload('aborted', [filled(100, 1)]);
  await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId }));
  await rejectsWith(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId })), 'NoSuchUpload', 404);
  await rejectsWith(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId, PartNumber: 2, Body: 'x' })), 'NoSuchUpload', 404);
  await rejectsWith(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'aborted' })), 'NotFound', 404);
});

test("completion errors: unknown part, wrong order, a small part that is not the last, bad part number", async () => {
  const { uploadId, etags } = await upload('errors', [filled(100, 1), filled(100, 2)]);
  const complete = (Parts: { ETag: string; PartNumber: number }[]) =>
    s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'errors', UploadId: uploadId, MultipartUpload: { Parts } }));
  await rejectsWith(complete([{ ETag: '"00000000000000000000000000000000"', PartNumber: 1 }]), 'InvalidPart', 400);
  await rejectsWith(complete([{ ETag: etags[1]!, PartNumber: 2 }, { ETag: etags[0]!, PartNumber: 1 }]), 'InvalidPartOrder', 400);
  await rejectsWith(complete([{ ETag: etags[0]!, PartNumber: 1 }, { ETag: etags[1]!, PartNumber: 2 }]), 'EntityTooSmall', 400);
  await rejectsWith(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'errors', UploadId: uploadId, PartNumber: 10001, Body: 'x' })), 'InvalidArgument', 400);
  await rejectsWith(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'errors', UploadId: 'no-such-upload', MultipartUpload: { Parts: [{ ETag: etags[0]!, PartNumber: 1 }] } })), 'NoSuchUpload', 404);
  // a single small part is a valid (last) part
  const one = await complete([{ ETag: etags[0]!, PartNumber: 1 }]);
  assert.match(one.ETag ?? '', /-1"$/);
});

test('lib-storage Upload splits a 12 MiB body into parts on its own', async () => {
  const body = Buffer.concat([filled(6 * MiB, 7), filled(6 * MiB, 9)]);
  const result = await new Upload({ client: s3, params: { Bucket: BUCKET, Key: 'managed.bin', Body: body }, partSize: 5 * MiB, queueSize: 2 }).done();
  assert.match(result.ETag ?? '', /-3"$/);
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'managed.bin' }));
  assert.equal(got.ContentLength, body.length);
  const md5 = createHash('md5').update(Buffer.from(await got.Body!.transformToByteArray())).digest('hex');
  assert.equal(md5, createHash('md5').update(body).digest('hex'));
});
