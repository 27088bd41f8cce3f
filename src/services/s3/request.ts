/**
 * The contract between the S3 protocol layer (index.ts) and its operations. S3 is restXml: an
 * operation's input members are bound to the path, query parameters, headers and body, so each
 * operation reads its own bindings through `S3Request` — a protocol view with the bucket and key
 * already resolved, the bucket's ownership already checked and the body already held to its
 * signature — and answers an `S3Reply`. Neither is node's request or response.
 */
import type { Readable } from 'node:stream';
import type { RequestContext } from '../../aws/service.js';
import type { BucketInfo, ObjectStore } from '../../objects/object-store.js';
import type { RequestBody } from './body.js';

export interface S3Request {
  ctx: RequestContext;
  store: ObjectStore;
  /** The addressed bucket ('' for ListBuckets). */
  bucket: string;
  /** The addressed key ('' for bucket-level calls). */
  key: string;
  /** Set for every bucket- and object-level operation but CreateBucket. */
  bucketInfo?: BucketInfo;
  /** Decoded query parameters. */
  query: ReadonlyMap<string, string>;
  /** The Host header as sent. */
  host: string;
  header(name: string): string | undefined;
  /** Every request header (lower-case names), for x-amz-meta-* and friends. */
  headerNames(): string[];
  /**
   * The verified, decoded body, read once: `stream()` for uploads, `text()` for documents;
   * `checksumHeaders()` afterwards echoes the checksums the client sent or asked for.
   */
  body: Pick<RequestBody, 'stream' | 'text' | 'declaredLength' | 'checksumHeaders'>;
  /** Adds a member to the record's requestParameters (parsed body documents). */
  recordParameter(name: string, value: unknown): void;
  /** Whether the request came over TLS (for Location URLs). */
  secure: boolean;
}

export interface S3Reply {
  /** Defaults to 200. */
  status?: number;
  headers?: Record<string, string>;
  /** An XML document, a policy text, or an object's bytes. */
  body?: string | Readable;
  /** Byte length of a streamed body (also sent as Content-Length). */
  bodyLength?: number;
  /** The record's responseElements (write calls only; reads record null). */
  responseElements?: Record<string, unknown>;
}

export interface S3Operation {
  /** Object-level API (data event), or bucket/service-level (management event). */
  dataEvent: boolean;
  /** The record names the bucket's objects by prefix (`ARNPrefix`), as AWS does for list calls. */
  objectPrefixResource?: boolean;
  /** False only where the bucket need not exist yet (CreateBucket) or there is none (ListBuckets). */
  needsBucket?: boolean;
  run(req: S3Request): Promise<S3Reply>;
}
