/**
 * The checks CreateTrail and UpdateTrail run on the destination bucket (reference §4.5), as the
 * API errors AWS gives: a missing bucket, or a policy that does not let CloudTrail deliver.
 */
import { AwsError } from '../../aws/errors.js';
import type { OperationContext } from '../../aws/service.js';
import { destinationProblem } from '../../trails/destination.js';

export interface Destination {
  bucket: string;
  prefix?: string;
  trailArn: string;
}

export async function checkBucketAccess(ctx: OperationContext, dest: Destination): Promise<void> {
  const problem = await destinationProblem(ctx.services.objects, { ...dest, accountId: ctx.accountId });
  if (problem === 'NoSuchBucket') {
    throw new AwsError('S3BucketDoesNotExistException', `S3 bucket ${dest.bucket} does not exist.`);
  }
  if (problem === 'AccessDenied') {
    throw new AwsError(
      'InsufficientS3BucketPolicyException',
      `Incorrect S3 bucket policy is detected for bucket: ${dest.bucket}`,
    );
  }
}
