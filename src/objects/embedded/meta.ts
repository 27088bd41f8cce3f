/**
 * The stored form of an object's HTTP headers, user metadata and SSE-KMS key (the `headers` JSON
 * of objects and uploads; no key means SSE-S3, as every object written before SSE-KMS), and the
 * ObjectMeta built from a row.
 */
import { kmsKeyOf } from '../encryption.js';
import type { ObjectEncryption, ObjectMeta, ObjectMetadata } from '../object-store.js';

export type ObjectHeaders = Pick<
  ObjectMeta,
  'contentType' | 'contentEncoding' | 'contentDisposition' | 'cacheControl' | 'contentLanguage' | 'userMetadata' | 'sseKmsKeyId'
>;

/** What S3 reports for an object stored without a Content-Type. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/**
 * Normalizes what a client sent (S3 lower-cases metadata names and defaults the type) and checks
 * the encryption it asked for.
 */
export function headersFrom(input: ObjectMetadata, encryption: ObjectEncryption): ObjectHeaders {
  const headers: ObjectHeaders = { contentType: input.contentType ?? DEFAULT_CONTENT_TYPE, userMetadata: {} };
  if (input.contentEncoding !== undefined) headers.contentEncoding = input.contentEncoding;
  if (input.contentDisposition !== undefined) headers.contentDisposition = input.contentDisposition;
  if (input.cacheControl !== undefined) headers.cacheControl = input.cacheControl;
  if (input.contentLanguage !== undefined) headers.contentLanguage = input.contentLanguage;
  for (const [name, value] of Object.entries(input.userMetadata ?? {})) headers.userMetadata[name.toLowerCase()] = value;
  const kmsKeyId = kmsKeyOf(encryption);
  if (kmsKeyId !== undefined) headers.sseKmsKeyId = kmsKeyId;
  return headers;
}

/** The encryption an object has, as a write would ask for it (a copy keeping its source's). */
export function encryptionOf(meta: Pick<ObjectMeta, 'sseKmsKeyId'>): ObjectEncryption {
  return meta.sseKmsKeyId === undefined ? {} : { serverSideEncryption: 'aws:kms', sseKmsKeyId: meta.sseKmsKeyId };
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
  return { key, size, etag, lastModifiedMs, ...headers, serverSideEncryption: headers.sseKmsKeyId === undefined ? 'AES256' : 'aws:kms' };
}
