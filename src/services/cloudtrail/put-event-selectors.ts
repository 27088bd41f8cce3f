/**
 * PutEventSelectors (reference §2.9, §6): replaces the trail's selectors with the basic or the
 * advanced ones given (never both), from the home region; the trail then reports
 * HasCustomEventSelectors. The answer echoes what is now configured.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { validateEventSelectorsInput } from '../../trails/selector-validation.js';
import type { PutEventSelectorsRequest, PutEventSelectorsResponse } from './generated/model.js';
import { putTrail } from './trail-changes.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { selectorsView } from './selectors-view.js';
import { trailResources } from './trail-views.js';
import { selectorViolation } from './violations.js';

async function putEventSelectors(input: PutEventSelectorsRequest, ctx: OperationContext): Promise<PutEventSelectorsResponse> {
  const trail = findTrail(ctx, input.TrailName, 'change');
  const selectors = validateEventSelectorsInput({
    ...(input.EventSelectors !== undefined ? { EventSelectors: input.EventSelectors } : {}),
    ...(input.AdvancedEventSelectors !== undefined ? { AdvancedEventSelectors: input.AdvancedEventSelectors } : {}),
  });
  const next = { ...trail, selectors, hasCustomEventSelectors: true };
  putTrail(ctx, next);
  return selectorsView(next);
}

export const putEventSelectorsOperation: JsonOperation<PutEventSelectorsRequest, PutEventSelectorsResponse> = {
  handler: putEventSelectors,
  access: (input, ctx) => trailAccess(ctx, 'PutEventSelectors', input.TrailName),
  resources: (input, _output, ctx) => trailResources(ctx, input.TrailName),
  mapViolation: selectorViolation,
};
