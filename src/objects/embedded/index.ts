/**
 * The embedded ObjectStore: objects as encrypted chunk files under `dir` (files.ts, crypto.ts),
 * metadata in `dir/objects.db` (schema.ts, catalog.ts). A write resolves only when its file is
 * fsynced and published and its metadata committed; replaced files are removed after the commit
 * and crash leftovers at the next open.
 */
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Clock } from '../../lib/clock.js';
import { GroupCommit } from '../../store/sqlite/group-commit.js';
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
import { checkBucketName } from './bucket-name.js';
import { Catalog, type NewObject } from './catalog.js';
import { readChunks } from './chunk-reader.js';
import { writeChunk } from './chunk-writer.js';
import { KeyWrapper } from './crypto.js';
import { s3Error } from './errors.js';
import { ChunkFiles } from './files.js';
import { Md5Worker } from './md5-worker.js';
import { listObjects } from './listing.js';
import { encryptionOf, headersFrom, objectMeta, type ObjectHeaders } from './meta.js';
import { Multipart } from './multipart.js';
import { openObjectDatabase } from './schema.js';

export interface EmbeddedObjectStoreOptions {
  /** e.g. `<dataDir>/objects`; created if missing. */
  dir: string;
  /** 32 bytes; wraps every object's data key (SSE-KMS objects': through a key derived from it). */
  masterKey: Uint8Array;
  clock: Clock;
}

/** Decrypted segments the body stream buffers ahead of its consumer. */
const READ_AHEAD_SEGMENTS = 4;

type ObjectBody = Pick<NewObject, 'size' | 'etag' | 'chunks'>;

/** A PUT waiting for its group commit; `dropped` receives the files of the version it replaced. */
interface PendingCommit {
  object: NewObject;
  dropped: string[];
}

export class EmbeddedObjectStore implements ObjectStore {
  readonly kind = 'embedded';
  private readonly multipart: Multipart;
  private readonly commits: GroupCommit<PendingCommit>;
  private readonly md5 = new Md5Worker();

  private constructor(
    private readonly catalog: Catalog,
    private readonly files: ChunkFiles,
    private readonly keys: KeyWrapper,
    private readonly clock: Clock,
  ) {
    this.multipart = new Multipart(catalog, files, (body, kmsKeyId) => writeChunk(body, files, keys.forKmsKey(kmsKeyId), this.md5), clock);
    this.commits = new GroupCommit(async (group) => {
      catalog.db.transaction(() => {
        for (const pending of group) pending.dropped = catalog.commitObject(pending.object);
      }).immediate();
    });
  }

  static async open(opts: EmbeddedObjectStoreOptions): Promise<EmbeddedObjectStore> {
    const keys = new KeyWrapper(opts.masterKey);
    const catalog = new Catalog(openObjectDatabase(join(opts.dir, 'objects.db')));
    try {
      const files = await ChunkFiles.open(opts.dir, (f) => catalog.isReferenced(f));
      return new EmbeddedObjectStore(catalog, files, keys, opts.clock);
    } catch (err) {
      catalog.db.close();
      throw err;
    }
  }

  async createBucket(name: string, region: string, ownerAccountId: string): Promise<BucketInfo> {
    checkBucketName(name);
    const existing = this.catalog.bucket(name);
    if (existing) throw s3Error(existing.ownerAccountId === ownerAccountId ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists');
    const info: BucketInfo = { name, region, ownerAccountId, creationDateMs: this.clock.now() };
    this.catalog.insertBucket(info);
    return info;
  }

  async deleteBucket(name: string): Promise<void> {
    this.catalog.deleteBucket(name);
  }

  async headBucket(name: string): Promise<BucketInfo | undefined> {
    return this.catalog.bucket(name);
  }

  async listBuckets(ownerAccountId: string): Promise<BucketInfo[]> {
    return this.catalog.bucketsOf(ownerAccountId);
  }

  async getBucketPolicy(bucket: string): Promise<string> {
    const policy = this.catalog.policy(bucket);
    if (policy === null) throw s3Error('NoSuchBucketPolicy');
    return policy;
  }

  async putBucketPolicy(bucket: string, policy: string): Promise<void> {
    this.catalog.setPolicy(bucket, policy);
  }

  async deleteBucketPolicy(bucket: string): Promise<void> {
    this.catalog.setPolicy(bucket, null);
  }

  async putObject(input: PutObjectInput): Promise<ObjectMeta> {
    this.catalog.requireBucket(input.bucket);
    const headers = headersFrom(input, input);
    const chunk = await writeChunk(input.body, this.files, this.keys.forKmsKey(headers.sseKmsKeyId), this.md5);
    return this.groupCommit(input.bucket, input.key, headers, {
      size: chunk.size,
      etag: `"${chunk.md5.toString('hex')}"`,
      chunks: [chunk],
    });
  }

  async getObject(bucket: string, key: string, range?: ByteRange): Promise<GetObjectResult> {
    const meta = this.requireObject(bucket, key);
    const chunks = this.catalog.chunks(bucket, key);
    let served: ByteRange | undefined;
    if (range) {
      if (range.start >= meta.size || range.start < 0 || range.end < range.start) throw s3Error('InvalidRange');
      served = { start: range.start, end: Math.min(range.end, meta.size - 1) };
    }
    const names = chunks.map((c) => c.file);
    // Pinned until the stream closes, however it ends: a concurrent replace must not remove them.
    this.files.pin(names);
    // Object mode hands each decrypted segment on as it is (a byte-mode buffer would concatenate
    // whatever is queued, copying it); the chunks are still Buffers for any byte consumer.
    const keys = this.keys.forKmsKey(meta.sseKmsKeyId);
    const body = Readable.from(readChunks(chunks, served?.start ?? 0, served?.end ?? meta.size - 1, this.files, keys), {
      objectMode: true,
      highWaterMark: READ_AHEAD_SEGMENTS,
    });
    body.once('close', () => this.files.unpin(names));
    return served ? { meta, body, range: served } : { meta, body };
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    this.catalog.requireBucket(bucket);
    return this.catalog.object(bucket, key);
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    this.release(this.catalog.deleteObject(bucket, key));
  }

  async copyObject(
    source: { bucket: string; key: string },
    target: { bucket: string; key: string },
    metadata?: ObjectMetadata,
    encryption?: ObjectEncryption,
  ): Promise<ObjectMeta> {
    // Copies share the encrypted files: a copy of any size is one metadata commit (a copy under
    // another key re-wraps each chunk's data key, not its bytes).
    const meta = this.requireObject(source.bucket, source.key);
    const headers = headersFrom(metadata ?? meta, encryption ?? encryptionOf(meta));
    let chunks = this.catalog.chunks(source.bucket, source.key);
    if (headers.sseKmsKeyId !== meta.sseKmsKeyId) {
      const [from, to] = [this.keys.forKmsKey(meta.sseKmsKeyId), this.keys.forKmsKey(headers.sseKmsKeyId)];
      chunks = chunks.map((c) => ({ ...c, crypt: to.rewrap(c.crypt, from) }));
    }
    return this.commit(target.bucket, target.key, headers, { size: meta.size, etag: meta.etag, chunks });
  }

  async listObjects(input: ListObjectsInput): Promise<ListObjectsResult> {
    return listObjects(this.catalog, input);
  }

  async createMultipartUpload(input: Omit<PutObjectInput, 'body' | 'contentLength'>): Promise<{ uploadId: string }> {
    return this.multipart.create(input);
  }

  async uploadPart(input: {
    bucket: string;
    key: string;
    uploadId: string;
    partNumber: number;
    body: Readable;
    contentLength?: number;
  }): Promise<{ etag: string }> {
    return this.multipart.uploadPart(input);
  }

  async completeMultipartUpload(input: { bucket: string; key: string; uploadId: string; parts: CompletedPart[] }): Promise<ObjectMeta> {
    return this.multipart.complete(input);
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    this.multipart.abort(bucket, key, uploadId);
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<PartInfo[]> {
    return this.multipart.listParts(bucket, key, uploadId);
  }

  async close(): Promise<void> {
    await this.commits.flush();
    await this.md5.close();
    this.catalog.db.close();
  }

  /** Synchronous, so metadata, chunk list and pins are read in one step with no commit between. */
  private requireObject(bucket: string, key: string): ObjectMeta {
    this.catalog.requireBucket(bucket);
    const meta = this.catalog.object(bucket, key);
    if (!meta) throw s3Error('NoSuchKey');
    return meta;
  }

  /** Commits a new version of a key now (callers that must not yield between read and write). */
  private commit(bucket: string, key: string, headers: ObjectHeaders, body: ObjectBody): ObjectMeta {
    const object: NewObject = { bucket, key, modifiedMs: this.clock.now(), headers, ...body };
    try {
      this.release(this.catalog.commitObject(object));
    } catch (err) {
      this.discard(object);
      throw err;
    }
    return objectMeta(key, body.size, body.etag, object.modifiedMs, headers);
  }

  /** Commits a new version of a key with whatever else commits in this turn (one fsync). */
  private async groupCommit(bucket: string, key: string, headers: ObjectHeaders, body: ObjectBody): Promise<ObjectMeta> {
    const pending: PendingCommit = { object: { bucket, key, modifiedMs: this.clock.now(), headers, ...body }, dropped: [] };
    try {
      await this.commits.submit(pending);
    } catch (err) {
      this.discard(pending.object);
      throw err;
    }
    this.release(pending.dropped);
    return objectMeta(key, body.size, body.etag, pending.object.modifiedMs, headers);
  }

  /** After a failed commit: new files nobody references (e.g. the bucket vanished) must not linger. */
  private discard(object: NewObject): void {
    this.release(object.chunks.map((c) => c.file));
  }

  private release(files: readonly string[]): void {
    this.files.release(files, (f) => this.catalog.isReferenced(f));
  }
}
