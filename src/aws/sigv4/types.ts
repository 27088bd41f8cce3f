/**
 * The shapes SigV4 authentication exchanges with the HTTP edge and the router: the raw request as
 * node:http delivered it, the credential scope a request claims, what a verification proves, and
 * how a body that was not in hand at verification (S3 uploads) must still be checked.
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
  /** How the body must be checked as it is read (see decodePayload in streaming.ts). */
  payload: PayloadMode;
}

/**
 * What an S3 request's `x-amz-content-sha256` asked for, once the signature over it verified:
 * - `verified`: the body was in `raw.body` and already matched what was signed (every non-S3
 *   request, and S3 bodies sent with their SHA-256 or with none);
 * - `unsigned`: UNSIGNED-PAYLOAD, nothing to hold the body to;
 * - `sha256`: a streamed body must hash to `expectedHex` (lower case);
 * - `signed-chunks`: STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): aws-chunked, every chunk (and
 *   the trailer, when `trailer`) signed in a chain that starts at the request's signature;
 * - `unsigned-chunks`: STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked, unsigned, with a trailer.
 * The two chunked modes apply to a buffered body too: its bytes are still aws-chunked framing.
 */
export type PayloadMode =
  | { kind: 'verified' }
  | { kind: 'unsigned' }
  | { kind: 'sha256'; expectedHex: string }
  | { kind: 'signed-chunks'; trailer: boolean; signing: ChunkSigning }
  | { kind: 'unsigned-chunks' };

/**
 * What it takes to verify a chunk-signature chain. Holds a derived signing key: it serializes
 * (JSON, util.inspect) as a placeholder, so logging a PayloadMode never writes the key.
 */
export interface ChunkSigning {
  /** The request's own signature, which the first chunk's signature chains from. */
  readonly seedSignature: string;
  readonly signingKey: Buffer;
  /** `YYYYMMDD/region/service/aws4_request` */
  readonly scope: string;
  /** The request time in ISO basic form (X-Amz-Date). */
  readonly longDate: string;
}
