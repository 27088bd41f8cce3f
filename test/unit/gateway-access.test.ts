/**
 * What the recording gateway asks IAM for (issue 7, src/gateway/access.ts): requests as clients
 * send them are named (naming.ts) and read once (record.ts), and each call is authorized once per
 * resource ARN it names, as AWS's authorization names them; `*` only when it names none. The
 * ARNs are then matched against resource-scoped policies with OpenTrail's own evaluator, so a
 * wrong ARN shows as a wrong decision.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessRequest } from '../../src/aws/service.js';
import { AwsError } from '../../src/aws/errors.js';
import { accessRequests } from '../../src/gateway/access.js';
import { identifyOperation } from '../../src/gateway/naming.js';
import { readExchangeRequest } from '../../src/gateway/record.js';
import type { ProxiedExchange } from '../../src/gateway/types.js';
import type { IamUserPrincipal } from '../../src/aws/principal.js';
import { decide } from '../../src/policy/authorize.js';
import { parsePolicyDocument, type PolicyDocument } from '../../src/policy/document.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

interface Request {
  method?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
}

function exchange(service: string, r: Request): ProxiedExchange {
  const body = r.body === undefined ? undefined : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  const query = new URLSearchParams(r.query ?? '');
  const headers = { host: 'localhost', ...r.headers };
  const request = { method: r.method ?? 'POST', path: r.path ?? '/', query, headers, bodyBytes: body?.length ?? 0, ...(body ? { body } : {}) };
  const operation = identifyOperation(service, request);
  return { operation, region: REGION, accountId: ACCOUNT, request };
}

function access(service: string, r: Request): AccessRequest[] {
  const ex = exchange(service, r);
  return accessRequests(ex, readExchangeRequest(ex));
}

const json = (target: string, body: Record<string, unknown>): Request => ({
  headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
  body,
});

const pairs = (requests: AccessRequest[]) => requests.map((a) => [a.action, a.resource]);

describe('gateway access: the resource ARNs a call names', () => {
  it('DynamoDB: the table by name or ARN, each table of a batch, an index, none for ListTables', () => {
    assert.deepEqual(pairs(access('dynamodb', json('DynamoDB_20120810.PutItem', { TableName: 'Orders', Item: { id: { S: '1' } } }))), [
      ['dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`],
    ]);
    const arn = 'arn:aws:dynamodb:eu-west-1:999988887777:table/Far';
    assert.deepEqual(pairs(access('dynamodb', json('DynamoDB_20120810.GetItem', { TableName: arn, Key: { id: { S: '1' } } }))), [['dynamodb:GetItem', arn]]);
    const batch = json('DynamoDB_20120810.BatchWriteItem', {
      RequestItems: { Orders: [{ PutRequest: { Item: { id: { S: '1' } } } }], Audit: [{ DeleteRequest: { Key: { id: { S: '2' } } } }] },
    });
    assert.deepEqual(pairs(access('dynamodb', batch)), [
      ['dynamodb:BatchWriteItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`],
      ['dynamodb:BatchWriteItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Audit`],
    ]);
    assert.deepEqual(pairs(access('dynamodb', json('DynamoDB_20120810.Query', { TableName: 'Orders', IndexName: 'byDate', KeyConditionExpression: 'd = :d' }))), [
      ['dynamodb:Query', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders/index/byDate`],
    ]);
    assert.deepEqual(pairs(access('dynamodb', json('DynamoDB_20120810.ListTables', {}))), [['dynamodb:ListTables', '*']]);
  });

  it('SQS: the queue from its URL, CreateQueue and GetQueueUrl by name, none for ListQueues', () => {
    const send = json('AmazonSQS.SendMessage', { QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/jobs`, MessageBody: 'x' });
    assert.deepEqual(pairs(access('sqs', send)), [['sqs:SendMessage', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`]]);
    assert.deepEqual(pairs(access('sqs', json('AmazonSQS.CreateQueue', { QueueName: 'jobs' }))), [['sqs:CreateQueue', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`]]);
    assert.deepEqual(pairs(access('sqs', json('AmazonSQS.GetQueueUrl', { QueueName: 'jobs' }))), [['sqs:GetQueueUrl', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`]]);
    assert.deepEqual(pairs(access('sqs', json('AmazonSQS.ListQueues', {}))), [['sqs:ListQueues', '*']]);
  });

  it('SQS over the query protocol: the queue from the form body', () => {
    const form: Request = {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(`http://localhost:4566/${ACCOUNT}/jobs`)}&MessageBody=x`,
    };
    assert.deepEqual(pairs(access('sqs', form)), [['sqs:SendMessage', `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`]]);
  });

  it('SNS topic, Lambda function (URI), KMS key, Secrets Manager secret ARN', () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;
    assert.deepEqual(pairs(access('sns', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=Publish&TopicArn=${encodeURIComponent(topic)}&Message=hi` })), [['sns:Publish', topic]]);
    assert.deepEqual(pairs(access('sns', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=CreateTopic&Name=alerts' })), [['sns:CreateTopic', topic]]);
    assert.deepEqual(pairs(access('lambda', { method: 'POST', path: '/2015-03-31/functions/resize/invocations', body: '{}' })), [
      // Invoke's IAM action is InvokeFunction.
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:resize`],
    ]);
    // A partial ARN names the function in the account it gives.
    assert.deepEqual(pairs(access('lambda', { method: 'POST', path: '/2015-03-31/functions/999988887777%3Afunction%3Aresize/invocations', body: '{}' })), [
      ['lambda:InvokeFunction', `arn:aws:lambda:${REGION}:999988887777:function:resize`],
    ]);
    assert.deepEqual(pairs(access('kms', json('TrentService.Encrypt', { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', Plaintext: 'aGk=' }))), [
      ['kms:Encrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    ]);
    assert.deepEqual(pairs(access('kms', json('TrentService.CreateKey', {}))), [['kms:CreateKey', '*']]);
    const secret = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-AbCdEf`;
    assert.deepEqual(pairs(access('secretsmanager', json('secretsmanager.GetSecretValue', { SecretId: secret }))), [['secretsmanager:GetSecretValue', secret]]);
  });

  it('S3: as the bucket store names them: bucket ARN, object ARN, IAM action names, no bucket policy', () => {
    const s3 = (method: string, path: string, query = '') => access('s3', { method, path, query });
    assert.deepEqual(pairs(s3('GET', '/b/public/a.txt')), [['s3:GetObject', 'arn:aws:s3:::b/public/a.txt']]);
    assert.deepEqual(pairs(s3('HEAD', '/b/public/a.txt')), [['s3:GetObject', 'arn:aws:s3:::b/public/a.txt']]);
    assert.deepEqual(pairs(s3('PUT', '/b/dir/x.bin')), [['s3:PutObject', 'arn:aws:s3:::b/dir/x.bin']]);
    assert.deepEqual(pairs(s3('GET', '/b', 'list-type=2&prefix=public%2F')), [['s3:ListBucket', 'arn:aws:s3:::b']]);
    assert.deepEqual(pairs(s3('PUT', '/b')), [['s3:CreateBucket', 'arn:aws:s3:::b']]);
    assert.deepEqual(pairs(s3('GET', '/')), [['s3:ListAllMyBuckets', '*']]);
    // Not served by the bucket store: named as the operation, on what the path names.
    assert.deepEqual(pairs(s3('GET', '/b/k', 'tagging')), [['s3:GetObjectTagging', 'arn:aws:s3:::b/k']]);
    const [list] = s3('GET', '/b', 'list-type=2&prefix=public%2F');
    assert.equal(list?.context?.['s3:prefix'], 'public/', 'S3 condition keys are supplied');
    assert.equal(list?.bucket, undefined, "the upstream's bucket policy is not OpenTrail's to apply");
  });

  it('a request whose input cannot be read is refused with its own error, never authorized on *', () => {
    const bad = json('DynamoDB_20120810.PutItem', { TableName: 7, Item: {} });
    assert.throws(() => access('dynamodb', bad), (e: unknown) => e instanceof AwsError && e.code === 'SerializationException');
  });
});

describe('gateway access: resource-scoped policies decide', () => {
  const alice: IamUserPrincipal = { type: 'IAMUser', accountId: ACCOUNT, accessKeyId: 'AKIAALICE', userId: 'AIDAALICE', userName: 'alice', path: '/' };
  const identity = (policy: Record<string, unknown>): PolicyDocument => {
    const r = parsePolicyDocument(JSON.stringify(policy), { principal: 'forbidden' });
    if (!r.ok) assert.fail(r.message);
    return r.doc;
  };
  // The gateway asks each in turn; the call goes ahead only when every one is allowed.
  const allowed = (policy: Record<string, unknown>, requests: AccessRequest[]) =>
    requests.every((a) => decide({ principal: alice, action: a.action, resource: a.resource, context: a.context ?? {}, identityPolicies: [identity(policy)] }).allowed);

  it('dynamodb:PutItem only on table/Orders', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders` }] };
    const put = (TableName: string) => access('dynamodb', json('DynamoDB_20120810.PutItem', { TableName, Item: { id: { S: '1' } } }));
    assert.equal(allowed(policy, put('Orders')), true);
    assert.equal(allowed(policy, put('Other')), false);
    // A batch is allowed only when every table it names is.
    const batch = (...tables: string[]) =>
      access('dynamodb', json('DynamoDB_20120810.BatchWriteItem', { RequestItems: Object.fromEntries(tables.map((t) => [t, [{ PutRequest: { Item: { id: { S: '1' } } } }]])) }));
    const batchPolicy = { ...policy, Statement: [{ ...policy.Statement[0], Action: 'dynamodb:BatchWriteItem' }] };
    assert.equal(allowed(batchPolicy, batch('Orders')), true);
    assert.equal(allowed(batchPolicy, batch('Orders', 'Other')), false);
  });

  it('s3:GetObject only on b/public/*', () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' }] };
    assert.equal(allowed(policy, access('s3', { method: 'GET', path: '/b/public/a.txt' })), true);
    assert.equal(allowed(policy, access('s3', { method: 'HEAD', path: '/b/public/a.txt' })), true);
    assert.equal(allowed(policy, access('s3', { method: 'GET', path: '/b/private/a.txt' })), false);
    assert.equal(allowed(policy, access('s3', { method: 'PUT', path: '/b/public/a.txt' })), false);
  });
});
