/**
 * Multipart uploads: each part is its own encrypted chunk file; completing an upload commits a
 * manifest (the listed parts become the object's chunks, in order) so no byte is copied. Parts
 * not listed at completion, replaced parts and aborted uploads release their files.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Clock } from '../../lib/clock.js';
import type { CompletedPart, ObjectMeta, PartInfo, PutObjectInput } from '../object-store.js';
import { keyBytes, type Catalog } from './catalog.js';
import type { StoredChunk } from './chunk-reader.js';
import type { WrittenChunk } from './chunk-writer.js';
import { s3Error } from './errors.js';
import type { ChunkFiles } from './files.js';
import { headersFrom, type ObjectHeaders } from './meta.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

interface PartRow extends StoredChunk {
  part_number: number;
  etag: string;
  modified_ms: number;
}

export class Multipart {
  constructor(
    private readonly catalog: Catalog,
    private readonly files: ChunkFiles,
    /** Writes a chunk whose data key is wrapped for `kmsKeyId` (SSE-KMS) or the master key. */
    private readonly writeChunk: (body: Readable, kmsKeyId: string | undefined) => Promise<WrittenChunk>,
    private readonly clock: Clock,
  ) {}

  create(input: Omit<PutObjectInput, 'body' | 'contentLength'>): { uploadId: string } {
    this.catalog.requireBucket(input.bucket);
    const uploadId = randomBytes(32).toString('base64url');
    this.catalog
      .q('INSERT INTO uploads (upload_id, bucket, key, created_ms, headers) VALUES (?, ?, ?, ?, ?)')
      .run(uploadId, input.bucket, keyBytes(input.key), this.clock.now(), JSON.stringify(headersFrom(input, input)));
    return { uploadId };
  }

  async uploadPart(input: { bucket: string; key: string; uploadId: string; partNumber: number; body: Readable }): Promise<{ etag: string }> {
    const { bucket, key, uploadId, partNumber } = input;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw s3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`);
    }
    // Parts are encrypted as the object will be: completion only lists them.
    const { sseKmsKeyId } = this.requireUpload(bucket, key, uploadId);
    const chunk = await this.writeChunk(input.body, sseKmsKeyId);
    const etag = `"${chunk.md5.toString('hex')}"`;
    let dropped: string[];
    try {
      dropped = this.catalog.db.transaction(() => {
        this.requireUpload(bucket, key, uploadId); // it may have been completed or aborted meanwhile
        const old = this.catalog.q('SELECT file FROM upload_parts WHERE upload_id = ? AND part_number = ?').pluck().all(uploadId, partNumber) as string[];
        this.catalog
          .q('INSERT OR REPLACE INTO upload_parts (upload_id, part_number, file, size, etag, modified_ms, crypt) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(uploadId, partNumber, chunk.file, chunk.size, etag, this.clock.now(), chunk.crypt);
        return old;
      }).immediate();
    } catch (err) {
      this.release([chunk.file]);
      throw err;
    }
    this.release(dropped);
    return { etag };
  }

  complete(input: { bucket: string; key: string; uploadId: string; parts: readonly CompletedPart[] }): ObjectMeta {
    const { bucket, key, uploadId } = input;
    const headers = this.requireUpload(bucket, key, uploadId);
    const chosen = this.choose(uploadId, input.parts);
    const etag = multipartEtag(chosen.map((p) => p.etag));
    const size = chosen.reduce((sum, p) => sum + p.size, 0);
    const modifiedMs = this.clock.now();
    const dropped = this.catalog.db.transaction(() => {
      const replaced = this.catalog.commitObject({ bucket, key, size, etag, modifiedMs, headers, chunks: chosen });
      return [...replaced, ...this.dropUpload(uploadId)];
    }).immediate();
    this.release(dropped);
    return this.catalog.object(bucket, key)!;
  }

  abort(bucket: string, key: string, uploadId: string): void {
    this.requireUpload(bucket, key, uploadId);
    this.release(this.catalog.db.transaction(() => this.dropUpload(uploadId)).immediate());
  }

  listParts(bucket: string, key: string, uploadId: string): PartInfo[] {
    this.requireUpload(bucket, key, uploadId);
    return this.parts(uploadId).map((p) => ({ partNumber: p.part_number, etag: p.etag, size: p.size, lastModifiedMs: p.modified_ms }));
  }

  /** The stored parts a completion lists, checked as S3 checks them: order, existence, size. */
  private choose(uploadId: string, listed: readonly CompletedPart[]): PartRow[] {
    if (listed.length === 0) throw s3Error('InvalidArgument', 'You must specify at least one part');
    if (listed.some((part, i) => i > 0 && part.partNumber <= listed[i - 1]!.partNumber)) throw s3Error('InvalidPartOrder');
    const stored = new Map(this.parts(uploadId).map((p) => [p.part_number, p]));
    const rows = listed.map((part) => {
      const row = stored.get(part.partNumber);
      if (!row || unquote(row.etag) !== unquote(part.etag)) throw s3Error('InvalidPart');
      return row;
    });
    if (rows.some((row, i) => i < rows.length - 1 && row.size < MIN_PART_SIZE)) throw s3Error('EntityTooSmall');
    return rows;
  }

  private parts(uploadId: string): PartRow[] {
    return this.catalog
      .q('SELECT part_number, file, size, etag, modified_ms, crypt FROM upload_parts WHERE upload_id = ? ORDER BY part_number')
      .all(uploadId) as PartRow[];
  }

  /** Deletes the upload and its parts; returns the part files (some may now be object chunks). */
  private dropUpload(uploadId: string): string[] {
    const files = this.catalog.q('SELECT file FROM upload_parts WHERE upload_id = ?').pluck().all(uploadId) as string[];
    this.catalog.q('DELETE FROM upload_parts WHERE upload_id = ?').run(uploadId);
    this.catalog.q('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
    return files;
  }

  /** The upload's stored headers; NoSuchBucket / NoSuchUpload as S3. */
  private requireUpload(bucket: string, key: string, uploadId: string): ObjectHeaders {
    this.catalog.requireBucket(bucket);
    const headers = this.catalog
      .q('SELECT headers FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?')
      .pluck()
      .get(uploadId, bucket, keyBytes(key)) as string | undefined;
    if (headers === undefined) throw s3Error('NoSuchUpload');
    return JSON.parse(headers) as ObjectHeaders;
  }

  private release(files: readonly string[]): void {
    this.files.release(files, (f) => this.catalog.isReferenced(f));
  }
}

/** `"<hex md5 of the concatenated binary part MD5s>-<part count>"`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash('md5');
  for (const etag of partEtags) hash.update(Buffer.from(unquote(etag), 'hex'));
  return `"${hash.digest('hex')}-${partEtags.length}"`;
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
