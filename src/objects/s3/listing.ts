/**
 * ListObjects (v1, whose Marker may be a common prefix) on the endpoint. The page is re-cut
 * here to the interface's rules so every backend pages alike (some servers count only keys
 * against MaxKeys, repeat the common prefix named by the marker, or send an opaque NextMarker):
 * entries are merged in byte order, prefixes at or before `after` dropped, at most maxKeys kept,
 * and nextAfter is the last entry kept.
 */
import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ListObjectsInput, ListObjectsResult, ObjectMeta } from '../object-store.js';
import { call } from './errors.js';

type Entry = { name: string; object?: ObjectMeta };

export async function listObjects(client: S3Client, input: ListObjectsInput): Promise<ListObjectsResult> {
  const out = await call(() =>
    client.send(
      new ListObjectsCommand({
        Bucket: input.bucket,
        MaxKeys: input.maxKeys,
        ...(input.prefix ? { Prefix: input.prefix } : {}),
        ...(input.delimiter ? { Delimiter: input.delimiter } : {}),
        ...(input.after !== undefined ? { Marker: input.after } : {}),
      }),
    ),
  );
  const after = input.after === undefined ? undefined : Buffer.from(input.after);
  const entries: Entry[] = [
    ...(out.Contents ?? []).map((o) => ({
      name: o.Key ?? '',
      object: { key: o.Key ?? '', size: o.Size ?? 0, etag: o.ETag ?? '', lastModifiedMs: o.LastModified?.getTime() ?? 0, userMetadata: {} },
    })),
    ...(out.CommonPrefixes ?? []).map((p) => ({ name: p.Prefix ?? '' })),
  ]
    .filter((e) => !after || Buffer.compare(Buffer.from(e.name), after) > 0)
    .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const kept = entries.slice(0, Math.max(0, input.maxKeys));
  const result: ListObjectsResult = {
    objects: kept.flatMap((e) => (e.object ? [e.object] : [])),
    commonPrefixes: kept.flatMap((e) => (e.object ? [] : [e.name])),
    isTruncated: (out.IsTruncated ?? false) || kept.length < entries.length,
  };
  const last = kept[kept.length - 1];
  if (result.isTruncated && last) result.nextAfter = last.name;
  return result;
}
