/**
 * The bucket policy CloudTrail needs (reference §4.5): the check CreateTrail/UpdateTrail run
 * before accepting a bucket (InsufficientS3BucketPolicyException when it fails); the policy
 * document users apply so that the check passes is built in bucket-policy-document.ts.
 */
import { parsePolicyDocument } from '../policy/document.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import { CLOUDTRAIL_SERVICE, DELIVERY_ACL, logsArn } from './bucket-policy-document.js';

export { cloudTrailBucketPolicy } from './bucket-policy-document.js';

export interface DeliveryTarget {
  bucket: string;
  prefix?: string;
  accountId: string;
  trailArn: string;
  /** Set for organization trails: logs also go under `AWSLogs/<orgId>/<accountId>/`. */
  orgId?: string;
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
    evaluatePolicy(doc, { principal: { service: CLOUDTRAIL_SERVICE }, action, resource, context: { ...context, ...extra } }) === 'Allow';
  const region = regionOf(target.trailArn);
  const owners = target.orgId ? [`${target.orgId}/${target.accountId}`, target.accountId] : [target.accountId];
  return (
    allows('s3:GetBucketAcl', `arn:aws:s3:::${target.bucket}`) &&
    owners.every((owner) =>
      allows('s3:PutObject', `${logsArn(target.bucket, target.prefix)}${owner}/CloudTrail/${region}/probe.json.gz`, {
        's3:x-amz-acl': DELIVERY_ACL,
      }),
    )
  );
}
