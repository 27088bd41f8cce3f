/**
 * Known-answer tests: the official AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30,
 * AKIDEXAMPLE, region us-east-1, service "service"), AWS's documented IAM ListUsers request, and
 * the S3 API reference's header-signed and presigned examples (examplebucket, 2013-05-24), and
 * the suite's 2011 edition (Date header instead of X-Amz-Date) as botocore shipped it.
 * Each request must verify at its own time, and fail once a body byte, a signed header or the
 * signature changes. Requests are written as the wire carries them: repeated headers as arrays
 * (node's req.headersDistinct), the path and query exactly as in the suite's .req files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/lib/clock.js';
import type { Credential, CredentialProvider } from '../../src/aws/principal.js';
import { SigV4Error, verifySigV4, type RawRequest } from '../../src/aws/sigv4/index.js';

const SUITE_KEY = 'AKIDEXAMPLE';
const SUITE_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_TIME = Date.UTC(2015, 7, 30, 12, 36, 0);
const S3_KEY = 'AKIAIOSFODNN7EXAMPLE';
const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const S3_TIME = Date.UTC(2013, 4, 24, 0, 0, 0);
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Vector {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body?: string;
  signedHeaders: string;
  signature: string;
  /** Defaults: the suite's key, region us-east-1, service "service", 2015-08-30T12:36:00Z. */
  service?: string;
  time?: number;
  sessionToken?: string;
  s3?: boolean;
  /** Presigned vectors carry their signature in the URL. */
  presigned?: boolean;
}

const suiteHost = { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' };
const plain = 'host;x-amz-date';

/** The official aws-sig-v4-test-suite cases (request as in each .req, signature from each .authz). */
const SUITE: Vector[] = [
  { name: 'get-header-key-duplicate', method: 'GET', url: '/', headers: { ...suiteHost, 'my-header1': ['value2', 'value2', 'value1'] }, signedHeaders: 'host;my-header1;x-amz-date', signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea' },
  { name: 'get-header-value-order', method: 'GET', url: '/', headers: { ...suiteHost, 'my-header1': ['value4', 'value1', 'value3', 'value2'] }, signedHeaders: 'host;my-header1;x-amz-date', signature: '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01' },
  { name: 'get-header-value-trim', method: 'GET', url: '/', headers: { ...suiteHost, 'my-header1': ' value1', 'my-header2': ' "a   b   c"' }, signedHeaders: 'host;my-header1;my-header2;x-amz-date', signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736' },
  { name: 'get-unreserved', method: 'GET', url: `/${UNRESERVED}`, headers: suiteHost, signedHeaders: plain, signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f' },
  { name: 'get-utf8', method: 'GET', url: '/ሴ', headers: suiteHost, signedHeaders: plain, signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' },
  { name: 'get-vanilla', method: 'GET', url: '/', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'get-vanilla-empty-query-key', method: 'GET', url: '/?Param1=value1', headers: suiteHost, signedHeaders: plain, signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb' },
  { name: 'get-vanilla-query', method: 'GET', url: '/', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'get-vanilla-query-order-key', method: 'GET', url: '/?Param1=value2&Param1=Value1', headers: suiteHost, signedHeaders: plain, signature: 'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1' },
  { name: 'get-vanilla-query-order-key-case', method: 'GET', url: '/?Param2=value2&Param1=value1', headers: suiteHost, signedHeaders: plain, signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  { name: 'get-vanilla-query-order-value', method: 'GET', url: '/?Param1=value2&Param1=value1', headers: suiteHost, signedHeaders: plain, signature: '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694' },
  { name: 'get-vanilla-query-unreserved', method: 'GET', url: `/?${UNRESERVED}=${UNRESERVED}`, headers: suiteHost, signedHeaders: plain, signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197' },
  { name: 'get-vanilla-utf8-query', method: 'GET', url: '/?ሴ=bar', headers: suiteHost, signedHeaders: plain, signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04' },
  { name: 'normalize-path/get-relative', method: 'GET', url: '/example/..', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'normalize-path/get-relative-relative', method: 'GET', url: '/example1/example2/../..', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'normalize-path/get-slash', method: 'GET', url: '//', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'normalize-path/get-slash-dot-slash', method: 'GET', url: '/./', headers: suiteHost, signedHeaders: plain, signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'normalize-path/get-slash-pointless-dot', method: 'GET', url: '/./example', headers: suiteHost, signedHeaders: plain, signature: 'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5' },
  { name: 'normalize-path/get-slashes', method: 'GET', url: '//example//', headers: suiteHost, signedHeaders: plain, signature: '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84' },
  { name: 'normalize-path/get-space', method: 'GET', url: '/example space/', headers: suiteHost, signedHeaders: plain, signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741' },
  { name: 'post-header-key-case', method: 'POST', url: '/', headers: suiteHost, signedHeaders: plain, signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  { name: 'post-header-key-sort', method: 'POST', url: '/', headers: { ...suiteHost, 'my-header1': 'value1' }, signedHeaders: 'host;my-header1;x-amz-date', signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c' },
  { name: 'post-header-value-case', method: 'POST', url: '/', headers: { ...suiteHost, 'my-header1': 'VALUE1' }, signedHeaders: 'host;my-header1;x-amz-date', signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d' },
  { name: 'post-sts-token/post-sts-header-after', method: 'POST', url: '/', headers: { ...suiteHost, 'x-amz-security-token': STS_TOKEN }, signedHeaders: plain, signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b', sessionToken: STS_TOKEN },
  { name: 'post-sts-token/post-sts-header-before', method: 'POST', url: '/', headers: { ...suiteHost, 'x-amz-security-token': STS_TOKEN }, signedHeaders: 'host;x-amz-date;x-amz-security-token', signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead', sessionToken: STS_TOKEN },
  { name: 'post-vanilla', method: 'POST', url: '/', headers: suiteHost, signedHeaders: plain, signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  { name: 'post-vanilla-empty-query-value', method: 'POST', url: '/?Param1=value1', headers: suiteHost, signedHeaders: plain, signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11' },
  { name: 'post-vanilla-query', method: 'POST', url: '/?Param1=value1', headers: suiteHost, signedHeaders: plain, signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11' },
  { name: 'post-x-www-form-urlencoded', method: 'POST', url: '/', headers: { ...suiteHost, 'content-type': 'application/x-www-form-urlencoded' }, body: 'Param1=value1', signedHeaders: 'content-type;host;x-amz-date', signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a' },
  { name: 'post-x-www-form-urlencoded-parameters', method: 'POST', url: '/', headers: { ...suiteHost, 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }, body: 'Param1=value1', signedHeaders: 'content-type;host;x-amz-date', signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe' },
];

const OLD_TIME = Date.UTC(2011, 8, 9, 23, 36, 0);
const oldHost = { host: 'host.foo.com', date: 'Mon, 09 Sep 2011 23:36:00 GMT' };
const old = { service: 'host', time: OLD_TIME };

/**
 * The earlier (2011) edition of the suite, as botocore carried it: signed with a `Date` header and
 * no X-Amz-Date, which exercises the Date fallback (note the suite's Date names the wrong weekday).
 */
const SUITE_2011: Vector[] = [
  { name: '2011 get-vanilla', method: 'GET', url: '/', headers: oldHost, signedHeaders: 'date;host', signature: 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470', ...old },
  { name: '2011 get-relative-relative', method: 'GET', url: '/foo/bar/../..', headers: oldHost, signedHeaders: 'date;host', signature: 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470', ...old },
  { name: '2011 get-slash-dot-slash', method: 'GET', url: '/./', headers: oldHost, signedHeaders: 'date;host', signature: 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470', ...old },
  { name: '2011 get-slash-pointless-dot', method: 'GET', url: '/./foo', headers: oldHost, signedHeaders: 'date;host', signature: '910e4d6c9abafaf87898e1eb4c929135782ea25bb0279703146455745391e63a', ...old },
  { name: '2011 get-vanilla-query-order-key-case', method: 'GET', url: '/?foo=Zoo&foo=aha', headers: oldHost, signedHeaders: 'date;host', signature: 'be7148d34ebccdc6423b19085378aa0bee970bdc61d144bd1a8c48c33079ab09', ...old },
  { name: '2011 get-vanilla-query-order-value', method: 'GET', url: '/?foo=b&foo=a', headers: oldHost, signedHeaders: 'date;host', signature: 'feb926e49e382bec75c9d7dcb2a1b6dc8aa50ca43c25d2bc51143768c0875acc', ...old },
  { name: '2011 get-vanilla-ut8-query', method: 'GET', url: '/?ሴ=bar', headers: oldHost, signedHeaders: 'date;host', signature: '6fb359e9a05394cc7074e0feb42573a2601abc0c869a953e8c5c12e4e01f1a8c', ...old },
  { name: '2011 post-header-key-sort', method: 'POST', url: '/', headers: { ...oldHost, zoo: 'zoobar' }, signedHeaders: 'date;host;zoo', signature: 'b7a95a52518abbca0964a999a880429ab734f35ebbf1235bd79a5de87756dc4a', ...old },
  { name: '2011 post-header-value-case', method: 'POST', url: '/', headers: { ...oldHost, zoo: 'ZOOBAR' }, signedHeaders: 'date;host;zoo', signature: '273313af9d0c265c531e11db70bbd653f3ba074c1009239e8559d3987039cad7', ...old },
  { name: '2011 get-header-value-trim', method: 'POST', url: '/', headers: { ...oldHost, p: 'phfft' }, signedHeaders: 'date;host;p', signature: 'debf546796015d6f6ded8626f5ce98597c33b47b9164cf6b17b4642036fcb592', ...old },
  { name: '2011 post-x-www-form-urlencoded', method: 'POST', url: '/', headers: { ...oldHost, 'content-type': 'application/x-www-form-urlencoded' }, body: 'foo=bar', signedHeaders: 'content-type;date;host', signature: '5a15b22cf462f047318703b92e6f4f38884e4a7ab7b1d6426ca46a8bd1c26cbc', ...old },
];

const s3Host = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY_SHA256 };
const s3Plain = 'host;x-amz-content-sha256;x-amz-date';
const WELCOME_SHA256 = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';

/** AWS documentation examples outside the suite. */
const DOCUMENTED: Vector[] = [
  // "Examples of the complete Signature Version 4 signing process": IAM ListUsers.
  {
    name: 'docs: IAM ListUsers',
    method: 'GET',
    url: '/?Action=ListUsers&Version=2010-05-08',
    headers: { host: 'iam.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-amz-date': '20150830T123600Z' },
    signedHeaders: 'content-type;host;x-amz-date',
    signature: '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    service: 'iam',
  },
  // S3 API reference, "Signature Calculations for the Authorization Header" examples.
  { name: 'docs: S3 GET Object', method: 'GET', url: '/test.txt', headers: { ...s3Host, range: 'bytes=0-9' }, signedHeaders: 'host;range;x-amz-content-sha256;x-amz-date', signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41', service: 's3', s3: true, time: S3_TIME },
  {
    name: 'docs: S3 PUT Object',
    method: 'PUT',
    url: '/test$file.text',
    headers: { ...s3Host, date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': WELCOME_SHA256 },
    body: 'Welcome to Amazon S3.',
    signedHeaders: 'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
    signature: '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    service: 's3',
    s3: true,
    time: S3_TIME,
  },
  { name: 'docs: S3 GET Bucket lifecycle', method: 'GET', url: '/?lifecycle', headers: s3Host, signedHeaders: s3Plain, signature: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543', service: 's3', s3: true, time: S3_TIME },
  { name: 'docs: S3 GET Bucket (List Objects)', method: 'GET', url: '/?max-keys=2&prefix=J', headers: s3Host, signedHeaders: s3Plain, signature: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7', service: 's3', s3: true, time: S3_TIME },
  // S3 API reference, "Authenticating Requests: Using Query Parameters": the presigned GET.
  {
    name: 'docs: S3 presigned GET',
    method: 'GET',
    url:
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: { host: 'examplebucket.s3.amazonaws.com' },
    signedHeaders: 'host',
    signature: 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    service: 's3',
    s3: true,
    time: S3_TIME,
    presigned: true,
  },
];

function credentialsFor(v: Vector): CredentialProvider {
  const isS3Doc = v.s3 === true;
  const accessKeyId = isS3Doc ? S3_KEY : SUITE_KEY;
  const credential: Credential = {
    accessKeyId,
    secretAccessKey: isS3Doc ? S3_SECRET : SUITE_SECRET,
    ...(v.sessionToken ? { sessionToken: v.sessionToken } : {}),
    principal: { type: 'Root', accountId: '123456789012', accessKeyId },
  };
  return { lookup: (id) => (id === accessKeyId ? credential : undefined) };
}

function rawRequest(v: Vector): RawRequest {
  const headers: RawRequest['headers'] = { ...v.headers };
  if (!v.presigned) {
    const time = v.time ?? SUITE_TIME;
    const date = new Date(time).toISOString().slice(0, 10).replace(/-/g, '');
    const key = v.s3 ? S3_KEY : SUITE_KEY;
    const scope = `${key}/${date}/us-east-1/${v.service ?? 'service'}/aws4_request`;
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`;
  }
  return { method: v.method, url: v.url, headers, body: new TextEncoder().encode(v.body ?? '') };
}

function verify(v: Vector, req: RawRequest) {
  return verifySigV4(req, {
    clock: new ManualClock(v.time ?? SUITE_TIME),
    credentials: credentialsFor(v),
    service: v.service ?? 'service',
    regions: ['us-east-1'],
    s3PathRules: v.s3 === true,
  });
}

/** One hex digit of the signature changed, wherever it is carried. */
function withAlteredSignature(v: Vector, req: RawRequest): RawRequest {
  const flipped = v.signature.slice(0, -1) + (v.signature.endsWith('0') ? '1' : '0');
  if (v.presigned) return { ...req, url: req.url.replace(v.signature, flipped) };
  const auth = String(req.headers.authorization);
  return { ...req, headers: { ...req.headers, authorization: auth.replace(v.signature, flipped) } };
}

async function rejects(promise: Promise<unknown>, what: string): Promise<SigV4Error> {
  const err: unknown = await promise.then(
    () => assert.fail(`${what}: expected a rejection`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SigV4Error, `${what}: ${String(err)}`);
  return err;
}

test('there are at least 15 official suite vectors', () => {
  assert.ok(SUITE.length >= 15);
  assert.ok(SUITE.length + SUITE_2011.length + DOCUMENTED.length >= 40);
});

for (const v of [...SUITE, ...SUITE_2011, ...DOCUMENTED]) {
  test(`vector ${v.name}: verifies, and fails once a byte changes`, async () => {
    const req = rawRequest(v);
    const verified = await verify(v, req);
    assert.equal(verified.presigned, v.presigned === true);
    assert.equal(verified.scope.region, 'us-east-1');

    const mismatch = await rejects(verify(v, withAlteredSignature(v, req)), 'signature changed');
    assert.equal(mismatch.code, 'InvalidSignatureException');
    assert.equal(mismatch.reason, 'signature-mismatch');

    const host = String(req.headers.host);
    const otherHost = { ...req, headers: { ...req.headers, host: `${host.slice(0, -1)}x` } };
    const headerErr = await rejects(verify(v, otherHost), 'signed header changed');
    assert.equal(headerErr.reason, 'signature-mismatch');

    if (v.presigned) return; // UNSIGNED-PAYLOAD: a presigned S3 URL deliberately leaves the body out
    const body = new Uint8Array([...req.body, 0x20]);
    const bodyErr = await rejects(verify(v, { ...req, body }), 'body changed');
    // S3 checks the body against the hash the client declared; elsewhere the signature no longer matches.
    const declared = v.s3 === true && req.headers['x-amz-content-sha256'] !== undefined;
    assert.equal(bodyErr.code, declared ? 'XAmzContentSHA256Mismatch' : 'InvalidSignatureException');
  });
}

test('the S3 PUT example verifies whether "$" arrives raw or percent-encoded', async () => {
  const v = DOCUMENTED.find((d) => d.name === 'docs: S3 PUT Object');
  assert.ok(v);
  await verify(v, { ...rawRequest(v), url: '/test%24file.text' });
});

test('the S3 presigned example stays valid for its X-Amz-Expires, then expires', async () => {
  const v = DOCUMENTED.find((d) => d.presigned);
  assert.ok(v);
  const req = rawRequest(v);
  await verify({ ...v, time: S3_TIME + 86_400_000 }, req);
  const err = await rejects(verify({ ...v, time: S3_TIME + 86_401_000 }, req), 'after expiry');
  assert.equal(err.code, 'InvalidSignatureException');
  assert.equal(
    err.message,
    'Signature expired: 20130524T000000Z is now earlier than 20130524T000001Z (20130525T000001Z - 86400 sec.)',
  );
});
