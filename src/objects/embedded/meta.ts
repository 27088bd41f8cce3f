/**
 * The stored form of an object's HTTP headers and user metadata (the `headers` JSON column), and
 * the ObjectMeta built from a row.
 */
import type { ObjectMeta, PutObjectInput } from '../object-store.js';

export type ObjectHeaders = Pick<
  ObjectMeta,
  'contentType' | 'contentEncoding' | 'contentDisposition' | 'cacheControl' | 'contentLanguage' | 'userMetadata'
>;

/** What S3 reports for an object stored without a Content-Type. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

export type HeaderInput = Omit<PutObjectInput, 'bucket' | 'key' | 'body' | 'contentLength'>;

/** Normalizes what a client sent: S3 lower-cases metadata names and defaults the type. */
export function headersFrom(input: HeaderInput): ObjectHeaders {
  const headers: ObjectHeaders = { contentType: input.contentType ?? DEFAULT_CONTENT_TYPE, userMetadata: {} };
  if (input.contentEncoding !== undefined) headers.contentEncoding = input.contentEncoding;
  if (input.contentDisposition !== undefined) headers.contentDisposition = input.contentDisposition;
  if (input.cacheControl !== undefined) headers.cacheControl = input.cacheControl;
  if (input.contentLanguage !== undefined) headers.contentLanguage = input.contentLanguage;
  for (const [name, value] of Object.entries(input.userMetadata ?? {})) headers.userMetadata[name.toLowerCase()] = value;
  return headers;
}

export interface ObjectRow {
  key: Buffer;
  size: number;
  etag: string;
  modified_ms: number;
  headers: string;
}

export function metaFromRow(row: ObjectRow): ObjectMeta {
  return objectMeta(row.key.toString('utf8'), row.size, row.etag, row.modified_ms, JSON.parse(row.headers) as ObjectHeaders);
}

export function objectMeta(key: string, size: number, etag: string, lastModifiedMs: number, headers: ObjectHeaders): ObjectMeta {
  return { key, size, etag, lastModifiedMs, ...headers, serverSideEncryption: 'AES256' };
}
