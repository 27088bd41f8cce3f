/**
 * Operation naming for the recording gateway (src/gateway/naming.ts): hand-written request shapes
 * for all ten services with the tricky S3 discriminators; every operation of every table as
 * botocore itself serializes it (both SQS wire forms); S3 requests as the JS SDK v3 sends them,
 * path-style and virtual-hosted; unknown operations; and the shape of the generated tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  S3Client,
  PutObjectCommand,
  GetObjectCommand,
  CopyObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  ListObjectsV2Command,
  DeleteObjectsCommand,
  CreateMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
  ListPartsCommand,
  GetObjectAclCommand,
  GetBucketAclCommand,
  HeadObjectCommand,
  HeadBucketCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { GATEWAY_SERVICES, identifyOperation, serviceModel } from '../../src/gateway/naming.js';
import type { IdentifiedOperation } from '../../src/gateway/types.js';
import { gatewayServices } from '../../scripts/gen-gateway.js';

interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}

function req(method: string, url: string, headers: Record<string, string> = {}, body?: string): Req {
  const q = url.indexOf('?');
  return {
    method,
    path: q < 0 ? url : url.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers: { host: 'localhost:4566', ...headers },
    ...(body === undefined ? {} : { body: Buffer.from(body) }),
  };
}

const json = (target: string): Req =>
  req('POST', '/', { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, '{}');
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

type Expect = Partial<IdentifiedOperation>;
const cases: [service: string, what: string, request: Req, expect: Expect][] = [
  // S3, path-style (OpenTrail clients' default)
  ['s3', 'ListBuckets', req('GET', '/'), { name: 'ListBuckets', readOnly: true, managementEvent: true }],
  ['s3', 'CreateBucket', req('PUT', '/b1'), { name: 'CreateBucket', uriParams: { Bucket: 'b1' }, readOnly: false }],
  ['s3', 'CreateBucket, trailing slash', req('PUT', '/b1/'), { name: 'CreateBucket', uriParams: { Bucket: 'b1' } }],
  ['s3', 'DeleteBucket', req('DELETE', '/b1'), { name: 'DeleteBucket', managementEvent: true }],
  ['s3', 'ListObjects', req('GET', '/b1?prefix=a%2F&delimiter=%2F'), { name: 'ListObjects', managementEvent: false, readOnly: true }],
  ['s3', 'ListObjectsV2', req('GET', '/b1?list-type=2&prefix=a'), { name: 'ListObjectsV2', managementEvent: false }],
  ['s3', 'list-type=1 is ListObjects', req('GET', '/b1?list-type=1'), { name: 'ListObjects' }],
  ['s3', 'ListObjectVersions', req('GET', '/b1?versions'), { name: 'ListObjectVersions', managementEvent: false }],
  ['s3', 'ListMultipartUploads', req('GET', '/b1?uploads'), { name: 'ListMultipartUploads', managementEvent: false }],
  ['s3', 'GetBucketAcl', req('GET', '/b1?acl'), { name: 'GetBucketAcl', managementEvent: true, uriParams: { Bucket: 'b1' } }],
  ['s3', 'GetObjectAcl', req('GET', '/b1/k?acl'), { name: 'GetObjectAcl', managementEvent: false, uriParams: { Bucket: 'b1', Key: 'k' } }],
  ['s3', 'PutObjectAcl', req('PUT', '/b1/k?acl'), { name: 'PutObjectAcl', managementEvent: false, readOnly: false }],
  ['s3', 'GetBucketTagging', req('GET', '/b1?tagging'), { name: 'GetBucketTagging', managementEvent: true }],
  ['s3', 'PutObjectTagging', req('PUT', '/b1/k?tagging'), { name: 'PutObjectTagging', managementEvent: false }],
  ['s3', 'GetBucketLifecycleConfiguration (not its deprecated twin)', req('GET', '/b1?lifecycle'), { name: 'GetBucketLifecycleConfiguration' }],
  ['s3', 'ListBucketAnalyticsConfigurations', req('GET', '/b1?analytics'), { name: 'ListBucketAnalyticsConfigurations' }],
  ['s3', 'GetBucketAnalyticsConfiguration (required id)', req('GET', '/b1?analytics&id=a'), { name: 'GetBucketAnalyticsConfiguration' }],
  ['s3', 'HeadBucket', req('HEAD', '/b1'), { name: 'HeadBucket', readOnly: true, managementEvent: true, uriParams: { Bucket: 'b1' } }],
  ['s3', 'HeadObject', req('HEAD', '/b1/k'), { name: 'HeadObject', readOnly: true, managementEvent: false }],
  ['s3', 'GetObject, key with slashes and encoded characters', req('GET', '/b1/dir/sub/a%20b%2Bc%25%E2%82%AC.txt'),
    { name: 'GetObject', uriParams: { Bucket: 'b1', Key: 'dir/sub/a b+c%€.txt' }, readOnly: true, managementEvent: false }],
  ['s3', 'GetObject, folder marker key', req('GET', '/b1/dir/'), { name: 'GetObject', uriParams: { Bucket: 'b1', Key: 'dir/' } }],
  ['s3', 'GetObject, encoded slash in key', req('GET', '/b1/a%2Fb'), { name: 'GetObject', uriParams: { Bucket: 'b1', Key: 'a/b' } }],
  ['s3', 'GetObject, malformed escape kept raw', req('GET', '/b1/100%'), { name: 'GetObject', uriParams: { Bucket: 'b1', Key: '100%' } }],
  ['s3', 'PutObject', req('PUT', '/b1/k'), { name: 'PutObject', readOnly: false, managementEvent: false }],
  ['s3', 'CopyObject (x-amz-copy-source)', req('PUT', '/b1/k', { 'x-amz-copy-source': '/b0/src' }), { name: 'CopyObject', managementEvent: false }],
  ['s3', 'UploadPart', req('PUT', '/b1/k?partNumber=2&uploadId=u1'), { name: 'UploadPart', managementEvent: false }],
  ['s3', 'UploadPartCopy', req('PUT', '/b1/k?partNumber=2&uploadId=u1', { 'x-amz-copy-source': 'b0/src' }), { name: 'UploadPartCopy' }],
  ['s3', 'partNumber without uploadId stays PutObject', req('PUT', '/b1/k?partNumber=2'), { name: 'PutObject' }],
  ['s3', 'CreateMultipartUpload', req('POST', '/b1/k?uploads'), { name: 'CreateMultipartUpload', managementEvent: false, readOnly: false }],
  ['s3', 'CompleteMultipartUpload', req('POST', '/b1/k?uploadId=u1'), { name: 'CompleteMultipartUpload', managementEvent: false }],
  ['s3', 'AbortMultipartUpload', req('DELETE', '/b1/k?uploadId=u1'), { name: 'AbortMultipartUpload', managementEvent: false }],
  ['s3', 'ListParts', req('GET', '/b1/k?uploadId=u1'), { name: 'ListParts', managementEvent: false, readOnly: true }],
  ['s3', 'DeleteObject', req('DELETE', '/b1/k'), { name: 'DeleteObject', managementEvent: false }],
  ['s3', 'DeleteObjects ?delete', req('POST', '/b1?delete'), { name: 'DeleteObjects', managementEvent: false, readOnly: false }],
  ['s3', 'RestoreObject', req('POST', '/b1/k?restore'), { name: 'RestoreObject', managementEvent: false }],
  ['s3', 'SelectObjectContent', req('POST', '/b1/k?select&select-type=2'), { name: 'SelectObjectContent', managementEvent: false }],
  ['s3', 'GetObjectAttributes', req('GET', '/b1/k?attributes', { 'x-amz-object-attributes': 'ETag' }), { name: 'GetObjectAttributes' }],
  ['s3', 'x-id (JS SDK) names nothing by itself', req('GET', '/b1/k?acl&x-id=GetObject'), { name: 'GetObjectAcl' }],
  // S3, virtual-hosted
  ['s3', 'vhost GetObject', req('GET', '/dir/k.txt', { host: 'b1.s3.us-east-1.amazonaws.com' }), { name: 'GetObject', uriParams: { Bucket: 'b1', Key: 'dir/k.txt' } }],
  ['s3', 'vhost ListObjectsV2 (root path)', req('GET', '/?list-type=2', { host: 'my.bucket.s3.amazonaws.com' }), { name: 'ListObjectsV2', uriParams: { Bucket: 'my.bucket' } }],
  ['s3', 'vhost localhost HeadBucket', req('HEAD', '/', { host: 'b1.localhost:4566' }), { name: 'HeadBucket', uriParams: { Bucket: 'b1' } }],
  ['s3', 'vhost localhost GetBucketAcl', req('GET', '/?acl', { host: 'b1.localhost' }), { name: 'GetBucketAcl' }],
  ['s3', 'service endpoint is not a bucket', req('GET', '/', { host: 's3.us-east-1.amazonaws.com' }), { name: 'ListBuckets' }],
  // Lambda (restJson)
  ['lambda', 'Invoke', req('POST', '/2015-03-31/functions/my-fn/invocations'),
    { name: 'Invoke', protocol: 'rest-json', managementEvent: false, readOnly: false, uriParams: { FunctionName: 'my-fn' }, eventSource: 'lambda.amazonaws.com' }],
  ['lambda', 'Invoke by ARN', req('POST', '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/invocations'),
    { name: 'Invoke', uriParams: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:f' } }],
  ['lambda', 'InvokeAsync (trailing slash)', req('POST', '/2014-11-13/functions/f/invoke-async/'), { name: 'InvokeAsync', managementEvent: false }],
  ['lambda', 'InvokeWithResponseStream', req('POST', '/2021-11-15/functions/f/response-streaming-invocations'), { name: 'InvokeWithResponseStream', managementEvent: false }],
  ['lambda', 'GetFunction', req('GET', '/2015-03-31/functions/f'), { name: 'GetFunction', readOnly: true, managementEvent: true }],
  ['lambda', 'GetFunctionConfiguration', req('GET', '/2015-03-31/functions/f/configuration'), { name: 'GetFunctionConfiguration' }],
  ['lambda', 'ListFunctions', req('GET', '/2015-03-31/functions/'), { name: 'ListFunctions' }],
  ['lambda', 'CreateFunction', req('POST', '/2015-03-31/functions'), { name: 'CreateFunction', readOnly: false }],
  ['lambda', 'GetLayerVersionByArn (?find=LayerVersion)', req('GET', '/2018-10-31/layers?find=LayerVersion&Arn=a'), { name: 'GetLayerVersionByArn' }],
  ['lambda', 'ListLayers', req('GET', '/2018-10-31/layers'), { name: 'ListLayers' }],
  ['lambda', 'RemovePermission', req('DELETE', '/2015-03-31/functions/f/policy/s1'), { name: 'RemovePermission', uriParams: { FunctionName: 'f', StatementId: 's1' } }],
  // awsJson
  ['dynamodb', 'PutItem', json('DynamoDB_20120810.PutItem'),
    { name: 'PutItem', protocol: 'json', managementEvent: false, readOnly: false, eventSource: 'dynamodb.amazonaws.com', uriParams: {} }],
  ['dynamodb', 'Query', json('DynamoDB_20120810.Query'), { name: 'Query', managementEvent: false }],
  ['dynamodb', 'GetItem', json('DynamoDB_20120810.GetItem'), { name: 'GetItem', managementEvent: false, readOnly: true }],
  ['dynamodb', 'TransactWriteItems', json('DynamoDB_20120810.TransactWriteItems'), { name: 'TransactWriteItems', managementEvent: false }],
  ['dynamodb', 'ExecuteStatement', json('DynamoDB_20120810.ExecuteStatement'), { name: 'ExecuteStatement', managementEvent: false }],
  ['dynamodb', 'CreateTable', json('DynamoDB_20120810.CreateTable'), { name: 'CreateTable', managementEvent: true, readOnly: false }],
  ['dynamodb', 'DescribeTable', json('DynamoDB_20120810.DescribeTable'), { name: 'DescribeTable', readOnly: true, managementEvent: true }],
  ['kms', 'Decrypt is a read', json('TrentService.Decrypt'), { name: 'Decrypt', readOnly: true, managementEvent: true, eventSource: 'kms.amazonaws.com' }],
  ['kms', 'GenerateDataKey is a read', json('TrentService.GenerateDataKey'), { name: 'GenerateDataKey', readOnly: true }],
  ['kms', 'CreateKey', json('TrentService.CreateKey'), { name: 'CreateKey', readOnly: false }],
  ['secretsmanager', 'GetSecretValue', json('secretsmanager.GetSecretValue'), { name: 'GetSecretValue', readOnly: true, eventSource: 'secretsmanager.amazonaws.com' }],
  ['secretsmanager', 'PutSecretValue', json('secretsmanager.PutSecretValue'), { name: 'PutSecretValue', readOnly: false }],
  // SQS: awsJson and the query form older SDKs send
  ['sqs', 'SendMessage, awsJson', json('AmazonSQS.SendMessage'), { name: 'SendMessage', protocol: 'json', eventSource: 'sqs.amazonaws.com' }],
  ['sqs', 'SendMessage, query form body', req('POST', '/123456789012/q1', form, 'Action=SendMessage&Version=2012-11-05&MessageBody=hi'), { name: 'SendMessage', protocol: 'query', known: true }],
  ['sqs', 'CreateQueue, query string', req('GET', '/?Action=CreateQueue&QueueName=q1'), { name: 'CreateQueue', protocol: 'query', known: true }],
  // awsQuery and ec2
  ['sns', 'Publish', req('POST', '/', form, 'Action=Publish&TopicArn=arn&Message=m'), { name: 'Publish', protocol: 'query', eventSource: 'sns.amazonaws.com' }],
  ['sns', 'ListTopics', req('POST', '/', form, 'Action=ListTopics&Version=2010-03-31'), { name: 'ListTopics', readOnly: true }],
  ['sts', 'GetCallerIdentity', req('POST', '/', form, 'Action=GetCallerIdentity&Version=2011-06-15'), { name: 'GetCallerIdentity', readOnly: true, eventSource: 'sts.amazonaws.com' }],
  ['sts', 'GetSessionToken is a write', req('POST', '/', form, 'Action=GetSessionToken&Version=2011-06-15'), { name: 'GetSessionToken', readOnly: false }],
  ['iam', 'CreateUser', req('POST', '/', form, 'Action=CreateUser&UserName=u'), { name: 'CreateUser', protocol: 'query', readOnly: false, eventSource: 'iam.amazonaws.com' }],
  ['iam', 'form body ignored without the form content type', req('POST', '/', {}, 'Action=CreateUser'), { name: 'POST /', known: false }],
  ['ec2', 'DescribeInstances', req('POST', '/', form, 'Action=DescribeInstances&Version=2016-11-15'), { name: 'DescribeInstances', protocol: 'ec2', readOnly: true, eventSource: 'ec2.amazonaws.com' }],
  ['ec2', 'RunInstances in the query string', req('GET', '/?Action=RunInstances&ImageId=ami-1&MinCount=1&MaxCount=1'), { name: 'RunInstances', protocol: 'ec2', readOnly: false }],
  // Unknown operations
  ['dynamodb', 'unknown target under the prefix', json('DynamoDB_20120810.FlyToTheMoon'), { name: 'FlyToTheMoon', known: false, protocol: 'json', managementEvent: true }],
  ['dynamodb', 'target of another service', json('TrentService.Decrypt'), { name: 'TrentService.Decrypt', known: false }],
  ['dynamodb', 'prototype names are not operations', json('DynamoDB_20120810.constructor'), { name: 'constructor', known: false }],
  ['dynamodb', 'no target', req('POST', '/'), { name: 'POST /', known: false, protocol: 'json' }],
  ['iam', 'unknown action', req('POST', '/', form, 'Action=GetMeACoffee'), { name: 'GetMeACoffee', known: false, protocol: 'query', readOnly: true }],
  ['ec2', 'unknown action', req('POST', '/', form, 'Action=LaunchRocket'), { name: 'LaunchRocket', known: false, protocol: 'ec2' }],
  ['s3', 'unknown method', req('PATCH', '/b1/k'), { name: 'PATCH /b1', known: false, protocol: 'rest-xml', uriParams: {} }],
  ['lambda', 'unknown path', req('GET', '/2099-01-01/rockets/r1'), { name: 'GET /2099-01-01', known: false, protocol: 'rest-json' }],
  ['s3', 'over-long unknown names are cut', req('PATCH', `/${'b'.repeat(300)}`), { name: `PATCH /${'b'.repeat(121)}`, known: false }],
  ['textract', 'service without a table, awsJson', json('Textract.AnalyzeDocument'),
    { service: 'textract', name: 'Textract.AnalyzeDocument', known: false, protocol: 'json', eventSource: 'textract.amazonaws.com' }],
  ['elasticbeanstalk', 'service without a table, query', req('POST', '/', form, 'Action=DescribeApplications'),
    { name: 'DescribeApplications', known: false, protocol: 'query', readOnly: true }],
];

for (const [service, what, request, expect] of cases) {
  test(`${service}: ${what}`, () => {
    const got = identifyOperation(service, request);
    assert.equal(got.service, service);
    const picked = Object.fromEntries(Object.keys(expect).map((k) => [k, got[k as keyof IdentifiedOperation]]));
    assert.deepEqual(picked, expect);
    if (expect.known === undefined) assert.equal(got.known, true, `${what}: ${got.name} known`);
  });
}

// Operations botocore serializes identically: the current operation, or S3's own over S3 Express's.
const TWINS: Record<string, string> = {
  GetBucketLifecycle: 'GetBucketLifecycleConfiguration',
  PutBucketLifecycle: 'PutBucketLifecycleConfiguration',
  GetBucketNotification: 'GetBucketNotificationConfiguration',
  PutBucketNotification: 'PutBucketNotificationConfiguration',
  ListDirectoryBuckets: 'ListBuckets',
};

interface BotocoreRequest {
  service: string;
  form: string;
  op: string;
  method: string;
  host: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  uriParams: Record<string, string>;
}

function botocoreRequests(): BotocoreRequest[] | undefined {
  const script = fileURLToPath(new URL('./fixtures/gateway-botocore-requests.py', import.meta.url));
  try {
    const out = execFileSync('python3', [script, GATEWAY_SERVICES.join(',')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim().split('\n').map((l) => JSON.parse(l) as BotocoreRequest);
  } catch (err) {
    if (/No module named 'botocore'|ENOENT/.test(String((err as { stderr?: string }).stderr ?? err))) return undefined;
    throw err;
  }
}

test('every operation of every table, as botocore serializes it, is named back', (t) => {
  const requests = botocoreRequests();
  if (!requests) return t.skip('botocore is not installed (it comes with the AWS CLI v1)');
  const forms = new Set<string>();
  const wrong: string[] = [];
  for (const r of requests) {
    forms.add(`${r.service}/${r.form}`);
    const got = identifyOperation(r.service, {
      method: r.method,
      path: r.path,
      query: new URLSearchParams(r.query),
      headers: { ...r.headers, host: r.host },
      body: Buffer.from(r.body, 'base64'),
    });
    const expected = TWINS[r.op] ?? r.op;
    if (got.name !== expected || !got.known || got.protocol !== r.form || JSON.stringify(got.uriParams) !== JSON.stringify(r.uriParams)) {
      wrong.push(`${r.service} ${r.form} ${r.op}: ${got.name} ${got.protocol} ${JSON.stringify(got.uriParams)}`);
    }
  }
  assert.deepEqual(wrong, []);
  const total = GATEWAY_SERVICES.reduce((n, s) => n + Object.keys(serviceModel(s)?.operations ?? {}).length, 0);
  const sqs = Object.keys(serviceModel('sqs')?.operations ?? {}).length;
  assert.equal(requests.length, total + sqs, 'one request per operation, SQS twice');
  assert.ok(forms.has('sqs/json') && forms.has('sqs/query'));
});

/** The HttpRequest the JS SDK would send, captured instead of sent. */
async function sdkRequest(forcePathStyle: boolean, send: (client: S3Client) => Promise<unknown>): Promise<Req> {
  let captured: Req | undefined;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://localhost:4566',
    forcePathStyle,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    requestHandler: {
      handle: async (request: { method: string; hostname: string; port?: number; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string> }) => {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(request.query ?? {})) {
          for (const x of Array.isArray(v) ? v : [v]) query.append(k, x ?? '');
        }
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        captured = { method: request.method, path: request.path, query, headers: { ...headers, host: `${request.hostname}:${request.port ?? 80}` } };
        throw new Error('captured');
      },
    },
  });
  await send(client).catch(() => undefined);
  client.destroy();
  assert.ok(captured, 'the SDK built a request');
  return captured;
}

const Bucket = 'sdk-bucket';
const Key = 'dir/a b+c.txt';
const sdkCases: [string, (client: S3Client) => Promise<unknown>, Record<string, string>][] = [
  ['CreateBucket', (c) => c.send(new CreateBucketCommand({ Bucket })), { Bucket }],
  ['DeleteBucket', (c) => c.send(new DeleteBucketCommand({ Bucket })), { Bucket }],
  ['HeadBucket', (c) => c.send(new HeadBucketCommand({ Bucket })), { Bucket }],
  ['GetBucketAcl', (c) => c.send(new GetBucketAclCommand({ Bucket })), { Bucket }],
  ['ListObjectsV2', (c) => c.send(new ListObjectsV2Command({ Bucket, Prefix: 'dir/' })), { Bucket }],
  ['DeleteObjects', (c) => c.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key }] } })), { Bucket }],
  ['PutObject', (c) => c.send(new PutObjectCommand({ Bucket, Key, Body: 'x' })), { Bucket, Key }],
  ['GetObject', (c) => c.send(new GetObjectCommand({ Bucket, Key })), { Bucket, Key }],
  ['HeadObject', (c) => c.send(new HeadObjectCommand({ Bucket, Key })), { Bucket, Key }],
  ['CopyObject', (c) => c.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/src` })), { Bucket, Key }],
  ['CreateMultipartUpload', (c) => c.send(new CreateMultipartUploadCommand({ Bucket, Key })), { Bucket, Key }],
  ['UploadPart', (c) => c.send(new UploadPartCommand({ Bucket, Key, UploadId: 'u', PartNumber: 1, Body: 'x' })), { Bucket, Key }],
  ['UploadPartCopy', (c) => c.send(new UploadPartCopyCommand({ Bucket, Key, UploadId: 'u', PartNumber: 1, CopySource: `${Bucket}/src` })), { Bucket, Key }],
  ['ListParts', (c) => c.send(new ListPartsCommand({ Bucket, Key, UploadId: 'u' })), { Bucket, Key }],
  ['CompleteMultipartUpload', (c) => c.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: 'e' }] } })), { Bucket, Key }],
  ['AbortMultipartUpload', (c) => c.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: 'u' })), { Bucket, Key }],
  ['GetObjectAcl', (c) => c.send(new GetObjectAclCommand({ Bucket, Key })), { Bucket, Key }],
  ['PutObjectTagging', (c) => c.send(new PutObjectTaggingCommand({ Bucket, Key, Tagging: { TagSet: [] } })), { Bucket, Key }],
];

for (const forcePathStyle of [true, false]) {
  test(`S3 requests as the JS SDK sends them, ${forcePathStyle ? 'path-style' : 'virtual-hosted'}`, async () => {
    for (const [name, send, uriParams] of sdkCases) {
      const r = await sdkRequest(forcePathStyle, send);
      const got = identifyOperation('s3', r);
      assert.deepEqual([got.name, got.known, got.uriParams], [name, true, uriParams], `${name}: ${r.method} ${String(r.headers['host'])}${r.path}?${r.query}`);
    }
  });
}

test('GATEWAY_SERVICES are the generator\'s services, each with its table', () => {
  assert.deepEqual([...GATEWAY_SERVICES], [...gatewayServices]);
  for (const s of GATEWAY_SERVICES) {
    const m = serviceModel(s);
    assert.ok(m, s);
    assert.equal(m.metadata.signingName, s);
    assert.ok(Object.keys(m.operations).length > 0);
    assert.strictEqual(serviceModel(s), m, 'cached');
  }
  assert.equal(serviceModel('textract'), undefined);
  assert.equal(serviceModel('__proto__'), undefined);
});

test('tables keep what naming and records need, and drop validation details', () => {
  const sqs = serviceModel('sqs');
  assert.equal(sqs?.metadata.protocol, 'json');
  assert.equal(sqs?.metadata.targetPrefix, 'AmazonSQS');
  assert.equal(sqs?.metadata.awsQueryCompatible, true);
  const ddb = serviceModel('dynamodb');
  assert.equal(ddb?.metadata.jsonVersion, '1.0');
  assert.deepEqual(ddb?.operations['PutItem']?.http, { method: 'POST', requestUri: '/' });
  assert.ok(ddb?.operations['PutItem']?.errors.includes('ConditionalCheckFailedException'));

  const s3 = serviceModel('s3');
  const put = s3?.shapes['PutObjectRequest'];
  assert.equal(put?.type, 'structure');
  if (put?.type !== 'structure') return;
  assert.deepEqual(put.members['Bucket'], { shape: 'BucketName', location: 'uri', locationName: 'Bucket' });
  assert.equal(put.members['Key']?.location, 'uri');
  assert.equal(put.members['SSECustomerKey']?.location, 'header');
  assert.equal(put.members['SSECustomerKey']?.locationName, 'x-amz-server-side-encryption-customer-key');
  assert.equal(s3?.shapes[put.members['SSECustomerKey']?.shape ?? '']?.sensitive, true);
  assert.equal(put.payload, 'Body');
  assert.ok(put.required?.includes('Key'));
  assert.equal(s3?.operations['GetBucketLifecycle']?.deprecated, true);

  const secret = serviceModel('secretsmanager')?.shapes['SecretStringType'];
  assert.equal(secret?.sensitive, true);
  const password = serviceModel('iam')?.shapes['passwordType'];
  assert.equal(password?.sensitive, true);
  const filter = serviceModel('ec2')?.shapes['DescribeInstancesRequest'];
  assert.equal(filter?.type === 'structure' ? filter.members['Filters']?.locationName : undefined, 'Filter');

  for (const s of GATEWAY_SERVICES) {
    for (const [name, shape] of Object.entries(serviceModel(s)?.shapes ?? {})) {
      for (const k of ['min', 'max', 'pattern', 'enum', 'xmlOrder']) {
        assert.ok(!(k in shape), `${s} ${name} keeps ${k}`);
      }
    }
  }
});

test('REST templates bind whole path segments only', () => {
  for (const s of ['s3', 'lambda']) {
    for (const [name, op] of Object.entries(serviceModel(s)?.operations ?? {})) {
      const path = op.http.requestUri.split('?')[0] ?? '';
      for (const seg of path.split('/')) {
        assert.ok(!seg.includes('{') || /^\{[^{}]+\}$/.test(seg), `${s} ${name}: ${seg}`);
      }
    }
  }
});
