/**
 * Changing a trail from a handler: the registry changes in memory at once and the call carries
 * the SQL that makes it durable with its event, or the undo if that commit fails (DESIGN
 * invariant 1). Handlers never write to the database themselves.
 */
import type { OperationContext } from '../../aws/service.js';
import type { Staged } from '../../trails/registry.js';
import type { Trail } from '../../trails/trail.js';

function stage(ctx: OperationContext, staged: Staged): void {
  ctx.stage(staged.changes, staged.rollback);
}

/** Creates or replaces a trail. */
export function putTrail(ctx: OperationContext, trail: Trail): void {
  stage(ctx, ctx.services.trails.save(trail));
}

/** Replaces a trail whose only change is its status. */
export function putTrailStatus(ctx: OperationContext, trail: Trail): void {
  stage(ctx, ctx.services.trails.saveStatus(trail));
}

export function deleteTrail(ctx: OperationContext, trail: Trail): void {
  stage(ctx, ctx.services.trails.remove(trail.accountId, trail.arn));
}
