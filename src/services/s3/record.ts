/**
 * What an S3 call's CloudTrail record says beyond the common fields (reference §11.2): request
 * parameters as S3 logs them (`bucketName`, `Host`, `key`, then every query parameter, with
 * sub-resources like `policy` or `uploads` as empty strings), the bucket and object resources
 * (`ARNPrefix` for calls on a bucket's objects as a whole: listings, DeleteObjects), and
 * additionalEventData (signature version, TLS cipher, bytes in/out, how the call was
 * authenticated, the host id). Signatures and session tokens in presigned URLs are not recorded.
 */
import type { RecordResource } from '../../recorder/record.js';
import type { LookupResource } from '../../store/event-log.js';
import type { S3Target } from './router.js';

/** Query parameters that carry secrets (presigned URLs): never recorded. */
const SECRET_PARAMS = new Set(['x-amz-signature', 'x-amz-security-token']);

export function requestParameters(target: S3Target): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (target.bucket !== undefined) params.bucketName = target.bucket;
  params.Host = target.host;
  if (target.key !== undefined) params.key = target.key;
  for (const [name, value] of target.query) {
    if (!SECRET_PARAMS.has(name.toLowerCase()) && !(name in params)) params[name] = value;
  }
  return params;
}

export interface ResourceShape {
  bucket?: string;
  key?: string;
  /** Bucket owner, when the bucket exists. */
  ownerAccountId?: string;
  dataEvent: boolean;
  objectPrefix: boolean;
}

export function recordResources(s: ResourceShape): { resources: RecordResource[]; lookup: LookupResource[] } {
  if (s.bucket === undefined) return { resources: [], lookup: [] };
  const bucketArn = `arn:aws:s3:::${s.bucket}`;
  const bucket: RecordResource = {
    ...(s.ownerAccountId !== undefined ? { accountId: s.ownerAccountId } : {}),
    type: 'AWS::S3::Bucket',
    ARN: bucketArn,
  };
  const lookup: LookupResource[] = [{ type: 'AWS::S3::Bucket', name: s.bucket }];
  if (!s.dataEvent) return { resources: [bucket], lookup };
  const object: RecordResource =
    s.objectPrefix || s.key === undefined
      ? { type: 'AWS::S3::Object', ARNPrefix: `${bucketArn}/` }
      : { type: 'AWS::S3::Object', ARN: `${bucketArn}/${s.key}` };
  return { resources: [object, bucket], lookup };
}

export interface TransferFacts {
  cipherSuite?: string;
  bytesIn: number;
  bytesOut: number;
  presigned: boolean;
  hostId: string;
}

/** In AWS's order: SignatureVersion, CipherSuite, bytesTransferredIn, AuthenticationMethod, x-amz-id-2, bytesTransferredOut. */
export function additionalEventData(f: TransferFacts): Record<string, unknown> {
  return {
    SignatureVersion: 'SigV4',
    ...(f.cipherSuite ? { CipherSuite: f.cipherSuite } : {}),
    bytesTransferredIn: f.bytesIn,
    AuthenticationMethod: f.presigned ? 'QueryString' : 'AuthHeader',
    'x-amz-id-2': f.hostId,
    bytesTransferredOut: f.bytesOut,
  };
}
