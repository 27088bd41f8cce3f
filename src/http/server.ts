/**
 * The node:http edge: reads the raw request body (refusing, and reading no further than, a body
 * over the configured limit) — or, for services that stream (S3 uploads), hands the unread body
 * over — collects connection facts (source IP, TLS) and hands the raw request to the AWS
 * pipeline (or, under `/console`, to the web console). Streamed response bodies (GetObject) are
 * piped with backpressure; a client that disconnects just ends the stream. It never parses AWS
 * semantics itself.
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline as pipeStreams } from 'node:stream/promises';
import type { AwsPipeline } from '../aws/pipeline.js';
import type { Clock } from '../lib/clock.js';
import { CommonErrors } from '../aws/errors.js';
import type { ConnectionInfo, HttpResponse } from '../aws/service.js';
import type { RawRequest } from '../aws/sigv4/index.js';
import { forwardedProto, sourceIp } from './source-ip.js';

export interface EdgeOptions {
  trustedProxies: readonly string[];
  tls?: { certFile: string; keyFile: string };
  /** The injected clock: the `Date` header says the time the server works by (SDKs correct their skew by it). */
  clock: Clock;
}

/** The web console (src/console/): it answers every `/console` request; the edge only sends. */
export interface ConsoleRoute {
  claims(url: string): boolean;
  handle(req: http.IncomingMessage, conn: ConnectionInfo): Promise<HttpResponse>;
}

export class BodyTooLarge extends Error {}

export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** A streamed body whose request body is left unread is drained up to this, then dropped. */
const DRAIN_LIMIT = 1024 * 1024;
/** A connection with no traffic either way for this long is closed. */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * Sends a response. A Readable body is piped with backpressure; if the client goes away, or the
 * body fails midway (the status line is already out), the connection is closed and the body
 * stream destroyed — nothing else is owed. A length the service set (HEAD, streams) is kept.
 */
function send(res: http.ServerResponse, r: HttpResponse, nowMs: number, close = false): void {
  const headers: Record<string, string | number> = { date: new Date(nowMs).toUTCString(), ...r.headers };
  if (close) headers.connection = 'close';
  if (r.body instanceof Readable) {
    res.writeHead(r.status, headers);
    pipeStreams(r.body, res).catch(() => res.destroy());
    return;
  }
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  // 204 carries no body and no length (S3's DeleteObject, DeleteBucket…)
  if (headers['content-length'] === undefined && r.status !== 204) headers['content-length'] = body.byteLength;
  res.writeHead(r.status, headers);
  res.end(body);
}

/**
 * After a streaming service answered without reading its whole body (an error before or during
 * the upload), whatever the client still sends is read and discarded so the connection stays
 * usable; past DRAIN_LIMIT the connection is dropped instead of reading a large upload for nothing.
 */
function discardUnread(req: http.IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  // whatever the service piped the body into is done with it (it may never have read it)
  req.unpipe();
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

function connectionInfo(req: http.IncomingMessage, opts: EdgeOptions): ConnectionInfo {
  const socket = req.socket as TLSSocket;
  const info: ConnectionInfo = { sourceIp: sourceIp(socket.remoteAddress, req.headers['x-forwarded-for'], opts.trustedProxies) };
  const proto = forwardedProto(socket.remoteAddress, req.headers['x-forwarded-proto'], opts.trustedProxies);
  if (proto) info.forwardedProto = proto;
  if (socket.encrypted) {
    const cipher = socket.getCipher();
    info.tls = { tlsVersion: socket.getProtocol() ?? undefined, cipherSuite: cipher?.name };
  }
  return info;
}

export function createEdge(pipeline: AwsPipeline, opts: EdgeOptions, consoleRoute?: ConsoleRoute): http.Server {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (consoleRoute?.claims(req.url ?? '/')) {
      consoleRoute.handle(req, connectionInfo(req, opts)).then(
        (response) => send(res, response, opts.clock.now()),
        () => res.destroy(),
      );
      return;
    }
    const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct, body: new Uint8Array() };
    const limit = pipeline.bodyLimit(raw);
    if (limit === 'stream') {
      // The socket may fail while the service reads it; the service sees that as a failed read.
      req.on('error', () => undefined);
      pipeline
        .handle({ ...raw, bodyStream: req }, connectionInfo(req, opts))
        .then((response) => {
          send(res, response, opts.clock.now());
          discardUnread(req);
        })
        .catch(() => res.destroy());
      return;
    }
    readBody(req, limit).then(
      async (body) => send(res, await pipeline.handle({ ...raw, body }, connectionInfo(req, opts)), opts.clock.now()),
      (err: unknown) => {
        if (err instanceof BodyTooLarge) {
          // Answer, then drop the connection: the rest of the body is never read.
          send(res, pipeline.reject(raw, CommonErrors.requestTooLarge(limit)), opts.clock.now(), true);
          res.on('finish', () => req.destroy());
        } else {
          req.destroy();
        }
      },
    );
  };
  const server = opts.tls
    ? https.createServer({ cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) }, onRequest)
    : http.createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  // A 5 GiB upload or download can outlast any fixed request deadline; a connection that moves
  // no bytes for IDLE_TIMEOUT_MS is dropped instead (headers still have headersTimeout).
  server.requestTimeout = 0;
  server.timeout = IDLE_TIMEOUT_MS;
  // Malformed HTTP never reaches the pipeline; answer it with a bare 400 rather than a reset.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

export function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
