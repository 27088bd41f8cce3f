/**
 * Thousands of malformed requests — garbage bodies, wrong types, huge strings, bad headers,
 * signed and unsigned — must never produce a 5xx or crash the server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signedRequest, send, TARGET_PREFIX, type RawCall } from '../helpers/raw.js';
import { prng as rng } from '../helpers/prng.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());


const OPS = ['LookupEvents', 'CreateTrail', 'GetTrail', 'DescribeTrails', 'PutEventSelectors', 'ListPublicKeys', 'AddTags', 'Nope', ''];
const VALUES: (() => unknown)[] = [
  () => null, () => true, () => 0, () => -1, () => 1e308, () => 51, () => 1.5, () => '', () => 'x'.repeat(70_000),
  () => '\u0000\uffff\ud800', () => [], () => [{}], () => ({}), () => ({ AttributeKey: 'EventName' }),
  () => [{ AttributeKey: 'Username', AttributeValue: 'a'.repeat(3000) }], () => '2020-13-45T99:99:99Z', () => -1e20, () => 'NaN',
];
const KEYS = ['LookupAttributes', 'StartTime', 'EndTime', 'MaxResults', 'NextToken', 'EventCategory', 'Name', 'TrailNameList', 'EventSelectors', '__proto__', 'constructor'];

function randomBody(r: () => number): string | Uint8Array {
  const kind = Math.floor(r() * 6);
  if (kind === 0) return Uint8Array.from({ length: Math.floor(r() * 200) }, () => Math.floor(r() * 256));
  if (kind === 1) return ['', '{', '[]', 'null', '"s"', '{"a":}', '{"MaxResults":1,,}', '1e999', '{"__proto__":{"x":1}}'][Math.floor(r() * 9)]!;
  const obj: Record<string, unknown> = {};
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) obj[KEYS[Math.floor(r() * KEYS.length)]!] = VALUES[Math.floor(r() * VALUES.length)]!();
  return kind === 2 ? JSON.stringify([obj]) : JSON.stringify(obj);
}

function randomCall(r: () => number): RawCall {
  const op = OPS[Math.floor(r() * OPS.length)]!;
  const headers: Record<string, string> = {};
  if (r() < 0.2) headers['content-type'] = ['text/plain', '', 'application/json;;;', 'x'.repeat(500)][Math.floor(r() * 4)]!;
  if (r() < 0.1) headers['x-amz-date'] = ['garbage', '20991301T000000Z', ''][Math.floor(r() * 3)]!;
  const target = r() < 0.1 ? ['', '.', 'CloudTrail_20131101.', `${TARGET_PREFIX}.${'A'.repeat(5000)}`, 'Other.LookupEvents'][Math.floor(r() * 5)]! : `${TARGET_PREFIX}.${op}`;
  return { target, body: randomBody(r), headers };
}

test('thousands of malformed requests: no 5xx, no crash, server still answers', async () => {
  const r = rng(20261123);
  const statuses = new Map<number, number>();
  const TOTAL = 3000;
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const call = randomCall(r);
      let req = await signedRequest(server.endpoint, server.credentials, call);
      if (i % 5 === 0) {
        // Break the authentication in assorted ways.
        const auth = req.headers.authorization ?? '';
        const variants = ['', 'AWS4-HMAC-SHA256', auth.replace('Signature=', 'Signature=00'), auth + ', Extra=1', 'Bearer x', auth.replace(/Credential=[^,]+/, 'Credential=A/B/C/D/E/F'), '\u00ff'.repeat(10)];
        const authorization = variants[i % variants.length]!;
        if (authorization) req.headers.authorization = authorization;
        else delete req.headers.authorization;
      }
      let res;
      try {
        res = await send(server.endpoint, req);
      } catch (e) {
        // fetch refuses some header bytes locally; that request never reached the server.
        if (String(e).includes('Headers') || String(e).includes('ByteString')) continue;
        throw e;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `request ${i} got ${res.status}: ${res.text.slice(0, 300)}`);
      if (res.status >= 400) assert.ok(typeof res.json?.__type === 'string', `request ${i}: error has __type: ${res.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const ok = await signedRequest(server.endpoint, server.credentials, { target: `${TARGET_PREFIX}.LookupEvents`, body: '{"MaxResults":1}' });
  assert.equal((await send(server.endpoint, ok)).status, 200, 'still answers');
  assert.ok([...statuses.values()].reduce((a, b) => a + b, 0) > 2500);
});

test('garbage at the HTTP level gets a 400 or a closed connection, never a crash', async () => {
  const { connect } = await import('node:net');
  const url = new URL(server.endpoint);
  const r = rng(7);
  const payloads = [
    'GARBAGE\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    `POST / HTTP/1.1\r\nHost: x\r\n${'X-Long: ' + 'a'.repeat(100_000)}\r\n\r\n`,
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\n',
    'GET /%%%%%%?\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
  ];
  for (let i = 0; i < 200; i++) {
    const payload = i < payloads.length ? payloads[i]! : Buffer.from(Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
    const answer = await new Promise<string>((resolve) => {
      const s = connect(Number(url.port), url.hostname, () => s.end(payload));
      let got = '';
      s.on('data', (d) => (got += d.toString('latin1')));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
      s.setTimeout(5000, () => s.destroy());
    });
    const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
    if (status) assert.ok(Number(status) < 500, `payload ${i} got ${status}`);
  }
  const ok = await signedRequest(server.endpoint, server.credentials, { target: `${TARGET_PREFIX}.LookupEvents`, body: '{}' });
  assert.equal((await send(server.endpoint, ok)).status, 200, 'still answers');
});
