/**
 * Resource-scoped identity policies through the recording gateway (issue 7): OpenTrail in front
 * of a tiny node:http stand-in serving `dynamodb` and `s3`, which notes every request that
 * reaches it. An IAM user may PutItem only on table/Orders and GetObject only under
 * arn:aws:s3:::b/public/*: the allowed calls reach the stand-in; the others are AccessDenied
 * naming the resource, never reach it, and are delivered by a data-event trail as denied calls
 * with the resource they named.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { cliAs, refused } from '../helpers/aws-cli.js';
import { deliveredRecords, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';

const REGION = 'us-east-1';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What reached the stand-in: `PutItem Orders`, `GET /b/public/a.txt`. */
const seen: string[] = [];
let upstream: Server;
let s: DeliveryServer;

/** DynamoDB JSON for an X-Amz-Target request, else an S3 object read. */
function standIn(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { TableName?: string };
        seen.push(`${target.split('.')[1] ?? target} ${body.TableName ?? ''}`);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}');
        return;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push(`${req.method ?? ''} ${path}`);
      const bytes = Buffer.from(`bytes of ${path}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), etag: '"e"' });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    });
  });
}

before(async () => {
  upstream = standIn();
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  s = await startDeliveryServer({ upstreams: [`dynamodb=${url}`, `s3=${url}`] });
});

after(async () => {
  await s?.stop();
  upstream?.close();
});

/** The AWS CLI v1 against OpenTrail as `keys`. */
const aws = (keys: Keys, args: string[]) => cliAs(s, keys, REGION)(args);

test('resource-scoped policies: allowed calls reach the upstream, the others are denied, recorded, and never reach it', async () => {
  const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${s.accountId}:table/${name}`;
  const trail = await loggingTrail(s, 'data', { start: false });
  await s.cloudtrail().send(
    new PutEventSelectorsCommand({
      TrailName: 'data',
      AdvancedEventSelectors: [
        { Name: 'tables', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }] },
        { Name: 'objects', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
      ],
    }),
  );
  await s.cloudtrail().send(new StartLoggingCommand({ Name: 'data' }));

  await aws(s.credentials, ['iam', 'create-user', '--user-name', 'dora']);
  const key = (await aws(s.credentials, ['iam', 'create-access-key', '--user-name', 'dora'])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  const dora: Keys = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn('Orders') },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' },
    ],
  };
  await aws(s.credentials, ['iam', 'put-user-policy', '--user-name', 'dora', '--policy-name', 'scoped', '--policy-document', JSON.stringify(policy)]);

  // DynamoDB: only table/Orders.
  await aws(dora, ['dynamodb', 'put-item', '--table-name', 'Orders', '--item', '{"id":{"S":"1"}}']);
  const denied = await refused(aws(dora, ['dynamodb', 'put-item', '--table-name', 'Other', '--item', '{"id":{"S":"1"}}']));
  assert.match(denied, /AccessDenied/);
  assert.ok(denied.includes(`dynamodb:PutItem on resource: ${tableArn('Other')}`), denied);

  // S3: GetObject (and HeadObject, which IAM authorizes as s3:GetObject) only under public/.
  const s3 = s.s3(REGION, dora);
  const got = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'public/a.txt' }));
  assert.equal(await got.Body?.transformToString(), 'bytes of /b/public/a.txt');
  await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'public/a.txt' }));
  const secret = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'private/a.txt' })).then(
    () => assert.fail('GetObject outside public/ was allowed'),
    (e: unknown) => e,
  );
  assert.ok(secret instanceof S3ServiceException && secret.name === 'AccessDenied', String(secret));

  assert.deepEqual(seen, ['PutItem Orders', 'GET /b/public/a.txt', 'HEAD /b/public/a.txt'], 'only the allowed calls reached the upstream');

  await s.deliver();
  const records = (await deliveredRecords(s, trail.bucket)).filter((r) => r.userIdentity.userName === 'dora');
  const puts = records.filter((r) => r.eventName === 'PutItem');
  const put = (table: string) => puts.find((r) => r.resources?.some((x) => x.ARN === tableArn(table)));
  assert.equal(puts.length, 2);
  assert.equal(put('Orders')?.errorCode, undefined);
  assert.equal(put('Other')?.errorCode, 'AccessDenied');
  assert.deepEqual(put('Other')?.requestParameters, { tableName: 'Other', item: ['id'] }, 'the denied call is recorded with what it asked for');
  const reads = records.filter((r) => r.eventName === 'GetObject');
  const read = (key: string) => reads.find((r) => r.resources?.some((x) => x.ARN === `arn:aws:s3:::b/${key}`));
  assert.equal(reads.length, 2);
  assert.equal(read('public/a.txt')?.errorCode, undefined);
  assert.equal(read('private/a.txt')?.errorCode, 'AccessDenied');
});
