/** Shared helpers of the ObjectStore contract suite and the store-specific tests. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectStoreError, type ObjectStore, type ObjectStoreErrorCode } from '../../src/objects/object-store.js';

export interface OpenedStore {
  store: ObjectStore;
  close(): Promise<void>;
}

export const OWNER = '111122223333';
export const OTHER_OWNER = '444455556666';
export const MiB = 1024 * 1024;

let bucketCounter = 0;
/** A bucket name no other test (or earlier run against the same server) uses. */
export function uniqueBucket(label: string): string {
  return `ct-${label}-${randomBytes(4).toString('hex')}-${bucketCounter++}`;
}

export function bodyOf(data: Buffer | string): Readable {
  return Readable.from([Buffer.from(data)]);
}

export async function readAll(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** S3's multipart ETag for parts with these contents. */
export function multipartEtagOf(parts: readonly Buffer[]): string {
  const hash = createHash('md5');
  for (const p of parts) hash.update(createHash('md5').update(p).digest());
  return `"${hash.digest('hex')}-${parts.length}"`;
}

export async function expectCode(promise: Promise<unknown>, code: ObjectStoreErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ObjectStoreError, `expected ObjectStoreError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** Deterministic pseudo-random bytes (xorshift32), `size` bytes from `seed`, 1 MiB at a time. */
export function* prngChunks(seed: number, size: number, chunkSize = MiB): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let done = 0; done < size; done += chunkSize) {
    const n = Math.min(chunkSize, size - done);
    const chunk = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
    const words = new Uint32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x;
    }
    yield chunk.subarray(0, n);
  }
}

/** A readable stream of `prngChunks`, generated lazily (never whole in memory). */
export function prngStream(seed: number, size: number, chunkSize = MiB): Readable {
  return Readable.from(prngChunks(seed, size, chunkSize), { objectMode: false });
}

/** MD5 hex of what `prngStream(seed, size)` yields. */
export function prngMd5(seed: number, size: number): string {
  const hash = createHash('md5');
  for (const chunk of prngChunks(seed, size)) hash.update(chunk);
  return hash.digest('hex');
}

/** The bytes of `prngStream(seed, size)`, for objects small enough to hold. */
export function prngBytes(seed: number, size: number): Buffer {
  return Buffer.concat([...prngChunks(seed, size)]);
}

/** MD5 hex of a stream's bytes, consumed with constant memory. */
export async function streamMd5(body: Readable): Promise<{ md5: string; size: number }> {
  const hash = createHash('md5');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { md5: hash.digest('hex'), size };
}
