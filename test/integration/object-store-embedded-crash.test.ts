/**
 * Embedded object store guarantees the contract cannot see: encryption at rest, tamper
 * detection, durability across a SIGKILL mid-write (and the sweep of what the crash left), and
 * constant memory for a 1 GiB object. The crash case re-runs this file as a child process
 * (CRASH_CHILD set) that writes and is killed mid-stream.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/lib/clock.js';
import { DEFAULT_SEGMENT_LOG2 } from '../../src/objects/embedded/crypto.js';
import { EmbeddedObjectStore } from '../../src/objects/embedded/index.js';
import { MiB, OWNER, bodyOf, prngChunks, prngMd5, prngStream, readAll, streamMd5 } from '../contract/object-store-helpers.js';
import { tempDir } from '../helpers/server.js';

const BUCKET = 'crash-bucket';
const SEGMENT = 2 ** DEFAULT_SEGMENT_LOG2;

function open(dir: string, masterKey: Buffer): Promise<EmbeddedObjectStore> {
  return EmbeddedObjectStore.open({ dir, masterKey, clock: systemClock });
}

/** Every chunk file currently published under `dir`. */
function blobFiles(dir: string): string[] {
  const root = join(dir, 'blobs');
  return readdirSync(root).flatMap((sub) => readdirSync(join(root, sub)).map((f) => join(root, sub, f)));
}

if (process.env.CRASH_CHILD) await crashChild(process.env.CRASH_CHILD, Buffer.from(process.env.CRASH_KEY!, 'hex'));
else suite();

/** Child: writes `stable` fully, then starts replacing it and a new key and never finishes. */
async function crashChild(dir: string, key: Buffer): Promise<void> {
  const store = await open(dir, key);
  await store.createBucket(BUCKET, 'us-east-1', OWNER);
  await store.putObject({ bucket: BUCKET, key: 'stable', body: prngStream(1, 3 * MiB + 5) });
  let sent = 0;
  const endless = () =>
    new Readable({
      read() {
        this.push(randomBytes(256 * 1024));
        sent += 256 * 1024;
        if (sent >= 16 * MiB) process.stdout.write('streaming\n');
      },
    });
  void store.putObject({ bucket: BUCKET, key: 'stable', body: endless() });
  void store.putObject({ bucket: BUCKET, key: 'never', body: endless() });
  await new Promise(() => undefined);
}

function suite(): void {
  const roots: string[] = [];
  const fresh = () => {
    const root = tempDir('opentrail-objects-');
    roots.push(root);
    return join(root, 'objects');
  };
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  describe('embedded object store at rest', () => {
    test('files on disk never contain the plaintext', async () => {
      const dir = fresh();
      const store = await open(dir, randomBytes(32));
      await store.createBucket(BUCKET, 'us-east-1', OWNER);
      const marker = 'OPENTRAIL-PLAINTEXT-MARKER-';
      const plain = Buffer.from(marker.repeat(Math.ceil((2 * MiB) / marker.length)));
      const meta = await store.putObject({ bucket: BUCKET, key: 'secret', body: bodyOf(plain), userMetadata: { a: 'b' } });
      assert.equal(meta.serverSideEncryption, 'AES256');
      assert.equal((await store.headObject(BUCKET, 'secret'))?.serverSideEncryption, 'AES256');
      const files = blobFiles(dir);
      assert.equal(files.length, 1);
      assert.equal(statSync(files[0]!).size, plain.length + Math.ceil(plain.length / SEGMENT) * 16, 'one tag per segment');
      await store.close();
      for (const file of [...files, join(dir, 'objects.db'), join(dir, 'objects.db-wal')]) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          continue;
        }
        assert.equal(bytes.includes(marker), false, `${file} holds plaintext`);
      }
    });

    test('a flipped, truncated or swapped byte fails the read; so does another master key', async () => {
      const dir = fresh();
      const key = randomBytes(32);
      let store = await open(dir, key);
      await store.createBucket(BUCKET, 'us-east-1', OWNER);
      const data = Buffer.concat([...prngChunks(5, 3 * MiB)]);
      await store.putObject({ bucket: BUCKET, key: 'k', body: bodyOf(data) });
      const [file] = blobFiles(dir) as [string];
      const original = readFileSync(file);
      assert.ok((await readAll((await store.getObject(BUCKET, 'k')).body)).equals(data));

      const tamper = (edit: (b: Buffer) => Buffer) => writeFileSync(file, edit(Buffer.from(original)));
      const expectCorrupt = async (range?: { start: number; end: number }) =>
        assert.rejects(readAll((await store.getObject(BUCKET, 'k', range)).body), /failed authentication/);

      tamper((b) => ((b[MiB + 100] = b[MiB + 100]! ^ 1), b));
      await expectCorrupt();
      await expectCorrupt({ start: MiB + 50, end: MiB + 60 });
      await expectCorrupt({ start: MiB - 50, end: MiB + 50 }); // spans the tampered segment
      // Untouched segments still serve a Range: only what is read is authenticated.
      assert.ok((await readAll((await store.getObject(BUCKET, 'k', { start: 10, end: 20 })).body)).equals(data.subarray(10, 21)));

      tamper((b) => b.subarray(0, b.length - 1));
      await expectCorrupt({ start: 0, end: 10 });
      const seg = SEGMENT + 16;
      tamper((b) => Buffer.concat([b.subarray(seg, 2 * seg), b.subarray(0, seg), b.subarray(2 * seg)]));
      await expectCorrupt({ start: 0, end: 10 });
      tamper((b) => b);
      await store.close();
      store = await open(dir, randomBytes(32));
      await expectCorrupt();
      await store.close();
      store = await open(dir, key);
      assert.ok((await readAll((await store.getObject(BUCKET, 'k')).body)).equals(data));
      await store.close();
    });

    test('a SIGKILL mid-write keeps the previous version and leaves nothing behind', async () => {
      const dir = fresh();
      const key = randomBytes(32);
      const self = fileURLToPath(import.meta.url);
      const child = spawn(process.execPath, ['--import', 'tsx', self], {
        env: { ...process.env, CRASH_CHILD: dir, CRASH_KEY: key.toString('hex') },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('streaming') && resolve());
        child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      assert.ok(readdirSync(join(dir, 'tmp')).length > 0, 'the crash left partial temp files');

      const store = await open(dir, key);
      const { md5, size } = await streamMd5((await store.getObject(BUCKET, 'stable')).body);
      assert.deepEqual({ md5, size }, { md5: prngMd5(1, 3 * MiB + 5), size: 3 * MiB + 5 });
      assert.equal(await store.headObject(BUCKET, 'never'), undefined);
      assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'temp files swept');
      assert.equal(blobFiles(dir).length, 1, 'only the committed file remains');
      await store.close();
    });

    test('orphaned published files are swept at open; referenced ones stay', async () => {
      const dir = fresh();
      const key = randomBytes(32);
      let store = await open(dir, key);
      await store.createBucket(BUCKET, 'us-east-1', OWNER);
      await store.putObject({ bucket: BUCKET, key: 'kept', body: bodyOf('kept') });
      await store.close();
      const orphan = join(dir, 'blobs', 'ab', 'ab'.padEnd(32, '0'));
      writeFileSync(orphan, 'published but never committed');
      store = await open(dir, key);
      assert.equal(blobFiles(dir).includes(orphan), false);
      assert.equal(blobFiles(dir).length, 1);
      assert.equal((await readAll((await store.getObject(BUCKET, 'kept')).body)).toString(), 'kept');
      await store.close();
    });

    test('a 1 GiB object streams in and out with constant memory', async (t) => {
      const size = 1024 * MiB;
      const dir = fresh();
      const store = await open(dir, randomBytes(32));
      await store.createBucket(BUCKET, 'us-east-1', OWNER);
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      try {
        const sent = createHash('md5');
        const body = Readable.from(
          (function* () {
            for (const chunk of prngChunks(99, size)) {
              sent.update(chunk);
              yield chunk;
            }
          })(),
          { objectMode: false },
        );
        const meta = await store.putObject({ bucket: BUCKET, key: 'big', body, contentLength: size });
        const expected = sent.digest('hex');
        assert.equal(meta.etag, `"${expected}"`);
        assert.equal(meta.size, size);
        assert.deepEqual(await streamMd5((await store.getObject(BUCKET, 'big')).body), { md5: expected, size });
      } finally {
        clearInterval(sampler);
        await store.close();
      }
      const growth = (peak - baseline) / MiB;
      t.diagnostic(`RSS growth while streaming 1 GiB: ${growth.toFixed(0)} MiB`);
      assert.ok(growth < 200, `RSS grew by ${growth.toFixed(0)} MiB while streaming 1 GiB`);
    });
  });
}
