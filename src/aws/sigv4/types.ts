/**
 * The shapes SigV4 authentication exchanges with the HTTP edge and the router: the raw request as
 * node:http delivered it, the credential scope a request claims, and what a verification proves.
 */
import type { Credential, CredentialProvider } from '../principal.js';
import type { Clock } from '../../lib/clock.js';

export interface RawRequest {
  method: string;
  /** Raw request target as received: path plus optional '?query', not decoded. */
  url: string;
  /**
   * Lower-case header names (as node:http gives in req.headers), values string | string[].
   * Values are byte strings (one char per byte, as node decodes them). Pass `req.headersDistinct`
   * (arrays) to canonicalize repeated headers exactly: node's `req.headers` joins most repeats with
   * ", " where SigV4 joins them with ",".
   */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /**
   * Set instead of `body` for services that stream request bodies (S3 uploads): the unread
   * body. Verification then checks the signature over the declared payload hash and leaves
   * checking the bytes to whoever reads the stream.
   */
  bodyStream?: import('node:stream').Readable;
}

export interface SigV4Scope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export interface VerifyOptions {
  clock: Clock;
  credentials: CredentialProvider;
  /** The service the router decided this request is for (signing name); scope service must equal it. */
  service: string;
  /** Regions OpenTrail serves; the scope region must be one of them. */
  regions: readonly string[];
  /** S3 style: path not normalized and single-encoded; others: normalized and double-encoded. */
  s3PathRules?: boolean;
}

export interface Verified {
  credential: Credential;
  scope: SigV4Scope;
  presigned: boolean;
}
