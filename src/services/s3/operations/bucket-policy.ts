/**
 * Get/Put/DeleteBucketPolicy. A policy is checked as a resource policy (it must name a
 * principal) by the shared policy parser before it is stored; the stored text is returned as
 * given. The record carries the parsed policy as `bucketPolicy`, as S3 logs it.
 */
import { parsePolicyDocument } from '../../../policy/document.js';
import { S3Errors } from '../errors.js';
import type { S3Operation } from '../request.js';

/** S3's limit on a bucket policy's size. */
const MAX_POLICY_BYTES = 20 * 1024;

export const getBucketPolicy: S3Operation = {
  dataEvent: false,
  async run(req) {
    const policy = await req.store.getBucketPolicy(req.bucket);
    return { headers: { 'content-type': 'application/json' }, body: policy };
  },
};

function recordablePolicy(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const putBucketPolicy: S3Operation = {
  dataEvent: false,
  async run(req) {
    const text = await req.body.text();
    if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw S3Errors.malformedPolicy('Policy exceeds the maximum allowed document size.');
    req.recordParameter('bucketPolicy', recordablePolicy(text));
    const parsed = parsePolicyDocument(text, { principal: 'required' });
    if (!parsed.ok) throw S3Errors.malformedPolicy(parsed.message);
    await req.store.putBucketPolicy(req.bucket, text);
    return { status: 204 };
  },
};

export const deleteBucketPolicy: S3Operation = {
  dataEvent: false,
  async run(req) {
    await req.store.deleteBucketPolicy(req.bucket);
    return { status: 204 };
  },
};
