/**
 * The recording gateway end to end (issue 7): a real OpenTrail with moto_server as the default
 * upstream, driven by the unchanged AWS CLI v1. DynamoDB and SQS calls go through OpenTrail to
 * moto and are recorded as the IAM user who made them; LookupEvents answers who deleted the
 * table. A user without permission never reaches the upstream; an upstream that refuses
 * connections, never answers or answers garbage gives the client a clear error, is recorded,
 * and the gateway keeps serving. With `s3=` naming moto, `aws s3` moves a 100 MiB object up
 * (multipart) and down through OpenTrail, streamed: the bytes come back intact while OpenTrail's
 * memory stays far below the object's size.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { cliAs, cliEnv, refused } from '../helpers/aws-cli.js';
import { startMoto } from '../helpers/moto.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

const run = promisify(execFile);

let s: TestServer;
let moto: { endpoint: string; proc: ChildProcess };
let silent: ReturnType<typeof createTcpServer>;
const held: Socket[] = [];
let garbage: Server;

const listenPort = async (server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

before(async () => {
  moto = await startMoto();
  // An upstream that accepts connections and never answers.
  silent = createTcpServer((socket) => held.push(socket));
  // An upstream that answers garbage.
  garbage = createHttpServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('\u0000\u0001 this is not any protocol <<<');
  });
  const silentPort = await listenPort(silent);
  const garbagePort = await listenPort(garbage);
  s = await startTestServer({
    config: {
      upstreams: [`default=${moto.endpoint}`, 'kms=http://127.0.0.1:1', `secretsmanager=http://127.0.0.1:${silentPort}`, `sns=http://127.0.0.1:${garbagePort}`],
      upstreamTimeoutSeconds: 1,
    },
  });
});

after(async () => {
  await s.stop();
  for (const socket of held) socket.destroy();
  silent.close();
  garbage.close();
  moto.proc.kill();
});

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The AWS CLI v1 against OpenTrail as `keys`. */
const cli = (keys: Keys) => cliAs(s, keys);

async function history(key: string, value: string): Promise<CloudTrailRecord[]> {
  const out = await cli(s.credentials)(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`]);
  return (out.Events as { CloudTrailEvent: string }[]).map((e) => JSON.parse(e.CloudTrailEvent) as CloudTrailRecord);
}

async function user(name: string, actions: string[]): Promise<Keys> {
  const root = cli(s.credentials);
  await root(['iam', 'create-user', '--user-name', name]);
  const key = (await root(['iam', 'create-access-key', '--user-name', name])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  if (actions.length > 0) {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
    await root(['iam', 'put-user-policy', '--user-name', name, '--policy-name', 'p', '--policy-document', JSON.stringify(policy)]);
  }
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

test('DynamoDB and SQS through the gateway to moto, recorded as the user who called', async () => {
  const aliceKeys = await user('alice', ['dynamodb:*', 'sqs:*']);
  const alice = cli(aliceKeys);
  const created = await alice([
    'dynamodb', 'create-table', '--table-name', 'orders', '--billing-mode', 'PAY_PER_REQUEST',
    '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH',
  ]);
  assert.equal((created.TableDescription as { TableName: string }).TableName, 'orders');
  await alice(['dynamodb', 'put-item', '--table-name', 'orders', '--item', '{"id":{"S":"1"},"note":{"S":"first"}}']);
  const item = await alice(['dynamodb', 'get-item', '--table-name', 'orders', '--key', '{"id":{"S":"1"}}']);
  assert.deepEqual(item.Item, { id: { S: '1' }, note: { S: 'first' } }, 'the upstream answered through the gateway');
  const queue = (await alice(['sqs', 'create-queue', '--queue-name', 'jobs'])).QueueUrl as string;
  const sent = await alice(['sqs', 'send-message', '--queue-url', queue, '--message-body', 'hello']);
  assert.match(String(sent.MessageId), /\S/);
  await alice(['dynamodb', 'delete-table', '--table-name', 'orders']);

  // Who deleted the table?
  const [deleted] = (await history('EventName', 'DeleteTable'));
  assert.ok(deleted, 'DeleteTable is in event history');
  assert.equal(deleted.eventSource, 'dynamodb.amazonaws.com');
  assert.equal(deleted.userIdentity.type, 'IAMUser');
  assert.equal(deleted.userIdentity.userName, 'alice');
  assert.equal(deleted.userIdentity.accessKeyId, aliceKeys.accessKeyId);
  assert.equal(deleted.sourceIPAddress, '127.0.0.1');
  assert.ok(Math.abs(Date.parse(deleted.eventTime) - Date.now()) < 120_000, 'eventTime is the call time');
  assert.deepEqual(deleted.requestParameters, { tableName: 'orders' });
  assert.equal(deleted.readOnly, false);
  assert.equal(deleted.managementEvent, true);

  const [createQueue] = await history('EventName', 'CreateQueue');
  assert.equal(createQueue?.eventSource, 'sqs.amazonaws.com');
  assert.equal(createQueue?.requestParameters?.queueName, 'jobs');
  // Item-level DynamoDB calls are data events: no trail selects them here, so none is kept.
  assert.deepEqual(await history('EventName', 'PutItem'), []);
});

test('a denied call never reaches the upstream, and is recorded', async () => {
  const bob = cli(await user('bob', []));
  const denied = await refused(bob(['dynamodb', 'create-table', '--table-name', 'bobs', '--billing-mode', 'PAY_PER_REQUEST',
    '--attribute-definitions', 'AttributeName=id,AttributeType=S', '--key-schema', 'AttributeName=id,KeyType=HASH']));
  assert.match(denied, /AccessDenied/);
  assert.match(denied, /is not authorized to perform: dynamodb:CreateTable/);
  const tables = await cli(s.credentials)(['dynamodb', 'list-tables']);
  assert.ok(!(tables.TableNames as string[]).includes('bobs'), 'moto never saw the denied call');
  const [record] = (await history('Username', 'bob')).filter((r) => r.eventName === 'CreateTable');
  assert.equal(record?.errorCode, 'AccessDenied');
});

test('upstreams that refuse, hang or answer garbage: a clear error, recorded, and the gateway stays up', async () => {
  const root = cli(s.credentials);
  const down = await refused(root(['kms', 'list-keys']));
  assert.match(down, /ServiceUnavailable/);
  assert.match(down, /upstream for kms \(http:\/\/127\.0\.0\.1:1\) did not answer/);

  const started = Date.now();
  const hung = await refused(root(['secretsmanager', 'list-secrets']));
  assert.match(hung, /ServiceUnavailable/);
  assert.ok(Date.now() - started < 20_000, 'the upstream timeout applies');

  const junk = await refused(root(['sns', 'list-topics']));
  assert.ok(junk.length > 0);

  for (const [source, name] of [['kms.amazonaws.com', 'ListKeys'], ['secretsmanager.amazonaws.com', 'ListSecrets'], ['sns.amazonaws.com', 'ListTopics']] as const) {
    const [r] = (await history('EventSource', source)).filter((x) => x.eventName === name);
    assert.ok(r, `${name} is recorded`);
    assert.ok(r.errorCode, `${name} is recorded with an errorCode (${r.errorCode})`);
  }
  // Still serving.
  assert.ok(Array.isArray((await root(['dynamodb', 'list-tables'])).TableNames));
});

test('S3 through the gateway: 100 MiB up and down with aws s3 cp, streamed, and who deleted the bucket', async () => {
  const gw = await startTestServer({ config: { upstreams: [`s3=${moto.endpoint}`] } });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-s3-'));
  try {
    const env = { ...cliEnv(gw, { region: 'us-east-1' }), AWS_MAX_ATTEMPTS: '1' };
    const aws = (args: string[]) => run('aws', ['--endpoint-url', gw.endpoint, ...args], { env, maxBuffer: 16 << 20 });
    const file = join(dir, 'big.bin');
    const data = randomBytes(100 * 1024 * 1024);
    writeFileSync(file, data);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      await aws(['s3', 'mb', 's3://gateway-bucket']);
      await aws(['s3', 'cp', file, 's3://gateway-bucket/dir/big.bin']);
      await aws(['s3', 'cp', 's3://gateway-bucket/dir/big.bin', join(dir, 'back.bin')]);
    } finally {
      clearInterval(sampler);
    }
    const back = readFileSync(join(dir, 'back.bin'));
    assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(data).digest('hex'), 'the bytes came back intact');
    // OpenTrail's own process (server and this test) held far less than the object.
    assert.ok(peak - baseline < 64 * 1024 * 1024, `RSS grew by ${((peak - baseline) / 2 ** 20).toFixed(0)} MiB for a 100 MiB object`);
    await aws(['s3', 'rm', 's3://gateway-bucket/dir/big.bin']);
    await aws(['s3', 'rb', 's3://gateway-bucket']);
    const lookup = await run('aws', ['--endpoint-url', gw.endpoint, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=DeleteBucket', '--output', 'json'], { env });
    const [deleted] = (JSON.parse(lookup.stdout) as { Events: { CloudTrailEvent: string }[] }).Events.map((e) => JSON.parse(e.CloudTrailEvent) as CloudTrailRecord);
    assert.ok(deleted, 'DeleteBucket is in event history');
    assert.equal(deleted.eventSource, 's3.amazonaws.com');
    assert.equal(deleted.userIdentity.type, 'Root');
    assert.equal(deleted.userIdentity.accessKeyId, gw.credentials.accessKeyId);
    assert.equal(deleted.sourceIPAddress, '127.0.0.1');
    assert.equal(deleted.requestParameters?.bucketName, 'gateway-bucket');
    // The object calls were data events: no trail selected them, so none is in event history.
    const puts = await run('aws', ['--endpoint-url', gw.endpoint, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=UploadPart', '--output', 'json'], { env });
    assert.deepEqual(JSON.parse(puts.stdout).Events, []);
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
