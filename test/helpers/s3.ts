/**
 * Helpers for S3 tests: asserting an S3 error as the SDK reports it, an HTTP agent that resolves
 * `*.localhost` (virtual-hosted buckets) to 127.0.0.1, hand-signed S3 requests for what SDK
 * clients never send, and a seeded byte generator for large bodies.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Readable } from 'node:stream';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { prng } from './prng.js';

/**
 * Asserts the call fails with S3's code and HTTP status, as the SDK reports them. HEAD errors
 * carry no body, so only their status is checked (`code` undefined).
 */
export async function rejectsWith(call: Promise<unknown>, code: string | undefined, status: number): Promise<S3ServiceException> {
  const err = await call.then(
    () => assert.fail(`expected ${code ?? status}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof S3ServiceException, String(err));
  if (code !== undefined) assert.equal(err.name, code);
  assert.equal(err.$metadata.httpStatusCode, status);
  return err;
}

/** An agent that sends `<anything>.localhost` to the loopback address (no DNS needed). */
export function localhostAgent(): http.Agent {
  return new http.Agent({
    keepAlive: true,
    lookup: (hostname, options, callback) => {
      if (hostname.endsWith('.localhost')) {
        if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
        else (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
        return;
      }
      assert.fail(`unexpected lookup of ${hostname}`);
    },
  });
}

export interface S3Call {
  method: string;
  /** Path and query as sent, e.g. `/bucket/key?acl`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  region?: string;
  /** Sent as the Host header (the connection still goes to the endpoint). */
  host?: string;
  /** Leave the request unsigned. */
  unsigned?: boolean;
}

export interface S3RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A SigV4-signed (S3 rules: path as sent, payload hash header) request, sent with node:http. */
export async function s3Raw(endpoint: string, creds: { accessKeyId: string; secretAccessKey: string }, call: S3Call): Promise<S3RawResponse> {
  const url = new URL(endpoint);
  const [path, query = ''] = call.path.split('?');
  const body = call.body ?? '';
  const req = new HttpRequest({
    method: call.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: Object.fromEntries(new URLSearchParams(query)),
    // An explicit length: node sends a GET/DELETE body unframed otherwise (the server would
    // read it as the next request).
    headers: {
      host: call.host ?? url.host,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      ...(body.length > 0 ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...call.headers,
    },
    body,
  });
  const signer = new SignatureV4({ credentials: creds, region: call.region ?? 'us-east-1', service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
  const signed = call.unsigned ? req : ((await signer.sign(req)) as HttpRequest);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: url.hostname, port: url.port, method: call.method, path: call.path, headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** The text of the first `<name>` element in an XML document. */
export function xmlText(doc: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(doc)?.[1];
}

/** `size` deterministic bytes from `seed`, produced in 1 MiB pieces as they are read. */
export function seededStream(seed: number, size: number): Readable {
  const next = prng(seed);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, 1024 * 1024);
      const piece = new ArrayBuffer(n);
      const words = new Uint32Array(piece, 0, n >>> 2);
      for (let i = 0; i < words.length; i++) words[i] = next() * 0x100000000;
      const bytes = new Uint8Array(piece);
      for (let i = words.length * 4; i < n; i++) bytes[i] = next() * 256;
      left -= n;
      this.push(Buffer.from(piece));
    },
  });
}
