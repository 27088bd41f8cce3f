/**
 * The recording gateway's shared vocabulary (issue 7): which AWS operation a proxied request is
 * (operation naming, from the official models), what the proxy saw of the exchange, and what the
 * record builder makes of it. The proxy (proxy.ts), the naming tables (naming.ts, generated/) and
 * the record builder (record.ts) meet here.
 */
import type { ConnectionInfo, ServiceCall } from '../aws/service.js';

/** The wire protocol of a service, as botocore's model metadata names it. */
export type WireProtocol = 'json' | 'rest-json' | 'rest-xml' | 'query' | 'ec2';

/** An operation a request was identified as. */
export interface IdentifiedOperation {
  /** SigV4 signing name of the service, e.g. `dynamodb`, `s3`. */
  service: string;
  /** `eventSource` of its records, e.g. `dynamodb.amazonaws.com`. */
  eventSource: string;
  protocol: WireProtocol;
  /** Operation name as in the model (`PutItem`, `GetObject`); the raw target/action when unknown. */
  name: string;
  /** False when the request matched no operation of the service's model. */
  known: boolean;
  /** reference §11.3 (verb rule; a model's documented read-only operations). */
  readOnly: boolean;
  /** False for data events (S3 object-level, Lambda Invoke, DynamoDB item operations: reference §11). */
  managementEvent: boolean;
  /** REST protocols: the values the URI template bound, by member name (e.g. Bucket, Key). */
  uriParams: Record<string, string>;
}

/** What the proxy saw of one exchange with the upstream. */
export interface ProxiedExchange {
  operation: IdentifiedOperation;
  /** Region of the caller's credential scope (ARNs in the record's resources). */
  region?: string;
  /** Caller's account: owner of the resources the ARNs name (the upstream serves one account). */
  accountId?: string;
  /** The client's connection (S3 records the TLS cipher in additionalEventData). */
  connection?: ConnectionInfo;
  request: {
    method: string;
    /** Path as the client sent it (still percent-encoded) and its query string. */
    path: string;
    query: URLSearchParams;
    /** Lower-case names. */
    headers: Record<string, string | string[] | undefined>;
    /** The body when the proxy buffered it (JSON and query protocols, small bodies); streamed bodies are undefined. */
    body?: Buffer;
    /** Bytes of request body sent upstream. */
    bodyBytes: number;
  };
  /** Undefined when the upstream never answered (connection refused, timeout). */
  response?: {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    /** The body when buffered (errors; JSON/XML answers of non-streaming operations); else undefined. */
    body?: Buffer;
    bodyBytes: number;
  };
}

/** What the record builder adds to a proxied call's record; the pipeline adds identity, time, region. */
export type ExchangeRecord = Pick<
  ServiceCall,
  'eventName' | 'readOnly' | 'managementEvent' | 'requestParameters' | 'responseElements' | 'error' | 'resources' | 'lookupResources' | 'additionalEventData' | 'userAgent'
>;
