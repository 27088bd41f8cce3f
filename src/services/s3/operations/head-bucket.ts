/** HeadBucket: the bucket exists and the caller may use it; answers its region. */
import type { S3Operation } from '../request.js';

export const headBucket: S3Operation = {
  dataEvent: false,
  async run(req) {
    return { headers: { 'x-amz-bucket-region': req.bucketInfo?.region ?? '' } };
  },
};
