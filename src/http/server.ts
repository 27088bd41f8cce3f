/**
 * The node:http edge: reads the raw request body (refusing, and reading no further than, a body
 * over the configured limit), collects connection facts (source IP, TLS) and hands the raw
 * request to the AWS pipeline. It never parses AWS semantics itself.
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { AwsPipeline } from '../aws/pipeline.js';
import { CommonErrors } from '../aws/errors.js';
import type { ConnectionInfo, HttpResponse } from '../aws/service.js';
import type { RawRequest } from '../aws/sigv4/index.js';
import { sourceIp } from './source-ip.js';

export interface EdgeOptions {
  maxBodyBytes: number;
  trustedProxies: readonly string[];
  tls?: { certFile: string; keyFile: string };
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
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

function send(res: http.ServerResponse, r: HttpResponse, close = false): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const headers: Record<string, string | number> = { ...r.headers, 'content-length': body.byteLength };
  if (close) headers.connection = 'close';
  res.writeHead(r.status, headers);
  res.end(body);
}

function connectionInfo(req: http.IncomingMessage, opts: EdgeOptions): ConnectionInfo {
  const socket = req.socket as TLSSocket;
  const info: ConnectionInfo = { sourceIp: sourceIp(socket.remoteAddress, req.headers['x-forwarded-for'], opts.trustedProxies) };
  if (socket.encrypted) {
    const cipher = socket.getCipher();
    info.tls = { tlsVersion: socket.getProtocol() ?? undefined, cipherSuite: cipher?.name };
  }
  return info;
}

export function createEdge(pipeline: AwsPipeline, opts: EdgeOptions): http.Server {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const raw: RawRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct, body: new Uint8Array() };
    readBody(req, opts.maxBodyBytes).then(
      async (body) => send(res, await pipeline.handle({ ...raw, body }, connectionInfo(req, opts))),
      (err: unknown) => {
        if (err instanceof BodyTooLarge) {
          // Answer, then drop the connection: the rest of the body is never read.
          send(res, pipeline.reject(raw, CommonErrors.requestTooLarge(opts.maxBodyBytes)), true);
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
