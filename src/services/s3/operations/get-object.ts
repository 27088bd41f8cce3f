/**
 * GetObject and HeadObject: the object's headers from its metadata, a `Range` served as 206 with
 * Content-Range (416 InvalidRange when it selects nothing), `response-*` overrides on GetObject,
 * and the bytes streamed from the store with backpressure. HeadObject of a missing key is a bare
 * 404, as S3 answers HEAD.
 */
import type { ObjectMeta } from '../../../objects/object-store.js';
import { S3Errors } from '../errors.js';
import { applyResponseOverrides, objectHeaders } from '../object-headers.js';
import { contentRange, resolveRange } from '../range.js';
import type { S3Operation, S3Reply, S3Request } from '../request.js';

async function requireMeta(req: S3Request): Promise<ObjectMeta> {
  const meta = await req.store.headObject(req.bucket, req.key);
  if (!meta) throw S3Errors.noSuchKey(req.key);
  return meta;
}

export const getObject: S3Operation = {
  dataEvent: true,
  async run(req) {
    const rangeHeader = req.header('range');
    // A range needs the size to resolve against (suffix and open ranges).
    const range = rangeHeader === undefined ? undefined : resolveRange(rangeHeader, (await requireMeta(req)).size);
    const result = await req.store.getObject(req.bucket, req.key, range);
    const headers = objectHeaders(result.meta);
    applyResponseOverrides(headers, req.query);
    const served = result.range;
    if (!served) return { headers, body: result.body, bodyLength: result.meta.size };
    headers['content-range'] = contentRange(served, result.meta.size);
    return { status: 206, headers, body: result.body, bodyLength: served.end - served.start + 1 };
  },
};

export const headObject: S3Operation = {
  dataEvent: true,
  async run(req): Promise<S3Reply> {
    const meta = await requireMeta(req);
    const headers = objectHeaders(meta);
    const range = resolveRange(req.header('range'), meta.size);
    if (!range) return { headers: { ...headers, 'content-length': String(meta.size) } };
    headers['content-range'] = contentRange(range, meta.size);
    return { status: 206, headers: { ...headers, 'content-length': String(range.end - range.start + 1) } };
  },
};
