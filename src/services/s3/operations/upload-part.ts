/** UploadPart: one part (1..10000, at most 5 GiB) streamed into an open upload; answers its ETag. */
import { S3Errors } from '../errors.js';
import type { S3Operation, S3Request } from '../request.js';

const MAX_PART_NUMBER = 10000;

function partNumber(req: S3Request): number {
  const raw = req.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw S3Errors.invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 'partNumber', raw);
  }
  return n;
}

export const uploadPart: S3Operation = {
  dataEvent: true,
  async run(req) {
    const contentLength = req.body.declaredLength();
    const { etag } = await req.store.uploadPart({
      bucket: req.bucket,
      key: req.key,
      uploadId: req.query.get('uploadId') ?? '',
      partNumber: partNumber(req),
      body: req.body.stream(),
      ...(contentLength !== undefined ? { contentLength } : {}),
    });
    return { headers: { etag, ...req.body.checksumHeaders() } };
  },
};
