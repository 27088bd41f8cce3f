/**
 * Whether CloudTrail may write a trail's log files to its bucket (reference §4.5): the bucket must
 * exist and its policy must let the service check the ACL and put objects under
 * `[prefix/]AWSLogs/<account>/`. CreateTrail/UpdateTrail turn a failure into their API errors;
 * delivery turns it into GetTrailStatus's LatestDeliveryError (S3's error code).
 */
import { bucketPolicyText, type ObjectStore } from '../objects/object-store.js';
import { cloudTrailCanDeliver, type DeliveryTarget } from './bucket-policy.js';

export type DestinationProblem = 'NoSuchBucket' | 'AccessDenied';

/** undefined when delivery may proceed. */
export async function destinationProblem(objects: ObjectStore, target: DeliveryTarget): Promise<DestinationProblem | undefined> {
  if (!(await objects.headBucket(target.bucket))) return 'NoSuchBucket';
  return cloudTrailCanDeliver(await bucketPolicyText(objects, target.bucket, { missingBucket: 'error' }), target) ? undefined : 'AccessDenied';
}
