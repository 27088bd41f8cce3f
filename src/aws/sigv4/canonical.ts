/**
 * The canonical request and string-to-sign, rebuilt from the raw request exactly as AWS defines
 * them, as byte strings (one char per byte) so they hash to the bytes the client signed.
 *
 * Why this is ours and not @smithy/signature-v4's (DESIGN's dependency table names it): smithy's
 * SignatureV4 is a *signer*. Fed a received request it rewrites it: prepareRequest drops the
 * `Date` and `X-Amz-Date` headers and re-adds X-Amz-Date, presign() defaults X-Amz-Expires to
 * 3600 and hoists every x-amz-* header into the query, the S3 path is taken verbatim (no
 * single-encoding of what the client sent), and the query must arrive as decoded JS strings (so
 * %FF or repeated keys need our decoding anyway). Its canonical helpers are @internal and its
 * signing-key cache is private, FIFO and costs an extra HMAC per call. So the canonical form is
 * built here from the AWS specification and checked against the official test suite, and
 * @smithy/signature-v4 is the independent signer the tests verify SDK-signed requests from.
 */
import * as crypto from 'node:crypto';
import { percentDecode, toByteString, toBytes, uriEncode } from './encoding.js';
import type { QueryParam } from './parse.js';
import type { RawRequest } from './types.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * S3: the path as the client meant it, each byte URI-encoded once, never normalized; an encoded
 * slash (%2F) stays encoded, since it is part of a key name and not a separator.
 * Everything else: '.', '..' and empty segments removed, then the (already encoded once) path
 * URI-encoded again — AWS's "double encoding", which is what SDK signers produce.
 */
export function canonicalUri(rawPath: string, s3: boolean): string {
  if (s3) {
    const uri = rawPath
      .split(/%2F/i)
      .map((piece) => uriEncode(percentDecode(piece), true))
      .join('%2F');
    return uri.startsWith('/') ? uri : `/${uri}`;
  }
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return uriEncode(toBytes(`/${segments.join('/')}${trailing}`), true);
}

/** Sorted by encoded key, then encoded value; a presigned request leaves out its own signature. */
export function canonicalQuery(params: readonly QueryParam[], presigned: boolean): string {
  const pairs: [string, string][] = [];
  for (const p of params) {
    const key = uriEncode(percentDecode(p.rawKey), false);
    if (presigned && key.toLowerCase() === 'x-amz-signature') continue;
    pairs.push([key, uriEncode(percentDecode(p.rawValue), false)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Values that need no folding (the usual case) skip the regex replacements. */
const NEEDS_FOLDING = /^[ \t]|[ \t]$|[ \t]{2}|[\t\r\n]/;

/** Leading/trailing whitespace dropped, inner runs folded to one space. */
function fold(v: string): string {
  return NEEDS_FOLDING.test(v) ? v.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '') : v;
}

/** Repeated headers (arrays) are folded one by one and joined by ','. */
function canonicalHeaderValue(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? fold(value) : value.map(fold).join(',');
}

/** `name:value\n` for each signed header, in the order the client listed them. */
export function canonicalHeaders(headers: RawRequest['headers'], signed: readonly string[]): string {
  let block = '';
  for (const name of signed) {
    // HTTP/2 carries the host as :authority
    const value = headers[name] ?? (name === 'host' ? headers[':authority'] : undefined);
    block += `${name}:${toByteString(canonicalHeaderValue(value))}\n`;
  }
  return block;
}

export interface CanonicalParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: string;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): string {
  return `${p.method}\n${p.uri}\n${p.query}\n${p.headers}\n${p.signedHeaders}\n${p.payloadHash}`;
}

/** crypto.hash (one-shot, about twice as fast) exists from Node 20.12; older 20.x falls back. */
const oneShot: typeof crypto.hash | undefined = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Hex SHA-256 of bytes, or of a byte string (one char per byte). */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  if (oneShot) return oneShot('sha256', bytes, 'hex');
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export function stringToSign(longDate: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(canonical)}`;
}
