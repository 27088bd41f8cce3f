/**
 * A 1 GiB object up and down through the HTTP server with the official client, in constant
 * memory: the body comes from a seeded generator (never held whole), goes through aws-chunked
 * decoding and checksum checks into the encrypted embedded store, and streams back with
 * backpressure. MD5s on both sides must match the ETag, and the process's RSS may grow by no
 * more than a bounded amount while a GiB passes through. Also: a client that disconnects
 * mid-download or mid-upload does not disturb the server, and a cut-off upload stores nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import http from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seededStream } from '../helpers/s3.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** Generous: buffers on both sides of the socket, the store's chunking, GC slack. */
const MAX_RSS_GROWTH = 300 * MiB;

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = server.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'large-bucket' }));
});
after(async () => server.stop());

/** Samples RSS until stopped; resolves to the peak growth over the starting value. */
function watchRss(): () => number {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss) - start;
  };
}

/** A pass-through that hashes what flows by. */
function md5Tap(): { tap: Transform; hex: () => string } {
  const hash = createHash('md5');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, hex: () => hash.digest('hex') };
}

test('1 GiB up and down in bounded memory, bytes intact', { timeout: 600_000 }, async () => {
  const stop = watchRss();
  const sent = md5Tap();
  const body = seededStream(20261123, GiB).pipe(sent.tap);
  const put = await s3.send(new PutObjectCommand({ Bucket: 'large-bucket', Key: 'one-gib.bin', Body: body, ContentLength: GiB }));
  const sentMd5 = sent.hex();
  assert.equal(put.ETag, `"${sentMd5}"`);

  const head = await s3.send(new HeadObjectCommand({ Bucket: 'large-bucket', Key: 'one-gib.bin' }));
  assert.equal(head.ContentLength, GiB);

  const got = await s3.send(new GetObjectCommand({ Bucket: 'large-bucket', Key: 'one-gib.bin' }));
  assert.equal(got.ContentLength, GiB);
  const received = createHash('md5');
  let size = 0;
  for await (const chunk of got.Body as AsyncIterable<Buffer>) {
    received.update(chunk);
    size += chunk.length;
  }
  const growth = stop();
  assert.equal(size, GiB);
  assert.equal(received.digest('hex'), sentMd5);
  assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${Math.round(growth / MiB)} MiB moving 2 GiB`);
});

test('a client that disconnects mid-download leaves the server serving', { timeout: 120_000 }, async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'large-bucket', Key: 'one-gib.bin' }), { expiresIn: 300 });
  await new Promise<void>((resolve, reject) => {
    const req = http.get(url, (res) => {
      assert.equal(res.statusCode, 200);
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 8 * MiB) {
          req.destroy();
          resolve();
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
  });
  // The server is still there, and serves a range of the same object correctly.
  const range = await s3.send(new GetObjectCommand({ Bucket: 'large-bucket', Key: 'one-gib.bin', Range: `bytes=${GiB - 16}-` }));
  const tail = Buffer.from(await range.Body!.transformToByteArray());
  assert.equal(tail.length, 16);
  let last: Buffer = Buffer.alloc(0);
  for await (const chunk of seededStream(20261123, GiB)) last = chunk as Buffer;
  assert.ok(last.subarray(last.length - 16).equals(tail), 'the last 16 bytes match the generator');
});

test('a client that disconnects mid-upload leaves nothing stored and the server serving', { timeout: 60_000 }, async () => {
  const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'large-bucket', Key: 'cut-off.bin' }), { expiresIn: 300 }));
  await new Promise<void>((resolve) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-length': String(64 * MiB) } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(4 * MiB, 1), () => setTimeout(() => req.destroy(), 100));
    req.on('close', () => resolve());
  });
  const stored = await s3.send(new HeadObjectCommand({ Bucket: 'large-bucket', Key: 'cut-off.bin' })).then(
    () => true,
    () => false,
  );
  assert.equal(stored, false);
  const ok = await s3.send(new PutObjectCommand({ Bucket: 'large-bucket', Key: 'after.txt', Body: 'still here' }));
  assert.ok(ok.ETag);
});
