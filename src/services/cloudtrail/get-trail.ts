/** GetTrail (reference §2.5): one trail visible in the caller's region, shadows included. */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { GetTrailRequest, GetTrailResponse } from './generated/model.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources, trailView } from './trail-views.js';

async function getTrail(input: GetTrailRequest, ctx: OperationContext): Promise<GetTrailResponse> {
  return { Trail: trailView(findTrail(ctx, input.Name, 'read')) };
}

export const getTrailOperation: JsonOperation<GetTrailRequest, GetTrailResponse> = {
  handler: getTrail,
  access: (input, ctx) => trailAccess(ctx, 'GetTrail', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name),
};
