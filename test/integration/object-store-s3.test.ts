/**
 * The ObjectStore contract against the S3 store talking to a real S3-compatible server:
 * `moto_server`, started here on a free loopback port. A missing moto_server fails the suite
 * (the S3 backend must never go untested silently).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { S3ObjectStore } from '../../src/objects/s3/index.js';
import { objectStoreContract } from '../contract/object-store.contract.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startMoto(): Promise<{ endpoint: string; proc: ChildProcess }> {
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

objectStoreContract('s3 (moto_server)', async () => {
  const { endpoint, proc } = await startMoto();
  const store = new S3ObjectStore({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAMOTOTEST0000001', secretAccessKey: 'moto-test-secret' },
    forcePathStyle: true,
  });
  return {
    store,
    close: async () => {
      await store.close();
      proc.kill('SIGTERM');
    },
  };
});
