/**
 * What the gateway benchmark's processes share: the sizes, bucket and concurrency they agree on,
 * the JSON jobs the parent (bench/gateway.ts, which hosts the gateway) sends to the load-generating
 * child (bench/gateway-client.ts), and how the parent starts its TypeScript children. Each party
 * runs in its own process so that the client's and the upstreams' CPU is not charged to the
 * gateway's event loop, as in a deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const SIZES = [
  { name: '4 KiB', key: 'small', bytes: 4 * KiB },
  { name: '8 MiB', key: 'large', bytes: 8 * MiB },
] as const;
export const BUCKET = 'bench-gateway';
/** Calls in flight (and pool connections) for the JSON API and for S3. */
export const IN_FLIGHT = 16;
export const S3_IN_FLIGHT = 8;

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

export type Call =
  | { kind: 'listTables' }
  | { kind: 'createBucket' }
  | { kind: 'putObject' | 'getObject'; key: string; bytes: number };

export type Measure =
  | { mode: 'once' }
  /** `n` sequential calls after n/10 warm-up; answers p50 and p99 in ms. */
  | { mode: 'latency'; n: number }
  /**
   * `inFlight` callers for at least `seconds`, then on until `minCalls` calls have started or
   * `maxSeconds` have passed: a run of large bodies needs enough calls to mean something.
   */
  | { mode: 'throughput'; inFlight: number; seconds: number; minCalls?: number; maxSeconds?: number };

export type Job = { endpoint: string; creds: Creds } & Call & Measure;

export interface LatencyResult {
  p50: number;
  p99: number;
}
export interface ThroughputResult {
  perSecond: number;
  calls: number;
  seconds: number;
}
export type JobResult = { ok: true; latency?: LatencyResult; throughput?: ThroughputResult } | { ok: false; error: string };

export interface Child {
  proc: ChildProcess;
  /** The first line the child printed once ready. */
  ready: string;
  /** Writes one line and resolves with the child's next line of output. */
  ask(line: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `bench/<script>` under tsx; it prints one line when ready, then answers one line per line it reads. */
export async function startChild(script: string): Promise<Child> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  const lines = createInterface({ input: proc.stdout! });
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  proc.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${script} exited (${code ?? signal}) before answering`));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = await next();
  return {
    proc,
    ready,
    ask: (line) => {
      const answer = next();
      proc.stdin!.write(`${line}\n`);
      return answer;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.stdin!.end();
        proc.kill();
        await exited;
      }
    },
  };
}
