/**
 * DeleteTrail (reference §2.3): from the home region only; the trail's shadows, selectors, tags
 * and status go with it, and logging stops.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { DeleteTrailRequest, DeleteTrailResponse } from './generated/model.js';
import { deleteTrail as removeTrail } from './trail-changes.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';

async function deleteTrail(input: DeleteTrailRequest, ctx: OperationContext): Promise<DeleteTrailResponse> {
  removeTrail(ctx, findTrail(ctx, input.Name, 'change'));
  return {};
}

export const deleteTrailOperation: JsonOperation<DeleteTrailRequest, DeleteTrailResponse> = {
  handler: deleteTrail,
  access: (input, ctx) => trailAccess(ctx, 'DeleteTrail', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name),
};
