/** A trail's selectors on the wire: its ARN and either the basic or the advanced selectors (§2.10). */
import type { Trail } from '../../trails/trail.js';
import type { GetEventSelectorsResponse } from './generated/model.js';

export function selectorsView(trail: Trail): GetEventSelectorsResponse {
  const { selectors } = trail;
  return selectors.kind === 'basic'
    ? { TrailARN: trail.arn, EventSelectors: selectors.selectors }
    : { TrailARN: trail.arn, AdvancedEventSelectors: selectors.selectors };
}
