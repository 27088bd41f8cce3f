/** GetBucketLocation: the LocationConstraint, empty for us-east-1 as S3 answers it. */
import type { S3Operation } from '../request.js';
import { xmlDocument } from '../xml.js';

export const getBucketLocation: S3Operation = {
  dataEvent: false,
  async run(req) {
    const region = req.bucketInfo?.region ?? 'us-east-1';
    return { body: xmlDocument('LocationConstraint', region === 'us-east-1' ? '' : region) };
  },
};
