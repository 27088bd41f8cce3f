/**
 * Which bucket, key and S3 operation a request addresses. Buckets come from the path
 * (`/<bucket>/<key>`) or, virtual-host style, from the Host header (`<bucket>.s3.<anything>`,
 * `<bucket>.s3-<region>.amazonaws.com`, `<bucket>.localhost`); keys are percent-decoded. The
 * operation follows from the method, whether a key is present and the sub-resource query
 * parameters (`?policy`, `?uploads`, `?uploadId=`, `?list-type=2`…), named as S3's API names it
 * so operations OpenTrail does not implement are still reported — and recorded — by name.
 */
import type { RawRequest } from '../../aws/sigv4/index.js';
import { splitTarget } from '../../aws/sigv4/parse.js';
import { firstHeader } from '../../aws/headers.js';
import { S3Errors } from './errors.js';

export interface S3Target {
  bucket?: string;
  key?: string;
  /** The Host header as sent (recorded as requestParameters.Host). */
  host: string;
  /** Decoded query parameters (first value of each name). */
  query: ReadonlyMap<string, string>;
  /** The request path as sent, for an error's <Resource>. */
  path: string;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw S3Errors.invalidUri();
  }
}

const REGIONAL_S3_LABEL = /^s3(-(website|external|fips))?(-[a-z]{2}(-[a-z]+)+-\d+)?$/;

/** The bucket a virtual-hosted Host names, or undefined for the service endpoint itself. */
export function virtualHostBucket(host: string): string | undefined {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (hostname.startsWith('[') || /^[\d.]+$/.test(hostname)) return undefined;
  const labels = hostname.split('.');
  if (labels[0] === 's3') return undefined;
  const s3 = labels.findIndex((label, i) => i > 0 && REGIONAL_S3_LABEL.test(label));
  if (s3 > 0) return labels.slice(0, s3).join('.');
  if (labels.length > 1 && labels[labels.length - 1] === 'localhost') return labels.slice(0, -1).join('.');
  return undefined;
}

export function resolveTarget(raw: RawRequest): S3Target {
  const host = firstHeader(raw, 'host') ?? '';
  const { rawPath } = splitTarget(raw.url);
  const q = raw.url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : raw.url.slice(q + 1));
  const query = new Map<string, string>();
  for (const [k, v] of params) if (!query.has(k)) query.set(k, v);
  const base = { host, query, path: rawPath };
  const vhost = virtualHostBucket(host);
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (vhost !== undefined) return { ...base, bucket: vhost, ...(path ? { key: decode(path) } : {}) };
  if (path === '') return base;
  const slash = path.indexOf('/');
  const bucket = decode(slash < 0 ? path : path.slice(0, slash));
  const key = slash < 0 ? '' : decode(path.slice(slash + 1));
  return { ...base, bucket, ...(key ? { key } : {}) };
}

/** Bucket sub-resources OpenTrail does not serve, and the API name they make with each verb. */
const BUCKET_SUBRESOURCES: Record<string, string> = {
  acl: 'BucketAcl', cors: 'BucketCors', lifecycle: 'BucketLifecycleConfiguration', tagging: 'BucketTagging',
  versioning: 'BucketVersioning', encryption: 'BucketEncryption', website: 'BucketWebsite', logging: 'BucketLogging',
  notification: 'BucketNotificationConfiguration', replication: 'BucketReplication',
  requestPayment: 'BucketRequestPayment', ownershipControls: 'BucketOwnershipControls',
  publicAccessBlock: 'PublicAccessBlock', 'object-lock': 'ObjectLockConfiguration',
  accelerate: 'BucketAccelerateConfiguration', analytics: 'BucketAnalyticsConfiguration',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration', inventory: 'BucketInventoryConfiguration',
  metrics: 'BucketMetricsConfiguration', policyStatus: 'BucketPolicyStatus', metadataTable: 'BucketMetadataTableConfiguration',
};

const OBJECT_SUBRESOURCES: Record<string, string> = {
  acl: 'ObjectAcl', tagging: 'ObjectTagging', retention: 'ObjectRetention', 'legal-hold': 'ObjectLegalHold',
  attributes: 'ObjectAttributes', torrent: 'ObjectTorrent',
};

const VERBS: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' };

function subresourceOperation(method: string, query: ReadonlyMap<string, string>, table: Record<string, string>): string | undefined {
  const verb = VERBS[method];
  if (!verb) return undefined;
  for (const name of query.keys()) {
    const suffix = table[name];
    if (suffix) return `${verb}${suffix}`;
  }
  return undefined;
}

function bucketOperation(method: string, q: ReadonlyMap<string, string>): string | undefined {
  switch (method) {
    case 'GET':
      if (q.has('policy')) return 'GetBucketPolicy';
      if (q.has('location')) return 'GetBucketLocation';
      if (q.has('uploads')) return 'ListMultipartUploads';
      if (q.has('versions')) return 'ListObjectVersions';
      return subresourceOperation(method, q, BUCKET_SUBRESOURCES) ?? (q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects');
    case 'PUT':
      if (q.has('policy')) return 'PutBucketPolicy';
      return subresourceOperation(method, q, BUCKET_SUBRESOURCES) ?? 'CreateBucket';
    case 'DELETE':
      if (q.has('policy')) return 'DeleteBucketPolicy';
      return subresourceOperation(method, q, BUCKET_SUBRESOURCES) ?? 'DeleteBucket';
    case 'HEAD':
      return 'HeadBucket';
    case 'POST':
      return q.has('delete') ? 'DeleteObjects' : 'PostObject';
    default:
      return undefined;
  }
}

function objectOperation(method: string, q: ReadonlyMap<string, string>, copySource: boolean): string | undefined {
  switch (method) {
    case 'GET':
      if (q.has('uploadId')) return 'ListParts';
      return subresourceOperation(method, q, OBJECT_SUBRESOURCES) ?? 'GetObject';
    case 'PUT':
      if (q.has('uploadId') || q.has('partNumber')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      return subresourceOperation(method, q, OBJECT_SUBRESOURCES) ?? (copySource ? 'CopyObject' : 'PutObject');
    case 'DELETE':
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      return subresourceOperation(method, q, OBJECT_SUBRESOURCES) ?? 'DeleteObject';
    case 'HEAD':
      return 'HeadObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      if (q.has('restore')) return 'RestoreObject';
      if (q.has('select')) return 'SelectObjectContent';
      return undefined;
    default:
      return undefined;
  }
}

/** The S3 API operation a request invokes; MethodNotAllowed when no operation takes it. */
export function operationName(raw: RawRequest, target: S3Target): string {
  const method = raw.method.toUpperCase();
  let name: string | undefined;
  let resourceType: string;
  if (target.bucket === undefined) {
    name = method === 'GET' ? 'ListBuckets' : undefined;
    resourceType = 'SERVICE';
  } else if (target.key === undefined) {
    name = bucketOperation(method, target.query);
    resourceType = 'BUCKET';
  } else {
    name = objectOperation(method, target.query, firstHeader(raw, 'x-amz-copy-source') !== undefined);
    resourceType = 'OBJECT';
  }
  if (!name) throw S3Errors.methodNotAllowed(method, resourceType);
  return name;
}
