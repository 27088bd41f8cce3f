/**
 * Writing one delivered object (log file or digest) to a trail's bucket as CloudTrail does
 * (reference §4.2, §5.3): gzip JSON, SSE-S3 asked for explicitly or SSE-KMS with the trail's key,
 * and the write's own record (self-record.ts) for the trails that log data events on the bucket.
 * A bucket that is missing, refuses CloudTrail or fails the write becomes a DeliveryFailure,
 * which the worker retries with backoff.
 */
import { Readable } from 'node:stream';
import type { Clock } from '../lib/clock.js';
import { ObjectStoreError, type ObjectStore } from '../objects/object-store.js';
import type { NewEvent } from '../store/event-log.js';
import { destinationProblem } from '../trails/destination.js';
import type { TrailRegistry } from '../trails/registry.js';
import type { Trail } from '../trails/trail.js';
import { deliveryEvent } from './self-record.js';

/** A delivery that could not reach the bucket; `code` is S3's error code. */
export class DeliveryFailure extends Error {
  constructor(
    readonly code: string,
    readonly regions: string[],
    /** A digest file failed (GetTrailStatus reports it apart from log files). */
    readonly digest = false,
  ) {
    super(`${digest ? 'digest' : 'log'} file delivery failed: ${code}`);
  }
}

export interface StoreServices {
  clock: Clock;
  objects: ObjectStore;
  trails: TrailRegistry;
}

export interface ObjectToStore {
  key: string;
  body: Buffer;
  metadata?: Record<string, string>;
}

/** Where a batch goes: the bucket as it stands, and the trail's KMS key if it has one. */
export interface Destination {
  bucket: string;
  kmsKeyId?: string;
}

/** Refuses a destination the trail can't write to, as CreateTrail's check would (trails/destination.ts). */
export async function checkDestination(objects: ObjectStore, trail: Trail, failure: (code: string) => DeliveryFailure): Promise<void> {
  const problem = await destinationProblem(objects, {
    bucket: trail.s3BucketName,
    ...(trail.s3KeyPrefix ? { prefix: trail.s3KeyPrefix } : {}),
    accountId: trail.accountId,
    trailArn: trail.arn,
  });
  if (problem) throw failure(problem);
}

/**
 * Stores the objects in order; resolves to the records of the writes that some trail takes
 * (commit them with the batch's progress).
 */
export async function storeObjects(
  s: StoreServices,
  to: Destination,
  objects: readonly (() => Promise<ObjectToStore>)[],
  failure: (code: string) => DeliveryFailure,
): Promise<NewEvent[]> {
  const bucket = await s.objects.headBucket(to.bucket);
  if (!bucket) throw failure('NoSuchBucket');
  const encryption = to.kmsKeyId ? { mode: 'aws:kms', kmsKeyId: to.kmsKeyId } : { mode: 'AES256' };
  const events: NewEvent[] = [];
  for (const next of objects) {
    const o = await next();
    try {
      await s.objects.putObject({
        bucket: to.bucket,
        key: o.key,
        body: Readable.from([o.body]),
        contentLength: o.body.length,
        contentType: 'application/json',
        contentEncoding: 'gzip',
        ...(o.metadata ? { userMetadata: o.metadata } : {}),
        // SSE-S3 asked for explicitly, as CloudTrail does (reference §4.2): an external store
        // applies no default of its own otherwise.
        ...(to.kmsKeyId ? { serverSideEncryption: 'aws:kms' as const, sseKmsKeyId: to.kmsKeyId } : { serverSideEncryption: 'AES256' as const }),
      });
    } catch (e) {
      throw failure(e instanceof ObjectStoreError ? e.code : e instanceof Error ? e.name : 'InternalError');
    }
    const event = deliveryEvent({
      bucket: to.bucket,
      bucketRegion: bucket.region,
      bucketOwner: bucket.ownerAccountId,
      key: o.key,
      bytes: o.body.length,
      timeMs: s.clock.now(),
      encryption,
    });
    if (s.trails.selectsDataEvent(event.record)) events.push(event);
  }
  return events;
}
