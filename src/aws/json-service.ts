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
  AccessRequest,
  AwsService,
  HttpResponse,
  OperationContext,
  ServiceCall,
  ServiceRequest,
} from './service.js';
import type { RawRequest } from './sigv4/index.js';
import { firstHeader } from './headers.js';
import { newCall, runOperation, type ResourceRefs } from './invoke.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Longest operation name echoed back or recorded from an unknown target. */
const MAX_ECHOED_NAME = 128;
/** Codes awsJson answers under another name than CloudTrail records (IAM's denial). */
const WIRE_CODES: Readonly<Record<string, string>> = { AccessDenied: 'AccessDeniedException' };

export type { ResourceRefs };

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
  /**
   * What the call asks permission for (every request must be allowed); defaults to
   * `<signing name>:<Operation>` on `*`.
   */
  access?(input: I, ctx: OperationContext): AccessRequest | readonly AccessRequest[];
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
    const code = WIRE_CODES[err.code] ?? err.code;
    // Modeled CloudTrail errors carry `Message`; the generic front-end errors use `message`.
    const modeled = this.opts.model.shapes[code]?.type === 'structure';
    const body = { __type: code, [modeled ? 'Message' : 'message']: err.message };
    return jsonResponse(err.status, requestId, body, { 'x-amzn-errortype': code });
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
    const call = newCall(name);
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

  /** What the call asks permission for: the operation's requests, or its action on `*`. */
  private access(name: string, op: JsonOperation<unknown, unknown>, input: unknown, ctx: OperationContext): readonly AccessRequest[] {
    const asked = op.access?.(input, ctx) ?? [];
    const requests: readonly AccessRequest[] = 'action' in asked ? [asked] : asked;
    return requests.length > 0 ? requests : [{ action: `${this.signingName}:${name}`, resource: '*' }];
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
    return runOperation(req.context, call, {
      access: (ctx) => this.access(name, op, input, ctx),
      handler: (ctx) => op.handler(input, ctx),
      serialize: (output) => (spec.output ? serializeJson(model.shapes, spec.output, output) : {}),
      ...(op.resources ? { resources: (output: unknown, ctx: OperationContext) => op.resources!(input, output, ctx) } : {}),
      ...(spec.output ? { recordOutput: (output: unknown) => toRecordForm(model.shapes, spec.output!, output) } : {}),
    });
  }
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
