/**
 * What a proxied call asks IAM for (issue 7), as AWS's own authorization asks (Service
 * Authorization Reference): `<service>:<Operation>` once per resource ARN the request names, so
 * that identity policies scoped to resources work through the gateway. The ARNs come from the
 * request as read once for the record (record-build.ts readRequest): the record's resources
 * (record-resources.ts) from the typed input, plus what authorization names and the record does
 * not: a queue by QueueName (CreateQueue, GetQueueUrl) and a DynamoDB index (Query and Scan on
 * an IndexName authorize on `table/T/index/I`). S3 is authorized as OpenTrail's own bucket store
 * authorizes (services/s3/access.ts: s3:GetObject for HeadObject, s3:ListBucket for
 * ListObjectsV2, bucket or object ARNs, S3's condition keys), from the path the router reads. A
 * call that names no resource is asked for on `*`; a policy scoped to resources then denies it,
 * so what the gateway cannot name fails closed.
 */
import type { AccessRequest } from '../aws/service.js';
import { s3Access, s3Arn } from '../services/s3/access.js';
import type { S3Target } from '../services/s3/router.js';
import type { RequestReading } from './record-build.js';
import { describeResources, str } from './record-resources.js';
import { presigned, s3Target } from './record-s3.js';
import { header } from './record-wire.js';
import type { ProxiedExchange } from './types.js';

/**
 * Operations whose IAM action has another name (Service Authorization Reference); every other
 * operation is authorized as `<service>:<Operation>`.
 */
const IAM_ACTIONS: Readonly<Record<string, string>> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
};

/**
 * In the order they are asked; each must be allowed. Throws the input's own error when it could
 * not be read: the resources it names are unknown, and the upstream must not get the call.
 */
export function accessRequests(ex: ProxiedExchange, reading: RequestReading): AccessRequest[] {
  if (reading.malformed) throw reading.malformed;
  const op = ex.operation;
  if (op.service === 's3') return [s3Request(ex, reading.s3 ?? s3Target(ex))];
  const action = IAM_ACTIONS[`${op.service}:${op.name}`] ?? `${op.service}:${op.name}`;
  return resourceArns(ex, reading.input ?? {}).map((resource) => ({ action, resource }));
}

/** The ARNs a non-S3 call names, or `*` when it names none. */
export function resourceArns(ex: ProxiedExchange, input: Record<string, unknown>): string[] {
  const { service } = ex.operation;
  const { region, accountId } = ex;
  const arns = describeResources({ service, input, output: undefined, region, accountId }).resources.flatMap((r) => (r.ARN ? [r.ARN] : []));
  const queueName = str(input.QueueName);
  if (service === 'sqs' && arns.length === 0 && queueName && region && accountId) arns.push(`arn:aws:sqs:${region}:${accountId}:${queueName}`);
  const index = str(input.IndexName);
  const out = service === 'dynamodb' && index && arns.length === 1 ? [`${arns[0]!}/index/${index}`] : arns;
  return out.length > 0 ? [...new Set(out)] : ['*'];
}

function s3Request(ex: ProxiedExchange, target: S3Target): AccessRequest {
  const { bucket, key } = target;
  const known = s3Access(ex.operation.name, {
    ...(bucket !== undefined ? { bucket } : {}),
    ...(key !== undefined ? { key } : {}),
    query: target.query,
    header: (name) => header(ex.request.headers, name),
    presigned: presigned(ex),
  });
  if (known) {
    // The bucket's policy is the upstream's; a bucket of the same name in OpenTrail's own store must not decide.
    const { action, resource, context } = known;
    return { action, resource, ...(context ? { context } : {}) };
  }
  // Operations the bucket store does not serve: named as the operation, on what the path names.
  return { action: `s3:${ex.operation.name}`, resource: bucket === undefined ? '*' : s3Arn(bucket, key) };
}
