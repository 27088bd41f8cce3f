/**
 * The ObjectStore over any S3-compatible endpoint (AWS S3, MinIO, ...) through
 * @aws-sdk/client-s3. Bodies stream both ways: a PUT of known length is one streamed PutObject,
 * one of unknown length goes through lib-storage's Upload (bounded memory, multipart when large).
 * Encryption at rest is the endpoint's: a write's SSE-KMS key (or explicit SSE-S3) is passed on,
 * and `serverSideEncryption` / `sseKmsKeyId` report what the endpoint says.
 */
import {
  CopyObjectCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import type {
  BucketInfo,
  ByteRange,
  CompletedPart,
  GetObjectResult,
  ListObjectsInput,
  ListObjectsResult,
  ObjectEncryption,
  ObjectMeta,
  ObjectMetadata,
  ObjectStore,
  PartInfo,
  PutObjectInput,
} from '../object-store.js';
import { s3Error } from '../embedded/errors.js';
import { createBucket, headBucket, listBuckets } from './buckets.js';
import { call, isNotFound, mapError } from './errors.js';
import { listObjects } from './listing.js';
import { encryptionOf, metaFromHead, sdkEncryption, sdkHeaders } from './meta.js';
import { S3Multipart } from './multipart.js';

export interface S3ObjectStoreOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

/** Part size for uploads of unknown length (lib-storage keeps a few parts in memory). */
const UNKNOWN_LENGTH_PART_SIZE = 8 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly multipart: S3Multipart;

  constructor(options: S3ObjectStoreOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      forcePathStyle: options.forcePathStyle ?? false,
      // Compatible servers do not all accept the SDK's default trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.multipart = new S3Multipart(this.client, (bucket, key) => this.requireHead(bucket, key));
  }

  createBucket(name: string, region: string, ownerAccountId: string): Promise<BucketInfo> {
    return createBucket(this.client, name, region, ownerAccountId);
  }

  async deleteBucket(name: string): Promise<void> {
    // The interface keeps a bucket with open uploads (not every server does).
    const uploads = await call(() => this.client.send(new ListMultipartUploadsCommand({ Bucket: name, MaxUploads: 1 })));
    if ((uploads.Uploads ?? []).length > 0) throw s3Error('BucketNotEmpty');
    await call(() => this.client.send(new DeleteBucketCommand({ Bucket: name })));
  }

  headBucket(name: string): Promise<BucketInfo | undefined> {
    return headBucket(this.client, name);
  }

  listBuckets(ownerAccountId: string): Promise<BucketInfo[]> {
    return listBuckets(this.client, ownerAccountId);
  }

  async getBucketPolicy(bucket: string): Promise<string> {
    const out = await call(() => this.client.send(new GetBucketPolicyCommand({ Bucket: bucket })));
    if (out.Policy === undefined) throw s3Error('NoSuchBucketPolicy');
    return out.Policy;
  }

  async putBucketPolicy(bucket: string, policy: string): Promise<void> {
    await call(() => this.client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy })));
  }

  async deleteBucketPolicy(bucket: string): Promise<void> {
    await call(() => this.client.send(new DeleteBucketPolicyCommand({ Bucket: bucket })));
  }

  async putObject(input: PutObjectInput): Promise<ObjectMeta> {
    const params = { Bucket: input.bucket, Key: input.key, Body: input.body, ...sdkHeaders(input), ...sdkEncryption(input) };
    if (input.contentLength !== undefined) {
      await call(() => this.client.send(new PutObjectCommand({ ...params, ContentLength: input.contentLength })));
    } else {
      const upload = new Upload({ client: this.client, params, partSize: UNKNOWN_LENGTH_PART_SIZE, queueSize: 2 });
      await call(() => upload.done());
    }
    return this.requireHead(input.bucket, input.key);
  }

  async getObject(bucket: string, key: string, range?: ByteRange): Promise<GetObjectResult> {
    if (range && (range.start < 0 || range.end < range.start)) throw s3Error('InvalidRange');
    const out = await call(() =>
      this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) })),
    );
    const body = out.Body as Readable;
    const served = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? '');
    if (!range || !served) return { meta: metaFromHead(key, out), body };
    const meta = metaFromHead(key, out, Number(served[3]));
    return { meta, body, range: { start: Number(served[1]), end: Number(served[2]) } };
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    try {
      return metaFromHead(key, await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    } catch (err) {
      if (!isNotFound(err)) return mapError(err);
      // A HEAD 404 has no body: tell a missing key from a missing bucket.
      if (!(await this.headBucket(bucket))) throw s3Error('NoSuchBucket');
      return undefined;
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await call(() => this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  }

  async copyObject(
    source: { bucket: string; key: string },
    target: { bucket: string; key: string },
    metadata?: ObjectMetadata,
    encryption?: ObjectEncryption,
  ): Promise<ObjectMeta> {
    // S3 gives a copy the bucket's default encryption unless asked: keeping the source's means asking for it.
    const targetEncryption = encryption ?? encryptionOf(await this.requireHead(source.bucket, source.key));
    await call(() =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: `${source.bucket}/${encodeURIComponent(source.key)}`,
          ...(metadata ? { MetadataDirective: 'REPLACE', ...sdkHeaders(metadata) } : { MetadataDirective: 'COPY' }),
          ...sdkEncryption(targetEncryption),
        }),
      ),
    );
    return this.requireHead(target.bucket, target.key);
  }

  listObjects(input: ListObjectsInput): Promise<ListObjectsResult> {
    return listObjects(this.client, input);
  }

  createMultipartUpload(input: Omit<PutObjectInput, 'body' | 'contentLength'>): Promise<{ uploadId: string }> {
    return this.multipart.create(input);
  }

  uploadPart(input: { bucket: string; key: string; uploadId: string; partNumber: number; body: Readable; contentLength?: number }): Promise<{ etag: string }> {
    return this.multipart.uploadPart(input);
  }

  completeMultipartUpload(input: { bucket: string; key: string; uploadId: string; parts: CompletedPart[] }): Promise<ObjectMeta> {
    return this.multipart.complete(input);
  }

  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    return this.multipart.abort(bucket, key, uploadId);
  }

  listParts(bucket: string, key: string, uploadId: string): Promise<PartInfo[]> {
    return this.multipart.listParts(bucket, key, uploadId);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The object's metadata after a write (S3 answers a write without most of it). */
  private async requireHead(bucket: string, key: string): Promise<ObjectMeta> {
    const meta = await this.headObject(bucket, key);
    if (!meta) throw s3Error('NoSuchKey');
    return meta;
  }
}
