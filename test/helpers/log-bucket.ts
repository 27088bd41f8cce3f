/**
 * Reading delivered log files through the S3 API, for servers running in another process: every
 * log file of some buckets, each fetched once (delivered keys are never rewritten with other
 * bytes), checked to be what reference §4.2 says a log file is: gzip of `{"Records":[...]}`.
 * Digest files (under `CloudTrail-Digest/`) are left to digest-audit.ts, which shares the listing
 * and the reading of gzipped JSON objects below.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { sha256Hex } from '../../src/delivery/digest.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

export interface LogFile {
  bucket: string;
  key: string;
  records: CloudTrailRecord[];
  /** SHA-256 (lowercase hex) of the uncompressed bytes, as digests list it. */
  sha256: string;
}

/** Digest files live under `…/CloudTrail-Digest/<region>/…` (reference §5.1). */
export const isDigestKey = (key: string) => key.includes('/CloudTrail-Digest/');

/** Every key of the bucket under `prefix` after `startAfter`, in key order. */
export async function listKeys(s3: S3Client, bucket: string, opts: { prefix?: string; startAfter?: string } = {}): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        ...(opts.prefix ? { Prefix: opts.prefix } : {}),
        ...(opts.startAfter ? { StartAfter: opts.startAfter } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** A delivered object as CloudTrail writes both kinds (reference §4.2, §5.3): its uncompressed JSON bytes and user metadata. */
export async function readGzipJson(s3: S3Client, bucket: string, key: string): Promise<{ json: Buffer; metadata: Record<string, string> }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(out.ContentType, 'application/json', key);
  assert.equal(out.ContentEncoding, 'gzip', key);
  const body = Buffer.from(await out.Body!.transformToByteArray());
  assert.deepEqual([...body.subarray(0, 2)], [0x1f, 0x8b], `${key} is not gzip`);
  return { json: gunzipSync(body), metadata: out.Metadata ?? {} };
}

export class LogBuckets {
  private readonly files = new Map<string, Map<string, LogFile>>();

  constructor(
    private readonly s3: S3Client,
    buckets: readonly string[],
  ) {
    for (const b of buckets) this.files.set(b, new Map());
  }

  /** Lists every bucket and reads the log files not read before; true when there were any. */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (const [bucket, known] of this.files) {
      for (const key of await listKeys(this.s3, bucket)) {
        if (known.has(key) || isDigestKey(key)) continue;
        known.set(key, await this.read(bucket, key));
        changed = true;
      }
    }
    return changed;
  }

  /** The files of `bucket` read so far, in key order. */
  of(bucket: string): LogFile[] {
    return [...(this.files.get(bucket)?.values() ?? [])].sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  private async read(bucket: string, key: string): Promise<LogFile> {
    const { json } = await readGzipJson(this.s3, bucket, key);
    const doc = JSON.parse(json.toString('utf8')) as { Records?: unknown };
    assert.deepEqual(Object.keys(doc), ['Records'], key);
    assert.ok(Array.isArray(doc.Records), key);
    return { bucket, key, records: doc.Records as CloudTrailRecord[], sha256: sha256Hex(json) };
  }
}
