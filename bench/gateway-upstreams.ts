/**
 * The gateway benchmark's minimal upstreams, in their own process (`node --import tsx
 * bench/gateway-upstreams.ts`, started by bench/gateway.ts): a DynamoDB ListTables answerer and an
 * S3-ish server (PUT drains the body, GET answers the size its key names from memory), both as
 * cheap as node:http gets so the gateway's share shows. Prints `{"json": url, "s3": url}` once
 * both listen, then runs until killed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUCKET, SIZES } from './gateway-protocol.js';

function listTablesUpstream(): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' });
      res.end('{"TableNames":["orders","jobs"]}');
    });
  });
}

function minimalS3Upstream(): Server {
  const bodies = new Map<string, Buffer>(SIZES.map((s) => [`/${BUCKET}/${s.key}`, Buffer.alloc(s.bytes, 0x61)]));
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = req.method === 'GET' ? bodies.get(req.url ?? '') : undefined;
      if (req.method === 'GET' && !body) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end('<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
        return;
      }
      res.writeHead(200, { etag: '"bench"', 'content-length': String(body?.length ?? 0), ...(body ? { 'content-type': 'application/octet-stream' } : {}) });
      res.end(body);
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

console.log(JSON.stringify({ json: await listen(listTablesUpstream()), s3: await listen(minimalS3Upstream()) }));
