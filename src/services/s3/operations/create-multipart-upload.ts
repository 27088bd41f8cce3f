/**
 * CreateMultipartUpload: opens an upload with the metadata and encryption the final object will
 * carry, and answers the encryption its parts get.
 */
import { encryptionFromRequest, encryptionHeaders } from '../encryption.js';
import { metadataFromRequest } from '../object-headers.js';
import type { S3Operation } from '../request.js';
import { xmlDocument } from '../xml.js';

export const createMultipartUpload: S3Operation = {
  dataEvent: true,
  async run(req) {
    const metadata = metadataFromRequest(req);
    const encryption = encryptionFromRequest(req);
    const { uploadId } = await req.store.createMultipartUpload({ bucket: req.bucket, key: req.key, ...metadata, ...encryption });
    const applied = encryptionHeaders({ serverSideEncryption: 'AES256', ...encryption });
    return {
      headers: applied,
      body: xmlDocument('InitiateMultipartUploadResult', [['Bucket', req.bucket], ['Key', req.key], ['UploadId', uploadId]]),
      responseElements: applied,
    };
  },
};
