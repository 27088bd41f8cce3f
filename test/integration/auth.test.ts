/**
 * SigV4 over the wire: each authentication failure yields its AWS error, and an unauthenticated
 * request records nothing; header and presigned forms both authenticate.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { presignedRequest, send, signedCall, signedRequest, TARGET_PREFIX, type RawResponse } from '../helpers/raw.js';

let server: TestServer;
const LOOKUP = `${TARGET_PREFIX}.LookupEvents`;

before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());

async function eventCount(): Promise<number> {
  let n = 0;
  let after: { eventTimeMs: number; seq: number } | undefined;
  do {
    const page = await server.app.context.eventLog.lookup({
      accountId: server.accountId, region: 'us-east-1', category: 'management', startTimeMs: 0, endTimeMs: Date.now() + 1e9, limit: 1000, ...(after ? { after } : {}),
    });
    n += page.events.length;
    after = page.next;
  } while (after);
  return n;
}

test('a valid signature in the header form and the presigned form is accepted', async () => {
  const res = await signedCall(server.endpoint, server.credentials, { target: LOOKUP, body: '{"MaxResults":1}' });
  assert.equal(res.status, 200, res.text);
  assert.ok(Array.isArray(res.json?.Events));
  assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  const short = await signedCall(server.endpoint, server.credentials, { target: 'CloudTrail_20131101.LookupEvents', body: '{}' });
  assert.equal(short.status, 200, 'short X-Amz-Target form');
  const pre = await presignedRequest(server.endpoint, server.credentials, { target: LOOKUP, body: '{"MaxResults":2}' });
  const preRes = await send(server.endpoint, pre);
  assert.equal(preRes.status, 200, preRes.text);
});

test('each SigV4 failure yields its AWS error and records nothing', async () => {
  const before = await eventCount();
  const endpoint = server.endpoint;
  const creds = server.credentials;
  const cases: [string, () => Promise<RawResponse>, string, RegExp][] = [
    [
      'no authentication',
      async () => {
        const r = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': LOOKUP, 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
        return { status: r.status, headers: r.headers, text: await r.clone().text(), json: (await r.json()) as Record<string, unknown> };
      },
      'MissingAuthenticationTokenException',
      /Missing Authentication Token/i,
    ],
    [
      'malformed Authorization',
      async () => {
        const req = await signedRequest(endpoint, creds, { target: LOOKUP });
        req.headers.authorization = 'AWS4-HMAC-SHA256 Credential=garbage';
        return send(endpoint, req);
      },
      'IncompleteSignatureException',
      /.+/,
    ],
    [
      'unknown access key',
      () => signedCall(endpoint, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: creds.secretAccessKey }, { target: LOOKUP }),
      'UnrecognizedClientException',
      /security token included in the request is invalid/,
    ],
    [
      'wrong secret',
      () => signedCall(endpoint, { accessKeyId: creds.accessKeyId, secretAccessKey: 'not-the-secret-at-all-000000000000000000' }, { target: LOOKUP }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'body changed after signing',
      async () => {
        const req = await signedRequest(endpoint, creds, { target: LOOKUP, body: '{"MaxResults":1}' });
        req.body = '{"MaxResults":2}';
        return send(endpoint, req);
      },
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'signed 20 minutes ago',
      () => signedCall(endpoint, creds, { target: LOOKUP, signingDate: new Date(Date.now() - 20 * 60_000) }),
      'InvalidSignatureException',
      /Signature expired/,
    ],
    [
      'signed 20 minutes in the future',
      () => signedCall(endpoint, creds, { target: LOOKUP, signingDate: new Date(Date.now() + 20 * 60_000) }),
      'InvalidSignatureException',
      /Signature not yet current/,
    ],
    [
      'presigned URL past its expiry',
      async () => send(endpoint, await presignedRequest(endpoint, creds, { target: LOOKUP, signingDate: new Date(Date.now() - 10 * 60_000) }, 60)),
      'InvalidSignatureException',
      /Signature expired/,
    ],
    [
      'scope for a region OpenTrail does not serve',
      () => signedCall(endpoint, creds, { target: LOOKUP, region: 'xx-nowhere-1' }),
      'InvalidSignatureException',
      /region/,
    ],
    [
      'session token for a long-term key',
      () => signedCall(endpoint, { ...creds, sessionToken: 'bogus-token' }, { target: LOOKUP }),
      'UnrecognizedClientException',
      /security token included in the request is invalid/,
    ],
  ];
  for (const [name, make, code, message] of cases) {
    const res = await make();
    assert.ok(res.status >= 400 && res.status < 500, `${name}: status ${res.status}`);
    assert.equal(res.json?.__type, code, `${name}: ${res.text}`);
    assert.match(String(res.json?.message ?? res.json?.Message ?? ''), message, `${name}: ${res.text}`);
    assert.ok(!res.text.includes(creds.secretAccessKey), `${name}: no secret in the answer`);
  }
  assert.equal(await eventCount(), before, 'unauthenticated requests record nothing');
});

test('unknown operation and malformed JSON are recorded with AWS error codes', async () => {
  const creds = server.credentials;
  const unknown = await signedCall(server.endpoint, creds, { target: `${TARGET_PREFIX}.NoSuchOperation` });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json?.__type, 'UnknownOperationException');
  const badJson = await signedCall(server.endpoint, creds, { target: LOOKUP, body: '{"MaxResults":' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json?.__type, 'SerializationException');
  const wrongType = await signedCall(server.endpoint, creds, { target: LOOKUP, body: '{"MaxResults":"ten"}' });
  assert.equal(wrongType.json?.__type, 'SerializationException');
  const page = await server.app.context.eventLog.lookup({
    accountId: server.accountId, region: 'us-east-1', category: 'management', startTimeMs: 0, endTimeMs: Date.now() + 1e9, limit: 3,
  });
  assert.deepEqual(page.events.map((e) => e.record.errorCode), ['SerializationException', 'SerializationException', 'UnknownOperationException']);
  assert.equal(page.events[2]!.record.eventName, 'NoSuchOperation');
});

test('a body over the limit is refused with 413 before it is read', async () => {
  const big = 'x'.repeat(2 * 1024 * 1024);
  const res: unknown = await signedCall(server.endpoint, server.credentials, { target: LOOKUP, body: big }).catch((e: unknown) => e);
  if (res instanceof Error) {
    // The server may close the connection before fetch finishes sending: that is "read no further".
    assert.match(String((res as Error & { cause?: unknown }).cause ?? res), /closed|reset|EPIPE|socket|terminated/i);
  } else {
    const r = res as RawResponse;
    assert.equal(r.status, 413);
    assert.equal(r.json?.__type, 'RequestEntityTooLargeException');
  }
});
