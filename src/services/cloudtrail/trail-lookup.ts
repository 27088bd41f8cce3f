/**
 * Finding the trail a request names, by name or ARN, as AWS does (reference §1.4, §2.5, §2.6,
 * §7.1): a name resolves only in the caller's account and region; an ARN must be well formed and
 * in the caller's account; trails are changed only from their home region.
 */
import { AwsError } from '../../aws/errors.js';
import type { AccessRequest, OperationContext } from '../../aws/service.js';
import { visibleIn, type Trail } from '../../trails/trail.js';
import { assertTrailName, looksLikeArn, parseTrailArn, trailArn, type TrailArn } from '../../trails/trail-names.js';

/**
 * - `read` (GetTrail): a name matches trails homed here and shadows of multi-region trails;
 * - `home` (GetTrailStatus, Get*Selectors): a name matches only trails homed here, a shadow needs
 *   its ARN (AWS answers TrailNotFoundException with the name as an ARN of this region);
 * - `change` (every mutation): like `read`, then InvalidHomeRegionException outside the home region.
 */
export type Access = 'read' | 'home' | 'change';

export function trailNotFound(nameOrArn: string, accountId: string): AwsError {
  return new AwsError('TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${accountId}`);
}

export function wrongAccount(accountId: string): AwsError {
  return new AwsError(
    'CloudTrailARNInvalidException',
    `AccountID in ARN is wrong, you can only access resources with AccountID ${accountId}.`,
  );
}

function notHomeRegion(trail: Trail, region: string): AwsError {
  return new AwsError(
    'InvalidHomeRegionException',
    `Trail ${trail.arn} can only be changed in its home region ${trail.homeRegion}, not in ${region}; send the request to ${trail.homeRegion}.`,
  );
}

/** A well-formed trail ARN of the caller's account (CloudTrailARNInvalidException otherwise). */
export function ownArn(ctx: OperationContext, value: string): TrailArn {
  const arn = parseTrailArn(value);
  if (arn.accountId !== ctx.accountId) throw wrongAccount(ctx.accountId);
  return arn;
}

/** The ARN a name or ARN stands for in this request, for messages and records. */
export function arnFor(ctx: Pick<OperationContext, 'region' | 'accountId'>, nameOrArn: string): string {
  return looksLikeArn(nameOrArn) ? nameOrArn : trailArn(ctx.region, ctx.accountId, nameOrArn);
}

export function findTrail(ctx: OperationContext, nameOrArn: string, access: Access): Trail {
  const trails = ctx.services.trails;
  let trail: Trail | undefined;
  if (looksLikeArn(nameOrArn)) {
    const arn = ownArn(ctx, nameOrArn);
    trail = trails.get(ctx.accountId, arn.arn);
    // Changing a trail from elsewhere is InvalidHomeRegionException even where it has no copy.
    if (trail && access !== 'change' && !visibleIn(trail, ctx.region)) trail = undefined;
  } else {
    assertTrailName(nameOrArn);
    trail = trails.findByName(ctx.accountId, ctx.region, nameOrArn);
    if (trail && access === 'home' && trail.homeRegion !== ctx.region) trail = undefined;
  }
  if (!trail) throw trailNotFound(arnFor(ctx, nameOrArn), ctx.accountId);
  if (access === 'change' && trail.homeRegion !== ctx.region) throw notHomeRegion(trail, ctx.region);
  return trail;
}

/**
 * What a call naming a trail asks permission for: `cloudtrail:<operation>` on the trail's ARN —
 * a name resolves to the trail it names here (a multi-region trail's ARN carries its home region),
 * or to the ARN it would have here when no trail has it. Never throws: the handler reports bad names.
 */
export function trailAccess(ctx: OperationContext, operation: string, nameOrArn: string | undefined): AccessRequest {
  const action = `cloudtrail:${operation}`;
  // Insight selectors may name an event data store instead (not served): nothing to name here.
  if (nameOrArn === undefined) return { action, resource: '*' };
  const found = looksLikeArn(nameOrArn) ? undefined : ctx.services.trails.findByName(ctx.accountId, ctx.region, nameOrArn);
  return { action, resource: found?.arn ?? arnFor(ctx, nameOrArn) };
}
