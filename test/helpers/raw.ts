/**
 * Hand-built SigV4 requests for tests that need what SDK clients never send: garbage bodies,
 * odd headers, stale dates, presigned URLs.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RawCall {
  target?: string;
  body?: string | Uint8Array;
  region?: string;
  service?: string;
  headers?: Record<string, string>;
  signingDate?: Date;
  path?: string;
  method?: string;
}

export const TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

function build(endpoint: string, call: RawCall): HttpRequest {
  const url = new URL(endpoint);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    ...(call.target !== undefined ? { 'x-amz-target': call.target } : {}),
    ...call.headers,
  };
  const [path, query] = (call.path ?? '/').split('?');
  return new HttpRequest({
    method: call.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: Object.fromEntries(new URLSearchParams(query ?? '')),
    headers,
    body: call.body ?? '{}',
  });
}

function signer(creds: Creds, call: RawCall): SignatureV4 {
  return new SignatureV4({ credentials: creds, region: call.region ?? 'us-east-1', service: call.service ?? 'cloudtrail', sha256: Hash.bind(null, 'sha256') });
}

export async function signedRequest(endpoint: string, creds: Creds, call: RawCall): Promise<HttpRequest> {
  return (await signer(creds, call).sign(build(endpoint, call), call.signingDate ? { signingDate: call.signingDate } : {})) as HttpRequest;
}

export async function presignedRequest(endpoint: string, creds: Creds, call: RawCall, expiresIn = 300): Promise<HttpRequest> {
  // X-Amz-Target stays a header: awsJson services read the operation from it.
  const options = { expiresIn, unhoistableHeaders: new Set(['x-amz-target']), ...(call.signingDate ? { signingDate: call.signingDate } : {}) };
  return (await signer(creds, call).presign(build(endpoint, call), options)) as HttpRequest;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | undefined;
  text: string;
}

export async function send(endpoint: string, req: HttpRequest): Promise<RawResponse> {
  const qs = new URLSearchParams(req.query as Record<string, string>).toString();
  const headers = { ...req.headers };
  delete headers.host;
  const res = await fetch(`${endpoint}${req.path}${qs ? `?${qs}` : ''}`, {
    method: req.method,
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req.body as string }),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function signedCall(endpoint: string, creds: Creds, call: RawCall): Promise<RawResponse> {
  return send(endpoint, await signedRequest(endpoint, creds, call));
}
