/**
 * The record builder of the recording gateway (issue 7): from what the proxy saw of one exchange
 * and the service's model, the fields AWS would write for the call. eventName, readOnly and
 * managementEvent come from the operation naming; requestParameters are the input in record form
 * (lowerCamel members, sensitive members hidden: shapes-record.ts); responseElements are the
 * output of a successful write; errorCode/errorMessage come from the upstream's error body; the
 * resources follow the services' documented records. S3 is recorded like OpenTrail's own bucket
 * store (record-s3.ts). Nothing read from the wire makes this throw: what cannot be read is
 * recorded as null. An upstream that never answered is the proxy's to record (it sets the error).
 * The request is read before the call (readRequest), once: the proxy authorizes with the same reading.
 */
import { AwsError, CommonErrors } from '../aws/errors.js';
import type { MemberRef, ServiceModel, Shape, ShapeTable } from '../aws/model-types.js';
import { toRecordForm } from '../aws/shapes-record.js';
import type { S3Target } from '../services/s3/router.js';
import { withoutItemData } from './record-dynamodb.js';
import { upstreamError } from './record-error.js';
import { readInput, readOutput } from './record-input.js';
import { describeResources } from './record-resources.js';
import { describeS3, s3Target } from './record-s3.js';
import type { ExchangeRecord, ProxiedExchange } from './types.js';

/** What the builder needs of a service model (naming.ts's serviceModel provides it). */
export type RecordModel = Pick<ServiceModel, 'operations' | 'shapes'>;

/**
 * How records show members beyond the models' `sensitive` marks. Hidden: message data AWS's
 * records hide all the same (SQS's documented SendMessage record shows `"messageBody":
 * "HIDDEN_DUE_TO_SECURITY_REASONS"`; SNS message texts are treated alike). Omitted: the secret
 * parts of temporary credentials, which OpenTrail's own STS records leave out too
 * (`credentials: {accessKeyId, expiration}`), and the plaintext of KMS Encrypt, which KMS's
 * documented record leaves out (`{encryptionContext, keyId, encryptionAlgorithm}`).
 */
const RECORD_RULES: Record<string, Record<string, { hide?: readonly string[]; omit?: readonly string[] }>> = {
  sqs: { SendMessageRequest: { hide: ['MessageBody'] }, SendMessageBatchRequestEntry: { hide: ['MessageBody'] } },
  sns: { PublishInput: { hide: ['Message'] }, PublishBatchRequestEntry: { hide: ['Message'] } },
  sts: { Credentials: { omit: ['SecretAccessKey', 'SessionToken'] } },
  kms: { EncryptRequest: { omit: ['Plaintext'] } },
};

/**
 * Top-level record keys a service spells otherwise than Coral's lowerCamel: Secrets Manager's
 * records say `arn` for the secret's ARN since February 2024 (its guide notes the old `aRN`).
 */
const RENAMED_KEYS: Record<string, Record<string, string>> = { secretsmanager: { aRN: 'arn' } };

/** Data events whose answers carry the data itself (items, function results): recorded null. */
const NO_RESPONSE_DATA_SERVICES = new Set(['dynamodb', 'lambda']);

/**
 * What the request asks for, read once from the exchange: the gateway authorizes with it
 * (access.ts) and records with it. S3 is read from the path as the router reads it.
 */
export interface RequestReading {
  /** The typed input; undefined for S3, for operations without one and when it could not be read. */
  input?: Record<string, unknown>;
  s3?: S3Target;
  /** Why the input could not be read (as the service would answer a malformed request). */
  malformed?: AwsError;
}

/** Never throws: what cannot be read is `malformed`. */
export function readRequest(ex: ProxiedExchange, model: RecordModel | undefined): RequestReading {
  const op = ex.operation;
  if (op.service === 's3') return { s3: s3Target(ex) };
  const inputShape = op.known ? model?.operations[op.name]?.input : undefined;
  if (!model || !inputShape) return {};
  try {
    const input = readInput(ex, model.shapes, inputShape);
    return input ? { input } : {};
  } catch (e) {
    return { malformed: e instanceof AwsError ? e : CommonErrors.serialization('The request input could not be read.') };
  }
}

export function recordExchange(ex: ProxiedExchange, model: RecordModel | undefined, reading: RequestReading = readRequest(ex, model)): ExchangeRecord {
  const op = ex.operation;
  const out: ExchangeRecord = {
    eventName: op.name,
    readOnly: op.readOnly,
    managementEvent: op.managementEvent,
    requestParameters: null,
    responseElements: null,
    resources: [],
    lookupResources: [],
  };
  const error = ex.response ? upstreamError(op.protocol, ex.response) : undefined;
  if (error) out.error = error;
  if (op.service === 's3') return { ...out, ...describeS3(ex, error === undefined && ex.response !== undefined, reading.s3 ?? s3Target(ex)) };

  const opModel = op.known ? model?.operations[op.name] : undefined;
  if (!model || !opModel) return out;
  const table = model.shapes;
  const shown = recordTable(op.service, table);
  const { input: inputShape, output: outputShape } = opModel;
  const { input } = reading;
  if (input && inputShape) {
    const value = op.service === 'dynamodb' ? attempt(() => withoutItemData(table, inputShape, input)) : input;
    out.requestParameters = (value && attempt(() => toRecordForm(shown, inputShape, value))) ?? null;
  }
  const wantsOutput = !error && !op.readOnly && ex.response !== undefined &&
    !(NO_RESPONSE_DATA_SERVICES.has(op.service) && !op.managementEvent);
  const output = wantsOutput && outputShape ? attempt(() => readOutput(ex, table, outputShape)) : undefined;
  if (output && outputShape) out.responseElements = attempt(() => toRecordForm(shown, outputShape, output)) ?? null;
  out.requestParameters = renamed(op.service, out.requestParameters);
  out.responseElements = renamed(op.service, out.responseElements);

  const { resources, lookup } = describeResources({
    service: op.service,
    input: input ?? {},
    output,
    region: ex.region,
    accountId: ex.accountId,
  });
  out.resources = resources;
  out.lookupResources = lookup;
  return out;
}

function renamed(service: string, fields: Record<string, unknown> | null): Record<string, unknown> | null {
  const names = RENAMED_KEYS[service];
  if (!names || !fields) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [names[k] ?? k, v]));
}

/** A reading that fails (malformed input, a shape the reduced table lacks) records nothing. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const RECORD_TABLES = new WeakMap<ShapeTable, ShapeTable>();

/** The table with RECORD_RULES applied (on member refs: shapes are shared between members). */
function recordTable(service: string, table: ShapeTable): ShapeTable {
  const rules = RECORD_RULES[service];
  if (!rules) return table;
  const cached = RECORD_TABLES.get(table);
  if (cached) return cached;
  const out: Record<string, Shape> = { ...table };
  for (const [shapeName, rule] of Object.entries(rules)) {
    const shape = table[shapeName];
    if (shape?.type !== 'structure') continue;
    const refs: Record<string, MemberRef> = {};
    for (const [m, ref] of Object.entries(shape.members)) {
      if (rule.omit?.includes(m)) continue;
      refs[m] = rule.hide?.includes(m) ? { ...ref, sensitive: true } : ref;
    }
    out[shapeName] = { ...shape, members: refs };
  }
  RECORD_TABLES.set(table, out);
  return out;
}
