/**
 * The checks CreateTrail and UpdateTrail run on the destination bucket (reference §4.5): it must
 * exist in the bucket store, and its policy must let CloudTrail check the bucket ACL and write
 * log files under `[prefix/]AWSLogs/<account>/`.
 */
import { AwsError } from '../../aws/errors.js';
import type { OperationContext } from '../../aws/service.js';
import { ObjectStoreError } from '../../objects/object-store.js';
import { cloudTrailCanDeliver } from '../../trails/bucket-policy.js';

export interface Destination {
  bucket: string;
  prefix?: string;
  trailArn: string;
}

async function bucketPolicy(ctx: OperationContext, bucket: string): Promise<string | undefined> {
  try {
    return await ctx.services.objects.getBucketPolicy(bucket);
  } catch (e) {
    if (e instanceof ObjectStoreError && e.code === 'NoSuchBucketPolicy') return undefined;
    throw e;
  }
}

export async function checkBucketAccess(ctx: OperationContext, dest: Destination): Promise<void> {
  if (!(await ctx.services.objects.headBucket(dest.bucket))) {
    throw new AwsError('S3BucketDoesNotExistException', `S3 bucket ${dest.bucket} does not exist.`);
  }
  const policy = await bucketPolicy(ctx, dest.bucket);
  const target = { ...dest, accountId: ctx.accountId };
  if (!cloudTrailCanDeliver(policy, target)) {
    throw new AwsError(
      'InsufficientS3BucketPolicyException',
      `Incorrect S3 bucket policy is detected for bucket: ${dest.bucket}`,
    );
  }
}
