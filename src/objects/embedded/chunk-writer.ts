/**
 * Streams a body into one encrypted chunk file with constant memory. The main thread cuts the
 * stream into segments and seals them; the MD5 for the ETag runs on the MD5 worker (a body
 * that fits one segment is hashed inline: not worth a round trip); up to WRITE_DEPTH sealed
 * segments are being written at their known offsets meanwhile. Resolves only after the file is
 * fsynced and published (files.ts); on any failure the temp file is removed.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TAG_BYTES, type KeyWrapper, type SegmentCipher } from './crypto.js';
import type { ChunkFiles } from './files.js';
import type { Md5Job, Md5Worker } from './md5-worker.js';

/** Sealed segments being written at once: keeps the disk busy while the next is sealed. */
const WRITE_DEPTH = 8;
/**
 * Bytes after which a background fdatasync starts: the disk writes back while the CPU is still
 * hashing and sealing, instead of all of it in the final fsync.
 */
const SYNC_EVERY = 16 * 1024 * 1024;

export interface WrittenChunk {
  file: string;
  size: number;
  md5: Buffer;
  crypt: Buffer;
}

export async function writeChunk(body: Readable, files: ChunkFiles, keys: KeyWrapper, md5: Md5Worker): Promise<WrittenChunk> {
  const { name, tempPath } = files.newTemp();
  const { crypt, cipher } = keys.newChunk();
  const handle = await open(tempPath, 'wx');
  const sink = new SegmentSink(handle, cipher, md5);
  try {
    const { size, md5: digest } = await sink.consume(body);
    await handle.sync();
    await handle.close();
    await files.publish(name);
    return { file: name, size, md5: digest, crypt };
  } catch (err) {
    await sink.abandon();
    await handle.close().catch(() => undefined);
    await files.discardTemp(name);
    throw err;
  }
}

/** Cuts a byte stream into sealed segments written to one file. */
class SegmentSink {
  private readonly segmentSize: number;
  private segment: Buffer = Buffer.alloc(0);
  private fill = 0;
  private index = 0;
  private size = 0;
  private job: Md5Job | undefined;
  private inlineMd5: Buffer | undefined;
  private readonly writes: Promise<void>[] = [];
  private unsynced = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly cipher: SegmentCipher,
    private readonly md5: Md5Worker,
  ) {
    this.segmentSize = cipher.segmentSize;
  }

  async consume(body: Readable): Promise<{ size: number; md5: Buffer }> {
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.size += bytes.length;
      let offset = 0;
      while (offset < bytes.length) {
        // A full segment is flushed only once more bytes arrive: until then it may be the last.
        if (this.fill === this.segmentSize) await this.flush(false);
        if (this.fill === 0) this.segment = Buffer.allocUnsafe(this.segmentSize);
        const n = bytes.copy(this.segment, this.fill, offset, Math.min(bytes.length, offset + this.segmentSize - this.fill));
        this.fill += n;
        offset += n;
      }
    }
    await this.flush(true);
    await Promise.all(this.writes);
    await this.syncing;
    const md5 = this.inlineMd5 ?? (await this.job!.digest());
    return { size: this.size, md5 };
  }

  /** Waits for writes in flight and drops the hash (the failure path). */
  async abandon(): Promise<void> {
    this.job?.cancel();
    await Promise.allSettled([...this.writes, this.syncing]);
  }

  private async flush(last: boolean): Promise<void> {
    const index = this.index++;
    const plain = this.segment.subarray(0, this.fill);
    const sealed = this.cipher.seal(index, last, plain);
    const write = this.writeAll(sealed, index * (this.segmentSize + TAG_BYTES));
    write.catch(() => undefined); // observed through `writes`; never an unhandled rejection
    this.writes.push(write);
    const fill = this.fill;
    this.fill = 0;
    if (index === 0 && last) {
      this.inlineMd5 = createHash('md5').update(plain).digest();
    } else {
      this.job ??= this.md5.start();
      await this.job.update(this.segment, fill); // transferred: this.segment is not touched again
    }
    if (this.writes.length >= WRITE_DEPTH) await this.writes.shift();
    this.unsynced += sealed.length;
    if (this.unsynced >= SYNC_EVERY && !this.syncing) {
      this.unsynced = 0;
      const sync = this.handle.datasync().finally(() => (this.syncing = undefined));
      sync.catch(() => undefined); // awaited before the final fsync
      this.syncing = sync;
    }
  }

  private async writeAll(bytes: Buffer, position: number): Promise<void> {
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }
}
