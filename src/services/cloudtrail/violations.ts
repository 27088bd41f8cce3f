/**
 * Model constraint violations answered with the operation's own modeled error instead of a
 * generic ValidationException (CloudTrail prefers its specific exceptions, reference §1.2).
 */
import { AwsError } from '../../aws/errors.js';
import type { Violation } from '../../aws/shapes.js';
import { tooManyTags } from '../../trails/tags.js';

/** TagsList: more than the model's 200 entries, or a key/value of the wrong length. */
export function tagViolation(v: Violation): AwsError | undefined {
  if (v.memberPath[0] !== 'TagsList') return undefined;
  if (v.memberPath.length === 1 && v.constraint === 'length') return tooManyTags();
  return new AwsError('InvalidTagParameterException', v.message);
}

export function selectorViolation(v: Violation): AwsError | undefined {
  const top = v.memberPath[0];
  if (top !== 'EventSelectors' && top !== 'AdvancedEventSelectors') return undefined;
  return new AwsError('InvalidEventSelectorsException', v.message);
}

export function insightViolation(v: Violation): AwsError | undefined {
  const top = v.memberPath[0];
  if (top === 'InsightSelectors') return new AwsError('InvalidInsightSelectorsException', v.message);
  if (top === 'EventDataStore' || top === 'InsightsDestination') return new AwsError('InvalidParameterException', v.message);
  return undefined;
}
