/**
 * The bucket policy document CloudTrail needs to deliver to a bucket (reference §4.5), the same
 * text AWS's console writes. It has no imports so that the server, the CLI and the web console's
 * bundle all build it from this one place.
 */

export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';
/** The ACL CloudTrail writes log files with, which the policy's PutObject grant requires. */
export const DELIVERY_ACL = 'bucket-owner-full-control';

/** `arn:aws:s3:::<bucket>/[<prefix>/]AWSLogs/` */
export function logsArn(bucket: string, prefix: string | undefined): string {
  return `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/`;
}

export function cloudTrailBucketPolicy(target: {
  bucket: string;
  prefix?: string;
  accountId: string;
  trailArn?: string;
  /** Accepted for callers that know it; the policy itself is region-independent. */
  region?: string;
  orgId?: string;
}): object {
  const sourceArn = target.trailArn ? { 'aws:SourceArn': target.trailArn } : undefined;
  const statement = (sid: string, action: string, resource: string, conditions: Record<string, string>) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: CLOUDTRAIL_SERVICE },
    Action: action,
    Resource: resource,
    ...(Object.keys(conditions).length ? { Condition: { StringEquals: conditions } } : {}),
  });
  const writeConditions = { 's3:x-amz-acl': DELIVERY_ACL, ...sourceArn };
  const statements = [
    statement('AWSCloudTrailAclCheck20150319', 's3:GetBucketAcl', `arn:aws:s3:::${target.bucket}`, { ...sourceArn }),
    statement('AWSCloudTrailWrite20150319', 's3:PutObject', `${logsArn(target.bucket, target.prefix)}${target.accountId}/*`, writeConditions),
  ];
  if (target.orgId) {
    statements.push(
      statement('AWSCloudTrailOrganizationWrite20150319', 's3:PutObject', `${logsArn(target.bucket, target.prefix)}${target.orgId}/*`, writeConditions),
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}
