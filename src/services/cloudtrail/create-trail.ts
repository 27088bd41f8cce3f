/**
 * CreateTrail (reference §2.1, §7.1): a new trail homed in the caller's region with AWS's
 * defaults (management events read and write, no data events, global service events, not
 * logging until StartLogging), after checking its name, settings, bucket, quota and tags.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { addTags } from '../../trails/tags.js';
import { newTrail } from '../../trails/trail.js';
import { assertTrailName, trailArn } from '../../trails/trail-names.js';
import { checkBucketAccess } from './bucket-access.js';
import type { CreateTrailRequest, CreateTrailResponse } from './generated/model.js';
import { putTrail } from './trail-changes.js';
import { assertNameFree, assertRoom } from './trail-limits.js';
import { applySettings } from './trail-settings.js';
import { trailResources, trailResponse } from './trail-views.js';
import { tagViolation } from './violations.js';
import { trailAccess } from './trail-lookup.js';

async function createTrail(input: CreateTrailRequest, ctx: OperationContext): Promise<CreateTrailResponse> {
  const { Name: name, TagsList: tagsList, ...rest } = input;
  assertTrailName(name);
  const settings = applySettings(rest, undefined, { accountId: ctx.accountId, homeRegion: ctx.region });
  const arn = trailArn(ctx.region, ctx.accountId, name);
  assertNameFree(ctx, name, settings.isMultiRegionTrail);
  await checkBucketAccess(ctx, {
    bucket: settings.s3BucketName,
    ...(settings.s3KeyPrefix !== undefined ? { prefix: settings.s3KeyPrefix } : {}),
    trailArn: arn,
  });
  // Checked (again) after the bucket checks: another call may have created a trail meanwhile.
  assertNameFree(ctx, name, settings.isMultiRegionTrail);
  assertRoom(ctx, settings.isMultiRegionTrail ? ctx.services.config.regions : [ctx.region]);
  const tags = addTags([], tagsList ?? []);
  const identity = { accountId: ctx.accountId, name, homeRegion: ctx.region, arn, createdAtMs: ctx.services.clock.now() };
  const trail = newTrail(identity, settings, tags);
  putTrail(ctx, trail);
  return trailResponse(trail);
}

export const createTrailOperation: JsonOperation<CreateTrailRequest, CreateTrailResponse> = {
  handler: createTrail,
  access: (input, ctx) => trailAccess(ctx, 'CreateTrail', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name, input.S3BucketName),
  mapViolation: tagViolation,
};
