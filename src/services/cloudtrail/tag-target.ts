/**
 * The resource AddTags/RemoveTags/ListTags name (reference §2.15): an ARN, of a trail homed in
 * the caller's region and account (AWS answers a shadow's ARN with "Region in ARN is wrong").
 * Event data stores, channels and dashboards are taggable in AWS but do not exist in OpenTrail
 * yet, so their ARNs are not found; other ARNs are not taggable here.
 */
import { AwsError } from '../../aws/errors.js';
import type { OperationContext } from '../../aws/service.js';
import type { Trail } from '../../trails/trail.js';
import { invalidArn } from '../../trails/trail-names.js';
import { ownArn } from './trail-lookup.js';

const SERVICE = /^arn:[^:]+:([^:]+):/;
const CLOUDTRAIL_TYPE = /^arn:[^:]+:cloudtrail:[^:]*:[^:]*:([a-z]+)\//;
const LAKE_TYPES: readonly string[] = ['eventdatastore', 'channel', 'dashboard'];

function notFound(resourceId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `The resource with ARN ${resourceId.slice(0, 600)} was not found.`);
}

export function findTaggedTrail(ctx: OperationContext, resourceId: string): Trail {
  const service = SERVICE.exec(resourceId)?.[1];
  if (service === undefined) throw invalidArn(resourceId);
  if (service !== 'cloudtrail') {
    throw new AwsError(
      'ResourceTypeNotSupportedException',
      `Tags cannot be managed for ${resourceId.slice(0, 600)}: only trails, event data stores, channels and dashboards have CloudTrail tags.`,
    );
  }
  const type = CLOUDTRAIL_TYPE.exec(resourceId)?.[1];
  if (type !== undefined && LAKE_TYPES.includes(type)) throw notFound(resourceId);
  const arn = ownArn(ctx, resourceId);
  if (arn.region !== ctx.region) {
    throw new AwsError(
      'CloudTrailARNInvalidException',
      `Region in ARN is wrong, you can only access resources in region ${ctx.region}.`,
    );
  }
  const trail = ctx.services.trails.get(ctx.accountId, arn.arn);
  if (!trail) throw notFound(resourceId);
  return trail;
}
