/**
 * Names and numbers of trails (reference §7.1, §13, §14 item 33): a name is unique among the
 * trails visible in a region (shadows included, so a multi-region trail's name is taken in every
 * region), and a region holds at most 5 trails, a multi-region trail counting in each.
 */
import { AwsError } from '../../aws/errors.js';
import type { OperationContext } from '../../aws/service.js';

export const MAX_TRAILS_PER_REGION = 5;

/** TrailAlreadyExistsException when `name` is taken where the trail would be visible. */
export function assertNameFree(ctx: OperationContext, name: string, multiRegion: boolean, self?: string): void {
  const { trails } = ctx.services;
  const clash = multiRegion
    ? trails.trailsOf(ctx.accountId).some((t) => t.name === name && t.arn !== self)
    : trails.findByName(ctx.accountId, ctx.region, name) !== undefined;
  if (clash) {
    throw new AwsError('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${ctx.accountId}`);
  }
}

/**
 * MaximumNumberOfTrailsExceededException when one more trail would not fit in one of `regions`
 * (the trail `self`, already counted where it is visible, is left out of the count).
 */
export function assertRoom(ctx: OperationContext, regions: readonly string[], self?: string): void {
  for (const region of regions) {
    const count = ctx.services.trails.visibleIn(ctx.accountId, region).filter((t) => t.arn !== self).length;
    if (count >= MAX_TRAILS_PER_REGION) {
      throw new AwsError(
        'MaximumNumberOfTrailsExceededException',
        `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${region}.`,
      );
    }
  }
}
