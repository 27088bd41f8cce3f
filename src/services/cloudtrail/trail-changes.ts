/**
 * Changing a trail from a handler: the registry changes in memory at once and the call carries
 * the SQL that makes it durable with its event, or the undo if that commit fails (DESIGN
 * invariant 1). Handlers never write to the database themselves.
 */
import type { OperationContext } from '../../aws/service.js';
import type { Staged } from '../../trails/registry.js';
import type { Trail } from '../../trails/trail.js';
import { closeRange, intakeOf, openRange, retire, splitRange } from '../../delivery/delivery-rows.js';
import { closeChain, openChain } from '../../delivery/digest-rows.js';

const nothingToUndo = () => undefined;

function stage(ctx: OperationContext, staged: Staged): void {
  ctx.stage(staged.changes, staged.rollback);
}

/**
 * Creates or replaces a trail. When a logging trail starts taking other records, what it logged
 * so far stays judged by the settings it was logged under (delivery-rows `splitRange`); when its
 * validation is switched, its digest chain opens or closes.
 */
export function putTrail(ctx: OperationContext, trail: Trail): void {
  const before = ctx.services.trails.get(trail.accountId, trail.arn);
  stage(ctx, ctx.services.trails.save(trail));
  if (!before?.status.isLogging) return;
  if (JSON.stringify(intakeOf(before)) !== JSON.stringify(intakeOf(trail))) ctx.stage(splitRange(before), nothingToUndo);
  // Validation switched on or off while logging: a digest chain starts, or ends (reference §5.1).
  if (before.logFileValidationEnabled !== trail.logFileValidationEnabled) {
    const now = ctx.services.clock.now();
    ctx.stage([trail.logFileValidationEnabled ? openChain(trail, now, false) : closeChain(trail, now)], nothingToUndo);
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
  // Digests: a new chain when logging starts with validation on; the final digest when it stops.
  if (!logging) ctx.stage([closeChain(trail, now)], nothingToUndo);
  else if (trail.logFileValidationEnabled) ctx.stage([openChain(trail, now, true)], nothingToUndo);
}

/** The trail goes; what it logged up to this call is still delivered (delivery-rows `retire`). */
export function deleteTrail(ctx: OperationContext, trail: Trail): void {
  stage(ctx, ctx.services.trails.remove(trail.accountId, trail.arn));
  ctx.stage([closeRange(trail), closeChain(trail, ctx.services.clock.now()), retire(trail)], nothingToUndo);
}
