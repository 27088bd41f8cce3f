/**
 * `npm run bench -- gateway`: what the recording gateway adds, measured in one run against the
 * same upstreams called directly by the same SigV4-signing undici client.
 *
 * Each party runs in its own process, as in a deployment: the load generator
 * (bench/gateway-client.ts) and the minimal upstreams (bench/gateway-upstreams.ts) are children,
 * s3rver is another; this process hosts only the OpenTrail gateway (and, for its own rows, the bare
 * pass-through proxy), so its memory samples are the gateway's and nothing else competes with it
 * for its event loop.
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
 * bytes from memory: the gateway's own cost shows) and s3rver (a real S3 emulator, slow JS). A
 * trail selecting every S3 object call is logging, so each object call is a data event committed
 * durably, as a recording gateway is deployed. Throughput in ops/s and MiB/s with the same calls
 * in flight both ways (target ≥ 0.8 × direct), added p50 of sequential 4 KiB calls (target ≤
 * 2 ms), and this process's RSS and heap sampled during the 8 MiB runs through the gateway
 * (target: flat, not growing with body size or call count).
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { makeBucket } from '../test/helpers/trails.js';
import { startS3rver, S3RVER_CREDENTIALS } from '../test/helpers/s3rver.js';
import { machineFacts } from './machine.js';
import { IN_FLIGHT, MiB, S3_IN_FLIGHT, SIZES, startChild, type Call, type Child, type Creds, type Job, type JobResult, type Measure } from './gateway-protocol.js';
import type { BenchOptions } from './run.js';

const SEQUENTIAL = 2000;
const THROUGHPUT_SECONDS = 5;
/** S3: sequential 4 KiB calls for latency, seconds per throughput run. */
const S3_SEQUENTIAL = 500;
const S3_SECONDS = 3;
/** 8 MiB runs: at least this long and this many calls (a few dozen calls of 8 MiB say little), within a cap. */
const LARGE_SECONDS = 5;
const LARGE_MIN_CALLS = 100;
const LARGE_MAX_SECONDS = 12;

/** The load-generating child; every measurement below runs there, one job at a time. */
let client: Child;

async function ask(endpoint: string, creds: Creds, call: Call, measure: Measure): Promise<JobResult & { ok: true }> {
  const job: Job = { endpoint, creds, ...call, ...measure };
  const result = JSON.parse(await client.ask(JSON.stringify(job))) as JobResult;
  if (!result.ok) throw new Error(`${call.kind} against ${endpoint}: ${result.error}`);
  return result;
}

async function latencies(endpoint: string, creds: Creds, call: Call, n = SEQUENTIAL): Promise<{ p50: number; p99: number }> {
  return (await ask(endpoint, creds, call, { mode: 'latency', n })).latency!;
}

async function throughput(endpoint: string, creds: Creds, call: Call, measure: Omit<Measure & { mode: 'throughput' }, 'mode'>) {
  return (await ask(endpoint, creds, call, { mode: 'throughput', ...measure })).throughput!;
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

const TEST_CREDS: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

async function jsonBench(upstreamUrl: string): Promise<void> {
  const bare = passThroughProxy(upstreamUrl);
  const bareUrl = await listen(bare.server);
  const s = await startTestServer({ config: { upstreams: [`default=${upstreamUrl}`] } });
  const listTables: Call = { kind: 'listTables' };
  try {
    const d = await latencies(upstreamUrl, TEST_CREDS, listTables);
    const b = await latencies(bareUrl, TEST_CREDS, listTables);
    const g = await latencies(s.endpoint, s.credentials, listTables);
    console.log(
      `latency, ${SEQUENTIAL} sequential ListTables: direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms; ` +
        `bare proxy p50 ${b.p50.toFixed(2)} ms p99 ${b.p99.toFixed(2)} ms; gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms`,
    );
    console.log(`added p50 = ${(g.p50 - d.p50).toFixed(2)} ms (target <= 2 ms); the bare proxy adds ${(b.p50 - d.p50).toFixed(2)} ms`);
    const run = { inFlight: IN_FLIGHT, seconds: THROUGHPUT_SECONDS };
    const dt = (await throughput(upstreamUrl, TEST_CREDS, listTables, run)).perSecond;
    const bt = (await throughput(bareUrl, TEST_CREDS, listTables, run)).perSecond;
    const gt = (await throughput(s.endpoint, s.credentials, listTables, run)).perSecond;
    console.log(
      `throughput, ${IN_FLIGHT} in flight for ${THROUGHPUT_SECONDS} s: direct ${dt.toFixed(0)} calls/s, bare proxy ${bt.toFixed(0)} calls/s, ` +
        `gateway ${gt.toFixed(0)} calls/s (every call recorded durably)`,
    );
    console.log(`gateway / direct = ${(gt / dt).toFixed(2)} (target >= 0.8); bare proxy / direct = ${(bt / dt).toFixed(2)}; load average ${load()}`);
    console.log(`events recorded: ${(await s.app.context.eventLog.readAfter(0, 1_000_000)).length}`);
  } finally {
    await s.stop();
    bare.server.close();
    bare.agent.destroy();
  }
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
  /** Calls and seconds of each way's run (the 8 MiB runs' length depends on the calls' speed). */
  runs: string;
}

const mibs = (ops: number, bytes: number) => (ops * bytes) / MiB;
const toMiB = (b: number) => (b / MiB).toFixed(0);

async function s3Bench(upstreamName: string, upstreamUrl: string, upstreamCreds: Creds): Promise<{ rows: S3Row[]; memory: MemorySample[][] }> {
  const s = await startTestServer({
    config: { upstreams: [`s3=${upstreamUrl}`], upstreamAccessKeyId: upstreamCreds.accessKeyId, upstreamSecretAccessKey: upstreamCreds.secretAccessKey },
  });
  const ways = { direct: [upstreamUrl, upstreamCreds], gateway: [s.endpoint, s.credentials] } as const;
  const rows: S3Row[] = [];
  const memory: MemorySample[][] = [];
  try {
    await recordObjectCalls(s);
    await ask(...ways.gateway, { kind: 'createBucket' }, { mode: 'once' });
    for (const z of SIZES) await ask(...ways.direct, { kind: 'putObject', key: z.key, bytes: z.bytes }, { mode: 'once' });

    const small = SIZES[0];
    for (const op of ['PutObject', 'GetObject'] as const) {
      const call: Call = { kind: op === 'PutObject' ? 'putObject' : 'getObject', key: small.key, bytes: small.bytes };
      const d = await latencies(...ways.direct, call, S3_SEQUENTIAL);
      const g = await latencies(...ways.gateway, call, S3_SEQUENTIAL);
      console.log(
        `${upstreamName}: ${S3_SEQUENTIAL} sequential ${small.name} ${op}: direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms; ` +
          `gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms; added p50 ${(g.p50 - d.p50).toFixed(2)} ms (target <= 2 ms)`,
      );
    }

    for (const z of SIZES) {
      const large = z.bytes >= MiB;
      const run = large
        ? { inFlight: S3_IN_FLIGHT, seconds: LARGE_SECONDS, minCalls: LARGE_MIN_CALLS, maxSeconds: LARGE_MAX_SECONDS }
        : { inFlight: S3_IN_FLIGHT, seconds: S3_SECONDS };
      for (const op of ['PutObject', 'GetObject'] as const) {
        const call: Call = { kind: op === 'PutObject' ? 'putObject' : 'getObject', key: z.key, bytes: z.bytes };
        const d = await throughput(...ways.direct, call, run);
        const through = () => throughput(...ways.gateway, call, run);
        let g: Awaited<ReturnType<typeof through>>;
        if (large) {
          const out = await sampled(through);
          g = out.result;
          memory.push(out.samples);
        } else {
          g = await through();
        }
        const runs = `${d.calls} calls in ${d.seconds.toFixed(1)} s direct, ${g.calls} in ${g.seconds.toFixed(1)} s through the gateway`;
        rows.push({ upstream: upstreamName, op, size: z.name, bytes: z.bytes, direct: d.perSecond, gateway: g.perSecond, runs });
      }
    }
    const events = (await s.app.context.eventLog.readAfter(0, 10_000_000)).length;
    console.log(`${upstreamName}: events recorded through the gateway ${events}; load average ${load()}`);
  } finally {
    await s.stop();
  }
  return { rows, memory };
}

function printS3Table(rows: S3Row[]): void {
  console.log(
    `\nS3 throughput, ${S3_IN_FLIGHT} in flight for ${S3_SECONDS} s each way (8 MiB: at least ${LARGE_SECONDS} s and ${LARGE_MIN_CALLS} calls, ` +
      `at most ${LARGE_MAX_SECONDS} s) (target gateway/direct >= 0.8):`,
  );
  console.log('| upstream | call | size | direct ops/s | direct MiB/s | gateway ops/s | gateway MiB/s | gateway / direct |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.upstream} | ${r.op} | ${r.size} | ${r.direct.toFixed(0)} | ${mibs(r.direct, r.bytes).toFixed(1)} | ${r.gateway.toFixed(0)} | ${mibs(r.gateway, r.bytes).toFixed(1)} | ${(r.gateway / r.direct).toFixed(2)} |`,
    );
  }
  for (const r of rows) console.log(`${r.upstream} ${r.size} ${r.op}: ${r.runs}`);
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
  client = await startChild('gateway-client.ts');
  const upstreams = await startChild('gateway-upstreams.ts');
  const s3rver = await startS3rver();
  try {
    const urls = JSON.parse(upstreams.ready) as { json: string; s3: string };
    console.log(`processes: client ${client.proc.pid}, minimal upstreams ${upstreams.proc.pid}, s3rver ${s3rver.proc.pid}, gateway ${process.pid}`);
    await jsonBench(urls.json);
    const a = await s3Bench('minimal', urls.s3, TEST_CREDS);
    const b = await s3Bench('s3rver', s3rver.endpoint, S3RVER_CREDENTIALS);
    printS3Table([...a.rows, ...b.rows]);
    printMemory('minimal', a.memory);
    printMemory('s3rver', b.memory);
  } finally {
    await client.stop();
    await upstreams.stop();
    await s3rver.stop();
  }
  console.log(`load average at the end ${load()}`);
}
