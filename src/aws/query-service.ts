/**
 * The awsQuery protocol (IAM, STS) for any service described by a generated model: `Action`,
 * `Version` and the input as form parameters (POST body or GET query string), XML responses
 * (`<{Op}Response>`) and errors (`<ErrorResponse>`). Owns reading, validation, the modeled error
 * codes of the wire, and mapping the outcome to a ServiceCall for the recorder; the operations
 * themselves are plain functions in a table, as for the JSON protocol (json-service.ts).
 */
import { AwsError, CommonErrors } from './errors.js';
import type { OperationModel, ServiceMetadata, ShapeTable, StructureShape } from './model-types.js';
import { toRecordForm, validate, validationError } from './shapes.js';
import type { AccessRequest, AwsService, HttpResponse, OperationContext, ServiceCall, ServiceRequest } from './service.js';
import { readScope, type RawRequest } from './sigv4/index.js';
import { SigV4Error, type SigV4FailureReason } from './sigv4/messages.js';
import { newCall, runOperation, type ResourceRefs } from './invoke.js';
import { firstHeader } from './headers.js';
import { isFormPost, param, queryValidationError, readParams, readQueryInput, type ParamNode } from './query-params.js';
import { queryErrorResponse, queryResponse } from './query-xml.js';

export const QUERY_CONTENT_TYPE = 'text/xml';
/** Longest operation name echoed back or recorded from an unknown Action. */
const MAX_ECHOED_NAME = 128;

/** One implemented operation: a plain function plus what the recorder and authorizer need. */
export interface QueryOperation<I, O> {
  handler(input: I, ctx: OperationContext): Promise<O>;
  /** Defaults to the verb rule (isReadOnlyByName). */
  readOnly?: boolean;
  /**
   * What the call asks permission for; default { action: `${signingName}:${Operation}`, resource: '*' }.
   * `null`: the handler authorizes the call itself (AssumeRole, where the role's trust policy and
   * the caller's identity policies decide together).
   */
  access?(input: I, ctx: OperationContext): AccessRequest | null;
  /** Resources for the record's `resources` and LookupEvents' ResourceName/Type. */
  resources?(input: I, output: O | undefined, ctx: OperationContext): ResourceRefs;
  /**
   * Replaces the record form of a write call's output where AWS records something else than the
   * model's members (STS credentials: the session token must not reach the record).
   */
  responseElements?(output: O, input: I, ctx: OperationContext): Record<string, unknown> | null;
}

export interface QueryServiceOptions {
  /** The generated model module's exports (`src/services/<svc>/generated/model.ts`). */
  model: { metadata: ServiceMetadata; shapes: ShapeTable; operations: Readonly<Record<string, OperationModel>> };
  signingName: string;
  eventSource: string;
  /** Global services (IAM, STS) record and run in this region (AwsService.globalRegion). */
  globalRegion?: string;
  /** The implemented operations; every other operation of the model gets `notImplemented`. */
  table: Readonly<Record<string, QueryOperation<never, unknown> | undefined>>;
  /** Error for a modeled operation OpenTrail does not implement yet. */
  notImplemented(operation: string): AwsError;
}

export function createQueryService(opts: QueryServiceOptions): AwsService {
  return new QueryService(opts);
}

/**
 * SigV4 failures in the awsQuery dialect (the pipeline raises them in awsJson's words). Codes and
 * statuses as IAM and STS answer them; undefined keeps the error as raised.
 */
const SIGV4_CODES: Partial<Record<SigV4FailureReason, { code: string; status: number; message?: string }>> = {
  'missing-authentication': { code: 'MissingAuthenticationToken', status: 403, message: 'Request is missing Authentication Token' },
  'incomplete-signature': { code: 'IncompleteSignature', status: 400 },
  'invalid-signature': { code: 'IncompleteSignature', status: 400 },
  'signature-mismatch': { code: 'SignatureDoesNotMatch', status: 403 },
  'signature-expired': { code: 'SignatureDoesNotMatch', status: 403 },
  'unknown-access-key': { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
  'invalid-security-token': { code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' },
  'expired-security-token': { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' },
  internal: { code: 'InternalFailure', status: 500 },
};

class QueryService implements AwsService {
  readonly signingName: string;
  readonly eventSource: string;
  readonly globalRegion?: string;
  private readonly namespace: string;
  /** Modeled error shapes by shape name and by their wire code (`NoSuchEntity`). */
  private readonly errorShapes = new Map<string, StructureShape>();

  constructor(private readonly opts: QueryServiceOptions) {
    this.signingName = opts.signingName;
    this.eventSource = opts.eventSource;
    if (opts.globalRegion !== undefined) this.globalRegion = opts.globalRegion;
    const meta = opts.model.metadata;
    this.namespace = meta.xmlNamespace ?? `https://${meta.endpointPrefix}.amazonaws.com/doc/${meta.apiVersion}/`;
    for (const [name, shape] of Object.entries(opts.model.shapes)) {
      if (shape.type !== 'structure' || !shape.exception) continue;
      this.errorShapes.set(name, shape);
      if (shape.error?.code !== undefined) this.errorShapes.set(shape.error.code, shape);
    }
    // A table entry the model does not know would never be reached: refuse to start.
    const orphan = Object.keys(opts.table).filter((op) => !Object.hasOwn(opts.model.operations, op));
    if (orphan.length) {
      throw new Error(`${opts.signingName} operation table names operations its model lacks: ${orphan.join(', ')}`);
    }
  }

  /**
   * Signed for this service, or an unsigned call to `/` that names one of this model's Actions.
   * A form POST whose body is not read yet is claimed too: the edge only asks then whether to
   * stream the body (awsQuery bodies are buffered), and asks again once it has the body.
   */
  claims(raw: RawRequest): boolean {
    const scope = readScope(raw);
    if (scope) return scope.service === this.signingName;
    if (raw.url.split('?')[0] !== '/') return false;
    if (isFormPost(raw) && raw.body.length === 0 && Number(firstHeader(raw, 'content-length') ?? 0) > 0) return true;
    const params = readParams(raw);
    const action = param(params, 'Action');
    const version = param(params, 'Version');
    return (
      action !== undefined &&
      Object.hasOwn(this.opts.model.operations, action) &&
      (version === undefined || version === this.opts.model.metadata.apiVersion)
    );
  }

  errorResponse(err: AwsError, requestId: string): HttpResponse {
    const wire = this.wireError(err);
    const body = queryErrorResponse(this.namespace, wire, requestId);
    return xmlResponse(wire.status, requestId, body);
  }

  /**
   * The code, status and fault side a client sees: a modeled exception's `error.code` override
   * and HTTP status (a handler throwing `NoSuchEntityException` answers `NoSuchEntity` 404), and
   * SigV4 failures in the query dialect. The recorded code stays the one thrown.
   */
  private wireError(err: AwsError) {
    const sig = err instanceof SigV4Error ? SIGV4_CODES[err.reason] : undefined;
    const modeled = this.errorShapes.get(err.code);
    const code = sig?.code ?? modeled?.error?.code ?? err.code;
    const status = sig?.status ?? modeled?.error?.httpStatusCode ?? err.status;
    const type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender';
    return { type, code, status, message: sig?.message ?? err.message };
  }

  async handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }> {
    const params = readParams(req.raw);
    const action = param(params, 'Action');
    const name = action?.slice(0, MAX_ECHOED_NAME);
    const call = newCall(name || 'UnknownOperation');
    try {
      if (action === undefined) {
        throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
      }
      if (!Object.hasOwn(this.opts.model.operations, action)) {
        const version = param(params, 'Version')?.slice(0, 32) ?? this.opts.model.metadata.apiVersion;
        throw new AwsError('InvalidAction', `Could not find operation ${name} for version ${version}`);
      }
      const body = await this.invoke(action, params, req, call);
      return { response: xmlResponse(200, req.requestId, body), call };
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

  private async invoke(name: string, params: ParamNode, req: ServiceRequest, call: ServiceCall): Promise<string> {
    const model = this.opts.model;
    const spec = model.operations[name]!;
    const op = this.opts.table[name] as QueryOperation<unknown, unknown> | undefined;
    if (op?.readOnly !== undefined) call.readOnly = op.readOnly;
    const input = spec.input ? readQueryInput(model.shapes, spec.input, params) : {};
    if (spec.input) call.requestParameters = toRecordForm(model.shapes, spec.input, input);
    if (!op) throw this.opts.notImplemented(name);
    const violations = spec.input ? validate(model.shapes, spec.input, input) : [];
    if (violations.length > 0) throw queryValidationError(validationError(violations).message);
    const defaultAccess = { action: `${this.signingName}:${name}`, resource: '*' };
    return runOperation(req.context, call, {
      access: (ctx) => {
        const asked = op.access ? op.access(input, ctx) : defaultAccess;
        return asked ? [asked] : [];
      },
      handler: (ctx) => op.handler(input, ctx),
      serialize: (output) =>
        queryResponse(this.namespace, name, req.requestId, spec.output ? { table: model.shapes, shape: spec.output, value: output } : undefined),
      ...(op.resources ? { resources: (output: unknown, ctx: OperationContext) => op.resources!(input, output, ctx) } : {}),
      ...(spec.output
        ? {
            recordOutput: (output: unknown, ctx: OperationContext) =>
              op.responseElements ? op.responseElements(output, input, ctx) : toRecordForm(model.shapes, spec.output!, output),
          }
        : {}),
    });
  }
}

function xmlResponse(status: number, requestId: string, body: string): HttpResponse {
  return { status, headers: { 'content-type': QUERY_CONTENT_TYPE, 'x-amzn-requestid': requestId }, body };
}
