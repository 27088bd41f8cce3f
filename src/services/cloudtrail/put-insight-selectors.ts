/**
 * PutInsightSelectors (reference §2.11, §8.1): replaces the trail's Insights types (an empty list
 * turns Insights off), from the home region. Each type needs the management events it watches to
 * be logged by the trail.
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { validateInsightSelectors } from '../../trails/insight-validation.js';
import type { PutInsightSelectorsRequest, PutInsightSelectorsResponse } from './generated/model.js';
import { insightTrailName } from './insight-target.js';
import { putTrail } from './trail-changes.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';
import { insightViolation } from './violations.js';

async function putInsightSelectors(
  input: PutInsightSelectorsRequest,
  ctx: OperationContext,
): Promise<PutInsightSelectorsResponse> {
  const trail = findTrail(ctx, insightTrailName(input), 'change');
  const insightSelectors = validateInsightSelectors(input.InsightSelectors, trail.selectors);
  putTrail(ctx, { ...trail, insightSelectors });
  return { TrailARN: trail.arn, InsightSelectors: insightSelectors };
}

export const putInsightSelectorsOperation: JsonOperation<PutInsightSelectorsRequest, PutInsightSelectorsResponse> = {
  handler: putInsightSelectors,
  access: (input, ctx) => trailAccess(ctx, 'PutInsightSelectors', input.TrailName),
  resources: (input, _output, ctx) => trailResources(ctx, input.TrailName),
  mapViolation: insightViolation,
};
