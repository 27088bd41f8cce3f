/** DeleteObject: 204 whether or not the key existed, as S3 answers without versioning. */
import type { S3Operation } from '../request.js';

export const deleteObject: S3Operation = {
  dataEvent: true,
  async run(req) {
    await req.store.deleteObject(req.bucket, req.key);
    return { status: 204 };
  },
};
