/**
 * Which trail Put/GetInsightSelectors are about (reference §2.11, §2.12): TrailName, or an event
 * data store (EventDataStore, with InsightsDestination for Put), never both. OpenTrail has no
 * CloudTrail Lake, so only trails can be named.
 */
import { AwsError } from '../../aws/errors.js';

const combination = (message: string) => new AwsError('InvalidParameterCombinationException', message);

export function insightTrailName(input: {
  TrailName?: string;
  EventDataStore?: string;
  InsightsDestination?: string;
}): string {
  const lake = input.EventDataStore !== undefined || input.InsightsDestination !== undefined;
  if (input.TrailName !== undefined && lake) {
    throw combination('Specify either TrailName, or EventDataStore and InsightsDestination, but not both.');
  }
  if (lake) {
    throw new AwsError(
      'InvalidParameterException',
      'OpenTrail does not support CloudTrail Lake event data stores yet; specify TrailName.',
    );
  }
  if (input.TrailName === undefined) throw combination('Specify TrailName.');
  return input.TrailName;
}
