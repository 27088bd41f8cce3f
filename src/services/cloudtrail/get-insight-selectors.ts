/**
 * GetInsightSelectors (reference §2.12): the trail's Insights types; a trail without Insights
 * answers InsightNotEnabledException. A shadow is named by ARN.
 */
import { AwsError } from '../../aws/errors.js';
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { GetInsightSelectorsRequest, GetInsightSelectorsResponse } from './generated/model.js';
import { insightTrailName } from './insight-target.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';
import { insightViolation } from './violations.js';

async function getInsightSelectors(
  input: GetInsightSelectorsRequest,
  ctx: OperationContext,
): Promise<GetInsightSelectorsResponse> {
  const trail = findTrail(ctx, insightTrailName(input), 'home');
  if (trail.insightSelectors.length === 0) {
    throw new AwsError(
      'InsightNotEnabledException',
      `Trail ${trail.name} does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.`,
    );
  }
  return { TrailARN: trail.arn, InsightSelectors: trail.insightSelectors };
}

export const getInsightSelectorsOperation: JsonOperation<GetInsightSelectorsRequest, GetInsightSelectorsResponse> = {
  handler: getInsightSelectors,
  access: (input, ctx) => trailAccess(ctx, 'GetInsightSelectors', input.TrailName),
  resources: (input, _output, ctx) => trailResources(ctx, input.TrailName),
  mapViolation: insightViolation,
};
