/**
 * `npm run bench -- gateway`: what the recording gateway adds to a JSON API call. One upstream, a
 * minimal node:http server answering DynamoDB's ListTables (so the upstream's own cost is as small
 * as it gets and the gateway's share shows), is called by the same SigV4-signing undici client
 * directly and through a real OpenTrail app (`--upstreams default=…`), which authenticates,
 * authorizes, re-signs, forwards and durably records every call (a management event, committed
 * before the answer). Measured in the same run: latency of sequential calls (p50, p99; target:
 * added p50 ≤ 2 ms) and throughput with 16 calls in flight (target ≥ 0.8 × direct).
 * S3 GetObject/PutObject through the gateway are not measured yet.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { startTestServer } from '../test/helpers/server.js';
import { machineFacts } from './machine.js';
import type { BenchOptions } from './run.js';

const SEQUENTIAL = 2000;
const IN_FLIGHT = 16;
const THROUGHPUT_SECONDS = 5;

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A client that signs and sends ListTables to `endpoint`. */
function client(endpoint: string, creds: Creds) {
  const url = new URL(endpoint);
  const pool = new Pool(url.origin, { connections: IN_FLIGHT });
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service: 'dynamodb', sha256: Hash.bind(null, 'sha256') });
  return {
    async call(): Promise<void> {
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/',
          headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
          body: '{}',
        }),
      );
      const res = await pool.request({ method: 'POST', path: '/', headers: signed.headers, body: '{}' });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`ListTables answered ${res.statusCode}`);
    },
    close: () => pool.close(),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function latencies(call: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function throughput(call: () => Promise<void>): Promise<number> {
  const end = performance.now() + THROUGHPUT_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / THROUGHPUT_SECONDS;
}

export async function gatewayBench(_opts: BenchOptions): Promise<void> {
  console.log(`machine: ${machineFacts()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' });
      res.end('{"TableNames":["orders","jobs"]}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const s = await startTestServer({ config: { upstreams: [`default=${upstreamUrl}`] } });
  const direct = client(upstreamUrl, { accessKeyId: 'test', secretAccessKey: 'test' });
  const gateway = client(s.endpoint, s.credentials);
  try {
    const d = await latencies(direct.call);
    const g = await latencies(gateway.call);
    console.log(`latency, ${SEQUENTIAL} sequential ListTables: direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms; gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms`);
    console.log(`added p50 = ${(g.p50 - d.p50).toFixed(2)} ms (target <= 2 ms)`);
    const dt = await throughput(direct.call);
    const gt = await throughput(gateway.call);
    console.log(`throughput, ${IN_FLIGHT} in flight for ${THROUGHPUT_SECONDS} s: direct ${dt.toFixed(0)} calls/s, gateway ${gt.toFixed(0)} calls/s (every call recorded durably)`);
    console.log(`gateway / direct = ${(gt / dt).toFixed(2)} (target >= 0.8); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`events recorded: ${(await s.app.context.eventLog.readAfter(0, 1_000_000)).length}`);
  } finally {
    await direct.close();
    await gateway.close();
    await s.stop();
    upstream.close();
  }
}
