/**
 * The awsJson1_1 protocol for any service described by a generated model: `POST /` with
 * `X-Amz-Target: <prefix>.<Operation>`, JSON bodies, errors as `{"__type", "message"}`
 * (reference §1.1-1.2). Owns target parsing, (de)serialization, validation and mapping the
 * outcome to a ServiceCall for the recorder; the operations themselves are plain functions.
 */
import { AwsError, CommonErrors } from './errors.js';
import type { ShapeTable } from './model-types.js';
import { deserializeJson, serializeJson, toRecordForm, validationError, type Violation } from './shapes.js';
import type {
  AwsService,
  HttpResponse,
  OperationContext,
  RequestContext,
  ServiceCall,
  ServiceRequest,
} from './service.js';
import type { StateChange } from '../store/state-change.js';
import type { RawRequest } from './sigv4/index.js';
import { firstHeader } from './headers.js';
import type { LookupResource } from '../store/event-log.js';
import type { RecordResource } from '../recorder/record.js';
import { isReadOnlyByName } from '../recorder/classify.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Longest operation name echoed back or recorded from an unknown target. */
const MAX_ECHOED_NAME = 128;

export interface ResourceRefs {
  resources: RecordResource[];
  lookup: LookupResource[];
}

/** One implemented operation: a plain function plus what the recorder needs to know. */
export interface JsonOperation<I, O> {
  handler(input: I, ctx: OperationContext): Promise<O>;
  /** Defaults to the verb rule of reference §11.3. */
  readOnly?: boolean;
  /** Defaults to true (management event). */
  managementEvent?: boolean;
  /** Resources the call names, for `resources` and LookupEvents' Resources. */
  resources?(input: I, output: O | undefined, ctx: OperationContext): ResourceRefs;
  /** Lets an operation answer a constraint violation with its own modeled error. */
  mapViolation?(v: Violation): AwsError | undefined;
}

export interface JsonModel {
  shapes: ShapeTable;
  operations: Record<string, { input?: string; output?: string; errors: readonly string[] }>;
  metadata: { targetPrefix?: string; signingName?: string; endpointPrefix: string };
}

export interface JsonServiceOptions {
  model: JsonModel;
  signingName: string;
  eventSource: string;
  /** The implemented operations; every other operation of the model gets `notImplemented`. */
  table: Readonly<Record<string, JsonOperation<never, unknown> | undefined>>;
  /** Error for a modeled operation OpenTrail does not implement yet. */
  notImplemented(operation: string): AwsError;
}

function jsonResponse(status: number, requestId: string, body: unknown, extra: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId, ...extra },
    body: JSON.stringify(body),
  };
}

export class JsonService implements AwsService {
  readonly signingName: string;
  readonly eventSource: string;
  private readonly prefixes: string[];

  constructor(private readonly opts: JsonServiceOptions) {
    this.signingName = opts.signingName;
    this.eventSource = opts.eventSource;
    const long = opts.model.metadata.targetPrefix ?? '';
    // Smithy-generated SDKs send the service shape name alone; botocore sends the long form.
    this.prefixes = [long, long.slice(long.lastIndexOf('.') + 1)].filter(Boolean);
    // A table entry the model does not know would never be reached: refuse to start.
    const orphan = Object.keys(opts.table).filter((op) => !Object.hasOwn(opts.model.operations, op));
    if (orphan.length) {
      throw new Error(`${opts.signingName} operation table names operations its model lacks: ${orphan.join(', ')}`);
    }
  }

  claims(raw: RawRequest): boolean {
    const target = firstHeader(raw, 'x-amz-target');
    return target !== undefined && this.prefixes.some((p) => target.startsWith(`${p}.`));
  }

  errorResponse(err: AwsError, requestId: string): HttpResponse {
    // Modeled CloudTrail errors carry `Message`; the generic front-end errors use `message`.
    const modeled = this.opts.model.shapes[err.code]?.type === 'structure';
    const body = { __type: err.code, [modeled ? 'Message' : 'message']: err.message };
    return jsonResponse(err.status, requestId, body, { 'x-amzn-errortype': err.code });
  }

  /** The operation named by X-Amz-Target, or an UnknownOperationException. */
  private operationName(raw: RawRequest): { name: string; error?: AwsError } {
    const target = firstHeader(raw, 'x-amz-target') ?? '';
    const dot = target.lastIndexOf('.');
    const prefix = dot < 0 ? '' : target.slice(0, dot);
    const name = target.slice(dot + 1).slice(0, MAX_ECHOED_NAME);
    if (!this.prefixes.includes(prefix) || !Object.hasOwn(this.opts.model.operations, name)) {
      return { name: name || 'UnknownOperation', error: CommonErrors.unknownOperation(target.slice(0, 256)) };
    }
    return { name };
  }

  async handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }> {
    const { name, error } = this.operationName(req.raw);
    const call: ServiceCall = {
      eventName: name,
      readOnly: isReadOnlyByName(name),
      managementEvent: true,
      requestParameters: null,
      responseElements: null,
      resources: [],
      lookupResources: [],
    };
    try {
      if (error) throw error;
      const output = await this.invoke(name, req, call);
      return { response: jsonResponse(200, req.requestId, output), call };
    } catch (e) {
      // An unexpected failure is still a call the principal made: record it as InternalFailure.
      const err = e instanceof AwsError ? e : this.internalFailure(e, req);
      call.error = err;
      return { response: this.errorResponse(err, req.requestId), call };
    }
  }

  private internalFailure(e: unknown, req: ServiceRequest): AwsError {
    req.context.services.logger.error({ err: e, requestId: req.requestId }, 'operation failed unexpectedly');
    return CommonErrors.internalFailure(req.requestId);
  }

  private async invoke(name: string, req: ServiceRequest, call: ServiceCall): Promise<unknown> {
    const model = this.opts.model;
    const spec = model.operations[name]!;
    const op = this.opts.table[name] as JsonOperation<unknown, unknown> | undefined;
    if (op?.readOnly !== undefined) call.readOnly = op.readOnly;
    if (op?.managementEvent !== undefined) call.managementEvent = op.managementEvent;
    const body = parseBody(req.raw.body);
    const { value: input, violations } = spec.input
      ? deserializeJson(model.shapes, spec.input, body)
      : { value: {}, violations: [] as Violation[] };
    if (spec.input) call.requestParameters = toRecordForm(model.shapes, spec.input, input);
    if (!op) throw this.opts.notImplemented(name);
    if (violations.length > 0) {
      for (const v of violations) {
        const mapped = op.mapViolation?.(v);
        if (mapped) throw mapped;
      }
      throw validationError(violations);
    }
    const staged = staging(req.context);
    let output: unknown;
    try {
      output = await op.handler(input, staged.context);
      const body = spec.output ? serializeJson(model.shapes, spec.output, output) : {};
      staged.attachTo(call);
      return body;
    } catch (e) {
      // A failed call changes nothing: undo what the handler staged before it failed.
      staged.undo();
      throw e;
    } finally {
      if (op.resources) {
        const refs = op.resources(input, output, staged.context);
        call.resources = refs.resources;
        call.lookupResources = refs.lookup;
      }
      if (output !== undefined && spec.output && !call.readOnly) {
        call.responseElements = toRecordForm(model.shapes, spec.output, output);
      }
    }
  }
}

/**
 * The handler's context plus `stage`: collects the state changes a handler stages, to ride with
 * the call's event (`attachTo`) or be undone when the call fails (`undo`, newest first).
 */
function staging(base: RequestContext) {
  const changes: StateChange[] = [];
  const rollbacks: Array<() => void> = [];
  const undo = () => {
    for (const rollback of rollbacks.splice(0).reverse()) rollback();
  };
  const context: OperationContext = {
    ...base,
    stage(more, rollback) {
      changes.push(...more);
      rollbacks.push(rollback);
    },
  };
  return {
    context,
    undo,
    attachTo(call: ServiceCall) {
      if (rollbacks.length === 0) return;
      call.changes = changes;
      call.rollback = undo;
    },
  };
}

/** An empty body means `{}`; anything but a JSON object is a SerializationException. */
function parseBody(body: Uint8Array): unknown {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    throw CommonErrors.serialization('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw CommonErrors.serialization('The request body must be a JSON object.');
  }
  return parsed;
}
