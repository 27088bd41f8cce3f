/**
 * The CloudTrail control plane as an awsJson1_1 service: the typed table of its operations.
 * Every operation of the official model has an entry; those a later issue implements answer
 * UnsupportedOperationException (a modeled CloudTrail error) and are still recorded.
 */
import { AwsError } from '../../aws/errors.js';
import { JsonService, type JsonOperation } from '../../aws/json-service.js';
import { metadata, operations, shapes, type OperationMap, type OperationName } from './generated/model.js';
import { lookupEventsOperation } from './lookup-events.js';

type Table = { [K in OperationName]: JsonOperation<OperationMap[K]['input'], OperationMap[K]['output']> | null };

/** `null` marks an operation of the model that OpenTrail does not implement yet. */
const implemented: Partial<Table> = {
  LookupEvents: lookupEventsOperation,
};

export function createCloudTrailService(): JsonService {
  const table: Record<string, JsonOperation<never, unknown> | undefined> = {};
  for (const name of Object.keys(operations)) {
    table[name] = (implemented[name as OperationName] ?? undefined) as JsonOperation<never, unknown> | undefined;
  }
  return new JsonService({
    model: { shapes, operations, metadata },
    signingName: 'cloudtrail',
    eventSource: 'cloudtrail.amazonaws.com',
    table,
    notImplemented: (op) =>
      new AwsError('UnsupportedOperationException', `OpenTrail does not support the ${op} operation yet.`),
  });
}
