/** CreateMultipartUpload: opens an upload with the metadata the final object will carry. */
import { metadataFromRequest } from '../object-headers.js';
import type { S3Operation } from '../request.js';
import { xmlDocument } from '../xml.js';

export const createMultipartUpload: S3Operation = {
  dataEvent: true,
  async run(req) {
    const { uploadId } = await req.store.createMultipartUpload({ bucket: req.bucket, key: req.key, ...metadataFromRequest(req) });
    return {
      body: xmlDocument('InitiateMultipartUploadResult', [['Bucket', req.bucket], ['Key', req.key], ['UploadId', uploadId]]),
    };
  },
};
