/**
 * Helpers for delivery tests: a server on a ManualClock whose SDK clients sign with that clock,
 * a trail that logs to a fresh bucket, and reading back what delivery wrote (every log file's
 * key and records, gunzipped; or file by file, for benchmarks that deliver millions).
 */
import { gunzipSync } from 'node:zlib';
import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../../src/lib/clock.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import type { ConfigInput } from '../../src/config.js';
import type { Logger } from '../../src/lib/logger.js';
import { startTestServer, type TestServer } from './server.js';
import { makeBucket } from './trails.js';

export const INTERVAL_S = 60;

export interface DeliveryServer extends TestServer {
  clock: ManualClock;
  /** Moves the clock past the delivery interval and runs one delivery pass. */
  deliver(): Promise<void>;
}

export async function startDeliveryServer(
  config: ConfigInput = {},
  opts: { dataDir?: string; clock?: ManualClock; logger?: Logger } = {},
): Promise<DeliveryServer> {
  const clock = opts.clock ?? new ManualClock(Date.now());
  const server = await startTestServer({
    clock,
    config: { deliveryIntervalSeconds: INTERVAL_S, ...config },
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  // The SDK signs with real time plus `systemClockOffset`: keep every client on the manual clock.
  const clients: { config: { systemClockOffset?: number } }[] = [];
  const synced = <C extends { config: { systemClockOffset?: number } }>(c: C): C => {
    c.config.systemClockOffset = clock.now() - Date.now();
    clients.push(c);
    return c;
  };
  return {
    ...server,
    clock,
    cloudtrail: (region, creds) => synced(server.cloudtrail(region, creds)),
    s3: (region, creds, cfg) => synced(server.s3(region, creds, cfg)),
    async deliver() {
      clock.advance(INTERVAL_S * 1000 + 1);
      for (const c of clients) c.config.systemClockOffset = clock.now() - Date.now();
      await server.app.delivery.runOnce();
    },
  };
}

/** Creates a bucket with CloudTrail's policy and a trail delivering to it, logging. */
export async function loggingTrail(
  server: DeliveryServer,
  name: string,
  opts: {
    bucket?: string;
    prefix?: string;
    multiRegion?: boolean;
    includeGlobalServiceEvents?: boolean;
    region?: string;
    start?: boolean;
    /** EnableLogFileValidation: the trail writes signed digest files. */
    validation?: boolean;
  } = {},
): Promise<{ bucket: string; arn: string }> {
  const bucket = await makeBucket(server, opts.bucket ?? `${name}-logs`, opts.prefix !== undefined ? { prefix: opts.prefix } : {});
  const ct = server.cloudtrail(opts.region);
  const out = await ct.send(
    new CreateTrailCommand({
      Name: name,
      S3BucketName: bucket,
      ...(opts.prefix !== undefined ? { S3KeyPrefix: opts.prefix } : {}),
      ...(opts.multiRegion ? { IsMultiRegionTrail: true } : {}),
      ...(opts.includeGlobalServiceEvents !== undefined ? { IncludeGlobalServiceEvents: opts.includeGlobalServiceEvents } : {}),
      ...(opts.validation ? { EnableLogFileValidation: true } : {}),
    }),
  );
  if (opts.start !== false) await ct.send(new StartLoggingCommand({ Name: name }));
  return { bucket, arn: out.TrailARN! };
}

/**
 * A log file's key without a trail prefix (reference §4.1): date folders and stamp, then 16
 * characters of [A-Za-z0-9]. `region` is a regex source without groups; by default any region.
 */
export function logFileKeyPattern(accountId: string, region = '[a-z]{2}(?:-[a-z]+)+-\\d'): RegExp {
  return new RegExp(
    `^AWSLogs/${accountId}/CloudTrail/(${region})/\\d{4}/\\d{2}/\\d{2}/${accountId}_CloudTrail_\\1_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`,
  );
}

export interface DeliveredFile {
  key: string;
  records: CloudTrailRecord[];
}

/**
 * Every log file under `AWSLogs/` in the bucket, in key order, read from the object store and
 * gunzipped one at a time (memory stays that of one file, however many were delivered).
 */
export async function* logFileTexts(server: TestServer, bucket: string, prefix = ''): AsyncGenerator<{ key: string; size: number; json: Buffer }> {
  const objects = server.app.context.objects;
  let after: string | undefined;
  for (;;) {
    const page = await objects.listObjects({ bucket, prefix, maxKeys: 1000, ...(after ? { after } : {}) });
    for (const o of page.objects) {
      if (!o.key.includes('/CloudTrail/')) continue;
      const { body } = await objects.getObject(bucket, o.key);
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      yield { key: o.key, size: o.size, json: gunzipSync(Buffer.concat(chunks)) };
    }
    if (!page.isTruncated || !page.nextAfter) return;
    after = page.nextAfter;
  }
}

/** Every log file under `AWSLogs/` in the bucket, in key order, parsed. */
export async function deliveredFiles(server: TestServer, bucket: string, prefix = ''): Promise<DeliveredFile[]> {
  const files: DeliveredFile[] = [];
  for await (const f of logFileTexts(server, bucket, prefix)) {
    files.push({ key: f.key, records: (JSON.parse(f.json.toString('utf8')) as { Records: CloudTrailRecord[] }).Records });
  }
  return files;
}

/** All delivered records of the bucket, flattened. */
export async function deliveredRecords(server: TestServer, bucket: string, prefix = ''): Promise<CloudTrailRecord[]> {
  return (await deliveredFiles(server, bucket, prefix)).flatMap((f) => f.records);
}

export interface DeliveredDigest {
  key: string;
  /** The uncompressed JSON bytes (what the signature and the next digest's hash cover). */
  json: Buffer;
  digest: DigestDocument;
  metadata: Record<string, string>;
}

/** A digest file's fields (reference §5.2). */
export interface DigestDocument {
  awsAccountId: string;
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  newestEventTime: string | null;
  oldestEventTime: string | null;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: string | null;
  previousDigestSignature: string | null;
  logFiles: { s3Bucket: string; s3Object: string; hashValue: string; hashAlgorithm: string; newestEventTime: string; oldestEventTime: string }[];
}

/** Every digest file under `CloudTrail-Digest/` in the bucket, oldest first (by digestEndTime, then key). */
export async function deliveredDigests(server: TestServer, bucket: string): Promise<DeliveredDigest[]> {
  const objects = server.app.context.objects;
  const out: DeliveredDigest[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await objects.listObjects({ bucket, prefix: '', maxKeys: 1000, ...(after ? { after } : {}) });
    for (const o of page.objects) {
      if (!o.key.includes('/CloudTrail-Digest/')) continue;
      const { body, meta } = await objects.getObject(bucket, o.key);
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      const json = gunzipSync(Buffer.concat(chunks));
      out.push({ key: o.key, json, digest: JSON.parse(json.toString('utf8')) as DigestDocument, metadata: meta.userMetadata });
    }
    if (!page.isTruncated || !page.nextAfter) break;
    after = page.nextAfter;
  }
  return out.sort((a, b) => a.digest.digestEndTime.localeCompare(b.digest.digestEndTime) || a.key.localeCompare(b.key));
}
