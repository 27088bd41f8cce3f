/**
 * A second S3-compatible upstream for the recording gateway's tests and benchmark: the npm
 * `s3rver` (v3, a Koa app over the filesystem) as a child process on an ephemeral loopback port,
 * storing in a fresh temp directory that `stop` removes. A child rather than in-process so that
 * its memory (it buffers some bodies) and its CPU are not counted as OpenTrail's, as with moto.
 *
 * s3rver knows one key pair, S3RVER/S3RVER (its dummy account); it checks that the access key
 * exists but does not verify SigV4 signatures. The gateway re-signs with the config's
 * `upstreamAccessKeyId`/`upstreamSecretAccessKey`: set both to S3RVER_CREDENTIALS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3rver {
  endpoint: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The line s3rver's CLI prints once it listens (also with --silent, which mutes only its request log). */
const LISTENING = /S3rver listening on [^\s:]+:(\d+)/;

export async function startS3rver(): Promise<S3rver> {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  const bin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const proc = spawn(process.execPath, [bin, '--directory', dir, '--address', '127.0.0.1', '--port', '0', '--silent', '--no-vhost-buckets'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let output = '';
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start within 30 s:\n${output}`)), 30_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = LISTENING.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      proc.once('error', (err) => reject(new Error(`cannot start s3rver: ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening:\n${output}`)));
    });
    return { endpoint: `http://127.0.0.1:${port}`, proc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
