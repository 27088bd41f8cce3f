/** AbortMultipartUpload: drops an open upload and its parts; 204 as S3. */
import type { S3Operation } from '../request.js';

export const abortMultipartUpload: S3Operation = {
  dataEvent: true,
  async run(req) {
    await req.store.abortMultipartUpload(req.bucket, req.key, req.query.get('uploadId') ?? '');
    return { status: 204 };
  },
};
