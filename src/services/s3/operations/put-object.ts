/**
 * PutObject: streams the verified body into the store (up to 5 GiB, constant memory) with the
 * metadata from the request headers; answers the ETag, the encryption applied and the checksum
 * the client sent or asked for.
 */
import type { ObjectMeta } from '../../../objects/object-store.js';
import { metadataFromRequest } from '../object-headers.js';
import type { S3Operation } from '../request.js';

/** The encryption header of a write's answer, which S3 also logs as its responseElements. */
export function encryptionHeaders(meta: Pick<ObjectMeta, 'serverSideEncryption'>): Record<string, string> {
  return meta.serverSideEncryption ? { 'x-amz-server-side-encryption': meta.serverSideEncryption } : {};
}

export const putObject: S3Operation = {
  dataEvent: true,
  async run(req) {
    const metadata = metadataFromRequest(req);
    const contentLength = req.body.declaredLength();
    const meta = await req.store.putObject({
      bucket: req.bucket,
      key: req.key,
      body: req.body.stream(),
      ...(contentLength !== undefined ? { contentLength } : {}),
      ...metadata,
    });
    const encryption = encryptionHeaders(meta);
    return {
      headers: { etag: meta.etag, ...encryption, ...req.body.checksumHeaders() },
      responseElements: encryption,
    };
  },
};
