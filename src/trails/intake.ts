/**
 * Which records a trail takes: its account's, in regions it covers (scope.ts), selected by its
 * selectors, and never the writes its own delivery makes to its bucket (reference §4.4: AWS
 * records them, and a trail logging data events on its own bucket would otherwise receive one
 * new record per log file it writes, forever). Other trails still get those records.
 */
import type { CloudTrailRecord } from '../recorder/record.js';
import { trailCoversRecord } from './scope.js';
import type { RecordPredicate } from './selectors.js';
import type { Trail } from './trail.js';

/** The identity delivery acts as when it writes to a bucket. */
export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';

export function isOwnDelivery(trail: Trail, record: CloudTrailRecord): boolean {
  if (record.userIdentity.invokedBy !== CLOUDTRAIL_SERVICE || record.eventSource !== 's3.amazonaws.com') return false;
  const params = record.requestParameters;
  if (params?.bucketName !== trail.s3BucketName) return false;
  const key = params.key;
  return typeof key === 'string' && key.startsWith(`${trail.s3KeyPrefix ? `${trail.s3KeyPrefix}/` : ''}AWSLogs/`);
}

export function trailTakes(trail: Trail, selects: RecordPredicate, record: CloudTrailRecord): boolean {
  return (
    record.recipientAccountId === trail.accountId &&
    trailCoversRecord(trail, record) &&
    !isOwnDelivery(trail, record) &&
    selects(record)
  );
}
