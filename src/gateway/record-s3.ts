/**
 * An S3 call proxied to an S3-compatible upstream, recorded as OpenTrail's own bucket store
 * records its calls (src/services/s3/record.ts, reused): requestParameters with `bucketName`,
 * `Host`, `key` and the query parameters (path-style or virtual-hosted, as the router reads
 * them), the encryption headers a write sent, CreateBucket's configuration; resources with the
 * bucket (owned by the caller's account: the upstream serves one) and, for data events, the
 * object or the bucket's objects as a prefix; additionalEventData with the bytes the proxy moved
 * (and the client connection's TLS cipher) and the upstream's `x-amz-id-2`; the User-Agent in brackets. A write's responseElements are the
 * encryption headers the upstream answered with, as S3 logs them; reads record null.
 */
import { resolveTarget, type S3Target } from '../services/s3/router.js';
import { additionalEventData, recordResources, requestParameters } from '../services/s3/record.js';
import { childText } from '../services/s3/xml.js';
import { header, parseXmlSafely } from './record-wire.js';
import type { ExchangeRecord, ProxiedExchange } from './types.js';

/** Calls on a bucket's objects as a whole: the record names them by `ARNPrefix`. */
const OBJECT_PREFIX_CALLS = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'DeleteObjects']);
/** Request headers S3 records as parameters. */
const SSE_HEADERS = ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id'];
/** Answer headers S3 records as a write's responseElements (S3's documented PutObject record). */
const ANSWER_HEADERS = [...SSE_HEADERS, 'x-amz-version-id'];
const SECRET_QUERY = 'x-amz-signature';

type S3Part = Pick<ExchangeRecord, 'requestParameters' | 'responseElements' | 'resources' | 'lookupResources' | 'additionalEventData' | 'userAgent'>;

export function describeS3(ex: ProxiedExchange, succeeded: boolean, target: S3Target): S3Part {
  const { request, response, operation } = ex;
  const params = requestParameters(target);
  for (const name of SSE_HEADERS) {
    const v = header(request.headers, name);
    if (v !== undefined) params[name] = v;
  }
  const configuration = operation.name === 'CreateBucket' ? bucketConfiguration(request.body) : undefined;
  if (configuration) params.CreateBucketConfiguration = configuration;

  const { resources, lookup } = recordResources({
    bucket: target.bucket,
    key: target.key,
    ownerAccountId: ex.accountId,
    dataEvent: !operation.managementEvent,
    objectPrefix: OBJECT_PREFIX_CALLS.has(operation.name),
  });
  const hostId = response ? header(response.headers, 'x-amz-id-2') : undefined;
  const extra = additionalEventData({ cipherSuite: ex.connection?.tls?.cipherSuite, bytesIn: request.bodyBytes, bytesOut: response?.bodyBytes ?? 0, presigned: presigned(ex), hostId: hostId ?? '' });
  // An upstream that sends no host id has none to record (OpenTrail does not invent one).
  if (hostId === undefined) delete extra['x-amz-id-2'];
  const userAgent = header(request.headers, 'user-agent');

  return {
    requestParameters: params,
    responseElements: succeeded && !operation.readOnly && response ? answerHeaders(response.headers) : null,
    resources,
    lookupResources: lookup,
    additionalEventData: extra,
    ...(userAgent !== undefined ? { userAgent: `[${userAgent}]` } : {}),
  };
}

/** Signed in the query string (a presigned URL) rather than the Authorization header. */
export function presigned(ex: ProxiedExchange): boolean {
  return [...ex.request.query.keys()].some((k) => k.toLowerCase() === SECRET_QUERY);
}

/** The router's reading of the request; a path that does not decode keeps the naming's Bucket/Key. */
export function s3Target(ex: ProxiedExchange): S3Target {
  const { request, operation } = ex;
  const search = request.query.toString();
  try {
    return resolveTarget({ method: request.method, url: `${request.path}${search ? `?${search}` : ''}`, headers: request.headers, body: new Uint8Array(0) });
  } catch {
    const query = new Map<string, string>();
    for (const [k, v] of request.query) if (!query.has(k)) query.set(k, v);
    const host = header(request.headers, 'host') ?? '';
    const { Bucket: bucket, Key: key } = operation.uriParams;
    return { host, query, path: request.path, ...(bucket !== undefined ? { bucket } : {}), ...(key !== undefined ? { key } : {}) };
  }
}

/** CreateBucket's `<CreateBucketConfiguration>` as S3 records it, when the proxy kept the body. */
function bucketConfiguration(body: Buffer | undefined): Record<string, string> | undefined {
  const doc = parseXmlSafely(body);
  if (doc?.name !== 'CreateBucketConfiguration') return undefined;
  const constraint = childText(doc, 'LocationConstraint')?.trim();
  return {
    ...(constraint !== undefined ? { LocationConstraint: constraint } : {}),
    ...(doc.attributes.xmlns !== undefined ? { xmlns: doc.attributes.xmlns } : {}),
  };
}

function answerHeaders(headers: Record<string, string | string[] | undefined>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const name of ANSWER_HEADERS) {
    const v = header(headers, name);
    if (v !== undefined) out[name] = v;
  }
  return Object.keys(out).length > 0 ? out : null;
}
