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
import type { SessionStore } from '../identity/sessions.js';
import type { RecordResource } from '../recorder/record.js';
import type { Principal } from './principal.js';
import type { RawRequest, Verified } from './sigv4/index.js';
import type { AwsError } from './errors.js';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../objects/object-store.js';
import type { StateChange } from '../store/state-change.js';
import type { TrailRegistry } from '../trails/registry.js';
import type { SigningKeys } from '../delivery/signing-keys.js';
import type { IamDirectory } from '../identity/iam-directory.js';
import type { ContextValue } from '../policy/evaluate.js';

/** Built once at start-up and passed down (DESIGN: no module-level singletons). */
export interface ServiceContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  eventLog: EventLog;
  identity: IdentityStore;
  /** Temporary credentials issued by STS (ASIA… keys); persisted through StateChanges. */
  sessions: SessionStore;
  /** Secret for signing pagination tokens; survives restarts. */
  tokenKey: Uint8Array;
  /** The bucket store (embedded or external S3), chosen by config. */
  objects: ObjectStore;
  /** Every trail of every account, in memory; persisted through StateChanges. */
  trails: TrailRegistry;
  /** Per-region digest signing keys (ListPublicKeys publishes them, digests are signed with them). */
  signingKeys: SigningKeys;
  /** IAM users, roles, inline policies, user access keys, login profiles and aliases, in memory. */
  iam: IamDirectory;
}

/**
 * What one call asks permission for (DESIGN: route → authenticate → authorize): IAM's action and
 * resource, decided by the caller's identity policies (and, for S3, the bucket's policy).
 */
export interface AccessRequest {
  /** `<service prefix>:<Action>`, e.g. `cloudtrail:CreateTrail` (IAM compares case-insensitively). */
  action: string;
  /** The resource's ARN, or `*` for actions on no particular resource (ListTrails, ListBuckets). */
  resource: string;
  /** Condition keys only the service knows (e.g. `s3:prefix`); authorize adds the global ones. */
  context?: Record<string, ContextValue>;
  /** S3: the bucket whose policy is combined with the caller's identity policies. */
  bucket?: string;
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
   * Resolves when the caller may make the request; otherwise rejects with an AwsError `AccessDenied`
   * (403) whose message names the principal, action and resource as AWS's does. Every protocol
   * calls it before an operation's handler; handlers call it again for what else a call touches
   * (e.g. CopyObject's source).
   */
  authorize(request: AccessRequest): Promise<void>;
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
  /** The scheme a trusted proxy says the client used (X-Forwarded-Proto); never set from other peers. */
  forwardedProto?: 'http' | 'https';
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
  /**
   * Global services (IAM, STS) record every call in this region whatever region the client signed
   * for (reference §7.2: us-east-1); the handler's context carries it too.
   */
  readonly globalRegion?: string;
  /** True when an unauthenticated request looks like it is meant for this service. */
  claims(raw: RawRequest): boolean;
  handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }>;
  /** Renders an error in this service's protocol. */
  errorResponse(err: AwsError, requestId: string): HttpResponse;
}
