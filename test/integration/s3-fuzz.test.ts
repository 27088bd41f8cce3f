/**
 * Malformed S3 requests — odd paths and keys, unknown and conflicting sub-resources, broken XML
 * and policies, bad ranges, copy sources, part numbers, checksums and aws-chunked bodies,
 * signed and not — must never produce a 5xx or crash the server, and every error must be S3's
 * XML (HEAD errors excepted: they have no body).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { s3Raw, xmlText, type S3Call } from '../helpers/s3.js';
import { prng } from '../helpers/prng.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await s3Raw(server.endpoint, server.credentials, { method: 'PUT', path: '/fuzz' });
  await s3Raw(server.endpoint, server.credentials, { method: 'PUT', path: '/fuzz/exists', body: 'hello world' });
});
after(async () => server.stop());

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
const PATHS = ['/', '/fuzz', '/fuzz/', '/fuzz/exists', '/fuzz/a%2Fb', '/fuzz/%ZZ', '/nobucket/x', '/UPPER', '/a', '/fuzz/' + 'k'.repeat(1100),
  '/fuzz/..%2F..%2Fetc%2Fpasswd', '/fuzz/%00', '//fuzz//x', '/fuzz/exists/', '/192.168.1.1', '/xn--bucket'];
const QUERIES = ['', '?policy', '?uploads', '?uploadId=nope', '?uploadId=nope&partNumber=0', '?uploadId=x&partNumber=10001', '?delete',
  '?location', '?list-type=2&max-keys=-1', '?list-type=3', '?max-keys=abc', '?continuation-token=%%%', '?list-type=2&continuation-token=bogus',
  '?acl', '?versioning', '?tagging', '?encoding-type=base64', '?delimiter=&prefix=', '?partNumber=1', '?response-content-type=%0d%0a'];
const BODIES = ['', '<', '<Delete><Object><Key>a</Key></Object>', '<Delete>' + '<Object><Key>k</Key></Object>'.repeat(1001) + '</Delete>',
  '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>', '{"Version":"2012-10-17"}', '{',
  '{"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}', '<CreateBucketConfiguration><LocationConstraint>mars-1</LocationConstraint></CreateBucketConfiguration>',
  'not xml at all', '\u0000\u0001\u0002'];
const HEADERS: Record<string, string>[] = [
  {}, { range: 'bytes=5-1' }, { range: 'bytes=999999-' }, { range: 'bits=0-1' }, { range: 'bytes=-0' },
  { 'x-amz-copy-source': '/nobucket/x' }, { 'x-amz-copy-source': '%%%' }, { 'x-amz-copy-source': '/fuzz/exists', 'x-amz-metadata-directive': 'SIDEWAYS' },
  { 'content-md5': 'not-base64!' }, { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, { 'x-amz-checksum-crc32': 'zzzz' },
  { 'x-amz-sdk-checksum-algorithm': 'MD17' }, { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5' },
  { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-trailer': 'x-amz-checksum-nope' },
  { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '-1' },
  { 'x-amz-content-sha256': '00'.repeat(32) }, { 'x-amz-meta-a': 'x'.repeat(3000) },
];

function randomCall(r: () => number): S3Call {
  const headers = { ...pick(r, HEADERS), ...(r() < 0.3 ? pick(r, HEADERS) : {}) };
  return {
    method: pick(r, METHODS),
    path: pick(r, PATHS) + pick(r, QUERIES),
    headers,
    body: pick(r, BODIES),
    unsigned: r() < 0.1,
    ...(r() < 0.1 ? { host: pick(r, ['fuzz.localhost', 'x.y.z.localhost', '-bad-.localhost', '']) } : {}),
  };
}

test('hundreds of malformed S3 requests: no 5xx, S3 XML errors, server still answers', async () => {
  const r = prng(20261123);
  const TOTAL = 800;
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const call = randomCall(r);
      let res;
      try {
        res = await s3Raw(server.endpoint, server.credentials, call);
      } catch (e) {
        // node refuses some header values locally (or the server closed after an error
        // response to an unread body): the point is the server's health, checked below.
        if (/ECONNRESET|EPIPE|Invalid character|header/i.test(String(e))) continue;
        throw e;
      }
      const what = `${call.method} ${call.path.slice(0, 80)} ${JSON.stringify(call.headers).slice(0, 120)}`;
      assert.ok(res.status < 500 || res.status === 501, `request ${i} (${what}) got ${res.status}: ${res.body.slice(0, 300)}`);
      if (res.status >= 400 && call.method !== 'HEAD') {
        assert.ok(xmlText(res.body, 'Code'), `request ${i} (${what}): ${res.status} error without <Code>: ${res.body.slice(0, 200)} body=${JSON.stringify(call.body).slice(0, 60)} ${JSON.stringify(res.headers)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // (the fuzz may legitimately have deleted /fuzz/exists: write a fresh object)
  await s3Raw(server.endpoint, server.credentials, { method: 'PUT', path: '/fuzz-after', body: '' });
  assert.equal((await s3Raw(server.endpoint, server.credentials, { method: 'PUT', path: '/fuzz-after/k', body: 'hello world' })).status, 200);
  const ok = await s3Raw(server.endpoint, server.credentials, { method: 'GET', path: '/fuzz-after/k' });
  assert.equal(ok.status, 200, 'still answers');
  assert.equal(ok.body, 'hello world');
});
