/**
 * PutObject: streams the verified body into the store (up to 5 GiB, constant memory) with the
 * metadata and encryption from the request headers; answers the ETag, the encryption applied
 * and the checksum the client sent or asked for.
 */
import { encryptionFromRequest, encryptionHeaders } from '../encryption.js';
import { metadataFromRequest } from '../object-headers.js';
import type { S3Operation } from '../request.js';

export const putObject: S3Operation = {
  dataEvent: true,
  async run(req) {
    const metadata = metadataFromRequest(req);
    const encryption = encryptionFromRequest(req);
    const contentLength = req.body.declaredLength();
    const meta = await req.store.putObject({
      bucket: req.bucket,
      key: req.key,
      body: req.body.stream(),
      ...(contentLength !== undefined ? { contentLength } : {}),
      ...metadata,
      ...encryption,
    });
    const applied = encryptionHeaders(meta);
    return {
      headers: { etag: meta.etag, ...applied, ...req.body.checksumHeaders() },
      responseElements: applied,
    };
  },
};
