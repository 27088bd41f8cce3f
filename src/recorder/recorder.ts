/**
 * Turns a handled call into one CloudTrail record (reference §3.3, §3.4) plus the values event
 * history filters on. Field order follows AWS's typical order so our records read like theirs.
 * Size caps are AWS's: 1 KB for userAgent/errorCode/errorMessage/requestID, 100 KB for
 * requestParameters/responseElements (omitted beyond).
 */
import type { Principal, SessionAttributes } from '../aws/principal.js';
import { issuerRoleArn, lookupUsername, principalArn } from '../aws/principal.js';
import type { LookupResource, NewEvent } from '../store/event-log.js';
import type { CloudTrailRecord, RecordResource, UserIdentity } from './record.js';

export const EVENT_VERSION = '1.11';
const SMALL_FIELD_BYTES = 1024;
const LARGE_FIELD_BYTES = 100 * 1024;
const ADDITIONAL_FIELD_BYTES = 28 * 1024;

/** Everything the recorder needs to know about one authenticated call. */
export interface CallFacts {
  principal: Principal;
  /** Region of the event: the credential scope's, or us-east-1 for global services. */
  region: string;
  eventTimeMs: number;
  eventSource: string;
  eventName: string;
  sourceIPAddress: string;
  userAgent?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  /** A failed console sign-in has only a message (AWS records no errorCode for it). */
  error?: { code?: string; message: string };
  /** Absent: the record has no requestID (console sign-in events have none). */
  requestId?: string;
  eventId: string;
  readOnly: boolean;
  resources: RecordResource[];
  lookupResources: LookupResource[];
  managementEvent: boolean;
  apiVersion?: string;
  tlsDetails?: CloudTrailRecord['tlsDetails'];
  /** Default `AwsApiCall`; console sign-in is `AwsConsoleSignIn`. */
  eventType?: string;
}

export function userIdentityOf(p: Principal): UserIdentity {
  switch (p.type) {
    case 'Root':
      return {
        type: 'Root',
        principalId: p.accountId,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        ...(p.accountAlias ? { userName: p.accountAlias } : {}),
        ...sessionOf(p.session),
      };
    case 'IAMUser':
      return {
        type: 'IAMUser',
        principalId: p.userId,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        userName: p.userName,
        ...sessionOf(p.session),
      };
    case 'AssumedRole':
      return {
        type: 'AssumedRole',
        principalId: `${p.roleId}:${p.sessionName}`,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: p.roleId,
            arn: issuerRoleArn(p),
            accountId: p.accountId,
            userName: p.roleName,
          },
          webIdFederationData: {},
          attributes: {
            creationDate: isoSeconds(p.sessionCreatedAt),
            mfaAuthenticated: p.mfaAuthenticated ? 'true' : 'false',
          },
        },
      };
  }
}

/** A GetSessionToken session of root or an IAM user: no issuer, only the attributes. */
function sessionOf(s: SessionAttributes | undefined): Pick<UserIdentity, 'sessionContext'> {
  if (!s) return {};
  return {
    sessionContext: {
      sessionIssuer: {},
      webIdFederationData: {},
      attributes: { creationDate: isoSeconds(s.createdAt), mfaAuthenticated: s.mfaAuthenticated ? 'true' : 'false' },
    },
  };
}

/** `YYYY-MM-DDTHH:MM:SSZ`: records carry second precision. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = Buffer.from(s).subarray(0, maxBytes).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD at the end: drop it.
  if (out.endsWith('\uFFFD')) out = out.slice(0, -1);
  return out;
}

/** additionalEventData is capped at 28 KB (reference §13); beyond, it is dropped whole. */
function capAdditional(o: Record<string, unknown>): Record<string, unknown> | undefined {
  return Buffer.byteLength(JSON.stringify(o)) > ADDITIONAL_FIELD_BYTES ? undefined : o;
}

function capObject(o: Record<string, unknown> | null): Record<string, unknown> | null {
  if (o === null) return null;
  return Buffer.byteLength(JSON.stringify(o)) > LARGE_FIELD_BYTES ? null : o;
}

export function buildRecord(f: CallFacts): CloudTrailRecord {
  const small = (s: string) => truncateUtf8(s, SMALL_FIELD_BYTES);
  // A console session's calls reach AWS through the console's proxy: no TLS details of their own.
  const fromConsole = f.principal.type !== 'AssumedRole' && f.principal.session?.fromConsole === true;
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(f.principal),
    eventTime: isoSeconds(f.eventTimeMs),
    eventSource: f.eventSource,
    eventName: f.eventName,
    awsRegion: f.region,
    sourceIPAddress: f.sourceIPAddress,
    ...(f.userAgent !== undefined ? { userAgent: small(f.userAgent) } : {}),
    ...(f.error?.code !== undefined ? { errorCode: small(f.error.code) } : {}),
    ...(f.error ? { errorMessage: small(f.error.message) } : {}),
    requestParameters: capObject(f.requestParameters),
    responseElements: f.readOnly ? null : capObject(f.responseElements),
    ...(f.additionalEventData ? { additionalEventData: capAdditional(f.additionalEventData) } : {}),
    ...(f.requestId !== undefined ? { requestID: small(f.requestId) } : {}),
    eventID: f.eventId,
    readOnly: f.readOnly,
    ...(f.resources.length > 0 ? { resources: f.resources } : {}),
    eventType: f.eventType ?? 'AwsApiCall',
    ...(f.apiVersion ? { apiVersion: f.apiVersion } : {}),
    managementEvent: f.managementEvent,
    recipientAccountId: f.principal.accountId,
    eventCategory: f.managementEvent ? 'Management' : 'Data',
    ...(f.tlsDetails && !fromConsole ? { tlsDetails: f.tlsDetails } : {}),
    ...(fromConsole ? { sessionCredentialFromConsole: 'true' as const } : {}),
  };
}

/** The record plus its event-history index values. */
export function buildEvent(f: CallFacts): NewEvent {
  return {
    record: buildRecord(f),
    eventTimeMs: f.eventTimeMs,
    accountId: f.principal.accountId,
    region: f.region,
    category: f.managementEvent ? 'management' : 'data',
    username: lookupUsername(f.principal),
    lookupResources: f.lookupResources,
  };
}
