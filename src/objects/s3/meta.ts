/** Converts between the interface's object metadata and the SDK's request/response members. */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ObjectMeta, PutObjectInput } from '../object-store.js';

export type HeaderInput = Omit<PutObjectInput, 'bucket' | 'key' | 'body' | 'contentLength'>;

/** What S3 reports for an object stored without a Content-Type (the SDK would send its own). */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** The SDK members that carry an object's headers and user metadata on PUT/copy/create. */
export function sdkHeaders(input: HeaderInput) {
  return {
    ContentType: input.contentType ?? DEFAULT_CONTENT_TYPE,
    ContentEncoding: input.contentEncoding,
    ContentDisposition: input.contentDisposition,
    CacheControl: input.cacheControl,
    ContentLanguage: input.contentLanguage,
    Metadata: lowerNames(input.userMetadata ?? {}),
  };
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
  return meta;
}

function lowerNames(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}
