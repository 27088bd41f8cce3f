/** Machine facts printed with every benchmark result (BENCHMARKS.md records them). */
import os from 'node:os';
import { openSync, writeSync, fsyncSync, closeSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export function machineFacts(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** fsyncs per second of 4 KiB appends in `dir`: the durability ceiling of a commit. */
export function fsyncRate(dir: string, seconds = 1): number {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 1);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    writeSync(fd, buf);
    fsyncSync(fd);
    n++;
  }
  closeSync(fd);
  unlinkSync(file);
  return n / seconds;
}

/**
 * A bare node:http server in its own process that answers every request with an empty
 * LookupEvents result: the HTTP floor/ceiling of this machine for the same load generator.
 */
export async function startBareServer(): Promise<{ endpoint: string; stop(): void }> {
  const { spawn } = await import('node:child_process');
  const code = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/x-amz-json-1.1'});s.end('{"Events":[]}')})}).listen(0,'127.0.0.1',function(){console.log('listening on http://127.0.0.1:'+this.address().port)})`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((res) =>
    proc.stdout.on('data', (d: Buffer) => res(/listening on (\S+)/.exec(d.toString())![1]!)),
  );
  return { endpoint, stop: () => proc.kill() };
}
