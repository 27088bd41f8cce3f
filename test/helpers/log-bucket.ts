/**
 * Reading delivered log files through the S3 API, for servers running in another process: every
 * object of some buckets, each fetched once (delivered keys are never rewritten with other
 * bytes), checked to be what reference §4.2 says a log file is: gzip of `{"Records":[...]}`.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

export interface LogFile {
  bucket: string;
  key: string;
  records: CloudTrailRecord[];
}

export class LogBuckets {
  private readonly files = new Map<string, Map<string, LogFile>>();

  constructor(
    private readonly s3: S3Client,
    buckets: readonly string[],
  ) {
    for (const b of buckets) this.files.set(b, new Map());
  }

  /** Lists every bucket and reads the objects not read before; true when there were any. */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (const [bucket, known] of this.files) {
      for (const key of await this.keys(bucket)) {
        if (known.has(key)) continue;
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

  private async keys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) keys.push(o.Key!);
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }

  private async read(bucket: string, key: string): Promise<LogFile> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(out.ContentType, 'application/json', key);
    assert.equal(out.ContentEncoding, 'gzip', key);
    const body = Buffer.from(await out.Body!.transformToByteArray());
    assert.deepEqual([...body.subarray(0, 2)], [0x1f, 0x8b], `${key} is not gzip`);
    const doc = JSON.parse(gunzipSync(body).toString('utf8')) as { Records?: unknown };
    assert.deepEqual(Object.keys(doc), ['Records'], key);
    assert.ok(Array.isArray(doc.Records), key);
    return { bucket, key, records: doc.Records as CloudTrailRecord[] };
  }
}
