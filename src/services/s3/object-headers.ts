/**
 * An object's HTTP face: the headers GetObject/HeadObject answer from its metadata, the
 * metadata PutObject/CreateMultipartUpload/CopyObject (REPLACE) take from request headers
 * (Content-Type and friends, `x-amz-meta-*` limited to S3's 2 KB), and the formats S3 uses for
 * dates and owner ids.
 */
import { createHash } from 'node:crypto';
import type { ObjectMeta, ObjectMetadata } from '../../objects/object-store.js';
import { encryptionHeaders } from './encryption.js';
import type { S3Request } from './request.js';
import { S3Error } from './errors.js';

/** S3's content type for objects stored without one. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const USER_METADATA_PREFIX = 'x-amz-meta-';
/** S3's limit on user-defined metadata: names and values, in bytes. */
const MAX_USER_METADATA_BYTES = 2048;

/** RFC 1123 dates, as in Last-Modified. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** ISO 8601 with milliseconds, as in XML timestamps (`2009-10-12T17:50:30.000Z`). */
export function xmlDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** A stable 64-hex canonical user id for an account (S3 names owners by canonical id). */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`opentrail-canonical-user:${accountId}`).digest('hex');
}

/** Headers describing an object: its metadata, without length or range. */
export function objectHeaders(meta: ObjectMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'last-modified': httpDate(meta.lastModifiedMs),
    etag: meta.etag,
    'content-type': meta.contentType ?? DEFAULT_CONTENT_TYPE,
    'accept-ranges': 'bytes',
  };
  if (meta.contentEncoding) headers['content-encoding'] = meta.contentEncoding;
  if (meta.contentDisposition) headers['content-disposition'] = meta.contentDisposition;
  if (meta.cacheControl) headers['cache-control'] = meta.cacheControl;
  if (meta.contentLanguage) headers['content-language'] = meta.contentLanguage;
  Object.assign(headers, encryptionHeaders(meta));
  for (const [name, value] of Object.entries(meta.userMetadata)) headers[`${USER_METADATA_PREFIX}${name}`] = value;
  return headers;
}

/** The metadata an upload or a REPLACE copy sets, from its request headers. */
export function metadataFromRequest(req: S3Request): ObjectMetadata {
  const userMetadata: Record<string, string> = {};
  let size = 0;
  for (const name of req.headerNames()) {
    if (!name.startsWith(USER_METADATA_PREFIX)) continue;
    const value = req.header(name) ?? '';
    const short = name.slice(USER_METADATA_PREFIX.length);
    userMetadata[short] = value;
    size += Buffer.byteLength(short) + Buffer.byteLength(value);
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, {
      Size: String(size),
      MaxSizeAllowed: String(MAX_USER_METADATA_BYTES),
    });
  }
  const input: ObjectMetadata = { userMetadata };
  const contentType = req.header('content-type');
  if (contentType) input.contentType = contentType;
  const encoding = req.header('content-encoding')?.split(',').map((s) => s.trim()).filter((s) => s !== 'aws-chunked').join(', ');
  if (encoding) input.contentEncoding = encoding;
  const disposition = req.header('content-disposition');
  if (disposition) input.contentDisposition = disposition;
  const cacheControl = req.header('cache-control');
  if (cacheControl) input.cacheControl = cacheControl;
  const language = req.header('content-language');
  if (language) input.contentLanguage = language;
  return input;
}

/** GetObject's `response-*` query overrides (signed requests may rename what is served). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

export function applyResponseOverrides(headers: Record<string, string>, query: ReadonlyMap<string, string>): void {
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(param);
    if (value !== undefined) headers[header] = value;
  }
}
