/**
 * StopLogging (reference §2.8, §7.3): the trail stops recording in every region it covers. Home
 * region only; stopping a stopped trail changes nothing (StopLoggingTime keeps the time logging
 * really stopped).
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { StopLoggingRequest, StopLoggingResponse } from './generated/model.js';
import { setLogging } from './trail-changes.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';

async function stopLogging(input: StopLoggingRequest, ctx: OperationContext): Promise<StopLoggingResponse> {
  const trail = findTrail(ctx, input.Name, 'change');
  if (trail.status.isLogging) setLogging(ctx, trail, false);
  return {};
}

export const stopLoggingOperation: JsonOperation<StopLoggingRequest, StopLoggingResponse> = {
  handler: stopLogging,
  access: (input, ctx) => trailAccess(ctx, 'StopLogging', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name),
};
