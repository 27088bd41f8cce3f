/**
 * The request pipeline every AWS call goes through: route → authenticate (SigV4) → invoke the
 * service → record → answer. The response leaves only after the call's record is committed
 * (DESIGN invariant 1); an unauthenticated request is answered without a record. Anything
 * unexpected becomes a 500 InternalFailure that leaks nothing and is logged with the request id.
 */
import { AwsError, CommonErrors } from './errors.js';
import type { AwsService, ConnectionInfo, HttpResponse, ServiceContext } from './service.js';
import { readScope, verifySigV4, type RawRequest } from './sigv4/index.js';
import { buildEvent } from '../recorder/recorder.js';
import { uuid } from '../lib/ids.js';
import { firstHeader } from './headers.js';

export class AwsPipeline {
  private readonly bySigningName = new Map<string, AwsService>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly services: readonly AwsService[],
  ) {
    for (const s of services) this.bySigningName.set(s.signingName, s);
  }

  /** The service whose protocol renders errors for a request we could not route. */
  private fallbackService(raw: RawRequest): AwsService {
    return this.services.find((s) => s.claims(raw)) ?? this.services[0]!;
  }

  async handle(raw: RawRequest, conn: ConnectionInfo): Promise<HttpResponse> {
    const requestId = uuid();
    try {
      return await this.route(raw, conn, requestId);
    } catch (e) {
      if (e instanceof AwsError && !e.isFault) return this.fallbackService(raw).errorResponse(e, requestId);
      this.ctx.logger.error({ err: e, requestId }, 'request failed unexpectedly');
      return this.fallbackService(raw).errorResponse(CommonErrors.internalFailure(requestId), requestId);
    }
  }

  /** Errors for requests rejected before a body was read (e.g. too large). */
  reject(raw: RawRequest, err: AwsError): HttpResponse {
    return this.fallbackService(raw).errorResponse(err, uuid());
  }

  private async route(raw: RawRequest, conn: ConnectionInfo, requestId: string): Promise<HttpResponse> {
    const scope = readScope(raw);
    const service = (scope && this.bySigningName.get(scope.service)) ?? this.fallbackService(raw);
    if (scope && !this.bySigningName.has(scope.service)) {
      throw new AwsError(
        'UnknownServiceException',
        `OpenTrail does not serve '${scope.service.slice(0, 64)}' and no upstream is configured for it.`,
      );
    }
    const verified = await verifySigV4(raw, {
      clock: this.ctx.clock,
      credentials: this.ctx.identity,
      service: service.signingName,
      regions: this.ctx.config.regions,
    });
    const principal = verified.credential.principal;
    const context = {
      services: this.ctx,
      principal,
      accountId: principal.accountId,
      region: verified.scope.region,
      requestId,
    };
    const { response, call } = await service.handle({ raw, verified, requestId, context });
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
      throw err;
    }
    return response;
  }
}

function hostHeader(raw: RawRequest): string | undefined {
  return firstHeader(raw, 'host')?.slice(0, 256);
}
