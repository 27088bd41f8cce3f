/**
 * The benchmarks' load generator: wrk (Debian's package, a C event loop that costs far less CPU
 * than any Node client) replays a file of pre-signed requests over N keep-alive connections.
 * Requests are signed before the clock starts so the measured CPU is the server's, not the
 * signer's; each one is still verified by the server.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { HttpRequest } from '@smithy/protocol-http';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./wrk.lua', import.meta.url));

export interface LoadResult {
  perSecond: number;
  requests: number;
  seconds: number;
  p50: string;
  p99: string;
  non2xx: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Writes requests in wrk.lua's line format. */
export function writeRequests(dir: string, requests: HttpRequest[]): string {
  const file = join(dir, 'requests.txt');
  const lines = requests.map((r) => {
    const headers = Object.entries(r.headers)
      .filter(([k]) => k.toLowerCase() !== 'content-length')
      // wrk adds its own `Host` unless the script sets exactly that spelling; two Host headers
      // would no longer match the signature.
      .map(([k, v]) => `${k.toLowerCase() === 'host' ? 'Host' : k}: ${v}`);
    return `${headers.join('\u0001')}\u0002${String(r.body)}`;
  });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export async function runLoad(endpoint: string, requestFile: string, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  await run('wrk', ['--version']).catch((e: { code?: string }) => {
    if (e.code === 'ENOENT') throw new Error('the benchmarks need wrk: apt-get install -y wrk');
  });
  const { stdout } = await run('wrk', ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-s', SCRIPT, endpoint, '--', requestFile], {
    maxBuffer: 1 << 20,
  });
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? NaN);
  const str = (re: RegExp) => re.exec(stdout)?.[1] ?? '?';
  return {
    perSecond: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    seconds: opts.seconds,
    p50: str(/^\s+50%\s+(\S+)/m),
    p99: str(/^\s+99%\s+(\S+)/m),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
  };
}
