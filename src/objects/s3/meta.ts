/** Converts between the interface's object metadata and the SDK's request/response members. */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { kmsKeyOf } from '../encryption.js';
import type { ObjectEncryption, ObjectMeta, ObjectMetadata } from '../object-store.js';

/** What S3 reports for an object stored without a Content-Type (the SDK would send its own). */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** The SDK members that carry an object's headers and user metadata on PUT/copy/create. */
export function sdkHeaders(input: ObjectMetadata) {
  return {
    ContentType: input.contentType ?? DEFAULT_CONTENT_TYPE,
    ContentEncoding: input.contentEncoding,
    ContentDisposition: input.contentDisposition,
    CacheControl: input.cacheControl,
    ContentLanguage: input.contentLanguage,
    Metadata: lowerNames(input.userMetadata ?? {}),
  };
}

/**
 * The SDK members asking for an encryption. None when the write names none: the endpoint then
 * applies its default (SSE-S3 on AWS), and some compatible servers refuse any SSE header unless
 * they have a KMS of their own.
 */
export function sdkEncryption(encryption: ObjectEncryption): { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
  const kmsKeyId = kmsKeyOf(encryption);
  if (kmsKeyId !== undefined) return { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId };
  return encryption.serverSideEncryption === 'AES256' ? { ServerSideEncryption: 'AES256' } : {};
}

/** The encryption the endpoint reports for an object, as a write would ask for it (copies keep it). */
export function encryptionOf(meta: ObjectMeta): ObjectEncryption {
  if (meta.serverSideEncryption === 'aws:kms' && meta.sseKmsKeyId !== undefined) {
    return { serverSideEncryption: 'aws:kms', sseKmsKeyId: meta.sseKmsKeyId };
  }
  return meta.serverSideEncryption === 'AES256' ? { serverSideEncryption: 'AES256' } : {};
}

type HeadLike = Pick<
  HeadObjectCommandOutput,
  | 'ContentLength'
  | 'ETag'
  | 'LastModified'
  | 'ContentType'
  | 'ContentEncoding'
  | 'ContentDisposition'
  | 'CacheControl'
  | 'ContentLanguage'
  | 'Metadata'
  | 'ServerSideEncryption'
  | 'SSEKMSKeyId'
>;

/** ObjectMeta from a HEAD/GET response; `size` overrides ContentLength (a ranged GET). */
export function metaFromHead(key: string, out: HeadLike, size = out.ContentLength ?? 0): ObjectMeta {
  const meta: ObjectMeta = {
    key,
    size,
    etag: out.ETag ?? '',
    lastModifiedMs: out.LastModified?.getTime() ?? 0,
    userMetadata: lowerNames(out.Metadata ?? {}),
  };
  if (out.ContentType !== undefined) meta.contentType = out.ContentType;
  if (out.ContentEncoding !== undefined) meta.contentEncoding = out.ContentEncoding;
  if (out.ContentDisposition !== undefined) meta.contentDisposition = out.ContentDisposition;
  if (out.CacheControl !== undefined) meta.cacheControl = out.CacheControl;
  if (out.ContentLanguage !== undefined) meta.contentLanguage = out.ContentLanguage;
  if (out.ServerSideEncryption !== undefined) meta.serverSideEncryption = out.ServerSideEncryption;
  if (out.SSEKMSKeyId !== undefined) meta.sseKmsKeyId = out.SSEKMSKeyId;
  return meta;
}

function lowerNames(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}
