/**
 * Changing a trail from a handler: the registry changes in memory at once and the call carries
 * the SQL that makes it durable with its event, or the undo if that commit fails (DESIGN
 * invariant 1). Handlers never write to the database themselves.
 */
import type { OperationContext } from '../../aws/service.js';
import type { Staged } from '../../trails/registry.js';
import type { Trail } from '../../trails/trail.js';
import { closeRange, intakeOf, openRange, retire, splitRange } from '../../delivery/delivery-rows.js';

const nothingToUndo = () => undefined;

function stage(ctx: OperationContext, staged: Staged): void {
  ctx.stage(staged.changes, staged.rollback);
}

/**
 * Creates or replaces a trail. When a logging trail starts taking other records, what it logged
 * so far stays judged by the settings it was logged under (delivery-rows `splitRange`).
 */
export function putTrail(ctx: OperationContext, trail: Trail): void {
  const before = ctx.services.trails.get(trail.accountId, trail.arn);
  stage(ctx, ctx.services.trails.save(trail));
  if (before?.status.isLogging && JSON.stringify(intakeOf(before)) !== JSON.stringify(intakeOf(trail))) {
    ctx.stage(splitRange(before), nothingToUndo);
  }
}

/**
 * Logging starts or stops: the status changes, and the trail's delivery range opens or closes at
 * this call's event (so the StartLogging and StopLogging events are the first and last delivered).
 */
export function setLogging(ctx: OperationContext, trail: Trail, logging: boolean): void {
  const now = ctx.services.clock.now();
  const status = logging
    ? { ...trail.status, isLogging: true, startLoggingTimeMs: now }
    : { ...trail.status, isLogging: false, stopLoggingTimeMs: now };
  stage(ctx, ctx.services.trails.saveStatus({ ...trail, status }));
  ctx.stage([logging ? openRange(trail) : closeRange(trail)], nothingToUndo);
}

/** The trail goes; what it logged up to this call is still delivered (delivery-rows `retire`). */
export function deleteTrail(ctx: OperationContext, trail: Trail): void {
  stage(ctx, ctx.services.trails.remove(trail.accountId, trail.arn));
  ctx.stage([closeRange(trail), retire(trail)], nothingToUndo);
}
