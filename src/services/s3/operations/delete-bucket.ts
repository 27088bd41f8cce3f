/** DeleteBucket: only an empty bucket (no objects, no open uploads) goes; 204 as S3. */
import type { S3Operation } from '../request.js';

export const deleteBucket: S3Operation = {
  dataEvent: false,
  async run(req) {
    await req.store.deleteBucket(req.bucket);
    return { status: 204 };
  },
};
