/**
 * CreateBucket, with S3's region rules: the bucket's region is the LocationConstraint of the
 * optional CreateBucketConfiguration, which may be omitted only on us-east-1 and must match any
 * other endpoint's region (IllegalLocationConstraintException); `us-east-1` itself is never a
 * valid constraint. The configuration is recorded as S3 logs it (with its xmlns).
 */
import { S3Errors } from '../errors.js';
import type { S3Operation, S3Request } from '../request.js';
import { childText, parseXml } from '../xml.js';

const DEFAULT_REGION = 'us-east-1';

async function locationConstraint(req: S3Request): Promise<string | undefined> {
  const text = await req.body.text();
  if (text.trim() === '') return undefined;
  const doc = parseXml(text);
  if (doc.name !== 'CreateBucketConfiguration') throw S3Errors.malformedXml();
  const constraint = childText(doc, 'LocationConstraint')?.trim();
  req.recordParameter('CreateBucketConfiguration', {
    ...(constraint !== undefined ? { LocationConstraint: constraint } : {}),
    ...(doc.attributes.xmlns !== undefined ? { xmlns: doc.attributes.xmlns } : {}),
  });
  return constraint === '' ? undefined : constraint;
}

/** The region the new bucket lives in, or the error S3 gives for the combination. */
function bucketRegion(constraint: string | undefined, endpointRegion: string, regions: readonly string[]): string {
  if (constraint === DEFAULT_REGION || (constraint !== undefined && !regions.includes(constraint))) {
    throw S3Errors.invalidLocationConstraint();
  }
  if (endpointRegion === DEFAULT_REGION) return constraint ?? DEFAULT_REGION;
  if (constraint !== endpointRegion) throw S3Errors.illegalLocationConstraint(constraint);
  return constraint;
}

export const createBucket: S3Operation = {
  dataEvent: false,
  needsBucket: false,
  async run(req) {
    const region = bucketRegion(await locationConstraint(req), req.ctx.region, req.ctx.services.config.regions);
    await req.store.createBucket(req.bucket, region, req.ctx.accountId);
    return { headers: { location: `/${req.bucket}` } };
  },
};
