/**
 * verifySigV4 against requests signed by @smithy/signature-v4 (the signer inside every AWS SDK
 * for JavaScript), and every way authentication can fail, with AWS's code, status and message.
 *
 * Where the expected wording comes from (real AWS responses quoted in public threads, and the
 * dynalite/kinesalite test suites, which are run against live DynamoDB/Kinesis):
 * - MissingAuthenticationTokenException "Missing Authentication Token", 400; IncompleteSignature
 *   wording for header and query forms; "Found both 'X-Amz-Algorithm' ..." — kinesalite
 *   test/connection.js (Kinesis is awsJson1_1, like CloudTrail).
 * - Date format, "Signature expired ... - 15 min.)", "'Host' must be a 'SignedHeader'",
 *   "Unsupported AWS 'algorithm'", "Credential must have exactly 5 slash-delimited elements",
 *   the four scope complaints, UnrecognizedClientException for an unknown key ("...invalid.") and
 *   for a bad token ("...invalid", no period), and the signature-mismatch text — captured AWS
 *   responses in dynalite's index.js; 400 for all of them on JSON services (aws-sdk-js#254,
 *   dynalite/kinesalite assertions, DynamoDB/Cognito answers quoted in aws-sdk-php#2444).
 * - "Signature not yet current: X is still later than Y (Z + 15 min.)" — s12v/awsbeats#48.
 * - "Credential should be scoped to correct service: 'batch'. " — cllunsford/aws-signing-proxy#25;
 *   "... to a valid region, not 'ap-southeast-2'. " — cognitect-labs/aws-api#27.
 * - "'<token>' not a valid key=value pair (missing equal-sign) in Authorization header: '...'." —
 *   iann0036/cloud9-sync#10, aws/aws-sdk-go#289.
 * - ExpiredTokenException "The security token included in the request is expired" (400 on JSON
 *   services) — aws/aws-sdk-java-v2#1649, salesforce/multicloudj#608.
 * - XAmzContentSHA256Mismatch and "There were headers present in the request which were not
 *   signed" (S3) — real S3 responses in grosskur/lua-resty-aws#2 and bradleyg/django-s3direct#249.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { ManualClock } from '../../src/lib/clock.js';
import { AwsError } from '../../src/aws/errors.js';
import type { Credential, CredentialProvider } from '../../src/aws/principal.js';
import { readScope, SigV4Error, verifySigV4, type RawRequest, type VerifyOptions } from '../../src/aws/sigv4/index.js';
import { clearSigningKeyCache, signingKeyCacheSize } from '../../src/aws/sigv4/signing-key.js';
import { prng as rng } from '../helpers/prng.js';

const NOW = Date.UTC(2024, 2, 1, 12, 0, 0); // 20240301T120000Z
const MIN = 60_000;
const HOST = 'cloudtrail.us-east-1.amazonaws.com';
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents';

function principal(accessKeyId: string): Credential['principal'] {
  return { type: 'Root', accountId: '123456789012', accessKeyId };
}
const LONG: Credential = {
  accessKeyId: 'AKIAOPENTRAILTEST001',
  secretAccessKey: 'longTermSecret/Key+Example00000000000000',
  principal: principal('AKIAOPENTRAILTEST001'),
};
const TEMP: Credential = {
  accessKeyId: 'ASIAOPENTRAILTEMP001',
  secretAccessKey: 'temporarySecret/Key+Example000000000000',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//session+token/value==',
  expiresAt: NOW + 60 * MIN,
  principal: principal('ASIAOPENTRAILTEMP001'),
};
const EXPIRED: Credential = {
  accessKeyId: 'ASIAOPENTRAILOLD0001',
  secretAccessKey: 'expiredSecret/Key+Example00000000000000',
  sessionToken: 'FwoGZXIvYXdzEXPIRED//token==',
  expiresAt: NOW - 1000,
  principal: principal('ASIAOPENTRAILOLD0001'),
};
const SECRETS = [LONG, TEMP, EXPIRED].flatMap((c) => [c.secretAccessKey, c.sessionToken ?? c.secretAccessKey]);

const provider: CredentialProvider = {
  lookup: (id) => [LONG, TEMP, EXPIRED].find((c) => c.accessKeyId === id),
};

function options(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return { clock: new ManualClock(NOW), credentials: provider, service: 'cloudtrail', regions: ['us-east-1', 'eu-west-1'], ...extra };
}

/** The AWS SDKs' query encoding: encodeURIComponent plus !'()*. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What node:http hands the server for a signed HttpRequest: header values as latin1 byte strings. */
type SignedRequest = Awaited<ReturnType<SignatureV4['presign']>>;

function wire(req: SignedRequest): RawRequest {
  const query = Object.entries(req.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => (one === null ? escape(k) : `${escape(k)}=${escape(one)}`)))
    .join('&');
  const headers: RawRequest['headers'] = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Buffer.from(v, 'utf8').toString('latin1');
  const body = req.body === undefined ? new Uint8Array() : new TextEncoder().encode(String(req.body));
  return { method: req.method, url: query ? `${req.path}?${query}` : req.path, headers, body };
}

interface SignSpec {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  credential?: Pick<Credential, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
  region?: string;
  service?: string;
  at?: number;
  s3?: boolean;
  host?: string;
  unsignable?: string[];
}

function request(spec: SignSpec): HttpRequest {
  const host = spec.host ?? HOST;
  return new HttpRequest({
    method: spec.method ?? 'POST',
    protocol: 'https:',
    hostname: host,
    path: spec.path ?? '/',
    query: spec.query ?? {},
    headers: {
      host,
      ...(spec.s3 ? {} : { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET }),
      ...spec.headers,
    },
    body: spec.body ?? (spec.s3 ? undefined : '{}'),
  });
}

function signer(spec: SignSpec): SignatureV4 {
  const c = spec.credential ?? LONG;
  return new SignatureV4({
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) },
    region: spec.region ?? 'us-east-1',
    service: spec.service ?? (spec.s3 ? 's3' : 'cloudtrail'),
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: !spec.s3,
    applyChecksum: spec.s3 === true,
  });
}

/** Signed exactly as an SDK client signs (Authorization header form). */
async function sdkSigned(spec: SignSpec = {}): Promise<RawRequest> {
  const signed = await signer(spec).sign(request(spec), {
    signingDate: new Date(spec.at ?? NOW),
    ...(spec.unsignable ? { unsignableHeaders: new Set(spec.unsignable) } : {}),
  });
  return wire(signed);
}

/** Presigned exactly as an SDK presigner does (query form). */
async function sdkPresigned(spec: SignSpec = {}, expiresIn = 300): Promise<RawRequest> {
  const signed = await signer(spec).presign(request(spec), { signingDate: new Date(spec.at ?? NOW), expiresIn });
  return wire(signed);
}

const seen: AwsError[] = [];

async function failure(req: RawRequest, opts: VerifyOptions = options()): Promise<SigV4Error> {
  const err: unknown = await verifySigV4(req, opts).then(
    () => assert.fail('expected verification to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SigV4Error, `not a SigV4Error: ${String(err)}`);
  seen.push(err);
  return err;
}

async function expectError(req: RawRequest, code: string, status: number, message: string | RegExp, opts?: VerifyOptions) {
  const err = await failure(req, opts);
  assert.equal(err.code, code, err.message);
  assert.equal(err.status, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  return err;
}

function withHeader(req: RawRequest, name: string, value: string | undefined): RawRequest {
  return { ...req, headers: { ...req.headers, [name]: value } };
}

function authOf(req: RawRequest): string {
  return String(req.headers.authorization);
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---------------------------------------------------------------------------------------------
// Round trips with the SDK signer

test('an SDK-signed CloudTrail call verifies and names its credential and scope', async () => {
  const v = await verifySigV4(await sdkSigned(), options());
  assert.equal(v.credential, LONG);
  assert.deepEqual(v.scope, { accessKeyId: LONG.accessKeyId, date: '20240301', region: 'us-east-1', service: 'cloudtrail' });
  assert.equal(v.presigned, false);
});

test('SDK-signed requests with awkward paths, queries and headers verify', async () => {
  const specs: SignSpec[] = [
    { service: 'cloudtrail-data', path: '/PutAuditEvents', query: { channelArn: 'arn:aws:cloudtrail:us-east-1:123456789012:channel/01234567-89ab', externalId: 'a b+c/d=e' } },
    { path: '/a%20b/c%2Fd/%E2%82%AC/x~y', query: { k: ['v2', 'v1', 'V0'], empty: '', 'ключ': 'значение', star: "*!'()" } },
    { path: '/deep/./path/../end/', headers: { 'x-custom': '  spaced   out   value ', 'x-amz-meta-thing': 'café' } },
    { region: 'eu-west-1', body: '{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"ConsoleLogin"}]}' },
    { method: 'GET', body: '', query: { Action: 'ListUsers', Version: '2010-05-08' } },
  ];
  for (const spec of specs) {
    const opts = options(spec.service ? { service: spec.service } : {});
    const v = await verifySigV4(await sdkSigned(spec), opts).catch((e: unknown) => assert.fail(`${JSON.stringify(spec)}: ${String(e)}`));
    assert.equal(v.scope.service, spec.service ?? 'cloudtrail');
  }
});

test('headers node delivers as latin1 byte strings verify against the UTF-8 the client signed', async () => {
  const req = await sdkSigned({ headers: { 'x-amz-meta-name': 'café ☕' } });
  // node:http decodes header bytes as latin1: each UTF-8 byte becomes one char
  assert.equal(req.headers['x-amz-meta-name'], Buffer.from('café ☕', 'utf8').toString('latin1'));
  await verifySigV4(req, options());
  // the text itself (as a hand-built request might carry it) is not the bytes that were signed
  await expectError(withHeader(req, 'x-amz-meta-name', 'café ☕'), 'InvalidSignatureException', 400, MISMATCH);
});

test('repeated headers verify when given as arrays (req.headersDistinct), not as node joins them', async () => {
  // a client that sends x-repeat twice signs "x-repeat:one,two", the same as one comma-joined header
  const req = await sdkSigned({ headers: { 'x-repeat': 'one,two' } });
  await verifySigV4({ ...req, headers: { ...req.headers, 'x-repeat': ['one', 'two'] } }, options());
  // node's req.headers joins repeats with ", ", which is not what was signed
  await expectError(withHeader(req, 'x-repeat', 'one, two'), 'InvalidSignatureException', 400, MISMATCH);
});

test('an SDK-presigned request verifies, with and without a session token', async () => {
  const pre = await sdkPresigned({ method: 'GET', body: '', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, service: 'sts' });
  const v = await verifySigV4(pre, options({ service: 'sts' }));
  assert.equal(v.presigned, true);
  const temp = await sdkPresigned({ method: 'GET', body: '', credential: TEMP, service: 'sts' });
  assert.match(temp.url, /X-Amz-Security-Token=/);
  assert.equal((await verifySigV4(temp, options({ service: 'sts' }))).credential, TEMP);
});

test('S3: SDK-signed and presigned requests verify with S3 path rules', async () => {
  const s3 = options({ service: 's3', s3PathRules: true });
  const body = 'object body bytes';
  const put = await sdkSigned({ s3: true, method: 'PUT', host: 'bucket.s3.us-east-1.amazonaws.com', path: '/photos/my%20photo%2B1%28a%29.jpg', body });
  assert.equal(put.headers['x-amz-content-sha256'], createHash('sha256').update(body).digest('hex'));
  await verifySigV4(put, s3);
  // the same object key written the way a hand-made client might encode it
  await verifySigV4({ ...put, url: '/photos/my%20photo+1(a).jpg'.replace('+', '%2B') }, s3);
  const unsignedPayload = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', body, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  await verifySigV4(unsignedPayload, s3);
  // as @aws-sdk/s3-request-presigner does: UNSIGNED-PAYLOAD, hoisted into the query
  const pre = await sdkPresigned({ s3: true, method: 'GET', path: '/b/a%2Fb..%2F/k', headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, 604800);
  assert.match(pre.url, /X-Amz-Content-Sha256=UNSIGNED-PAYLOAD/);
  await verifySigV4(pre, s3);
  // an S3 presigned URL lives for its X-Amz-Expires, beyond the 15-minute window
  await verifySigV4(pre, { ...s3, clock: new ManualClock(NOW + 6 * 24 * 60 * MIN) });
});

test('a derived signing key is cached: verifying again derives nothing new', async () => {
  clearSigningKeyCache();
  const req = await sdkSigned();
  await verifySigV4(req, options());
  assert.equal(signingKeyCacheSize(), 1);
  await verifySigV4(req, options());
  await verifySigV4(await sdkSigned({ body: '{"MaxResults":5}' }), options());
  assert.equal(signingKeyCacheSize(), 1);
  await verifySigV4(await sdkSigned({ region: 'eu-west-1' }), options());
  assert.equal(signingKeyCacheSize(), 2);
});

// ---------------------------------------------------------------------------------------------
// Every failure, with AWS's code, status and message

test('no authentication at all', async () => {
  const bare: RawRequest = { method: 'POST', url: '/', headers: { host: HOST }, body: new Uint8Array() };
  await expectError(bare, 'MissingAuthenticationTokenException', 400, 'Missing Authentication Token');
  // every presigned parameter but X-Amz-Algorithm is still "no authentication"
  const noAlgorithm = { ...bare, url: '/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d' };
  await expectError(noAlgorithm, 'MissingAuthenticationTokenException', 400, 'Missing Authentication Token');
});

test('an Authorization header without its parts', async () => {
  const bare: RawRequest = { method: 'POST', url: '/', headers: { host: HOST, authorization: 'X' }, body: new Uint8Array() };
  await expectError(
    bare,
    'IncompleteSignatureException',
    400,
    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
      "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either " +
      "a 'X-Amz-Date' or a 'Date' header. Authorization=X",
  );
  const partial = { ...bare, headers: { host: HOST, authorization: 'AWS4- Signature=b Credential=a', date: 'a' } };
  await expectError(partial, 'IncompleteSignatureException', 400, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b Credential=a");
  const commas = { ...bare, headers: { host: HOST, authorization: 'AWS4- Signature=b,Credential=a', 'x-amz-date': '20240301T120000Z' } };
  await expectError(commas, 'IncompleteSignatureException', 400, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b,Credential=a");
});

test('an Authorization parameter without "="', async () => {
  const req = await sdkSigned();
  const broken = authOf(req).replace('Credential=', 'Credential= ');
  const token = broken.split(' ')[2] as string;
  await expectError(
    withHeader(req, 'authorization', broken),
    'IncompleteSignatureException',
    400,
    `'${token.replace(/,$/, '')}' not a valid key=value pair (missing equal-sign) in Authorization header: '${broken}'.`,
  );
});

test('both the header and the presigned form', async () => {
  const pre = await sdkPresigned();
  await expectError(
    withHeader(pre, 'authorization', authOf(await sdkSigned())),
    'InvalidSignatureException',
    400,
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  );
});

test('a presigned query without its parts', async () => {
  const req: RawRequest = { method: 'GET', url: '/?X-Amz-Algorithm', headers: { host: HOST }, body: new Uint8Array() };
  await expectError(
    req,
    'IncompleteSignatureException',
    400,
    "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include 'X-Amz-Credential'. " +
      "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
      "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
  );
  const one = { ...req, url: '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d' };
  await expectError(one, 'IncompleteSignatureException', 400, "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.");
  const s3 = await sdkPresigned({ s3: true, method: 'GET', path: '/b/k' });
  const noExpires = { ...s3, url: s3.url.replace(/&?X-Amz-Expires=\d+/, '') };
  await expectError(noExpires, 'IncompleteSignatureException', 400, "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters.", options({ service: 's3', s3PathRules: true }));
});

test('a date that is not ISO-8601 basic format', async () => {
  const req = await sdkSigned();
  await expectError(withHeader(req, 'x-amz-date', '201'), 'IncompleteSignatureException', 400, "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601");
  await expectError(withHeader(req, 'x-amz-date', '20240230T120000Z'), 'IncompleteSignatureException', 400, /Got '20240230T120000Z'/);
  const dateOnly = withHeader(withHeader(req, 'x-amz-date', undefined), 'date', 'yesterday');
  await expectError(dateOnly, 'IncompleteSignatureException', 400, "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601");
});

test('clock skew: 15 minutes either way is fine, a second more is not', async () => {
  await verifySigV4(await sdkSigned({ at: NOW - 15 * MIN }), options());
  await verifySigV4(await sdkSigned({ at: NOW + 15 * MIN }), options());
  await expectError(
    await sdkSigned({ at: NOW - 16 * MIN }),
    'InvalidSignatureException',
    400,
    'Signature expired: 20240301T114400Z is now earlier than 20240301T114500Z (20240301T120000Z - 15 min.)',
  );
  await expectError(
    await sdkSigned({ at: NOW + 16 * MIN }),
    'InvalidSignatureException',
    400,
    'Signature not yet current: 20240301T121600Z is still later than 20240301T121500Z (20240301T120000Z + 15 min.)',
  );
  await expectError(await sdkSigned({ at: NOW - 15 * MIN - 1000 }), 'InvalidSignatureException', 400, /^Signature expired: 20240301T114459Z /);
});

test('presigned URLs: expiry, the 15-minute window outside S3, and X-Amz-Expires bounds', async () => {
  const pre = await sdkPresigned({ at: NOW - 5 * MIN }, 60);
  await expectError(pre, 'InvalidSignatureException', 400, 'Signature expired: 20240301T115500Z is now earlier than 20240301T115900Z (20240301T120000Z - 60 sec.)');
  const old = await sdkPresigned({ at: NOW - 20 * MIN }, 3600);
  await expectError(old, 'InvalidSignatureException', 400, /- 15 min\.\)$/);
  const fresh = await sdkPresigned({}, 300);
  const expiresAs = (v: string) => ({ ...fresh, url: fresh.url.replace(/X-Amz-Expires=\d+/, `X-Amz-Expires=${v}`) });
  await expectError(expiresAs('abc'), 'IncompleteSignatureException', 400, 'X-Amz-Expires should be a number');
  await expectError(expiresAs('-1'), 'IncompleteSignatureException', 400, 'X-Amz-Expires must be non-negative');
  await expectError(
    expiresAs('604801'),
    'IncompleteSignatureException',
    400,
    'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
  );
});

test('Host must be signed', async () => {
  const req = await sdkSigned({ unsignable: ['host'] });
  assert.doesNotMatch(authOf(req), /SignedHeaders=[^,]*host/);
  await expectError(req, 'InvalidSignatureException', 400, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
});

test('an algorithm other than AWS4-HMAC-SHA256', async () => {
  const req = await sdkSigned();
  const auth = authOf(req).replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA25');
  await expectError(withHeader(req, 'authorization', auth), 'IncompleteSignatureException', 400, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ");
});

test('a credential that is not keyid/date/region/service/term', async () => {
  const req = await sdkSigned();
  const auth = authOf(req).replace(/Credential=[^,]+/, 'Credential=a/b/c/d');
  await expectError(
    withHeader(req, 'authorization', auth),
    'IncompleteSignatureException',
    400,
    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'",
  );
  // trailing slashes do not count
  const trailing = authOf(req).replace('aws4_request', 'aws4_request//');
  await verifySigV4(withHeader(req, 'authorization', trailing), options());
});

test('a credential scoped to the wrong region, service, terminator or date', async () => {
  await expectError(await sdkSigned({ region: 'xx-nowhere-1' }), 'InvalidSignatureException', 400, "Credential should be scoped to a valid region, not 'xx-nowhere-1'. ");
  await expectError(await sdkSigned({ service: 'batch' }), 'InvalidSignatureException', 400, "Credential should be scoped to correct service: 'cloudtrail'. ");
  const req = await sdkSigned();
  const auth = authOf(req).replace(/Credential=[^,]+/, `Credential=${LONG.accessKeyId}/20240229/xx-1/batch/aws5_request`);
  await expectError(
    withHeader(req, 'authorization', auth),
    'InvalidSignatureException',
    400,
    "Credential should be scoped to a valid region, not 'xx-1'. Credential should be scoped to correct service: 'cloudtrail'. " +
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240229' != '20240301', from '20240301T120000Z'.",
  );
});

test('an access key OpenTrail does not know', async () => {
  const req = await sdkSigned({ credential: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'whatever' } });
  await expectError(req, 'UnrecognizedClientException', 400, 'The security token included in the request is invalid.');
});

test('a signature that does not match', async () => {
  const wrongSecret = await sdkSigned({ credential: { ...LONG, secretAccessKey: 'not-the-secret' } });
  await expectError(wrongSecret, 'InvalidSignatureException', 400, MISMATCH);
  const req = await sdkSigned();
  await expectError({ ...req, body: new TextEncoder().encode('{"x":1}') }, 'InvalidSignatureException', 400, MISMATCH);
  await expectError({ ...req, method: 'PUT' }, 'InvalidSignatureException', 400, MISMATCH);
  await expectError(withHeader(req, 'x-amz-target', `${TARGET}x`), 'InvalidSignatureException', 400, MISMATCH);
  const short = authOf(req).replace(/Signature=([0-9a-f]+)/, (_, s: string) => `Signature=${s.slice(0, 10)}`);
  await expectError(withHeader(req, 'authorization', short), 'InvalidSignatureException', 400, MISMATCH);
  const upper = authOf(req).replace(/Signature=([0-9a-f]+)/, (_, s: string) => `Signature=${s.toUpperCase()}`);
  await expectError(withHeader(req, 'authorization', upper), 'InvalidSignatureException', 400, MISMATCH);
});

test('session tokens: required for temporary keys, refused for long-term ones, expiry enforced', async () => {
  assert.equal((await verifySigV4(await sdkSigned({ credential: TEMP }), options())).credential, TEMP);
  const INVALID_TOKEN = 'The security token included in the request is invalid';
  const noToken = await sdkSigned({ credential: { ...TEMP, sessionToken: undefined } });
  await expectError(noToken, 'UnrecognizedClientException', 400, INVALID_TOKEN);
  const wrongToken = await sdkSigned({ credential: { ...TEMP, sessionToken: `${TEMP.sessionToken}x` } });
  await expectError(wrongToken, 'UnrecognizedClientException', 400, INVALID_TOKEN);
  const tokenForLongTerm = await sdkSigned({ credential: { ...LONG, sessionToken: 'bogus-token' } });
  await expectError(tokenForLongTerm, 'UnrecognizedClientException', 400, INVALID_TOKEN);
  const presignedWrong = await sdkPresigned({ credential: { ...TEMP, sessionToken: 'nope' } });
  await expectError(presignedWrong, 'UnrecognizedClientException', 400, INVALID_TOKEN);
  await expectError(await sdkSigned({ credential: EXPIRED }), 'ExpiredTokenException', 400, 'The security token included in the request is expired');
  // the same temporary key, once the clock passes its expiry
  const later = options({ clock: new ManualClock(TEMP.expiresAt! + 1) });
  await expectError(await sdkSigned({ credential: TEMP, at: TEMP.expiresAt! + 1 }), 'ExpiredTokenException', 400, 'The security token included in the request is expired', later);
});

test('x-amz-content-sha256: S3 holds the body to it and allows UNSIGNED-PAYLOAD; elsewhere the body itself is signed', async () => {
  const MISMATCH_SHA = "The provided 'x-amz-content-sha256' header does not match what was computed.";
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  // not S3: the canonical request always carries the hash of the body received
  const honest = await sdkSigned({ headers: { 'x-amz-content-sha256': sha('{}') } });
  await verifySigV4(honest, options());
  await expectError({ ...honest, body: new TextEncoder().encode('{"a":1}') }, 'InvalidSignatureException', 400, MISMATCH);
  const lying = await sdkSigned({ headers: { 'x-amz-content-sha256': sha('other') } });
  await expectError(lying, 'InvalidSignatureException', 400, MISMATCH);
  const unsigned = await sdkSigned({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  await expectError(unsigned, 'InvalidSignatureException', 400, MISMATCH);
  // S3: the declared hash is signed, then the body must match it
  const s3 = options({ service: 's3', s3PathRules: true });
  const s3Put = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', body: 'abc' });
  await verifySigV4(s3Put, s3);
  await expectError({ ...s3Put, body: new TextEncoder().encode('abd') }, 'XAmzContentSHA256Mismatch', 400, MISMATCH_SHA, s3);
  const s3Lying = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', body: 'abc', headers: { 'x-amz-content-sha256': sha('abd') } });
  await expectError(s3Lying, 'XAmzContentSHA256Mismatch', 400, MISMATCH_SHA, s3);
  const s3Garbage = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', body: 'abc', headers: { 'x-amz-content-sha256': 'not-a-hash' } });
  await expectError(s3Garbage, 'XAmzContentSHA256Mismatch', 400, MISMATCH_SHA, s3);
  // what the body's reader must still check (test/unit/sigv4-streaming.test.ts decodes these)
  assert.deepEqual((await verifySigV4(s3Put, s3)).payload, { kind: 'verified' });
  assert.deepEqual((await verifySigV4(await sdkSigned(), options())).payload, { kind: 'verified' });
  const s3Unsigned = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', body: 'abc', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.deepEqual((await verifySigV4(s3Unsigned, s3)).payload, { kind: 'unsigned' });
  const chunked = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } });
  const mode = (await verifySigV4(chunked, s3)).payload;
  assert.equal(mode.kind === 'signed-chunks' && mode.signing.seedSignature, /Signature=([0-9a-f]{64})/.exec(authOf(chunked))?.[1]);
  // SigV4a chunk signatures, and aws-chunked bodies outside S3, cannot be read
  const sigv4a = await sdkSigned({ s3: true, method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD' } });
  const err = await expectError(sigv4a, 'NotImplemented', 501, /STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD\. SigV4a \(ECDSA\) signed payloads are not supported/, s3);
  assert.equal(err.reason, 'unsupported-payload');
  const notS3 = await sdkSigned({ headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' } });
  await expectError(notS3, 'NotImplemented', 501, /Only S3 accepts aws-chunked bodies/);
});

test('S3 refuses x-amz-* headers the signature does not cover', async () => {
  const s3 = options({ service: 's3', s3PathRules: true });
  const req = await sdkSigned({ s3: true, method: 'GET', path: '/b/k' });
  await verifySigV4(req, s3);
  await expectError(withHeader(req, 'x-amz-acl', 'public-read'), 'AccessDenied', 403, 'There were headers present in the request which were not signed', s3);
  // other services ignore unsigned extras
  await verifySigV4(withHeader(await sdkSigned(), 'x-amz-extra', 'v'), options());
});

test('checks run in AWS order: date before Host, Host before algorithm, scope before key', async () => {
  const req = await sdkSigned({ unsignable: ['host'] });
  const bad = withHeader(withHeader(req, 'x-amz-date', 'nope'), 'authorization', authOf(req).replace('AWS4-HMAC-SHA256', 'AWS4-X'));
  assert.equal((await failure(bad)).message, "Date must be in ISO-8601 'basic format'. Got 'nope'. See http://en.wikipedia.org/wiki/ISO_8601");
  const noHost = withHeader(req, 'authorization', authOf(req).replace('AWS4-HMAC-SHA256', 'AWS4-X'));
  assert.equal((await failure(noHost)).message, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const unknownAndMisScoped = await sdkSigned({ credential: { accessKeyId: 'AKIANOSUCH', secretAccessKey: 's' }, region: 'xx-1' });
  assert.match((await failure(unknownAndMisScoped)).message, /valid region/);
});

test('no error message ever carries a secret key or a session token', () => {
  assert.ok(seen.length > 40, `only ${seen.length} errors collected`);
  for (const err of seen) {
    for (const secret of SECRETS) assert.ok(!err.message.includes(secret), `${err.code}: ${err.message}`);
  }
});

// ---------------------------------------------------------------------------------------------
// readScope

test('readScope finds the scope in either form without verifying, and never throws', async () => {
  const expected = { accessKeyId: LONG.accessKeyId, date: '20240301', region: 'us-east-1', service: 'cloudtrail' };
  assert.deepEqual(readScope(await sdkSigned()), expected);
  assert.deepEqual(readScope(await sdkPresigned()), expected);
  assert.equal(readScope({ method: 'GET', url: '/', headers: {}, body: new Uint8Array() }), undefined);
  assert.equal(readScope({ method: 'GET', url: '/', headers: { authorization: 'Bearer x' }, body: new Uint8Array() }), undefined);
  assert.equal(readScope({ method: 'GET', url: '/?X-Amz-Credential=%ZZ/a', headers: {}, body: new Uint8Array() }), undefined);
  // not the shape node produces, but still no exception
  const odd = { method: 'GET', url: 42, headers: { authorization: 7 }, body: null } as unknown as RawRequest;
  assert.equal(readScope(odd), undefined);
});

// ---------------------------------------------------------------------------------------------
// Fuzz: garbage in, only client AwsErrors out


const FRAGMENTS = [
  'AWS4-HMAC-SHA256', 'AWS4-', 'Credential=', 'SignedHeaders=', 'Signature=', 'host', ';', ',', ' ', '=', '/', '//',
  '%', '%2', '%ZZ', '%FF', '%E1%88%B4', 'ሴ', '\uD800', '\u0000', '\t', '..', '.', '?', '&', 'X-Amz-Algorithm', 'X-Amz-Date=',
  'X-Amz-Expires=', 'X-Amz-Credential=', 'X-Amz-SignedHeaders=', 'X-Amz-Signature=', 'X-Amz-Security-Token=',
  '20240301T120000Z', '20240301', 'us-east-1', 'cloudtrail', 'aws4_request', 'AKIAOPENTRAILTEST001', 'ASIAOPENTRAILTEMP001',
  'STREAMING-', 'UNSIGNED-PAYLOAD', 'a'.repeat(300), '9'.repeat(20), '-1', 'Mon, 01 Mar 2024 12:00:00 GMT', 'é',
];
const HEADER_NAMES = ['authorization', 'x-amz-date', 'date', 'host', 'x-amz-content-sha256', 'x-amz-security-token', 'x-amz-meta-a', ':authority', 'content-type'];

function garbage(next: () => number, max = 8): string {
  let s = '';
  const n = Math.floor(next() * max);
  for (let i = 0; i < n; i++) {
    s += next() < 0.8 ? (FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string) : String.fromCharCode(Math.floor(next() * 0x300));
  }
  return s;
}

function mutate(next: () => number, s: string): string {
  if (s.length === 0) return garbage(next);
  const i = Math.floor(next() * s.length);
  const choice = next();
  if (choice < 0.33) return s.slice(0, i) + s.slice(i + 1);
  if (choice < 0.66) return s.slice(0, i) + garbage(next, 2) + s.slice(i);
  return s.slice(0, i) + String.fromCharCode(Math.floor(next() * 0x300)) + s.slice(i + 1);
}

test('fuzz: thousands of garbage and mutated requests yield only client AwsErrors', async () => {
  const next = rng(20240301);
  const valid = [await sdkSigned(), await sdkPresigned(), await sdkSigned({ credential: TEMP }), await sdkPresigned({ s3: true, method: 'GET', path: '/b/k' })];
  let rejected = 0;
  for (let i = 0; i < 6000; i++) {
    let req: RawRequest;
    if (next() < 0.5) {
      const headers: RawRequest['headers'] = {};
      for (const name of HEADER_NAMES) {
        const r = next();
        if (r < 0.4) headers[name] = garbage(next);
        else if (r < 0.5) headers[name] = [garbage(next), garbage(next)];
      }
      const url = next() < 0.8 ? `/${garbage(next)}` : garbage(next);
      req = { method: next() < 0.5 ? 'GET' : garbage(next, 2), url, headers, body: new TextEncoder().encode(garbage(next, 3)) };
    } else {
      const base = valid[Math.floor(next() * valid.length)] as RawRequest;
      const headers = { ...base.headers };
      const names = Object.keys(headers);
      const target = names[Math.floor(next() * names.length)] as string;
      headers[target] = mutate(next, String(headers[target] ?? ''));
      req = { ...base, headers, url: next() < 0.5 ? mutate(next, base.url) : base.url };
    }
    const s3 = next() < 0.3;
    assert.doesNotThrow(() => readScope(req));
    try {
      await verifySigV4(req, options(s3 ? { service: 's3', s3PathRules: true } : {}));
    } catch (e) {
      rejected++;
      assert.ok(e instanceof AwsError, `case ${i}: ${String(e)}`);
      assert.ok(e.status < 500 || e.code === 'NotImplemented', `case ${i}: ${e.code} ${e.message} for ${JSON.stringify(req.url)}`);
    }
  }
  assert.ok(rejected > 5000, `only ${rejected} rejections`);
});

test('inputs outside the declared types still fail as an AwsError (InternalFailure, nothing leaked)', async () => {
  const odd = { method: 'POST', url: '/', headers: { authorization: authOf(await sdkSigned()), 'x-amz-date': ['20240301T120000Z'], host: 5 }, body: 'not bytes' } as unknown as RawRequest;
  const err: unknown = await verifySigV4(odd, options()).catch((e: unknown) => e);
  assert.ok(err instanceof AwsError);
  const broken: CredentialProvider = {
    lookup: () => {
      throw new Error(`database said no, secret=${LONG.secretAccessKey}`);
    },
  };
  const internal = await failure(await sdkSigned(), options({ credentials: broken }));
  assert.equal(internal.code, 'InternalFailure');
  assert.equal(internal.status, 500);
  assert.ok(!internal.message.includes(LONG.secretAccessKey));
  assert.ok(internal.cause instanceof Error, 'the cause is kept for the server log');
});

// ---------------------------------------------------------------------------------------------
// Cost

test('cost of one verification (hot path, cached signing key)', async (t) => {
  const body = JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }], MaxResults: 50 }).padEnd(1024, ' ');
  const req = await sdkSigned({ body, credential: TEMP });
  const opts = options();
  for (let i = 0; i < 2000; i++) await verifySigV4(req, opts);
  const n = 20_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await verifySigV4(req, opts);
  const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
  t.diagnostic(`sigv4 verify: ${micros.toFixed(1)} µs per request (1 KiB body, session token, cached key)`);
  console.log(`sigv4 verify: ${micros.toFixed(1)} µs per request (1 KiB body, session token, cached key)`);
  assert.ok(micros < 1000, `${micros} µs per verification`);
});
