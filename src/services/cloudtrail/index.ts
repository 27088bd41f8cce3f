/**
 * The CloudTrail control plane as an awsJson1_1 service: the typed table of its operations.
 * Operations of the official model without an entry (later issues implement them) answer
 * UnsupportedOperationException (a modeled CloudTrail error) and are still recorded.
 */
import { AwsError } from '../../aws/errors.js';
import { JsonService, type JsonOperation } from '../../aws/json-service.js';
import { metadata, operations, shapes, type OperationMap, type OperationName } from './generated/model.js';
import { lookupEventsOperation } from './lookup-events.js';

/** Operations of the model OpenTrail implements, typed by their generated input and output. */
type Table = { [K in OperationName]?: JsonOperation<OperationMap[K]['input'], OperationMap[K]['output']> };

const implemented: Table = {
  LookupEvents: lookupEventsOperation,
};

export function createCloudTrailService(): JsonService {
  return new JsonService({
    model: { shapes, operations, metadata },
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    // Handler inputs are checked against the model before the call, hence the widening.
    table: implemented as Record<string, JsonOperation<never, unknown> | undefined>,
    notImplemented: (op) =>
      new AwsError('UnsupportedOperationException', `OpenTrail does not support the ${op} operation yet.`),
  });
}
