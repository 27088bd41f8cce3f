/**
 * The bucket policy CloudTrail needs (reference §4.5): the check CreateTrail/UpdateTrail run
 * before accepting a bucket (InsufficientS3BucketPolicyException when it fails), and the policy
 * document users apply so that the check passes.
 */
import { parsePolicyDocument } from '../policy/document.js';
import { evaluatePolicy } from '../policy/evaluate.js';

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const ACL = 'bucket-owner-full-control';

export interface DeliveryTarget {
  bucket: string;
  prefix?: string;
  accountId: string;
  trailArn: string;
  /** Set for organization trails: logs also go under `AWSLogs/<orgId>/<accountId>/`. */
  orgId?: string;
}

/** `arn:aws:s3:::<bucket>/[<prefix>/]AWSLogs/` */
function logsArn(bucket: string, prefix: string | undefined): string {
  return `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/`;
}

/** The region part of a trail ARN, for a realistic probe key. */
function regionOf(trailArn: string): string {
  return trailArn.split(':')[3] || 'us-east-1';
}

export function cloudTrailCanDeliver(policyText: string | undefined, target: DeliveryTarget): boolean {
  if (policyText === undefined) return false;
  const parsed = parsePolicyDocument(policyText);
  if (!parsed.ok) return false;
  const doc = parsed.doc;
  const context = { 'aws:SourceArn': target.trailArn, 'aws:SourceAccount': target.accountId };
  const allows = (action: string, resource: string, extra: Record<string, string> = {}) =>
    evaluatePolicy(doc, { principal: { service: CLOUDTRAIL }, action, resource, context: { ...context, ...extra } }) === 'Allow';
  const region = regionOf(target.trailArn);
  const owners = target.orgId ? [`${target.orgId}/${target.accountId}`, target.accountId] : [target.accountId];
  return (
    allows('s3:GetBucketAcl', `arn:aws:s3:::${target.bucket}`) &&
    owners.every((owner) =>
      allows('s3:PutObject', `${logsArn(target.bucket, target.prefix)}${owner}/CloudTrail/${region}/probe.json.gz`, {
        's3:x-amz-acl': ACL,
      }),
    )
  );
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
    Principal: { Service: CLOUDTRAIL },
    Action: action,
    Resource: resource,
    ...(Object.keys(conditions).length ? { Condition: { StringEquals: conditions } } : {}),
  });
  const writeConditions = { 's3:x-amz-acl': ACL, ...sourceArn };
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
