/**
 * What each S3 operation asks IAM for (Service Authorization Reference, Amazon S3): its action,
 * the resource it acts on (the account's bucket list, a bucket, or an object) and the S3
 * condition keys that cost nothing to supply (`s3:prefix`, `s3:x-amz-acl`, ...). The bucket is
 * named so that its bucket policy joins the decision. DeleteObjects is authorized per key by the
 * operation itself, CopyObject's source by CopyObject. A read of a missing key is answered as
 * NoSuchKey only to callers allowed s3:ListBucket (S3 GetObject's documented rule).
 */
import { AwsError } from '../../aws/errors.js';
import type { AccessRequest } from '../../aws/service.js';
import { ObjectStoreError } from '../../objects/object-store.js';
import type { ContextValue } from '../../policy/evaluate.js';

type On = 'account' | 'bucket' | 'object';

const OPERATIONS: Readonly<Record<string, { action: string; on: On }>> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', on: 'account' },
  CreateBucket: { action: 's3:CreateBucket', on: 'bucket' },
  DeleteBucket: { action: 's3:DeleteBucket', on: 'bucket' },
  HeadBucket: { action: 's3:ListBucket', on: 'bucket' },
  GetBucketLocation: { action: 's3:GetBucketLocation', on: 'bucket' },
  GetBucketPolicy: { action: 's3:GetBucketPolicy', on: 'bucket' },
  PutBucketPolicy: { action: 's3:PutBucketPolicy', on: 'bucket' },
  DeleteBucketPolicy: { action: 's3:DeleteBucketPolicy', on: 'bucket' },
  ListObjects: { action: 's3:ListBucket', on: 'bucket' },
  ListObjectsV2: { action: 's3:ListBucket', on: 'bucket' },
  PutObject: { action: 's3:PutObject', on: 'object' },
  GetObject: { action: 's3:GetObject', on: 'object' },
  HeadObject: { action: 's3:GetObject', on: 'object' },
  DeleteObject: { action: 's3:DeleteObject', on: 'object' },
  CopyObject: { action: 's3:PutObject', on: 'object' },
  CreateMultipartUpload: { action: 's3:PutObject', on: 'object' },
  UploadPart: { action: 's3:PutObject', on: 'object' },
  CompleteMultipartUpload: { action: 's3:PutObject', on: 'object' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', on: 'object' },
  ListParts: { action: 's3:ListMultipartUploadParts', on: 'object' },
};

/** Query parameters that are condition keys of ListBucket. */
const LIST_KEYS = ['prefix', 'delimiter', 'max-keys'] as const;
/** Request headers that are condition keys of the object writes. */
const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-copy-source',
  'x-amz-metadata-directive',
  'x-amz-storage-class',
] as const;

export interface AccessInput {
  bucket?: string;
  key?: string;
  query: ReadonlyMap<string, string>;
  header(name: string): string | undefined;
  /** Signed in the query string (a presigned URL) rather than the Authorization header. */
  presigned: boolean;
}

/** The ARN of a bucket or of one of its objects. */
export function s3Arn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}

/** One object's access (DeleteObjects' keys, CopyObject's source). */
export function objectAccess(action: string, bucket: string, key: string): AccessRequest {
  return { action, resource: s3Arn(bucket, key), bucket };
}

/** The access the operation `name` asks for, or undefined when the operation checks its own. */
export function s3Access(name: string, input: AccessInput): AccessRequest | undefined {
  const op = OPERATIONS[name];
  if (!op) return undefined;
  const context: Record<string, ContextValue> = {
    's3:authType': input.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  if (op.action === 's3:ListBucket') for (const k of LIST_KEYS) context[`s3:${k}`] = input.query.get(k);
  if (op.on === 'object') for (const h of HEADER_KEYS) context[`s3:${h}`] = input.header(h);
  const bucket = input.bucket ?? '';
  switch (op.on) {
    case 'account':
      return { action: op.action, resource: '*', context };
    case 'bucket':
      // A bucket that is being created has no policy yet.
      return { action: op.action, resource: s3Arn(bucket), context, ...(name === 'CreateBucket' ? {} : { bucket }) };
    case 'object':
      return { action: op.action, resource: s3Arn(bucket, input.key ?? ''), context, bucket };
  }
}

/** The ListBucket check that decides between NoSuchKey and AccessDenied for a failed read. */
export function missingKeyAccess(name: string, error: unknown, input: Pick<AccessInput, 'bucket'>): AccessRequest | undefined {
  const missing = (error instanceof AwsError || error instanceof ObjectStoreError) && error.code === 'NoSuchKey';
  if (!missing || (name !== 'GetObject' && name !== 'HeadObject') || input.bucket === undefined) return undefined;
  return { action: 's3:ListBucket', resource: s3Arn(input.bucket), bucket: input.bucket };
}
