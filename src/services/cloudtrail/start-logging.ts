/**
 * StartLogging (reference §2.8, §7.3): the trail records from now on, in every region it covers.
 * Home region only; starting a logging trail changes nothing (StartLoggingTime keeps the time
 * logging really started).
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { StartLoggingRequest, StartLoggingResponse } from './generated/model.js';
import { setLogging } from './trail-changes.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';

async function startLogging(input: StartLoggingRequest, ctx: OperationContext): Promise<StartLoggingResponse> {
  const trail = findTrail(ctx, input.Name, 'change');
  if (!trail.status.isLogging) setLogging(ctx, trail, true);
  return {};
}

export const startLoggingOperation: JsonOperation<StartLoggingRequest, StartLoggingResponse> = {
  handler: startLogging,
  access: (input, ctx) => trailAccess(ctx, 'StartLogging', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name),
};
