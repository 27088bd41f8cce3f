/**
 * The bucket store as an S3 (restXml) service on the shared port: routes a verified request to
 * its operation (router.ts), checks the caller's account owns the bucket and that IAM allows the
 * call (access.ts: identity policies and the bucket policy), runs the operation against the
 * ObjectStore, renders the reply or S3's XML error, and describes the call for its CloudTrail
 * record (record.ts): object calls are data events, bucket calls management events, all from
 * `s3.amazonaws.com` with the user agent in brackets. Operations S3 has and OpenTrail does not
 * answer NotImplemented by name.
 */
import { AwsError } from '../../aws/errors.js';
import { firstHeader } from '../../aws/headers.js';
import type { AwsService, HttpResponse, ServiceCall, ServiceRequest } from '../../aws/service.js';
import { readScope, type RawRequest } from '../../aws/sigv4/index.js';
import { ObjectStoreError } from '../../objects/object-store.js';
import { isReadOnlyByName } from '../../recorder/classify.js';
import { missingKeyAccess, s3Access } from './access.js';
import { RequestBody } from './body.js';
import { fromStoreError, S3Error, S3Errors, toS3Error } from './errors.js';
import { OPERATIONS } from './operations/index.js';
import { additionalEventData, recordResources, requestParameters } from './record.js';
import type { S3Operation, S3Request } from './request.js';
import { newHostId, renderError, renderReply, type ReplyIds } from './response.js';
import { operationName, resolveTarget, type S3Target } from './router.js';

/** Longest key S3 accepts, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
/** S3 calls that are not implemented but would be data events (they list a bucket's objects). */
const LISTING_CALLS = new Set(['ListObjectVersions', 'ListMultipartUploads']);

/** Everything learnt about a call while handling it, turned into the ServiceCall at the end. */
interface CallState {
  target?: S3Target;
  op?: S3Operation;
  dataEvent: boolean;
  ownerAccountId?: string;
}

export class S3Service implements AwsService {
  readonly signingName = 's3';
  readonly eventSource = 's3.amazonaws.com';

  /** Signed for s3, or unsigned and not another service's (S3 allows anonymous requests). */
  claims(raw: RawRequest): boolean {
    const scope = readScope(raw);
    return scope ? scope.service === 's3' : firstHeader(raw, 'x-amz-target') === undefined;
  }

  errorResponse(err: AwsError, requestId: string): HttpResponse {
    return renderError(toS3Error(err), { requestId, hostId: newHostId() }, 'GET').response;
  }

  async handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }> {
    const ids: ReplyIds = { requestId: req.requestId, hostId: newHostId() };
    const method = req.raw.method.toUpperCase();
    const body = new RequestBody(req.raw, req.verified);
    const state: CallState = { dataEvent: false };
    const call: ServiceCall = {
      eventName: 'UnknownOperation',
      readOnly: false,
      managementEvent: true,
      requestParameters: null,
      responseElements: null,
      resources: [],
      lookupResources: [],
    };
    const userAgent = firstHeader(req.raw, 'user-agent');
    if (userAgent !== undefined) call.userAgent = `[${userAgent}]`;
    let outcome: { response: HttpResponse; bytesOut: number };
    try {
      const reply = await this.invoke(req, body, call, state);
      outcome = renderReply(reply, ids, method);
      if (!call.readOnly && reply.responseElements) call.responseElements = reply.responseElements;
    } catch (e) {
      const err = this.asS3Error(e, req, state);
      call.error = err;
      outcome = renderError(err, ids, method, state.target?.path);
    }
    this.describe(call, state, req, { bytesIn: body.bytesIn, bytesOut: outcome.bytesOut, hostId: ids.hostId });
    return { response: outcome.response, call };
  }

  /** The record's resources and additionalEventData, once the outcome is known. */
  private describe(call: ServiceCall, state: CallState, req: ServiceRequest, t: { bytesIn: number; bytesOut: number; hostId: string }): void {
    const { resources, lookup } = recordResources({
      bucket: state.target?.bucket,
      key: state.target?.key,
      ownerAccountId: state.ownerAccountId,
      dataEvent: state.dataEvent,
      objectPrefix: state.op?.objectPrefixResource ?? LISTING_CALLS.has(call.eventName),
    });
    call.resources = resources;
    call.lookupResources = lookup;
    call.additionalEventData = additionalEventData({
      cipherSuite: req.connection?.tls?.cipherSuite,
      presigned: req.verified.presigned,
      ...t,
    });
  }

  private async invoke(req: ServiceRequest, body: RequestBody, call: ServiceCall, state: CallState) {
    const target = resolveTarget(req.raw);
    state.target = target;
    const name = operationName(req.raw, target);
    const op = OPERATIONS.get(name);
    state.op = op;
    state.dataEvent = op?.dataEvent ?? (target.key !== undefined || LISTING_CALLS.has(name));
    call.eventName = name;
    call.readOnly = isReadOnlyByName(name);
    call.managementEvent = !state.dataEvent;
    call.requestParameters = requestParameters(target);
    if (!op) throw S3Errors.notImplemented(name);
    if (target.key !== undefined && Buffer.byteLength(target.key) > MAX_KEY_BYTES) throw S3Errors.keyTooLong();
    const store = req.context.services.objects;
    const bucketInfo = op.needsBucket === false ? undefined : await store.headBucket(target.bucket ?? '');
    if (op.needsBucket !== false) {
      if (!bucketInfo) throw S3Errors.noSuchBucket(target.bucket ?? '');
      // Another account learns nothing about who owns the bucket (AWS redacts it too).
      if (bucketInfo.ownerAccountId !== req.context.accountId) throw S3Errors.accessDenied();
      state.ownerAccountId = bucketInfo.ownerAccountId;
    }
    const header = (name: string) => firstHeader(req.raw, name);
    const access = s3Access(name, { ...target, header, presigned: req.verified.presigned });
    if (access) await req.context.authorize(access);
    const s3req: S3Request = {
      ctx: req.context,
      store,
      bucket: target.bucket ?? '',
      key: target.key ?? '',
      ...(bucketInfo ? { bucketInfo } : {}),
      query: target.query,
      host: target.host,
      header,
      headerNames: () => Object.keys(req.raw.headers).filter((n) => req.raw.headers[n] !== undefined),
      body,
      recordParameter: (name, value) => {
        call.requestParameters = { ...call.requestParameters, [name]: value };
      },
      secure: req.connection?.tls !== undefined,
    };
    const reply = await op.run(s3req).catch(async (e: unknown) => {
      // S3 tells a missing key only to callers who may list the bucket; others get 403.
      const listing = missingKeyAccess(name, e, target);
      if (listing) await req.context.authorize(listing);
      throw e;
    });
    // CreateBucket: the new bucket belongs to the caller.
    state.ownerAccountId ??= req.context.accountId;
    return reply;
  }

  private asS3Error(e: unknown, req: ServiceRequest, state: CallState): S3Error {
    if (e instanceof AwsError) return toS3Error(e);
    if (e instanceof ObjectStoreError) {
      const t = state.target;
      return fromStoreError(e, { bucket: t?.bucket, key: t?.key, uploadId: t?.query.get('uploadId') });
    }
    // The client went away mid-upload: its body is incomplete, not our failure.
    if (req.raw.bodyStream?.readableAborted) {
      return new S3Error('IncompleteBody', 'The request body terminated unexpectedly', 400);
    }
    req.context.services.logger.error({ err: e, requestId: req.requestId }, 'S3 operation failed unexpectedly');
    return S3Errors.internalError();
  }
}

export function createS3Service(): S3Service {
  return new S3Service();
}
