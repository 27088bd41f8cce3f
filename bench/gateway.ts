/**
 * `npm run bench -- gateway`: what the recording gateway adds, measured in one run against the
 * same upstreams called directly by the same SigV4-signing undici client.
 *
 * JSON API: a minimal node:http server answering DynamoDB's ListTables (so the upstream's own
 * cost is as small as it gets and the gateway's share shows), behind a real OpenTrail app
 * (`--upstreams default=…`) which authenticates, authorizes, re-signs, forwards and durably
 * records every call (a management event, committed before the answer). Latency of sequential
 * calls (p50, p99; target: added p50 ≤ 2 ms) and throughput with 16 calls in flight (target ≥
 * 0.8 × direct). For scale, also through a bare node:http pass-through proxy (no signature, no
 * policy, no record) in this process: what any proxy pays here for the extra HTTP hop.
 *
 * S3: PutObject and GetObject of 4 KiB and 8 MiB through an OpenTrail with `s3=` naming the
 * upstream, against two upstreams: a minimal node:http one (PUT drains the body, GET answers N
 * bytes from memory: the gateway's own cost shows) and s3rver (a real S3 emulator, slow JS, in a
 * child process). A trail selecting every S3 object call is logging, so each object call is a
 * data event committed durably, as a recording gateway is deployed. Throughput in ops/s and MiB/s
 * with the same calls in flight both ways (target ≥ 0.8 × direct), added p50 of sequential 4 KiB
 * calls (target ≤ 2 ms), and this process's RSS and heap sampled during the 8 MiB runs through
 * the gateway (target: flat, not growing with body size or call count). The minimal upstreams and
 * the client share this process with the gateway; they hold no bodies.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { makeBucket } from '../test/helpers/trails.js';
import { startS3rver, S3RVER_CREDENTIALS } from '../test/helpers/s3rver.js';
import { machineFacts } from './machine.js';
import type { BenchOptions } from './run.js';

const SEQUENTIAL = 2000;
const IN_FLIGHT = 16;
const THROUGHPUT_SECONDS = 5;
/** S3: sequential 4 KiB calls for latency, calls in flight and seconds per throughput run. */
const S3_SEQUENTIAL = 500;
const S3_IN_FLIGHT = 8;
const S3_SECONDS = 3;
const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [
  { name: '4 KiB', key: 'small', bytes: 4 * KiB },
  { name: '8 MiB', key: 'large', bytes: 8 * MiB },
] as const;
const BUCKET = 'bench-gateway';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A signing client over an undici pool; each call reads the whole answer and checks its status. */
function signingClient(endpoint: string, creds: Creds, service: string, connections: number) {
  const url = new URL(endpoint);
  const pool = new Pool(url.origin, { connections });
  const signer = new SignatureV4({ credentials: creds, region: 'us-east-1', service, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3' });
  return {
    /** Sends the request; resolves with the answer's body length. */
    async send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<number> {
      const signed = await signer.sign(
        new HttpRequest({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, headers: { host: url.host, ...headers }, ...(typeof body === 'string' ? { body } : {}) }),
      );
      const res = await pool.request({ method, path, headers: signed.headers, ...(body !== undefined ? { body } : {}) });
      let n = 0;
      for await (const chunk of res.body) n += (chunk as Buffer).length;
      if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}`);
      return n;
    },
    close: () => pool.close(),
  };
}

/** ListTables, signed. */
function jsonClient(endpoint: string, creds: Creds) {
  const c = signingClient(endpoint, creds, 'dynamodb', IN_FLIGHT);
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' };
  return { call: async () => void (await c.send('POST', '/', headers, '{}')), close: c.close };
}

/** PutObject (UNSIGNED-PAYLOAD, as S3 clients send over TLS) and GetObject, path-style. */
function s3Client(endpoint: string, creds: Creds) {
  const c = signingClient(endpoint, creds, 's3', S3_IN_FLIGHT);
  const unsigned = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  return {
    put: async (key: string, body: Buffer) => void (await c.send('PUT', `/${BUCKET}/${key}`, { ...unsigned, 'content-length': String(body.length) }, body)),
    get: async (key: string, bytes: number) => {
      const n = await c.send('GET', `/${BUCKET}/${key}`, unsigned);
      if (n !== bytes) throw new Error(`GetObject ${key} answered ${n} bytes, not ${bytes}`);
    },
    createBucket: async () => void (await c.send('PUT', `/${BUCKET}`, unsigned)),
    close: c.close,
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function latencies(call: () => Promise<void>, n = SEQUENTIAL): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < n / 10; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** Calls per second with `inFlight` callers for `seconds`. */
async function throughput(call: () => Promise<void>, inFlight = IN_FLIGHT, seconds = THROUGHPUT_SECONDS): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  // Over the time the last calls took to finish too (an 8 MiB call may end well after `end`).
  return done / ((performance.now() - start) / 1000);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Forwards every request to `upstream` as it came, over a keep-alive agent; nothing else. */
function passThroughProxy(upstream: string): { server: Server; agent: Agent } {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  return { server, agent };
}

async function jsonBench(): Promise<void> {
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' });
      res.end('{"TableNames":["orders","jobs"]}');
    });
  });
  const upstreamUrl = await listen(upstream);
  const bare = passThroughProxy(upstreamUrl);
  const bareUrl = await listen(bare.server);
  const s = await startTestServer({ config: { upstreams: [`default=${upstreamUrl}`] } });
  const direct = jsonClient(upstreamUrl, { accessKeyId: 'test', secretAccessKey: 'test' });
  const proxied = jsonClient(bareUrl, { accessKeyId: 'test', secretAccessKey: 'test' });
  const gateway = jsonClient(s.endpoint, s.credentials);
  try {
    const d = await latencies(direct.call);
    const b = await latencies(proxied.call);
    const g = await latencies(gateway.call);
    console.log(
      `latency, ${SEQUENTIAL} sequential ListTables: direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms; ` +
        `bare proxy p50 ${b.p50.toFixed(2)} ms p99 ${b.p99.toFixed(2)} ms; gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms`,
    );
    console.log(`added p50 = ${(g.p50 - d.p50).toFixed(2)} ms (target <= 2 ms); the bare proxy adds ${(b.p50 - d.p50).toFixed(2)} ms`);
    const dt = await throughput(direct.call);
    const bt = await throughput(proxied.call);
    const gt = await throughput(gateway.call);
    console.log(
      `throughput, ${IN_FLIGHT} in flight for ${THROUGHPUT_SECONDS} s: direct ${dt.toFixed(0)} calls/s, bare proxy ${bt.toFixed(0)} calls/s, ` +
        `gateway ${gt.toFixed(0)} calls/s (every call recorded durably)`,
    );
    console.log(`gateway / direct = ${(gt / dt).toFixed(2)} (target >= 0.8); bare proxy / direct = ${(bt / dt).toFixed(2)}; load average ${load()}`);
    console.log(`events recorded: ${(await s.app.context.eventLog.readAfter(0, 1_000_000)).length}`);
  } finally {
    await direct.close();
    await proxied.close();
    await gateway.close();
    await s.stop();
    bare.server.close();
    bare.agent.destroy();
    upstream.close();
  }
}

/** An S3-ish upstream that costs next to nothing: PUT drains the body, GET answers the size its key names. */
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

/** A trail selecting every S3 object call, logging: the gateway's object calls are committed data events. */
async function recordObjectCalls(s: TestServer): Promise<void> {
  const bucket = await makeBucket(s, 'bench-gateway-logs');
  const ct = s.cloudtrail();
  await ct.send(new CreateTrailCommand({ Name: 'objects', S3BucketName: bucket }));
  await ct.send(
    new PutEventSelectorsCommand({
      TrailName: 'objects',
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
    }),
  );
  await ct.send(new StartLoggingCommand({ Name: 'objects' }));
}

interface MemorySample {
  rss: number;
  heap: number;
}

/** Samples this process's memory every 50 ms while `run` runs. */
async function sampled<T>(run: () => Promise<T>): Promise<{ result: T; samples: MemorySample[] }> {
  const samples: MemorySample[] = [];
  const take = () => {
    const m = process.memoryUsage();
    samples.push({ rss: m.rss, heap: m.heapUsed });
  };
  take();
  const timer = setInterval(take, 50);
  try {
    const result = await run();
    take();
    return { result, samples };
  } finally {
    clearInterval(timer);
  }
}

interface S3Row {
  upstream: string;
  op: 'PutObject' | 'GetObject';
  size: string;
  bytes: number;
  direct: number;
  gateway: number;
}

const mibs = (ops: number, bytes: number) => (ops * bytes) / MiB;
const toMiB = (b: number) => (b / MiB).toFixed(0);

async function s3Bench(upstreamName: string, upstreamUrl: string, upstreamCreds: Creds): Promise<{ rows: S3Row[]; memory: MemorySample[][] }> {
  const s = await startTestServer({
    config: { upstreams: [`s3=${upstreamUrl}`], upstreamAccessKeyId: upstreamCreds.accessKeyId, upstreamSecretAccessKey: upstreamCreds.secretAccessKey },
  });
  const direct = s3Client(upstreamUrl, upstreamCreds);
  const gateway = s3Client(s.endpoint, s.credentials);
  const rows: S3Row[] = [];
  const memory: MemorySample[][] = [];
  try {
    await recordObjectCalls(s);
    await gateway.createBucket();
    const bodies = new Map(SIZES.map((z) => [z.key, Buffer.alloc(z.bytes, 0x62)]));
    for (const z of SIZES) await direct.put(z.key, bodies.get(z.key)!);

    const small = SIZES[0];
    const smallBody = bodies.get(small.key)!;
    for (const [op, call] of [
      ['PutObject', (c: ReturnType<typeof s3Client>) => () => c.put(small.key, smallBody)],
      ['GetObject', (c: ReturnType<typeof s3Client>) => () => c.get(small.key, small.bytes)],
    ] as const) {
      const d = await latencies(call(direct), S3_SEQUENTIAL);
      const g = await latencies(call(gateway), S3_SEQUENTIAL);
      console.log(
        `${upstreamName}: ${S3_SEQUENTIAL} sequential ${small.name} ${op}: direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms; ` +
          `gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms; added p50 ${(g.p50 - d.p50).toFixed(2)} ms (target <= 2 ms)`,
      );
    }

    for (const z of SIZES) {
      const body = bodies.get(z.key)!;
      for (const op of ['PutObject', 'GetObject'] as const) {
        const call = (c: ReturnType<typeof s3Client>) => (op === 'PutObject' ? () => c.put(z.key, body) : () => c.get(z.key, z.bytes));
        const d = await throughput(call(direct), S3_IN_FLIGHT, S3_SECONDS);
        const run = () => throughput(call(gateway), S3_IN_FLIGHT, S3_SECONDS);
        let g: number;
        if (z.bytes >= MiB) {
          const out = await sampled(run);
          g = out.result;
          memory.push(out.samples);
        } else {
          g = await run();
        }
        rows.push({ upstream: upstreamName, op, size: z.name, bytes: z.bytes, direct: d, gateway: g });
      }
    }
    const events = (await s.app.context.eventLog.readAfter(0, 10_000_000)).length;
    console.log(`${upstreamName}: events recorded through the gateway ${events}; load average ${load()}`);
  } finally {
    await direct.close();
    await gateway.close();
    await s.stop();
  }
  return { rows, memory };
}

function printS3Table(rows: S3Row[]): void {
  console.log(`\nS3 throughput, ${S3_IN_FLIGHT} in flight for ${S3_SECONDS} s each way (target gateway/direct >= 0.8):`);
  console.log('| upstream | call | size | direct ops/s | direct MiB/s | gateway ops/s | gateway MiB/s | gateway / direct |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.upstream} | ${r.op} | ${r.size} | ${r.direct.toFixed(0)} | ${mibs(r.direct, r.bytes).toFixed(1)} | ${r.gateway.toFixed(0)} | ${mibs(r.gateway, r.bytes).toFixed(1)} | ${(r.gateway / r.direct).toFixed(2)} |`,
    );
  }
}

/** Peak RSS/heap of each 8 MiB run, and whether the second half of a run went above the first. */
function printMemory(upstream: string, runs: MemorySample[][]): void {
  for (const [i, samples] of runs.entries()) {
    const half = Math.floor(samples.length / 2);
    const peak = (xs: MemorySample[], f: keyof MemorySample) => Math.max(...xs.map((x) => x[f]));
    const first = samples[0]!;
    console.log(
      `${upstream} 8 MiB ${i === 0 ? 'PutObject' : 'GetObject'} through the gateway: RSS start ${toMiB(first.rss)} MiB, peak ${toMiB(peak(samples, 'rss'))} MiB ` +
        `(first half ${toMiB(peak(samples.slice(0, half), 'rss'))}, second half ${toMiB(peak(samples.slice(half), 'rss'))}); heap used start ${toMiB(first.heap)} MiB, ` +
        `peak ${toMiB(peak(samples, 'heap'))} MiB; ${samples.length} samples`,
    );
  }
}

export async function gatewayBench(_opts: BenchOptions): Promise<void> {
  console.log(`machine: ${machineFacts()}; load average ${load()}`);
  await jsonBench();

  const minimal = minimalS3Upstream();
  const minimalUrl = await listen(minimal);
  const s3rver = await startS3rver();
  try {
    const a = await s3Bench('minimal', minimalUrl, { accessKeyId: 'test', secretAccessKey: 'test' });
    const b = await s3Bench('s3rver', s3rver.endpoint, S3RVER_CREDENTIALS);
    printS3Table([...a.rows, ...b.rows]);
    printMemory('minimal', a.memory);
    printMemory('s3rver', b.memory);
  } finally {
    minimal.close();
    await s3rver.stop();
  }
  console.log(`load average at the end ${load()}`);
}
