/** Multipart uploads on the endpoint, one SDK call per operation. */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ObjectStoreError, type CompletedPart, type ObjectMeta, type PartInfo, type PutObjectInput } from '../object-store.js';
import { s3Error } from '../embedded/errors.js';
import { call } from './errors.js';
import { sdkEncryption, sdkHeaders } from './meta.js';

export class S3Multipart {
  constructor(
    private readonly client: S3Client,
    private readonly head: (bucket: string, key: string) => Promise<ObjectMeta>,
  ) {}

  async create(input: Omit<PutObjectInput, 'body' | 'contentLength'>): Promise<{ uploadId: string }> {
    const out = await call(() =>
      this.client.send(
        new CreateMultipartUploadCommand({ Bucket: input.bucket, Key: input.key, ...sdkHeaders(input), ...sdkEncryption(input) }),
      ),
    );
    return { uploadId: out.UploadId ?? '' };
  }

  async uploadPart(input: { bucket: string; key: string; uploadId: string; partNumber: number; body: Readable; contentLength?: number }): Promise<{ etag: string }> {
    // S3 needs a part's length up front; a part of unknown length (rare: S3 clients must send
    // Content-Length) is read into memory first.
    const body = input.contentLength === undefined ? await buffer(input.body) : input.body;
    const out = await this.orNoSuchUpload(input, () =>
      this.client.send(
        new UploadPartCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          Body: body,
          ContentLength: input.contentLength ?? (body as Buffer).length,
        }),
      ),
    );
    return { etag: out.ETag ?? '' };
  }

  async complete(input: { bucket: string; key: string; uploadId: string; parts: readonly CompletedPart[] }): Promise<ObjectMeta> {
    // S3 requires strictly ascending part numbers; checked here too, as not every server does.
    if (input.parts.some((p, i) => i > 0 && p.partNumber <= input.parts[i - 1]!.partNumber)) throw s3Error('InvalidPartOrder');
    await this.orNoSuchUpload(input, () =>
      this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          MultipartUpload: { Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      ),
    );
    return this.head(input.bucket, input.key);
  }

  /**
   * Runs an upload operation; if it fails without an S3 error code (some servers answer an
   * unknown upload id with a 500), asks whether the upload exists so NoSuchUpload is reported.
   */
  private async orNoSuchUpload<T>(upload: { bucket: string; key: string; uploadId: string }, run: () => Promise<T>): Promise<T> {
    try {
      return await call(run);
    } catch (err) {
      if (!(err instanceof ObjectStoreError)) await this.listParts(upload.bucket, upload.key, upload.uploadId);
      throw err;
    }
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await call(() => this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })));
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<PartInfo[]> {
    const parts: PartInfo[] = [];
    let marker: string | undefined;
    for (;;) {
      const out = await call(() =>
        this.client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ...(marker ? { PartNumberMarker: marker } : {}) })),
      );
      for (const p of out.Parts ?? []) {
        parts.push({ partNumber: p.PartNumber ?? 0, etag: p.ETag ?? '', size: p.Size ?? 0, lastModifiedMs: p.LastModified?.getTime() ?? 0 });
      }
      if (!out.IsTruncated || !out.NextPartNumberMarker) return parts;
      marker = out.NextPartNumberMarker;
    }
  }
}
