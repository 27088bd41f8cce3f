/**
 * A real S3-compatible server for tests of the external object store: `moto_server` on a free
 * loopback port. A missing or failing moto_server rejects (the suite fails, never skips): the S3
 * backend must not go untested silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Credentials the S3 store signs with; moto accepts any. */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAMOTOTEST0000001', secretAccessKey: 'moto-test-secret' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startMoto(): Promise<{ endpoint: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) => reject(new Error(`cannot start moto_server (is it installed and on PATH?): ${err.message}`)));
    proc.once('exit', (code) => reject(new Error(`moto_server exited with ${code} before answering:\n${output}`)));
  });
  failed.catch(() => undefined);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answered = await Promise.race([
      fetch(`${endpoint}/moto-api/`).then(() => true, () => false),
      failed,
    ]);
    if (answered) return { endpoint, proc };
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
