/**
 * UpdateTrail (reference §2.2, §7.1, §14 items 10, 33, 34): changes only the supplied settings,
 * from the trail's home region. Becoming multi-region needs the name free and room in every
 * region; a new bucket or prefix must pass the bucket checks again. Logging state is untouched.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { withSettings, type Trail } from '../../trails/trail.js';
import { checkBucketAccess } from './bucket-access.js';
import type { UpdateTrailRequest, UpdateTrailResponse } from './generated/model.js';
import { putTrail } from './trail-changes.js';
import { assertNameFree, assertRoom } from './trail-limits.js';
import { findTrail, trailAccess, trailNotFound } from './trail-lookup.js';
import { applySettings, type SettingsInput } from './trail-settings.js';
import { trailResources, trailResponse } from './trail-views.js';

function settingsFor(ctx: OperationContext, input: SettingsInput, trail: Trail) {
  const settings = applySettings(input, trail, { accountId: trail.accountId, homeRegion: trail.homeRegion });
  if (settings.isMultiRegionTrail && !trail.isMultiRegionTrail) {
    assertNameFree(ctx, trail.name, true, trail.arn);
    assertRoom(ctx, ctx.services.config.regions.filter((r) => r !== trail.homeRegion), trail.arn);
  }
  return settings;
}

async function updateTrail(input: UpdateTrailRequest, ctx: OperationContext): Promise<UpdateTrailResponse> {
  const { Name: name, ...changes } = input;
  const current = findTrail(ctx, name, 'change');
  const settings = settingsFor(ctx, changes, current);
  if (settings.s3BucketName !== current.s3BucketName || settings.s3KeyPrefix !== current.s3KeyPrefix) {
    await checkBucketAccess(ctx, {
      bucket: settings.s3BucketName,
      ...(settings.s3KeyPrefix !== undefined ? { prefix: settings.s3KeyPrefix } : {}),
      trailArn: current.arn,
    });
  }
  // Other calls may have changed this trail (or filled a region) while the bucket was checked:
  // apply the request, with its checks, to the registry as it is now.
  const latest = ctx.services.trails.get(current.accountId, current.arn);
  if (!latest) throw trailNotFound(current.arn, ctx.accountId);
  const next = withSettings(latest, settingsFor(ctx, changes, latest));
  putTrail(ctx, next);
  return trailResponse(next);
}

export const updateTrailOperation: JsonOperation<UpdateTrailRequest, UpdateTrailResponse> = {
  handler: updateTrail,
  access: (input, ctx) => trailAccess(ctx, 'UpdateTrail', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name, input.S3BucketName),
};
