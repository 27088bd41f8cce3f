/**
 * The request pipeline every AWS call goes through: route → authenticate (SigV4, or for a web
 * console call its session: handleAs) → invoke the service → record → answer. The response
 * leaves only after the call's record is committed (DESIGN invariant 1); an unauthenticated
 * request is answered without a record. Anything unexpected becomes a 500 InternalFailure that
 * leaks nothing and is logged with the request id.
 */
import { Readable } from 'node:stream';
import { AwsError, CommonErrors } from './errors.js';
import type { AccessRequest, AwsService, ConnectionInfo, HttpResponse, ServiceContext } from './service.js';
import { readScope, verifySigV4, type RawRequest, type Verified } from './sigv4/index.js';
import type { Credential, Principal } from './principal.js';
import { formatIsoBasic } from './sigv4/time.js';
import { buildEvent } from '../recorder/recorder.js';
import { uuid } from '../lib/ids.js';
import { firstHeader } from './headers.js';
import { isTemporaryKeyId } from '../identity/sessions.js';
import { Authorizer } from '../policy/authorizer.js';
import type { Gateway } from '../gateway/proxy.js';

/** Services with S3's wire rules: bodies streamed rather than buffered, paths signed as sent. */
const S3_STYLE_SERVICES = new Set(['s3']);

export class AwsPipeline {
  private readonly bySigningName = new Map<string, AwsService>();
  private readonly authorizer: Authorizer;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly services: readonly AwsService[],
    /** The recording gateway: services OpenTrail does not serve, proxied to configured upstreams. */
    private readonly gateway?: Gateway,
  ) {
    for (const s of services) this.bySigningName.set(s.signingName, s);
    this.authorizer = new Authorizer({ identityPolicies: ctx.iam, objects: ctx.objects, clock: ctx.clock });
  }

  /** The service whose protocol renders errors for a request we could not route. */
  private fallbackService(raw: RawRequest): AwsService {
    return this.services.find((s) => s.claims(raw)) ?? this.services[0]!;
  }

  async handle(raw: RawRequest, conn: ConnectionInfo): Promise<HttpResponse> {
    const requestId = uuid();
    return this.answer(raw, requestId, undefined, () => this.route(raw, conn, requestId));
  }

  /** True for the services OpenTrail itself serves (not the gateway's upstreams). */
  serves(signingName: string): boolean {
    return this.bySigningName.has(signingName);
  }

  /**
   * A web console call (src/console/): authenticated by the console session instead of a
   * signature, then authorized, invoked and recorded exactly as a signed call with `credential`
   * for `service` (one `serves` names) in `region`. The body is the buffered `raw.body`.
   */
  async handleAs(raw: RawRequest, conn: ConnectionInfo, as: { credential: Credential; service: string; region: string }): Promise<HttpResponse> {
    const requestId = uuid();
    const service = this.bySigningName.get(as.service);
    if (!service) throw new Error(`not a built-in service: ${as.service}`);
    const verified: Verified = {
      credential: as.credential,
      scope: { accessKeyId: as.credential.accessKeyId, date: formatIsoBasic(this.ctx.clock.now()).slice(0, 8), region: as.region, service: as.service },
      presigned: false,
      payload: { kind: 'verified' },
    };
    return this.answer(raw, requestId, service, () => this.run(service, raw, verified, conn, requestId));
  }

  /**
   * Decides one request for `principal` as a call from `conn` in `region` would be decided,
   * outside any call (the console's dashboard figures, which are not recorded).
   */
  authorize(principal: Principal, conn: ConnectionInfo, region: string, request: AccessRequest): Promise<void> {
    return this.authorizerFor(principal, conn, region)(request);
  }

  /** Runs `work`; an AwsError becomes the service's error answer, anything else a logged 500. */
  private async answer(raw: RawRequest, requestId: string, service: AwsService | undefined, work: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const renderer = () => service ?? this.fallbackService(raw);
    try {
      return await work();
    } catch (e) {
      if (e instanceof AwsError && !e.isFault) return renderer().errorResponse(e, requestId);
      this.ctx.logger.error({ err: e, requestId }, 'request failed unexpectedly');
      return renderer().errorResponse(CommonErrors.internalFailure(requestId), requestId);
    }
  }

  private authorizerFor(principal: Principal, conn: ConnectionInfo, region: string): (request: AccessRequest) => Promise<void> {
    return this.authorizer.forCall(principal, { sourceIp: conn.sourceIp, secureTransport: conn.tls !== undefined, region });
  }

  /**
   * How the edge reads this request's body, decided once from its service: `stream` when the
   * service reads it as a stream (S3 uploads: the edge hands over the unread body), else the
   * largest body read whole — the API limit for OpenTrail's own services, the (larger) upstream
   * limit for calls the gateway forwards (a Lambda function's zip travels inside its JSON request).
   */
  bodyLimit(raw: RawRequest): number | 'stream' {
    const name = this.serviceFor(raw).signingName;
    if (S3_STYLE_SERVICES.has(name)) return 'stream';
    return this.bySigningName.has(name) ? this.ctx.config.maxBodyBytes : this.ctx.config.upstreamMaxBodyBytes;
  }

  /** The service the credential scope names, or the one that claims an unsigned request. */
  private serviceFor(raw: RawRequest, scope = readScope(raw)): AwsService {
    if (!scope) return this.fallbackService(raw);
    // An upstream named for a built-in service (s3=…) takes its client calls; `default` does not.
    const explicit = this.gateway?.explicitlyServes(scope.service) ? this.gateway.serviceFor(scope.service) : undefined;
    return explicit ?? this.bySigningName.get(scope.service) ?? this.gateway?.serviceFor(scope.service) ?? this.fallbackService(raw);
  }

  /** Errors for requests rejected before a body was read (e.g. too large). */
  reject(raw: RawRequest, err: AwsError): HttpResponse {
    return this.fallbackService(raw).errorResponse(err, uuid());
  }

  private async route(raw: RawRequest, conn: ConnectionInfo, requestId: string): Promise<HttpResponse> {
    const scope = readScope(raw);
    const service = this.serviceFor(raw, scope);
    if (scope && service.signingName !== scope.service) {
      throw new AwsError(
        'UnknownServiceException',
        `OpenTrail does not serve '${scope.service.slice(0, 64)}' and no upstream is configured for it.`,
      );
    }
    const verified = await verifySigV4(raw, {
      clock: this.ctx.clock,
      // STS's temporary keys live in the session store, long-term keys in the identity store.
      credentials: { lookup: (id) => (isTemporaryKeyId(id) ? this.ctx.sessions : this.ctx.identity).lookup(id) },
      service: service.signingName,
      regions: this.ctx.config.regions,
      s3PathRules: S3_STYLE_SERVICES.has(service.signingName),
    });
    return this.run(service, raw, verified, conn, requestId);
  }

  /** Everything after authentication: invoke, record, commit, answer. */
  private async run(service: AwsService, raw: RawRequest, verified: Verified, conn: ConnectionInfo, requestId: string): Promise<HttpResponse> {
    const principal = verified.credential.principal;
    const region = service.globalRegion ?? verified.scope.region;
    const context = {
      services: this.ctx,
      principal,
      accountId: principal.accountId,
      region,
      requestId,
      authorize: this.authorizerFor(principal, conn, region),
    };
    const { response, call } = await service.handle({ raw, verified, requestId, context, connection: conn });
    const userAgent = call.userAgent ?? firstHeader(raw, 'user-agent');
    const event = buildEvent({
      principal,
      region: context.region,
      eventTimeMs: this.ctx.clock.now(),
      eventSource: service.eventSource,
      eventName: call.eventName,
      sourceIPAddress: conn.sourceIp,
      ...(userAgent !== undefined ? { userAgent } : {}),
      requestParameters: call.requestParameters,
      responseElements: call.responseElements,
      ...(call.additionalEventData ? { additionalEventData: call.additionalEventData } : {}),
      ...(call.error ? { error: { code: call.error.code, message: call.error.message } } : {}),
      requestId,
      eventId: uuid(),
      readOnly: call.readOnly,
      resources: call.resources,
      lookupResources: call.lookupResources,
      managementEvent: call.managementEvent,
      ...(conn.tls ? { tlsDetails: { ...conn.tls, clientProvidedHostHeader: hostHeader(raw) } } : {}),
    });
    // Data events are kept only when some logging trail selects them (as AWS bills and
    // delivers them); management events always go to event history.
    const keep = call.managementEvent || this.ctx.trails.selectsDataEvent(event.record);
    try {
      await this.ctx.eventLog.append(keep ? [event] : [], call.changes);
    } catch (err) {
      call.rollback?.();
      // An unsent streamed body (GetObject) holds the object's files open: release them.
      if (response.body instanceof Readable) response.body.destroy();
      throw err;
    }
    // The access log (debug level): who called what and how it ended; ids only, never a secret.
    // Checked first: the line's object is not built on every call at the usual levels.
    if (this.ctx.logger.isLevelEnabled('debug')) this.ctx.logger.debug(
      {
        requestId,
        service: service.signingName,
        operation: call.eventName,
        status: response.status,
        ...(call.error ? { errorCode: call.error.code } : {}),
        principal: event.record.userIdentity.arn,
        accessKeyId: principal.accessKeyId,
        sourceIp: conn.sourceIp,
      },
      'request',
    );
    return response;
  }
}

function hostHeader(raw: RawRequest): string | undefined {
  return firstHeader(raw, 'host')?.slice(0, 256);
}
