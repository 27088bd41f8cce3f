/**
 * Streamed and aws-chunked S3 bodies: verifySigV4 over the declared payload hash, then
 * decodePayload holding the bytes to it. Proven against AWS's published examples (sigv4-streaming
 * and sigv4-streaming-trailers: 65 KiB of 'a', secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
 * seed and chunk signatures as printed there), chains signed by @smithy/signature-v4, and the real
 * @aws-sdk/client-s3 uploading to a local server; then every failure in S3's words, bodies split
 * anywhere, backpressure, and secrets kept out of anything printable.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/lib/clock.js';
import { AwsError } from '../../src/aws/errors.js';
import { checksumBase64 } from '../../src/aws/checksums.js';
import type { Credential, CredentialProvider } from '../../src/aws/principal.js';
import {
  decodePayload,
  PayloadError,
  payloadOptionsFromHeaders,
  verifySigV4,
  type DecodeOptions,
  type PayloadMode,
  type PayloadStream,
  type RawRequest,
  type VerifyOptions,
} from '../../src/aws/sigv4/index.js';
import { prng } from '../helpers/prng.js';

// ---------------------------------------------------------------------------------------------
// AWS's example values (sigv4-streaming / sigv4-streaming-trailers)

const DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DOC_CREDENTIAL: Credential = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: DOC_SECRET,
  principal: { type: 'Root', accountId: '123456789012', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
};
const DOC_DATE = '20130524T000000Z';
const DOC_SCOPE = '20130524/us-east-1/s3/aws4_request';
const DOC_DATA = Buffer.alloc(66560, 'a');
const DOC_SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const DOC_CHUNKS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const DOC_TRAILER_SEED = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
const DOC_TRAILER_CHUNKS = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const DOC_TRAILER_SIGNATURE = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';

function docBody(signatures: string[], tail: string): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
    DOC_DATA.subarray(0, 65536),
    Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
    DOC_DATA.subarray(65536),
    Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${tail}`),
  ]);
}
const DOC_BODY = docBody(DOC_CHUNKS, '\r\n');
const DOC_TRAILER_TAIL = `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${DOC_TRAILER_SIGNATURE}\r\n\r\n`;
const DOC_TRAILER_BODY = docBody(DOC_TRAILER_CHUNKS, DOC_TRAILER_TAIL);

function docOptions(): VerifyOptions {
  return { clock: new ManualClock(Date.UTC(2013, 4, 24)), credentials: { lookup: (id) => (id === DOC_CREDENTIAL.accessKeyId ? DOC_CREDENTIAL : undefined) }, service: 's3', regions: ['us-east-1'], s3PathRules: true };
}

function docRequest(trailer: boolean, bodyStream?: Readable): RawRequest {
  const signed = trailer
    ? `content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=${DOC_TRAILER_SEED}`
    : `content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${DOC_SEED}`;
  const headers: RawRequest['headers'] = {
    host: 's3.amazonaws.com',
    'x-amz-date': DOC_DATE,
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/${DOC_SCOPE},SignedHeaders=${signed}`,
    'x-amz-content-sha256': trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    ...(trailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32c' } : { 'content-length': '66824' }),
  };
  const body = trailer ? DOC_TRAILER_BODY : DOC_BODY;
  return bodyStream ? { method: 'PUT', url: '/examplebucket/chunkObject.txt', headers, body: new Uint8Array(), bodyStream } : { method: 'PUT', url: '/examplebucket/chunkObject.txt', headers, body };
}

// ---------------------------------------------------------------------------------------------
// An aws-chunked encoder of the test's own (independent of src/), signing through any signer

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = sha256('');
type Sign = (stringToSign: string) => Promise<string>;

function hmacSigner(secret: string, day: string, region = 'us-east-1'): Sign {
  const h = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = h(h(h(h(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  return async (s) => createHmac('sha256', key).update(s).digest('hex');
}

interface Chain {
  sign: Sign;
  longDate: string;
  scope: string;
  seed: string;
}

interface Trailer {
  lines: string[];
  /** Leave out x-amz-trailer-signature (unsigned framing never has one). */
  unsigned?: boolean;
}

async function signedChunks(chain: Chain, chunks: Buffer[], trailer?: Trailer): Promise<Buffer> {
  const parts: Buffer[] = [];
  let previous = chain.seed;
  for (const data of [...chunks, Buffer.alloc(0)]) {
    previous = await chain.sign(`AWS4-HMAC-SHA256-PAYLOAD\n${chain.longDate}\n${chain.scope}\n${previous}\n${EMPTY_SHA256}\n${sha256(data)}`);
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`), data);
    if (data.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (!trailer) return Buffer.concat([...parts, Buffer.from('\r\n')]);
  let tail = trailer.lines.map((l) => `${l}\r\n`).join('');
  if (!trailer.unsigned) {
    const canonical = trailer.lines.map((l) => `${l}\n`).join('');
    const signature = await chain.sign(`AWS4-HMAC-SHA256-TRAILER\n${chain.longDate}\n${chain.scope}\n${previous}\n${sha256(canonical)}`);
    tail += `x-amz-trailer-signature:${signature}\r\n`;
  }
  return Buffer.concat([...parts, Buffer.from(`${tail}\r\n`)]);
}

function unsignedChunks(chunks: Buffer[], trailerLines: string[] = []): Buffer {
  const parts = chunks.map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]));
  return Buffer.concat([...parts, Buffer.from(`0\r\n${trailerLines.map((l) => `${l}\r\n`).join('')}\r\n`)]);
}

/** A chain under the AWS example key, seeded with any signature (decoder tests need no request). */
const TEST_CHAIN: Chain = { sign: hmacSigner(DOC_SECRET, '20130524'), longDate: DOC_DATE, scope: DOC_SCOPE, seed: 'a'.repeat(64) };

function signedMode(trailer: boolean, seed = TEST_CHAIN.seed): PayloadMode {
  const signingKey = createHmac('sha256', createHmac('sha256', createHmac('sha256', createHmac('sha256', `AWS4${DOC_SECRET}`).update('20130524').digest()).update('us-east-1').digest()).update('s3').digest()).update('aws4_request').digest();
  return { kind: 'signed-chunks', trailer, signing: { seedSignature: seed, signingKey, scope: DOC_SCOPE, longDate: DOC_DATE } };
}

// ---------------------------------------------------------------------------------------------
// Reading results

function random(next: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
  return b;
}

/** `body` cut into pieces of random sizes (1 byte up to `max`). */
function split(body: Buffer, next: () => number, max = 5000): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const n = Math.min(body.length - at, 1 + Math.floor(next() * (next() < 0.3 ? 3 : max)));
    pieces.push(body.subarray(at, at + n));
    at += n;
  }
  return pieces;
}

function decode(body: Buffer | Buffer[], mode: PayloadMode, opts: DecodeOptions = {}): PayloadStream {
  return decodePayload(Readable.from(Array.isArray(body) ? body : [body]), mode, opts);
}

interface Outcome {
  data: Buffer;
  error?: unknown;
  stream: PayloadStream;
}

async function drain(stream: PayloadStream): Promise<Outcome> {
  const parts: Buffer[] = [];
  try {
    for await (const part of stream) parts.push(part as Buffer);
    return { data: Buffer.concat(parts), stream };
  } catch (error) {
    return { data: Buffer.concat(parts), error, stream };
  }
}

async function decoded(stream: PayloadStream): Promise<Buffer> {
  const { data, error } = await drain(stream);
  if (error) throw error;
  assert.ok(stream.result, 'a successful end leaves a result');
  assert.equal(stream.result.length, data.length);
  assert.deepEqual(stream.result.md5, createHash('md5').update(data).digest());
  return data;
}

const SIGNATURE_MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
const TRUNCATED = 'The request body terminated unexpectedly';
const MALFORMED_TRAILER = 'The request contained trailing data that was not well-formed or did not conform to our published schema.';

async function fails(stream: PayloadStream, code: string, status: number, message: string | RegExp, details?: Record<string, string>): Promise<PayloadError> {
  const { error } = await drain(stream);
  assert.ok(error instanceof PayloadError, `expected ${code}, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.status, status);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  if (details) assert.deepEqual(error.details, details);
  assert.equal(stream.result, undefined, 'a failed body has no result');
  return error;
}

/** A Readable that records whether anyone asked it for data. */
function untouched(): Readable & { reads: number } {
  const r = new Readable({
    read() {
      r.reads++;
      this.push(null);
    },
  }) as Readable & { reads: number };
  r.reads = 0;
  return r;
}

// ---------------------------------------------------------------------------------------------

describe("AWS's documented examples", () => {
  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: the seed verifies without reading, then every chunk chains from it', async () => {
    const stream = untouched();
    const v = await verifySigV4(docRequest(false, stream), docOptions());
    assert.equal(stream.reads, 0, 'verification must not read a streamed body');
    assert.equal(v.payload.kind, 'signed-chunks');
    assert.ok(v.payload.kind === 'signed-chunks' && !v.payload.trailer && v.payload.signing.seedSignature === DOC_SEED);
    const raw = docRequest(false);
    assert.deepEqual(await decoded(decode(DOC_BODY, v.payload, { headers: raw.headers })), DOC_DATA);
    // the same body, buffered: verification leaves the chunked mode, the bytes are still framing
    const buffered = await verifySigV4(raw, docOptions());
    assert.deepEqual(buffered.payload, v.payload);
    assert.deepEqual(await decoded(decode(Buffer.from(raw.body), buffered.payload, { headers: raw.headers })), DOC_DATA);
  });

  test('-TRAILER: seed, chunk signatures and the signed CRC32C trailer', async () => {
    const v = await verifySigV4(docRequest(true, Readable.from([])), docOptions());
    assert.ok(v.payload.kind === 'signed-chunks' && v.payload.trailer && v.payload.signing.seedSignature === DOC_TRAILER_SEED);
    const { headers } = docRequest(true);
    const stream = decode(DOC_TRAILER_BODY, v.payload, { headers });
    assert.deepEqual(await decoded(stream), DOC_DATA);
    assert.equal(stream.result?.checksums.CRC32C, 'sOO8/Q==');
    assert.deepEqual([...(stream.result?.trailers ?? [])], [['x-amz-checksum-crc32c', 'sOO8/Q==']]);
    // the layout with a blank line after the final chunk and no closing empty line decodes too
    const variant = docBody(DOC_TRAILER_CHUNKS, `\r\n${DOC_TRAILER_TAIL.slice(0, -2)}`);
    assert.deepEqual(await decoded(decode(variant, v.payload, { headers })), DOC_DATA);
    // the trailer signature covers the value: another value is a broken chain, not a bad digest
    const forged = Buffer.from(DOC_TRAILER_BODY.toString('latin1').replace('sOO8/Q==', 'sOO8/A=='), 'latin1');
    await fails(decode(forged, v.payload, { headers }), 'SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH);
  });

  test('split anywhere: the examples decode the same from pieces of any size', async () => {
    const next = prng(2013);
    const plain = signedMode(false, DOC_SEED);
    const trailer = signedMode(true, DOC_TRAILER_SEED);
    const opts = { decodedContentLength: 66560, declaredTrailers: ['x-amz-checksum-crc32c'] };
    for (let round = 0; round < 30; round++) {
      assert.deepEqual(await decoded(decode(split(DOC_BODY, next), plain, { decodedContentLength: 66560 })), DOC_DATA);
      assert.deepEqual(await decoded(decode(split(DOC_TRAILER_BODY, next), trailer, opts)), DOC_DATA);
    }
    // one byte at a time
    const bytes = [...DOC_TRAILER_BODY].map((b) => Buffer.from([b]));
    assert.deepEqual(await decoded(decode(bytes, trailer, opts)), DOC_DATA);
  });
});

describe('signed the way the SDKs sign', () => {
  const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
  const CRED: Credential = { accessKeyId: 'AKIAOPENTRAILSTREAM1', secretAccessKey: 'streamingSecret/Key+Example000000000000', principal: { type: 'Root', accountId: '123456789012', accessKeyId: 'AKIAOPENTRAILSTREAM1' } };
  const opts: VerifyOptions = { clock: new ManualClock(NOW), credentials: { lookup: (id) => (id === CRED.accessKeyId ? CRED : undefined) }, service: 's3', regions: ['us-east-1'], s3PathRules: true };
  const signer = new SignatureV4({ credentials: CRED, region: 'us-east-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });

  async function smithySigned(contentSha256: string, extra: Record<string, string>, decodedLength: number): Promise<{ raw: RawRequest; chain: Chain }> {
    const request = new HttpRequest({
      method: 'PUT', protocol: 'https:', hostname: 'bucket.s3.us-east-1.amazonaws.com', path: '/key/with%20space',
      headers: { host: 'bucket.s3.us-east-1.amazonaws.com', 'x-amz-content-sha256': contentSha256, 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decodedLength), ...extra },
    });
    const signed = await signer.sign(request, { signingDate: new Date(NOW) });
    const seed = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
    const headers: RawRequest['headers'] = {};
    for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
    const raw: RawRequest = { method: 'PUT', url: signed.path, headers, body: new Uint8Array(), bodyStream: untouched() };
    // smithy's own string signer (HMAC under its derived key) signs the chunks
    const sign: Sign = (s) => signer.sign(s, { signingDate: new Date(NOW) });
    return { raw, chain: { sign, longDate: '20240301T120000Z', scope: '20240301/us-east-1/s3/aws4_request', seed } };
  }

  test('a multi-chunk payload whose seed and chunk signatures come from @smithy/signature-v4', async () => {
    const data = random(prng(1), 3 * 65536 + 100);
    const { raw, chain } = await smithySigned('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', {}, data.length);
    const v = await verifySigV4(raw, opts);
    assert.ok(v.payload.kind === 'signed-chunks' && v.payload.signing.seedSignature === chain.seed);
    const body = await signedChunks(chain, [0, 1, 2, 3].map((i) => data.subarray(i * 65536, (i + 1) * 65536)));
    assert.deepEqual(await decoded(decode(split(body, prng(2)), v.payload, { headers: raw.headers })), data);
    // another request's seed does not start this chain
    const other = await smithySigned('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', { 'x-amz-meta-a': 'b' }, data.length);
    const otherMode = (await verifySigV4(other.raw, opts)).payload;
    await fails(decode(body, otherMode, { headers: raw.headers }), 'SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH);
  });

  test('-TRAILER with a CRC64NVME trailer signed by @smithy/signature-v4', async () => {
    const data = random(prng(5), 70_000);
    const crc = checksumBase64('CRC64NVME', data);
    const { raw, chain } = await smithySigned('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { 'x-amz-trailer': 'x-amz-checksum-crc64nvme' }, data.length);
    const v = await verifySigV4(raw, opts);
    const body = await signedChunks(chain, [data.subarray(0, 65536), data.subarray(65536)], { lines: [`x-amz-checksum-crc64nvme:${crc}`] });
    const stream = decode(body, v.payload, { headers: raw.headers });
    assert.deepEqual(await decoded(stream), data);
    assert.equal(stream.result?.checksums.CRC64NVME, crc);
  });
});

describe('the real S3 client (@aws-sdk/client-s3) uploading to a local endpoint', () => {
  const CRED: Credential = { accessKeyId: 'AKIAOPENTRAILSDKTEST', secretAccessKey: 'sdkSecret/Key+Example0000000000000000000', principal: { type: 'Root', accountId: '123456789012', accessKeyId: 'AKIAOPENTRAILSDKTEST' } };
  const provider: CredentialProvider = { lookup: (id) => (id === CRED.accessKeyId ? CRED : undefined) };
  const stored = new Map<string, { data: Buffer; mode: PayloadMode['kind']; checksums: Record<string, string> }>();

  function fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    const err = e instanceof AwsError ? e : new AwsError('InternalError', String(e), 500);
    // read what the client still sends, then answer: the client is mid-upload
    req.resume();
    const answer = () => res.writeHead(err.status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${err.code}</Code><Message>${err.message}</Message></Error>`);
    if (req.readableEnded) answer();
    else req.once('end', answer);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw: RawRequest = { method: req.method ?? '', url: req.url ?? '/', headers: req.headersDistinct, body: new Uint8Array(), bodyStream: req };
    try {
      const v = await verifySigV4(raw, { clock: { now: () => Date.now() }, credentials: provider, service: 's3', regions: ['us-east-1'], s3PathRules: true });
      const stream = decodePayload(req, v.payload, { headers: raw.headers });
      const data = await decoded(stream);
      const checksums = stream.result?.checksums ?? {};
      stored.set(raw.url.split('?')[0] ?? '', { data, mode: v.payload.kind, checksums: { ...checksums } });
      const echo = Object.fromEntries(Object.entries(checksums).map(([a, value]) => [`x-amz-checksum-${a.toLowerCase()}`, value]));
      res.writeHead(200, { etag: `"${stream.result?.md5.toString('hex')}"`, ...echo }).end();
    } catch (e) {
      fail(req, res, e);
    }
  }

  async function withClient(run: (s3: S3Client) => Promise<void>): Promise<void> {
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: CRED, maxAttempts: 1 });
    try {
      await run(s3);
    } finally {
      s3.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('PutObject from a stream (STREAMING-UNSIGNED-PAYLOAD-TRAILER), a buffer (signed SHA-256) and each checksum', async () => {
    const data = random(prng(42), 200_000);
    await withClient(async (s3) => {
      const pieces = () => Readable.from([data.subarray(0, 65536), data.subarray(65536, 131072), data.subarray(131072)]);
      const out = await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'streamed', Body: pieces(), ContentLength: data.length }));
      assert.deepEqual(stored.get('/b/streamed')?.data, data);
      assert.equal(stored.get('/b/streamed')?.mode, 'unsigned-chunks');
      assert.equal(out.ChecksumCRC32, checksumBase64('CRC32', data), 'the SDK reads back the checksum computed while decoding');
      assert.equal(out.ETag, `"${createHash('md5').update(data).digest('hex')}"`);

      await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'buffered', Body: data }));
      assert.equal(stored.get('/b/buffered')?.mode, 'sha256');
      assert.deepEqual(stored.get('/b/buffered')?.data, data);

      for (const algorithm of ['CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
        const key = `with-${algorithm}`;
        await s3.send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: pieces(), ContentLength: data.length, ChecksumAlgorithm: algorithm }));
        assert.equal(stored.get(`/b/${key}`)?.checksums[algorithm], checksumBase64(algorithm, data), algorithm);
      }
    });
  });

  test('a stream of small pieces is refused with S3 InvalidChunkSizeError, which the SDK recognises', async () => {
    const data = random(prng(43), 20_000);
    await withClient(async (s3) => {
      const small = Readable.from(split(data, prng(9), 1000).map((p) => Buffer.from(p)));
      const err: unknown = await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'small', Body: small, ContentLength: data.length })).catch((e: unknown) => e);
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'InvalidChunkSizeError');
      assert.match(err.message, /^Only the last chunk is allowed to have a size less than 8192 bytes\. Set \[requestStreamBufferSize/);
    });
  });
});

describe("every failure, in S3's words", () => {
  test('a streamed body that does not hash to x-amz-content-sha256', async () => {
    const mode: PayloadMode = { kind: 'sha256', expectedHex: sha256('abc') };
    assert.deepEqual(await decoded(decode([Buffer.from('a'), Buffer.from('bc')], mode)), Buffer.from('abc'));
    await fails(decode(Buffer.from('abd'), mode), 'XAmzContentSHA256Mismatch', 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: sha256('abc'),
      S3ComputedContentSHA256: sha256('abd'),
    });
  });

  test('chunk signatures: a changed signature, byte, order or ending breaks the chain', async () => {
    const next = prng(77);
    const chunks = [random(next, 9000), random(next, 8192), random(next, 10)];
    const body = await signedChunks(TEST_CHAIN, chunks);
    const mode = signedMode(false);
    assert.deepEqual(await decoded(decode(body, mode)), Buffer.concat(chunks));
    const text = body.toString('latin1');
    const firstSig = /chunk-signature=([0-9a-f]{64})/.exec(text)?.[1] ?? '';
    // the body cut into its frames: the three data chunks, then the final chunk and its CRLF
    const frameLength = (n: number) => `${n.toString(16)};chunk-signature=`.length + 64 + 2 + n + 2;
    const ends = chunks.map((_, i) => chunks.slice(0, i + 1).reduce((sum, c) => sum + frameLength(c.length), 0));
    const frames = [0, ...ends].map((start, i) => body.subarray(start, ends[i] ?? body.length));
    assert.deepEqual(Buffer.concat(frames), body);
    const reframe = (...order: number[]) => Buffer.concat(order.map((i) => frames[i] as Buffer));
    const tampered = [
      Buffer.from(text.replace(firstSig, `${firstSig.slice(0, 10)}${firstSig[10] === '0' ? '1' : '0'}${firstSig.slice(11)}`), 'latin1'),
      Buffer.from(text.replace(firstSig, firstSig.toUpperCase()), 'latin1'),
      Buffer.from(text.replace(firstSig, firstSig.slice(0, 63)), 'latin1'),
      (() => {
        const b = Buffer.from(body);
        b[200] = (b[200] as number) ^ 1; // a data byte of the first chunk
        return b;
      })(),
      // whole frames, each with its own valid signature, sent in another order or one left out
      reframe(1, 0, 2, 3),
      reframe(0, 2, 3),
      reframe(0, 1, 3),
    ];
    for (const [i, bad] of tampered.entries()) {
      const err = await fails(decode(bad, mode), 'SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH);
      assert.ok(!err.message.includes(DOC_SECRET), `case ${i}`);
    }
  });

  test('malformed or truncated aws-chunked framing is IncompleteBody', async () => {
    const sig = 'chunk-signature=' + 'a'.repeat(64);
    const mode = signedMode(false);
    const cases = [
      `zz;${sig}\r\nabc\r\n`, // size not hex
      `3\r\nabc\r\n0\r\n\r\n`, // no chunk-signature in signed framing
      `3;${sig}\nabc\r\n`, // LF without CR
      `${'f'.repeat(5000)};${sig}\r\n`, // absurdly long header line
      `fffffffffffffff;${sig}\r\n`, // more than 13 hex digits
      `3;${sig}\r\nab`, // data cut short
      `3;${sig}\r`, // header cut short
    ];
    for (const c of cases) await fails(decode(Buffer.from(c, 'latin1'), mode), 'IncompleteBody', 400, TRUNCATED);
    // unsigned framing: data longer than the size says, garbage after the end
    const unsigned: PayloadMode = { kind: 'unsigned-chunks' };
    await fails(decode(Buffer.from('3\r\nabcd\r\n0\r\n\r\n'), unsigned), 'IncompleteBody', 400, TRUNCATED);
    const crc = `x-amz-checksum-crc32:${checksumBase64('CRC32', Buffer.from('abc'))}`;
    const complete = `3\r\nabc\r\n0\r\n${crc}\r\n\r\n`;
    await decoded(decode(Buffer.from(complete), unsigned, { declaredTrailers: ['x-amz-checksum-crc32'] }));
    await fails(decode(Buffer.from(`${complete}more`), unsigned, { declaredTrailers: ['x-amz-checksum-crc32'] }), 'IncompleteBody', 400, TRUNCATED);
    // after the final chunk of a body without trailers, more lines would be an unannounced trailer
    const extra = await signedChunks(TEST_CHAIN, [Buffer.from('abc')]);
    await fails(decode(Buffer.concat([extra, Buffer.from('more\r\n')]), mode), 'MalformedTrailerError', 400, MALFORMED_TRAILER);
    // every cut of a signed body before its final chunk header is complete fails
    const body = await signedChunks(TEST_CHAIN, [Buffer.alloc(8192, 1), Buffer.alloc(5, 2)]);
    const finalHeaderEnd = body.length - 2;
    for (let cut = 0; cut < finalHeaderEnd; cut += cut < 200 || cut > finalHeaderEnd - 200 ? 1 : 97) {
      const { error } = await drain(decode(body.subarray(0, cut), mode));
      assert.ok(error instanceof PayloadError && error.code === 'IncompleteBody', `cut at ${cut}: ${String(error)}`);
    }
  });

  test('a chunk under 8 KiB that is not the last data chunk is InvalidChunkSizeError', async () => {
    const SMALL = 'Only the last chunk is allowed to have a size less than 8192 bytes';
    const sizes = async (list: number[]) => signedChunks(TEST_CHAIN, list.map((n) => Buffer.alloc(n, 7)));
    // a small last data chunk, or a small body in one chunk, is fine
    await decoded(decode(await sizes([9000, 100]), signedMode(false)));
    await decoded(decode(await sizes([3]), signedMode(false)));
    await fails(decode(await sizes([100, 9000]), signedMode(false)), 'InvalidChunkSizeError', 400, SMALL, { Chunk: '2', BadChunkSize: '100' });
    await fails(decode(await sizes([8192, 8191, 8192]), signedMode(false)), 'InvalidChunkSizeError', 400, SMALL, { Chunk: '3', BadChunkSize: '8191' });
    // the same rule without signatures (what S3 answers the JS SDK's unbuffered streams)
    const unsigned = unsignedChunks([Buffer.alloc(1000), Buffer.alloc(1000)]);
    await fails(decode(unsigned, { kind: 'unsigned-chunks' }), 'InvalidChunkSizeError', 400, SMALL, { Chunk: '2', BadChunkSize: '1000' });
  });

  test('decoded length other than x-amz-decoded-content-length; never more than declared reaches the reader', async () => {
    const mode = signedMode(false, DOC_SEED);
    const MSG = 'You did not provide the number of bytes specified by the Content-Length HTTP header';
    await fails(decode(DOC_BODY, mode, { decodedContentLength: 66561 }), 'IncompleteBody', 400, MSG, { NumberBytesExpected: '66561', NumberBytesProvided: '66560' });
    const short = decode(DOC_BODY, mode, { decodedContentLength: 100 });
    await fails(short, 'IncompleteBody', 400, MSG, { NumberBytesExpected: '100', NumberBytesProvided: '66560' });
    const { data } = await drain(decode(DOC_BODY, mode, { decodedContentLength: 100 }));
    assert.ok(data.length <= 100, `${data.length} bytes reached the reader`);
    // a plain body is not held to it, as S3 ignores the header there
    await decoded(decode(Buffer.from('abc'), { kind: 'unsigned' }, { decodedContentLength: 5 }));
  });

  test('trailers: signature, placement, and exactly what x-amz-trailer announced', async () => {
    const data = Buffer.alloc(9000, 3);
    const crc = `x-amz-checksum-crc32:${checksumBase64('CRC32', data)}`;
    const announced = { declaredTrailers: ['x-amz-checksum-crc32'] };
    const signed = signedMode(true);
    const good = await signedChunks(TEST_CHAIN, [data], { lines: [crc] });
    const ok = decode(good, signed, announced);
    await decoded(ok);
    assert.equal(ok.result?.checksums.CRC32, checksumBase64('CRC32', data));
    const text = good.toString('latin1');
    const badSig = Buffer.from(text.replace(/(x-amz-trailer-signature:[0-9a-f]{63})[0-9a-f]/, '$1g'), 'latin1');
    await fails(decode(badSig, signed, announced), 'SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH);
    const malformed: [string, Buffer, PayloadMode, DecodeOptions][] = [
      ['signature missing', await signedChunks(TEST_CHAIN, [data], { lines: [crc], unsigned: true }), signed, announced],
      ['line after the signature', Buffer.from(text.replace(/\r\n\r\n$/, '\r\nx-amz-meta-late:1\r\n\r\n'), 'latin1'), signed, announced],
      ['not announced', good, signed, {}],
      ['announced, not sent', await signedChunks(TEST_CHAIN, [data], { lines: [] }), signed, announced],
      ['trailer in a body without -TRAILER', Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1'), signedMode(false), announced],
      ['a signature line in unsigned framing', unsignedChunks([data], [crc, `x-amz-trailer-signature:${'0'.repeat(64)}`]), { kind: 'unsigned-chunks' }, announced],
      ['the same trailer twice', unsignedChunks([data], [crc, crc]), { kind: 'unsigned-chunks' }, announced],
      ['no colon', unsignedChunks([data], ['x-amz-checksum-crc32']), { kind: 'unsigned-chunks' }, announced],
      ['announced for a body that cannot carry trailers', data, { kind: 'sha256', expectedHex: sha256(data) }, announced],
    ];
    for (const [name, body, mode, opts] of malformed) {
      await fails(decode(body, mode, opts), 'MalformedTrailerError', 400, MALFORMED_TRAILER).catch((e: unknown) => assert.fail(`${name}: ${String(e)}`));
    }
    const unsupported = decode(unsignedChunks([data]), { kind: 'unsigned-chunks' }, { declaredTrailers: ['x-amz-meta-foo'] });
    await fails(unsupported, 'InvalidRequest', 400, 'The value specified in the x-amz-trailer header is not supported');
    const badValue = unsignedChunks([data], ['x-amz-checksum-crc32:not-base64!']);
    await fails(decode(badValue, { kind: 'unsigned-chunks' }, announced), 'InvalidRequest', 400, 'Value for x-amz-checksum-crc32 trailing header is invalid.');
  });

  test('checksums: header and trailer values held to the bytes, malformed values refused before reading', async () => {
    const data = Buffer.from('checksummed body');
    const right = checksumBase64('CRC32', data);
    const wrong = checksumBase64('CRC32', Buffer.from('other'));
    const ok = decode(data, { kind: 'unsigned' }, { checksum: { algorithm: 'CRC32', expectedBase64: right } });
    await decoded(ok);
    assert.deepEqual(ok.result?.checksums, { CRC32: right });
    await fails(decode(data, { kind: 'unsigned' }, { checksum: { algorithm: 'CRC32', expectedBase64: wrong } }), 'BadDigest', 400, 'The CRC32 you specified did not match the calculated checksum.');
    const trailer = unsignedChunks([data], [`x-amz-checksum-crc64nvme:${checksumBase64('CRC64NVME', Buffer.from('x'))}`]);
    await fails(decode(trailer, { kind: 'unsigned-chunks' }, { declaredTrailers: ['x-amz-checksum-crc64nvme'] }), 'BadDigest', 400, 'The CRC64NVME you specified did not match the calculated checksum.');
    const source = untouched();
    const refused = decodePayload(source, { kind: 'unsigned' }, { checksum: { algorithm: 'SHA256', expectedBase64: right } });
    await fails(refused, 'InvalidRequest', 400, 'Value for x-amz-checksum-sha256 header is invalid.');
    assert.equal(source.reads, 0);
    // x-amz-sdk-checksum-algorithm alone: computed, to echo back
    const asked = decode(data, { kind: 'verified' }, { headers: { 'x-amz-sdk-checksum-algorithm': 'crc32c' } });
    await decoded(asked);
    assert.equal(asked.result?.checksums.CRC32C, checksumBase64('CRC32C', data));
    const two = decode(data, { kind: 'verified' }, { headers: { 'x-amz-checksum-crc32': right, 'x-amz-checksum-sha1': checksumBase64('SHA1', data) } });
    await fails(two, 'InvalidRequest', 400, 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  });

  test('Content-MD5: mismatch is BadDigest, a malformed value InvalidDigest before reading', async () => {
    const data = Buffer.from('md5 body');
    const md5 = createHash('md5').update(data).digest('base64');
    await decoded(decode(data, { kind: 'verified' }, { headers: { 'content-md5': md5 } }));
    await fails(decode(Buffer.from('md5 bodx'), { kind: 'verified' }, { contentMd5Base64: md5 }), 'BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
    const source = untouched();
    await fails(decodePayload(source, { kind: 'verified' }, { contentMd5Base64: 'not-md5' }), 'InvalidDigest', 400, 'The Content-MD5 you specified was invalid.');
    assert.equal(source.reads, 0);
  });

  test('a client that goes away mid-body sent an incomplete body', async () => {
    const broken = new Readable({ read() {} });
    const stream = decodePayload(broken, { kind: 'unsigned' });
    broken.push(Buffer.from('partial'));
    setImmediate(() => broken.destroy(new Error('socket hang up')));
    const err = await fails(stream, 'IncompleteBody', 400, TRUNCATED);
    assert.match(String((err.cause as Error).message), /socket hang up/);
    const closed = new Readable({ read() {} });
    const quiet = decodePayload(closed, { kind: 'unsigned' });
    setImmediate(() => closed.destroy());
    await fails(quiet, 'IncompleteBody', 400, TRUNCATED);
  });

  test('verification of a streamed body: what x-amz-content-sha256 must say', async () => {
    const NOW = Date.UTC(2024, 2, 1, 12, 0, 0);
    const CRED = DOC_CREDENTIAL;
    const signer = new SignatureV4({ credentials: CRED, region: 'us-east-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
    const opts: VerifyOptions = { clock: new ManualClock(NOW), credentials: { lookup: () => CRED }, service: 's3', regions: ['us-east-1'], s3PathRules: true };
    const sign = async (headers: Record<string, string>, presign = false) => {
      const request = new HttpRequest({ method: 'PUT', protocol: 'https:', hostname: 'h', path: '/b/k', headers: { host: 'h', ...headers } });
      const s = presign ? await signer.presign(request, { signingDate: new Date(NOW) }) : await signer.sign(request, { signingDate: new Date(NOW) });
      const query = Object.entries(s.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
      return { method: 'PUT', url: query ? `${s.path}?${query}` : s.path, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: new Uint8Array(), bodyStream: untouched() } as RawRequest;
    };
    const hex = sha256('abc');
    assert.deepEqual((await verifySigV4(await sign({ 'x-amz-content-sha256': hex }), opts)).payload, { kind: 'sha256', expectedHex: hex });
    assert.deepEqual((await verifySigV4(await sign({ 'x-amz-content-sha256': hex.toUpperCase() }), opts)).payload, { kind: 'sha256', expectedHex: hex });
    assert.deepEqual((await verifySigV4(await sign({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), opts)).payload, { kind: 'unsigned' });
    assert.deepEqual((await verifySigV4(await sign({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }), opts)).payload, { kind: 'unsigned-chunks' });
    // as @aws-sdk/s3-request-presigner presigns: UNSIGNED-PAYLOAD hoisted into the query
    const presigned = await sign({ 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }, true);
    assert.match(presigned.url, /X-Amz-Content-Sha256=UNSIGNED-PAYLOAD/);
    assert.deepEqual((await verifySigV4(presigned, opts)).payload, { kind: 'unsigned' });
    const err: unknown = await verifySigV4(await sign({}), opts).catch((e: unknown) => e);
    assert.ok(err instanceof AwsError && err.code === 'InvalidRequest' && err.status === 400);
    assert.equal(err.message, 'Missing required header for this request: x-amz-content-sha256');
  });
});

describe('resources and secrets', () => {
  test('backpressure: a reader that stops makes the decoder stop reading, and memory stays flat', async () => {
    const CHUNK = 65536;
    const COUNT = 512; // 32 MiB
    let produced = 0;
    async function* framed(): AsyncGenerator<Buffer> {
      const data = Buffer.alloc(CHUNK, 0x5a);
      let previous = TEST_CHAIN.seed;
      const sign = (s: string) => TEST_CHAIN.sign(s);
      for (let i = 0; i <= COUNT; i++) {
        const chunk = i < COUNT ? data : Buffer.alloc(0);
        previous = await sign(`AWS4-HMAC-SHA256-PAYLOAD\n${DOC_DATE}\n${DOC_SCOPE}\n${previous}\n${EMPTY_SHA256}\n${sha256(chunk)}`);
        const piece = Buffer.concat([Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk, Buffer.from('\r\n')]);
        produced += piece.length;
        yield piece;
      }
    }
    const stream = decodePayload(Readable.from(framed()), signedMode(false), { decodedContentLength: CHUNK * COUNT });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(produced < 1024 * 1024, `${produced} bytes pulled while nobody read`);
    let consumed = 0;
    let maxAhead = 0;
    for await (const part of stream) {
      consumed += (part as Buffer).length;
      maxAhead = Math.max(maxAhead, produced - consumed);
      if (consumed % (4 * 1024 * 1024) < CHUNK) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(consumed, CHUNK * COUNT);
    assert.ok(maxAhead < 1024 * 1024, `the decoder ran ${maxAhead} bytes ahead of its reader`);
    assert.equal(stream.result?.length, CHUNK * COUNT);
  });

  test('the signing key in a PayloadMode never prints, and errors carry no secret', async () => {
    const v = await verifySigV4(docRequest(false, untouched()), docOptions());
    assert.ok(v.payload.kind === 'signed-chunks');
    const key = v.payload.signing.signingKey;
    // (the credential beside it is the credential store's own object, not this module's to hide)
    for (const text of [JSON.stringify(v.payload), JSON.stringify({ payload: v.payload }), inspect(v.payload, { depth: 10 }), inspect(v.payload.signing, { showHidden: true })]) {
      for (const secret of [key.toString('hex'), key.toString('base64'), DOC_SECRET, String([...key])]) {
        assert.ok(!text.includes(secret), `printed: ${text.slice(0, 200)}`);
      }
    }
    // still usable where it is needed
    assert.equal(v.payload.signing.signingKey.length, 32);
  });

  test('payloadOptionsFromHeaders reads what the headers promise', () => {
    assert.deepEqual(
      payloadOptionsFromHeaders({
        'x-amz-decoded-content-length': '66560',
        'x-amz-trailer': 'x-amz-checksum-crc32c, x-amz-checksum-crc32',
        'x-amz-sdk-checksum-algorithm': 'CRC32C',
        'content-md5': ' 1B2M2Y8AsgTpgAmY7PhCfg== ',
      }),
      { decodedContentLength: 66560, declaredTrailers: ['x-amz-checksum-crc32c', 'x-amz-checksum-crc32'], checksum: { algorithm: 'CRC32C' }, contentMd5Base64: '1B2M2Y8AsgTpgAmY7PhCfg==' },
    );
    assert.deepEqual(payloadOptionsFromHeaders({ 'x-amz-checksum-sha256': ['47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='] }), {
      checksum: { algorithm: 'SHA256', expectedBase64: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' },
    });
    assert.deepEqual(payloadOptionsFromHeaders({ 'x-amz-checksum-type': 'FULL_OBJECT' }), {});
    assert.throws(() => payloadOptionsFromHeaders({ 'x-amz-decoded-content-length': '-1' }), /x-amz-decoded-content-length/);
    assert.throws(() => payloadOptionsFromHeaders({ 'x-amz-sdk-checksum-algorithm': 'MD5' }), { code: 'InvalidRequest', message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
  });
});
