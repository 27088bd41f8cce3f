/**
 * What the wire layer needs from a service (one per AWS API OpenTrail serves) and what it hands
 * to operations. Handlers never see HTTP (DESIGN house style): they get typed input and an
 * OperationContext.
 */
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { EventLog, LookupResource } from '../store/event-log.js';
import type { IdentityStore } from '../identity/store.js';
import type { RecordResource } from '../recorder/record.js';
import type { Principal } from './principal.js';
import type { RawRequest, Verified } from './sigv4/index.js';
import type { AwsError } from './errors.js';

/** Built once at start-up and passed down (DESIGN: no module-level singletons). */
export interface ServiceContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  eventLog: EventLog;
  identity: IdentityStore;
  /** Secret for signing pagination tokens; survives restarts. */
  tokenKey: Uint8Array;
}

/** What an operation handler knows about its call. */
export interface OperationContext {
  services: ServiceContext;
  principal: Principal;
  /** Caller's account (the principal's). */
  accountId: string;
  /** Region from the credential scope. */
  region: string;
  requestId: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** Connection facts the edge knows and records need. */
export interface ConnectionInfo {
  sourceIp: string;
  tls?: { tlsVersion?: string; cipherSuite?: string };
}

/** Facts about a handled call that only the service knows; the pipeline adds the rest. */
export interface ServiceCall {
  eventName: string;
  readOnly: boolean;
  managementEvent: boolean;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  error?: AwsError;
  resources: RecordResource[];
  lookupResources: LookupResource[];
}

export interface ServiceRequest {
  raw: RawRequest;
  verified: Verified;
  requestId: string;
  context: OperationContext;
}

export interface AwsService {
  /** SigV4 signing name, e.g. `cloudtrail`. */
  readonly signingName: string;
  /** `eventSource` of its records, e.g. `cloudtrail.amazonaws.com`. */
  readonly eventSource: string;
  /** True when an unauthenticated request looks like it is meant for this service. */
  claims(raw: RawRequest): boolean;
  handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }>;
  /** Renders an error in this service's protocol. */
  errorResponse(err: AwsError, requestId: string): HttpResponse;
}
