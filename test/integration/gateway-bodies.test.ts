/**
 * Request bodies the gateway forwards whole (issue 7): a JSON call larger than the API's own body
 * limit — a Lambda function's zip travels base64 inside CreateFunction — reaches the upstream
 * intact and is recorded with the zip hidden (the model marks it sensitive); one over
 * `upstreamMaxBodyBytes` is refused with 413 before the upstream sees it, and OpenTrail's own
 * services keep their smaller limit.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { signedCall, TARGET_PREFIX } from '../helpers/raw.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

const MiB = 1024 * 1024;
let s: TestServer;
let upstream: Server;
const received: number[] = [];

before(async () => {
  upstream = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.push(bytes);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ FunctionName: 'resize', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:resize' }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  s = await startTestServer({ config: { upstreams: [`lambda=${url}`], upstreamMaxBodyBytes: 6 * MiB } });
});

after(async () => {
  await s.stop();
  upstream.close();
});

/** CreateFunction with a zip of `zipBytes` random-ish bytes, base64 in the JSON body. */
function createFunction(zipBytes: number) {
  const body = JSON.stringify({
    FunctionName: 'resize',
    Runtime: 'nodejs20.x',
    Role: 'arn:aws:iam::123456789012:role/lambda',
    Handler: 'index.handler',
    Code: { ZipFile: Buffer.alloc(zipBytes, 7).toString('base64') },
  });
  return signedCall(s.endpoint, s.credentials, {
    service: 'lambda',
    path: '/2015-03-31/functions',
    headers: { 'content-type': 'application/json' },
    body,
  }).then((res) => ({ res, bytes: Buffer.byteLength(body) }));
}

test('a JSON call over the API limit but within upstreamMaxBodyBytes is forwarded whole and recorded without the zip', async () => {
  const { res, bytes } = await createFunction(3 * MiB);
  assert.ok(bytes > s.app.context.config.maxBodyBytes, 'larger than the API limit');
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(received, [bytes], 'the upstream got every byte');
  const out = await s.cloudtrail().send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'lambda.amazonaws.com' }] }));
  assert.equal(out.Events?.length, 1);
  const record = JSON.parse(out.Events[0]!.CloudTrailEvent!) as CloudTrailRecord;
  assert.equal(record.eventSource, 'lambda.amazonaws.com');
  assert.deepEqual((record.requestParameters as { code?: unknown }).code, { zipFile: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  const text = JSON.stringify(record);
  assert.ok(text.length < 64 * 1024, 'the zip is not in the record');
  assert.ok(!text.includes(Buffer.alloc(30, 7).toString('base64')), 'not even a piece of it');
});

test('over upstreamMaxBodyBytes: 413 before the upstream; built-in services keep the API limit', async () => {
  received.length = 0;
  const { res } = await createFunction(5 * MiB);
  assert.equal(res.status, 413);
  assert.match(res.text, /RequestEntityTooLargeException/);
  assert.match(res.text, new RegExp(`${6 * MiB} bytes`));
  assert.deepEqual(received, [], 'never forwarded');
  const big = await signedCall(s.endpoint, s.credentials, { target: `${TARGET_PREFIX}.LookupEvents`, body: JSON.stringify({ pad: 'x'.repeat(2 * MiB) }) });
  assert.equal(big.status, 413);
  assert.match(big.text, new RegExp(`${s.app.context.config.maxBodyBytes} bytes`));
});
