/**
 * The recording gateway (issue 7, DESIGN "one process, one port"): a request for a service
 * OpenTrail does not serve itself goes to the upstream configured for that service (or
 * `default`). The pipeline has already verified the caller's signature with OpenTrail's own
 * identities; here the call is authorized for each resource ARN it names (access.ts, from the
 * input read once for that and the record), re-signed with the upstream's credentials (the
 * upstream never sees the caller's secret or session token), sent over a keep-alive agent (with
 * timeouts), and described for the record from what went both ways (record.ts). The upstream's
 * answer reaches the client unchanged but for hop-by-hop headers; an upstream that cannot be
 * reached becomes the protocol's ServiceUnavailable, recorded like any failed call.
 *
 * Departure from DESIGN (which names undici for upstream calls): with undici 7.30 a streamed
 * GetObject whose upstream closed the connection while the client applied backpressure hit an
 * internal assertion (`assert(!this.paused)` in its HTTP/1 parser) thrown outside any request, an
 * uncaught exception that would end the server. node:http's client with a keep-alive agent
 * streams the same bodies without it.
 *
 * Bodies stream both ways. S3 requests (the edge leaves their bodies unread) are decoded as the
 * built-in S3 service decodes them — payload hash, aws-chunked chunk signatures, checksums — and
 * forwarded as plain bytes signed UNSIGNED-PAYLOAD; documents up to RECORDED_BODY_BYTES are read
 * whole so the record can show them. Other protocols arrive buffered (the edge's body limit).
 * Response bodies are kept for the record only when they are an error or at most
 * RECORDED_BODY_BYTES long; longer ones (GetObject) stream to the client unread.
 */
import { Readable } from 'node:stream';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { AwsError } from '../aws/errors.js';
import type { AwsService, HttpResponse, ServiceCall, ServiceRequest } from '../aws/service.js';
import type { RawRequest } from '../aws/sigv4/index.js';
import { queryErrorResponse } from '../aws/query-xml.js';
import { xmlDocument } from '../aws/xml.js';
import { identifyOperation, serviceModel } from './naming.js';
import { accessRequests } from './access.js';
import { describeExchange, readExchangeRequest } from './record.js';
import type { RequestReading } from './record-build.js';
import { RequestBody } from '../services/s3/body.js';
import type { ProxiedExchange, WireProtocol } from './types.js';

/** Answers up to this size are read whole, so that a write's responseElements can be recorded. */
const RECORDED_BODY_BYTES = 1 << 20;
/** Not forwarded either way: they describe one hop, or the caller's own signature. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'trailer', 'proxy-authorization', 'proxy-connection', 'expect']);
const CALLER_SIGNATURE = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'host', 'content-length']);
/** aws-chunked framing the gateway has decoded: the upstream gets plain bytes. */
const CHUNKED_FRAMING = new Set(['x-amz-decoded-content-length', 'x-amz-trailer']);

type Headers = Record<string, string | string[] | undefined>;

/** Where one service's calls go, and the key pair they are re-signed with there. */
export interface UpstreamTarget {
  url: URL;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Configured upstreams by service name; one without its own key pair gets the shared one. */
export function parseUpstreams(config: Pick<Config, 'upstreams' | 'upstreamAccessKeyId' | 'upstreamSecretAccessKey'>): Map<string, UpstreamTarget> {
  const out = new Map<string, UpstreamTarget>();
  for (const u of config.upstreams) {
    out.set(u.service, {
      url: new URL(u.url),
      credentials: {
        accessKeyId: u.accessKeyId ?? config.upstreamAccessKeyId,
        secretAccessKey: u.secretAccessKey ?? config.upstreamSecretAccessKey,
      },
    });
  }
  return out;
}

export class Gateway {
  private readonly upstreams: Map<string, UpstreamTarget>;
  private readonly services = new Map<string, GatewayService>();
  private readonly agents: Agents;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.upstreams = parseUpstreams(config);
    this.agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  }

  /** True when an upstream is named for `service` itself (not only `default`). */
  explicitlyServes(service: string): boolean {
    return this.upstreams.has(service);
  }

  /** The service that proxies `service`, or undefined when no upstream is configured for it. */
  serviceFor(service: string): AwsService | undefined {
    let s = this.services.get(service);
    if (!s) {
      const upstream = this.upstreams.get(service) ?? this.upstreams.get('default');
      if (!upstream) return undefined;
      s = new GatewayService(service, upstream.url, upstream.credentials, this.agents, this.config, this.logger);
      this.services.set(service, s);
    }
    return s;
  }

  close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
    return Promise.resolve();
  }
}

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

interface Answer {
  status: number;
  headers: Headers;
  /** The whole body when it was read (see RECORDED_BODY_BYTES). */
  body?: Buffer;
  stream?: Readable;
  bodyBytes: number;
}

class GatewayService implements AwsService {
  readonly eventSource: string;
  private readonly protocol: WireProtocol;
  private readonly namespace: string;

  constructor(
    readonly signingName: string,
    private readonly upstream: URL,
    private readonly credentials: UpstreamTarget['credentials'],
    private readonly agents: Agents,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    const meta = serviceModel(signingName)?.metadata;
    this.eventSource = `${meta?.endpointPrefix ?? signingName}.amazonaws.com`;
    this.protocol = (meta?.protocol as WireProtocol | undefined) ?? 'json';
    this.namespace = `https://${meta?.endpointPrefix ?? signingName}.amazonaws.com/doc/${meta?.apiVersion ?? ''}/`;
  }

  /** Reached only through the credential scope: an unsigned request is never forwarded. */
  claims(): boolean {
    return false;
  }

  async handle(req: ServiceRequest): Promise<{ response: HttpResponse; call: ServiceCall }> {
    const raw = req.raw;
    const q = raw.url.indexOf('?');
    const path = q < 0 ? raw.url : raw.url.slice(0, q);
    const query = q < 0 ? '' : raw.url.slice(q + 1);
    const streamed = raw.bodyStream ? new RequestBody(raw, req.verified) : undefined;
    const declared = streamed ? (streamed.declaredLength() ?? 0) : raw.body.byteLength;
    // An S3 document (CreateBucket, DeleteObjects, CompleteMultipartUpload) is read whole; an upload streams.
    let body: Buffer | Readable | undefined = streamed
      ? undefined
      : Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength);
    const operation = identifyOperation(this.signingName, {
      method: raw.method,
      path,
      query: new URLSearchParams(query),
      headers: raw.headers,
      // awsQuery and ec2 name the operation in the body (Action=…); S3 names it without one.
      ...(Buffer.isBuffer(body) ? { body } : {}),
    });
    const exchange: ProxiedExchange = {
      operation,
      region: req.context.region,
      accountId: req.context.accountId,
      ...(req.connection ? { connection: req.connection } : {}),
      // A buffered body is kept from the start: the input is read from it for authorization.
      request: { method: raw.method, path, query: new URLSearchParams(query), headers: raw.headers, bodyBytes: declared, ...(Buffer.isBuffer(body) ? { body } : {}) },
    };
    // Read once: it names the resources to authorize and is recorded, allowed or not.
    const reading: RequestReading = readExchangeRequest(exchange);
    let response: HttpResponse;
    let error: AwsError | undefined;
    try {
      // A denied call never reaches the upstream.
      for (const access of accessRequests(exchange, reading)) await req.context.authorize(access);
      // As bytes: a small PutObject or UploadPart is binary (text() would decode it as UTF-8).
      if (streamed && declared <= RECORDED_BODY_BYTES) body = await readCapped(streamed.stream(), RECORDED_BODY_BYTES);
      else if (streamed) body = streamed.stream();
      if (Buffer.isBuffer(body)) exchange.request.body = body;
      const answer = await this.forward(raw, path, query, body, declared, req.context.region, req.requestId);
      exchange.response = { status: answer.status, headers: answer.headers, bodyBytes: answer.bodyBytes, ...(answer.body ? { body: answer.body } : {}) };
      response = { status: answer.status, headers: responseHeaders(answer), body: answer.body ?? answer.stream ?? Buffer.alloc(0) };
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      error = e;
      response = this.errorResponse(e, req.requestId);
    }
    return { response, call: { ...describeExchange(exchange, reading), ...(error ? { error } : {}) } };
  }

  /** Re-signs the call for the upstream and sends it; an unreachable upstream is ServiceUnavailable. */
  private async forward(
    raw: RawRequest,
    path: string,
    query: string,
    body: Buffer | Readable | undefined,
    bodyLength: number,
    region: string,
    requestId: string,
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || CALLER_SIGNATURE.has(name) || CHUNKED_FRAMING.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    headers.host = this.upstream.host;
    if (raw.bodyStream) {
      // The decoded bytes go on as a plain body; a stream cannot be hashed before it is sent.
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      headers['content-length'] = String(bodyLength);
      const encoding = headers['content-encoding']?.split(',').map((e) => e.trim()).filter((e) => e !== 'aws-chunked');
      if (encoding?.length) headers['content-encoding'] = encoding.join(',');
      else delete headers['content-encoding'];
    }
    const signer = new SignatureV4({
      credentials: this.credentials,
      region,
      service: this.signingName,
      sha256: Hash.bind(null, 'sha256'),
      // The path is forwarded as the client encoded it; S3 signs it as is, others encode it again.
      uriEscapePath: this.signingName !== 's3',
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: raw.method,
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        path,
        query: queryObject(query),
        headers,
        ...(Buffer.isBuffer(body) ? { body } : {}),
      }),
    );
    const url = `${this.upstream.origin}${path}${query ? `?${query}` : ''}`;
    let res: IncomingMessage;
    try {
      res = await this.send(new URL(url), raw.method, signed.headers, body);
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      this.logger.warn({ requestId, service: this.signingName, upstream: this.upstream.origin, code }, 'upstream did not answer');
      throw new AwsError('ServiceUnavailable', `The upstream for ${this.signingName} (${this.upstream.origin}) did not answer: ${code}.`, 503);
    }
    const status = res.statusCode ?? 502;
    const length = Number(res.headers['content-length'] ?? Number.NaN);
    const small = Number.isFinite(length) && length <= RECORDED_BODY_BYTES;
    if (status >= 300 || small) {
      const bytes = await readCapped(res, RECORDED_BODY_BYTES).catch(() => {
        res.destroy();
        throw new AwsError('ServiceUnavailable', `The upstream for ${this.signingName} broke off its answer.`, 503);
      });
      return { status, headers: res.headers, body: bytes, bodyBytes: bytes.length };
    }
    return { status, headers: res.headers, stream: res, bodyBytes: Number.isFinite(length) ? length : 0 };
  }

  /**
   * One request to the upstream; resolves with the answer's head, its body unread. The timeout is
   * the socket's idle time: connecting, waiting for the head, and each stretch of the body.
   */
  private send(url: URL, method: string, headers: Record<string, string>, body: Buffer | Readable | undefined): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    const outgoing = Buffer.isBuffer(body) ? { ...headers, 'content-length': String(body.length) } : headers;
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method, headers: outgoing, agent: https ? this.agents.https : this.agents.http, timeout: this.config.upstreamTimeoutSeconds * 1000 },
        resolve,
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('the upstream timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      if (body instanceof Readable) {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      } else {
        req.end(body);
      }
    });
  }

  /** The service's own error format (as its SDKs parse it). */
  errorResponse(err: AwsError, requestId: string): HttpResponse {
    const base = { 'x-amzn-requestid': requestId };
    switch (this.protocol) {
      case 'query':
        return {
          status: err.status,
          headers: { ...base, 'content-type': 'text/xml' },
          body: queryErrorResponse(this.namespace, { type: err.status >= 500 ? 'Receiver' : 'Sender', code: err.code, message: err.message }, requestId),
        };
      case 'ec2':
        return {
          status: err.status,
          headers: { ...base, 'content-type': 'text/xml' },
          body: xmlDocument('Response', [['Errors', [['Error', [['Code', err.code], ['Message', err.message]]]]], ['RequestID', requestId]]),
        };
      case 'rest-xml':
        return {
          status: err.status,
          headers: { ...base, 'content-type': 'application/xml' },
          body: xmlDocument('Error', [['Code', err.code], ['Message', err.message], ['RequestId', requestId]]),
        };
      default:
        return {
          status: err.status,
          headers: { ...base, 'content-type': this.protocol === 'json' ? 'application/x-amz-json-1.0' : 'application/json', 'x-amzn-errortype': err.code },
          body: JSON.stringify({ __type: err.code, message: err.message }),
        };
    }
  }
}

/** The upstream's headers minus those of its hop; a body read whole gets its length from the edge. */
function responseHeaders(answer: Answer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || (answer.body && name === 'content-length')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryObject(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The whole body, or a rejection when it exceeds `cap` (an error page larger than that is not an API answer). */
async function readCapped(body: AsyncIterable<Uint8Array>, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > cap) throw new Error('answer too large to keep');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
