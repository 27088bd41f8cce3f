/**
 * The CloudTrail control plane as an awsJson1_1 service: the typed table of its operations.
 * Operations of the official model without an entry (later issues implement them) answer
 * UnsupportedOperationException (a modeled CloudTrail error) and are still recorded.
 */
import { AwsError } from '../../aws/errors.js';
import { JsonService, type JsonOperation } from '../../aws/json-service.js';
import { metadata, operations, shapes, type OperationMap, type OperationName } from './generated/model.js';
import { addTagsOperation } from './add-tags.js';
import { createTrailOperation } from './create-trail.js';
import { deleteTrailOperation } from './delete-trail.js';
import { describeTrailsOperation } from './describe-trails.js';
import { getEventSelectorsOperation } from './get-event-selectors.js';
import { getInsightSelectorsOperation } from './get-insight-selectors.js';
import { getTrailOperation } from './get-trail.js';
import { getTrailStatusOperation } from './get-trail-status.js';
import { listPublicKeysOperation } from './list-public-keys.js';
import { listTagsOperation } from './list-tags.js';
import { listTrailsOperation } from './list-trails.js';
import { lookupEventsOperation } from './lookup-events.js';
import { putEventSelectorsOperation } from './put-event-selectors.js';
import { putInsightSelectorsOperation } from './put-insight-selectors.js';
import { removeTagsOperation } from './remove-tags.js';
import { startLoggingOperation } from './start-logging.js';
import { stopLoggingOperation } from './stop-logging.js';
import { updateTrailOperation } from './update-trail.js';

/** Operations of the model OpenTrail implements, typed by their generated input and output. */
type Table = { [K in OperationName]?: JsonOperation<OperationMap[K]['input'], OperationMap[K]['output']> };

const implemented: Table = {
  AddTags: addTagsOperation,
  CreateTrail: createTrailOperation,
  DeleteTrail: deleteTrailOperation,
  DescribeTrails: describeTrailsOperation,
  GetEventSelectors: getEventSelectorsOperation,
  GetInsightSelectors: getInsightSelectorsOperation,
  GetTrail: getTrailOperation,
  GetTrailStatus: getTrailStatusOperation,
  ListPublicKeys: listPublicKeysOperation,
  ListTags: listTagsOperation,
  ListTrails: listTrailsOperation,
  LookupEvents: lookupEventsOperation,
  PutEventSelectors: putEventSelectorsOperation,
  PutInsightSelectors: putInsightSelectorsOperation,
  RemoveTags: removeTagsOperation,
  StartLogging: startLoggingOperation,
  StopLogging: stopLoggingOperation,
  UpdateTrail: updateTrailOperation,
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
