/**
 * `npm run bench -- s3`: object store throughput beside this disk's raw file throughput, in one
 * run on the same disk — large objects (MiB/s, and the ratio to raw write+fsync / read of the
 * same bytes) and small objects (ops/s) — plus the single-thread MD5 and AES-GCM rates that
 * bound the ratios on this CPU. Each measured path is a `Target`, so the S3 wire service over
 * HTTP is another target. Reads are measured warm (page cache) and, as root, cold (from the disk).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { systemClock } from '../src/lib/clock.js';
import { EmbeddedObjectStore } from '../src/objects/embedded/index.js';
import { startTestServer, tempDir } from '../test/helpers/server.js';
import { prngChunks } from '../test/contract/object-store-helpers.js';
import { fsyncRate, machineFacts } from './machine.js';

const MiB = 1024 * 1024;
const LARGE = Number(process.env.BENCH_OBJECT_MIB ?? 256) * MiB;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const SMALL = 4096;
const SMALL_COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 500);
const SMALL_CONCURRENCY = 16;
const SEGMENT = 256 * 1024;

/** One way of storing and fetching whole objects. */
interface Target {
  name: string;
  put(key: string, chunks: readonly Buffer[], size: number): Promise<void>;
  /** Reads the whole object, returns its length. */
  get(key: string): Promise<number>;
  close(): Promise<void>;
}

async function rawFileTarget(dir: string): Promise<Target> {
  return {
    name: 'raw file (write + fsync / read, 1 MiB I/O)',
    async put(key, chunks) {
      const handle = await open(join(dir, key), 'w');
      for (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
      await handle.close();
    },
    async get(key) {
      const handle = await open(join(dir, key), 'r');
      const buf = Buffer.allocUnsafe(MiB);
      let total = 0;
      for (let n; (n = (await handle.read(buf, 0, MiB, null)).bytesRead) > 0; ) total += n;
      await handle.close();
      return total;
    },
    close: async () => undefined,
  };
}

async function embeddedTarget(dir: string): Promise<Target> {
  const store = await EmbeddedObjectStore.open({ dir, masterKey: randomBytes(32), clock: systemClock });
  await store.createBucket('bench', 'us-east-1', '111122223333');
  return {
    name: 'embedded store (AES-256-GCM, MD5 ETag)',
    async put(key, chunks, size) {
      await store.putObject({ bucket: 'bench', key, body: Readable.from(chunks, { objectMode: false }), contentLength: size });
    },
    async get(key) {
      let total = 0;
      for await (const chunk of (await store.getObject('bench', key)).body) total += (chunk as Buffer).length;
      return total;
    },
    close: () => store.close(),
  };
}

/** The same store behind the S3 wire service, driven by @aws-sdk/client-s3 over loopback HTTP. */
async function httpTarget(): Promise<Target> {
  const server = await startTestServer();
  const client = server.s3();
  await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
  return {
    name: 'S3 API over HTTP (client-s3 -> OpenTrail, embedded store)',
    async put(key, chunks, size) {
      await client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: Readable.from(chunks, { objectMode: false }), ContentLength: size }));
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: key }));
      let total = 0;
      for await (const chunk of out.Body as Readable) total += (chunk as Buffer).length;
      return total;
    },
    close: () => server.stop(),
  };
}

/**
 * Empties the kernel's page cache (root only) so a read comes from the disk: the "raw read" of
 * a file just written is otherwise a memory copy, which no decrypting store can approach.
 */
function dropPageCache(): boolean {
  try {
    execFileSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

interface Large {
  writeMiBs: number;
  /** Read right after the write: from the page cache. */
  readMiBs: number;
  /** Read after dropping the page cache (0 when that is not permitted). */
  coldReadMiBs: number;
}

/**
 * Best of REPEAT runs each way for every target, interleaved (raw, store, raw, store, ...) so a
 * burst of disk or CPU contention from elsewhere hits them alike.
 */
async function large(targets: readonly Target[], chunks: readonly Buffer[]): Promise<Large[]> {
  const best = targets.map(() => ({ writeMiBs: 0, readMiBs: 0, coldReadMiBs: 0 }));
  const mibs = (ms: number) => LARGE / MiB / (ms / 1000);
  for (let i = 0; i < REPEAT; i++) {
    for (const [t, target] of targets.entries()) {
      let start = performance.now();
      await target.put(`large-${i}`, chunks, LARGE);
      best[t]!.writeMiBs = Math.max(best[t]!.writeMiBs, mibs(performance.now() - start));
      start = performance.now();
      if ((await target.get(`large-${i}`)) !== LARGE) throw new Error(`${target.name}: short read`);
      best[t]!.readMiBs = Math.max(best[t]!.readMiBs, mibs(performance.now() - start));
      if (!dropPageCache()) continue;
      start = performance.now();
      if ((await target.get(`large-${i}`)) !== LARGE) throw new Error(`${target.name}: short read`);
      best[t]!.coldReadMiBs = Math.max(best[t]!.coldReadMiBs, mibs(performance.now() - start));
    }
  }
  return best;
}

/** Single-thread MiB/s of the two CPU stages a PUT cannot avoid (the bounds of the ratios). */
function cpuCeilings(chunk: Buffer): { md5: number; aes: number } {
  const rate = (run: () => void) => {
    const start = performance.now();
    for (let i = 0; i < 64; i++) run();
    return (64 * chunk.length) / MiB / ((performance.now() - start) / 1000);
  };
  const key = randomBytes(32);
  return {
    md5: rate(() => createHash('md5').update(chunk).digest()),
    aes: rate(() => {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
      for (let at = 0; at < chunk.length; at += SEGMENT) cipher.update(chunk.subarray(at, at + SEGMENT));
      cipher.final();
    }),
  };
}

/** ops/s of SMALL_COUNT puts, then gets, SMALL_CONCURRENCY at a time. */
async function small(target: Target): Promise<{ putOps: number; getOps: number }> {
  const body = [randomBytes(SMALL)];
  const run = async (op: (i: number) => Promise<unknown>) => {
    let next = 0;
    const t = performance.now();
    await Promise.all(
      Array.from({ length: SMALL_CONCURRENCY }, async () => {
        while (next < SMALL_COUNT) await op(next++);
      }),
    );
    return SMALL_COUNT / ((performance.now() - t) / 1000);
  };
  return { putOps: await run((i) => target.put(`small-${i}`, body, SMALL)), getOps: await run((i) => target.get(`small-${i}`)) };
}

export async function s3Bench(): Promise<void> {
  console.log(`machine: ${machineFacts()}`);
  const dir = tempDir('opentrail-bench-s3-');
  console.log(`disk: ${fsyncRate(dir).toFixed(0)} fsyncs/s (4 KiB append + fsync) in ${dir}`);
  const chunks = [...prngChunks(1, LARGE)];
  console.log(`large objects: ${LARGE / MiB} MiB in 1 MiB chunks, best of ${REPEAT}; small objects: ${SMALL_COUNT} x ${SMALL / 1024} KiB, ${SMALL_CONCURRENCY} concurrent`);
  const ceilings = cpuCeilings(chunks[0]!);
  console.log(`CPU, one thread: MD5 ${ceilings.md5.toFixed(0)} MiB/s, AES-256-GCM ${ceilings.aes.toFixed(0)} MiB/s (256 KiB segments)`);
  const raw = await rawFileTarget(dir);
  const stores = [await embeddedTarget(join(dir, 'objects')), await httpTarget()];
  const [rawLarge, ...storeLarge] = (await large([raw, ...stores], chunks)) as [Large, ...Large[]];
  const cold = (r: Large) => (r.coldReadMiBs > 0 ? `, cold ${r.coldReadMiBs.toFixed(0)} MiB/s` : ' (cold reads not measured: needs root)');
  console.log(`${raw.name}: write ${rawLarge.writeMiBs.toFixed(0)} MiB/s, read warm ${rawLarge.readMiBs.toFixed(0)} MiB/s${cold(rawLarge)}`);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');
  for (const [i, target] of stores.entries()) {
    const r = storeLarge[i]!;
    console.log(
      `${target.name}: PutObject ${r.writeMiBs.toFixed(0)} MiB/s (${ratio(r.writeMiBs, rawLarge.writeMiBs)}x raw), ` +
        `GetObject warm ${r.readMiBs.toFixed(0)} MiB/s (${ratio(r.readMiBs, rawLarge.readMiBs)}x raw)` +
        (r.coldReadMiBs > 0 ? `, cold ${r.coldReadMiBs.toFixed(0)} MiB/s (${ratio(r.coldReadMiBs, rawLarge.coldReadMiBs)}x raw)` : ''),
    );
    const s = await small(target);
    console.log(`${target.name}: ${SMALL / 1024} KiB PutObject ${s.putOps.toFixed(0)} ops/s, GetObject ${s.getOps.toFixed(0)} ops/s`);
    await target.close();
  }
  await rm(dir, { recursive: true, force: true });
}
