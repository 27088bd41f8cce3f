/**
 * The gateway benchmark's load generator, in its own process (`node --import tsx
 * bench/gateway-client.ts`, started by bench/gateway.ts): reads one JSON job per line on stdin
 * (see `Job` in gateway-protocol.ts), runs it with a SigV4-signing undici client and prints one
 * JSON `JobResult` line. Pools are kept per endpoint and service across jobs, so connections stay
 * warm from one job to the next as they would in a long-running client.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import { BUCKET, IN_FLIGHT, S3_IN_FLIGHT, type Creds, type Job, type JobResult, type LatencyResult, type ThroughputResult } from './gateway-protocol.js';

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

const clients = new Map<string, ReturnType<typeof signingClient>>();
function clientFor(job: Job, service: 'dynamodb' | 's3') {
  const id = `${service} ${job.endpoint} ${job.creds.accessKeyId}`;
  let c = clients.get(id);
  if (!c) clients.set(id, (c = signingClient(job.endpoint, job.creds, service, service === 's3' ? S3_IN_FLIGHT : IN_FLIGHT)));
  return c;
}

const bodies = new Map<number, Buffer>();
const bodyOf = (bytes: number) => bodies.get(bytes) ?? bodies.set(bytes, Buffer.alloc(bytes, 0x62)).get(bytes)!;

const UNSIGNED = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
const LIST_TABLES = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' };

/** The job's call: ListTables, or path-style S3 with UNSIGNED-PAYLOAD (as S3 clients send over TLS). */
function callOf(job: Job): () => Promise<void> {
  switch (job.kind) {
    case 'listTables': {
      const c = clientFor(job, 'dynamodb');
      return async () => void (await c.send('POST', '/', LIST_TABLES, '{}'));
    }
    case 'createBucket': {
      const c = clientFor(job, 's3');
      return async () => void (await c.send('PUT', `/${BUCKET}`, UNSIGNED));
    }
    case 'putObject': {
      const c = clientFor(job, 's3');
      const body = bodyOf(job.bytes);
      const headers = { ...UNSIGNED, 'content-length': String(body.length) };
      return async () => void (await c.send('PUT', `/${BUCKET}/${job.key}`, headers, body));
    }
    case 'getObject': {
      const c = clientFor(job, 's3');
      return async () => {
        const n = await c.send('GET', `/${BUCKET}/${job.key}`, UNSIGNED);
        if (n !== job.bytes) throw new Error(`GetObject ${job.key} answered ${n} bytes, not ${job.bytes}`);
      };
    }
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function latencies(call: () => Promise<void>, n: number): Promise<LatencyResult> {
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

/** Calls per second with `inFlight` callers: see `Measure` for when the run ends. */
async function throughput(call: () => Promise<void>, inFlight: number, seconds: number, minCalls = 0, maxSeconds = seconds): Promise<ThroughputResult> {
  const start = performance.now();
  const end = start + seconds * 1000;
  const hardEnd = start + Math.max(seconds, maxSeconds) * 1000;
  let started = 0;
  let done = 0;
  const more = () => {
    const now = performance.now();
    return now < end || (started < minCalls && now < hardEnd);
  };
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (more()) {
        started++;
        await call();
        done++;
      }
    }),
  );
  // Over the time the last calls took to finish too (an 8 MiB call may end well after `end`).
  const elapsed = (performance.now() - start) / 1000;
  return { perSecond: done / elapsed, calls: done, seconds: elapsed };
}

async function run(job: Job): Promise<JobResult> {
  const call = callOf(job);
  switch (job.mode) {
    case 'once':
      await call();
      return { ok: true };
    case 'latency':
      return { ok: true, latency: await latencies(call, job.n) };
    case 'throughput':
      return { ok: true, throughput: await throughput(call, job.inFlight, job.seconds, job.minCalls, job.maxSeconds) };
  }
}

console.log('ready');
// One job at a time: the parent waits for each answer before sending the next line.
for await (const line of createInterface({ input: process.stdin })) {
  let result: JobResult;
  try {
    result = await run(JSON.parse(line) as Job);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  console.log(JSON.stringify(result));
}
await Promise.all([...clients.values()].map((c) => c.close()));
