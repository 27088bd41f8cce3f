/**
 * A load generator for the benchmarks: N concurrent keep-alive connections (undici Pool) replay a
 * pool of pre-signed requests for a fixed time and report throughput and latency percentiles.
 * Requests are signed before the clock starts so the measured CPU is the server's, not the
 * signer's; each one is still verified by the server.
 */
import { Pool } from 'undici';
import type { HttpRequest } from '@smithy/protocol-http';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<number, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(
  endpoint: string,
  requests: HttpRequest[],
  opts: { connections: number; seconds: number },
): Promise<LoadResult> {
  const pool = new Pool(endpoint, { connections: opts.connections, pipelining: 1 });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let i = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const req = requests[i++ % requests.length]!;
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: req.path, headers: req.headers, body: req.body as string });
        await res.body.dump();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    statuses,
  };
}
