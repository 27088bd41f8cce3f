/**
 * Server-side encryption on the wire: the `x-amz-server-side-encryption` headers a write may send
 * (PutObject, CreateMultipartUpload, CopyObject), checked as S3 checks them and recorded in the
 * call's requestParameters as sent; the KMS key named as S3 reports it (a key ARN; a bare key id
 * or alias made into one in the bucket's region and owner account; none named: the account's AWS
 * managed key `alias/aws/s3`); and the headers an answer reports, which S3 also logs as a write's
 * responseElements.
 */
import type { ObjectEncryption, ObjectMeta } from '../../objects/object-store.js';
import { S3Errors } from './errors.js';
import type { S3Request } from './request.js';

const SSE_HEADER = 'x-amz-server-side-encryption';
const KMS_KEY_HEADER = 'x-amz-server-side-encryption-aws-kms-key-id';

/** The encryption a write asks for; SSE-S3 (nothing set) when it names none. */
export function encryptionFromRequest(req: S3Request): ObjectEncryption {
  const mode = req.header(SSE_HEADER);
  const keyId = req.header(KMS_KEY_HEADER) || undefined;
  if (mode !== undefined) req.recordParameter(SSE_HEADER, mode);
  if (keyId !== undefined) req.recordParameter(KMS_KEY_HEADER, keyId);
  if (mode !== undefined && mode !== 'AES256' && mode !== 'aws:kms') {
    throw S3Errors.invalidArgument('The encryption method specified is not supported', SSE_HEADER, mode);
  }
  if (mode !== 'aws:kms') {
    if (keyId !== undefined) {
      throw S3Errors.invalidArgument(
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        SSE_HEADER,
        mode ?? 'null',
      );
    }
    return mode === undefined ? {} : { serverSideEncryption: mode };
  }
  return { serverSideEncryption: 'aws:kms', sseKmsKeyId: kmsKeyArn(req, keyId ?? 'alias/aws/s3') };
}

/** A key ARN as given; a key id or `alias/...` as the ARN in the bucket's region and account. */
function kmsKeyArn(req: S3Request, keyId: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  const region = req.bucketInfo?.region ?? req.ctx.region;
  const account = req.bucketInfo?.ownerAccountId ?? req.ctx.accountId;
  return `arn:aws:kms:${region}:${account}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
}

/** The encryption headers of an answer (and of a write's record, as its responseElements). */
export function encryptionHeaders(meta: Pick<ObjectMeta, 'serverSideEncryption' | 'sseKmsKeyId'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (meta.serverSideEncryption) headers[SSE_HEADER] = meta.serverSideEncryption;
  if (meta.serverSideEncryption === 'aws:kms' && meta.sseKmsKeyId) headers[KMS_KEY_HEADER] = meta.sseKmsKeyId;
  return headers;
}
