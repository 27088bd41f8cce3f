/**
 * GetEventSelectors (reference §2.10): the trail's basic or advanced selectors, whichever kind was
 * put last (a fresh trail answers the default basic selector). A shadow is named by ARN.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { GetEventSelectorsRequest, GetEventSelectorsResponse } from './generated/model.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { selectorsView } from './selectors-view.js';
import { trailResources } from './trail-views.js';

async function getEventSelectors(input: GetEventSelectorsRequest, ctx: OperationContext): Promise<GetEventSelectorsResponse> {
  return selectorsView(findTrail(ctx, input.TrailName, 'home'));
}

export const getEventSelectorsOperation: JsonOperation<GetEventSelectorsRequest, GetEventSelectorsResponse> = {
  handler: getEventSelectors,
  access: (input, ctx) => trailAccess(ctx, 'GetEventSelectors', input.TrailName),
  resources: (input, _output, ctx) => trailResources(ctx, input.TrailName),
};
