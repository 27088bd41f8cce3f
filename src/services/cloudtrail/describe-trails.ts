/**
 * DescribeTrails (reference §2.4, §14 item 26): without names, the trails visible in the caller's
 * region (shadows unless includeShadowTrails=false); with names, those trails. A name matches in
 * the caller's region only; an ARN names any trail of the caller's account, whatever its region.
 * Unknown names and ARNs are left out, never an error.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { Trail } from '../../trails/trail.js';
import { assertTrailName, looksLikeArn } from '../../trails/trail-names.js';
import type { DescribeTrailsRequest, DescribeTrailsResponse } from './generated/model.js';
import { ownArn } from './trail-lookup.js';
import { trailView } from './trail-views.js';

function named(ctx: OperationContext, nameOrArn: string, shadows: boolean): Trail | undefined {
  const { trails } = ctx.services;
  if (looksLikeArn(nameOrArn)) return trails.get(ctx.accountId, ownArn(ctx, nameOrArn).arn);
  assertTrailName(nameOrArn);
  const trail = trails.findByName(ctx.accountId, ctx.region, nameOrArn);
  return trail && (shadows || trail.homeRegion === ctx.region) ? trail : undefined;
}

async function describeTrails(input: DescribeTrailsRequest, ctx: OperationContext): Promise<DescribeTrailsResponse> {
  const shadows = input.includeShadowTrails ?? true;
  const names = input.trailNameList ?? [];
  const found =
    names.length === 0
      ? ctx.services.trails.visibleIn(ctx.accountId, ctx.region).filter((t) => shadows || t.homeRegion === ctx.region)
      : names.map((n) => named(ctx, n, shadows)).filter((t): t is Trail => t !== undefined);
  const unique = [...new Map(found.map((t) => [t.arn, t])).values()];
  return { trailList: unique.map(trailView) };
}

export const describeTrailsOperation: JsonOperation<DescribeTrailsRequest, DescribeTrailsResponse> = {
  handler: describeTrails,
};
