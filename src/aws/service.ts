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
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../objects/object-store.js';
import type { StateChange } from '../store/state-change.js';
import type { TrailRegistry } from '../trails/registry.js';
import type { SigningKeys } from '../delivery/signing-keys.js';

/** Built once at start-up and passed down (DESIGN: no module-level singletons). */
export interface ServiceContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  eventLog: EventLog;
  identity: IdentityStore;
  /** Secret for signing pagination tokens; survives restarts. */
  tokenKey: Uint8Array;
  /** The bucket store (embedded or external S3), chosen by config. */
  objects: ObjectStore;
  /** Every trail of every account, in memory; persisted through StateChanges. */
  trails: TrailRegistry;
  /** Per-region digest signing keys (ListPublicKeys publishes them, digests are signed with them). */
  signingKeys: SigningKeys;
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
  /**
   * Hands the pipeline durable state the call changed (DESIGN invariant 1): the handler has
   * already updated the in-memory view; `changes` commit in the same transaction as the call's
   * event, and `rollback` restores the in-memory view if that commit fails (or the call fails
   * after staging). May be called more than once; rollbacks then run newest first.
   */
  stage(changes: StateChange[], rollback: () => void): void;
}

/** What the pipeline knows of a call before the service protocol adds `stage`. */
export type RequestContext = Omit<OperationContext, 'stage'>;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** A Readable is streamed (S3 GetObject); its length header is the service's business. */
  body: Uint8Array | string | Readable;
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
  /** The record's additionalEventData (S3: SignatureVersion, bytesTransferredIn, ...). */
  additionalEventData?: Record<string, unknown>;
  /** Replaces the User-Agent header in the record (S3 records wrap it in brackets). */
  userAgent?: string;
  /**
   * Durable state the call changed: committed in the SAME transaction as the call's event
   * (DESIGN invariant 1). The in-memory view was already updated by the handler.
   */
  changes?: StateChange[];
  /** Undoes the in-memory update when the transaction with `changes` fails. */
  rollback?: () => void;
}

export interface ServiceRequest {
  raw: RawRequest;
  verified: Verified;
  requestId: string;
  context: RequestContext;
  /** Connection facts (S3 records the TLS cipher in additionalEventData). */
  connection?: ConnectionInfo;
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
