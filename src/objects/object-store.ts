/**
 * The bucket store trails deliver into and users read with S3 clients (DESIGN "objects/").
 * Two implementations share this interface and one contract suite
 * (test/contract/object-store.contract.ts): `embedded` (files under the data dir, metadata in
 * SQLite, AES-256-GCM at rest) and `s3` (any S3-compatible endpoint through @aws-sdk/client-s3).
 * Bodies are streams both ways so a 1 GiB object never sits in memory. Failures a client can
 * cause are `ObjectStoreError`s carrying S3's error code; the S3 wire service renders them.
 */
import type { Readable } from 'node:stream';

/** S3 error codes the store raises (the S3 wire service maps them to status and XML). */
export type ObjectStoreErrorCode =
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'NoSuchBucketPolicy'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketAlreadyExists'
  | 'BucketNotEmpty'
  | 'InvalidBucketName'
  | 'InvalidRange'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'InvalidArgument'
  | 'MalformedPolicy'
  | 'PreconditionFailed'
  | 'AccessDenied';

export class ObjectStoreError extends Error {
  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }
}

export interface BucketInfo {
  name: string;
  creationDateMs: number;
  /** LocationConstraint region (us-east-1 when created without one). */
  region: string;
  /** Owning account id. */
  ownerAccountId: string;
}

export interface ObjectMeta {
  key: string;
  /** Plaintext size in bytes. */
  size: number;
  /** Quoted hex MD5 (`"…"`) for single PUTs; `"<md5-of-md5s>-<parts>"` for multipart. */
  etag: string;
  lastModifiedMs: number;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  cacheControl?: string;
  contentLanguage?: string;
  /** `x-amz-meta-*` without the prefix, names lower-cased. */
  userMetadata: Record<string, string>;
  /** 'AES256' (SSE-S3) or 'aws:kms' (SSE-KMS) for the embedded store; what the backend says for s3. */
  serverSideEncryption?: string;
  /** The KMS key ARN when `serverSideEncryption` is 'aws:kms'. */
  sseKmsKeyId?: string;
}

/** What the caller supplies with a PUT (everything but the bytes). */
export interface PutObjectInput {
  bucket: string;
  key: string;
  body: Readable;
  /** Declared length when known (the store may use it to preallocate / stream to S3). */
  contentLength?: number;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  cacheControl?: string;
  contentLanguage?: string;
  userMetadata?: Record<string, string>;
  /** SSE-S3 when absent. 'aws:kms' encrypts under `sseKmsKeyId` (a key OpenTrail manages). */
  serverSideEncryption?: 'AES256' | 'aws:kms';
  /** KMS key ARN (or id); only with 'aws:kms'. */
  sseKmsKeyId?: string;
}

/** How a write asks for its object to be encrypted at rest (S3's `x-amz-server-side-encryption*`). */
export type ObjectEncryption = Pick<PutObjectInput, 'serverSideEncryption' | 'sseKmsKeyId'>;

/** An object's HTTP headers and user metadata, as a write sets them. */
export type ObjectMetadata = Omit<PutObjectInput, 'bucket' | 'key' | 'body' | 'contentLength' | keyof ObjectEncryption>;

/** Inclusive byte range, already resolved against the object size by the caller or the store. */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface GetObjectResult {
  meta: ObjectMeta;
  body: Readable;
  /** Set when a range was served. */
  range?: ByteRange;
}

export interface ListObjectsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  /** Keys strictly greater than this (v1 Marker, v2 StartAfter / continuation). */
  after?: string;
  /** 1..1000. */
  maxKeys: number;
}

export interface ListObjectsResult {
  /** Lexicographic (UTF-8 byte) order. */
  objects: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Last key or common prefix returned, to continue after when truncated. */
  nextAfter?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModifiedMs: number;
}

export interface ObjectStore {
  /** 'embedded' | 's3': shown in logs and the README. */
  readonly kind: string;

  createBucket(name: string, region: string, ownerAccountId: string): Promise<BucketInfo>;
  /** Fails with BucketNotEmpty unless the bucket has no objects and no open uploads. */
  deleteBucket(name: string): Promise<void>;
  /** undefined when there is no such bucket. */
  headBucket(name: string): Promise<BucketInfo | undefined>;
  listBuckets(ownerAccountId: string): Promise<BucketInfo[]>;

  /** The policy JSON text as stored; NoSuchBucketPolicy when none. */
  getBucketPolicy(bucket: string): Promise<string>;
  putBucketPolicy(bucket: string, policy: string): Promise<void>;
  deleteBucketPolicy(bucket: string): Promise<void>;

  /** Durable when it resolves (data and metadata). Replaces an existing key atomically. */
  putObject(input: PutObjectInput): Promise<ObjectMeta>;
  /** InvalidRange when the range starts past the end. */
  getObject(bucket: string, key: string, range?: ByteRange): Promise<GetObjectResult>;
  /** undefined when there is no such key (NoSuchBucket still throws). */
  headObject(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  /** No error when the key does not exist (S3 semantics). */
  deleteObject(bucket: string, key: string): Promise<void>;
  /**
   * Copies bytes and, unless `metadata` is given (MetadataDirective REPLACE), metadata. The
   * target is encrypted as `encryption` says when given (S3 takes a copy's encryption from the
   * request whatever the directive), else as the source is.
   */
  copyObject(
    source: { bucket: string; key: string },
    target: { bucket: string; key: string },
    metadata?: ObjectMetadata,
    encryption?: ObjectEncryption,
  ): Promise<ObjectMeta>;
  listObjects(input: ListObjectsInput): Promise<ListObjectsResult>;

  createMultipartUpload(input: Omit<PutObjectInput, 'body' | 'contentLength'>): Promise<{ uploadId: string }>;
  uploadPart(input: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: Readable;
    contentLength?: number;
  }): Promise<{ etag: string }>;
  /** InvalidPart / InvalidPartOrder / EntityTooSmall (parts but the last < 5 MiB) as S3. */
  completeMultipartUpload(input: {
    bucket: string;
    key: string;
    uploadId: string;
    parts: CompletedPart[];
  }): Promise<ObjectMeta>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listParts(bucket: string, key: string, uploadId: string): Promise<PartInfo[]>;

  close(): Promise<void>;
}

/**
 * A bucket's policy text, or undefined when it has none; with `missingBucket: 'none'` a bucket
 * that does not exist counts as one without a policy (authorization), else it is an error.
 */
export async function bucketPolicyText(
  objects: Pick<ObjectStore, 'getBucketPolicy'>,
  bucket: string,
  opts: { missingBucket: 'none' | 'error' },
): Promise<string | undefined> {
  try {
    return await objects.getBucketPolicy(bucket);
  } catch (e) {
    if (!(e instanceof ObjectStoreError)) throw e;
    if (e.code === 'NoSuchBucketPolicy' || (e.code === 'NoSuchBucket' && opts.missingBucket === 'none')) return undefined;
    throw e;
  }
}
