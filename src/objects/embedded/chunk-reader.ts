/**
 * Streams plaintext out of chunk files: for a byte range it reads and opens only the segments
 * that overlap it, keeping up to READ_AHEAD segment reads in flight on the thread pool while the
 * main thread decrypts and the consumer takes the previous ones. Every segment is authenticated
 * before a byte of it is yielded; a file of the wrong length fails before anything is served.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CorruptObjectError, TAG_BYTES, type KeyWrapper, type SegmentCipher } from './crypto.js';
import type { ChunkFiles } from './files.js';

const READ_AHEAD = 8;

export interface StoredChunk {
  file: string;
  size: number;
  crypt: Buffer;
}

/** Plaintext bytes `start..end` (inclusive) of the chunks laid end to end. */
export async function* readChunks(
  chunks: readonly StoredChunk[],
  start: number,
  end: number,
  files: ChunkFiles,
  keys: KeyWrapper,
): AsyncGenerator<Buffer> {
  let chunkStart = 0;
  for (const chunk of chunks) {
    const chunkEnd = chunkStart + chunk.size - 1;
    if (chunkEnd >= start && chunkStart <= end && chunk.size > 0) {
      const from = Math.max(start, chunkStart) - chunkStart;
      const to = Math.min(end, chunkEnd) - chunkStart;
      yield* readChunk(chunk, from, to, files, keys);
    }
    chunkStart += chunk.size;
    if (chunkStart > end) return;
  }
}

async function* readChunk(
  chunk: StoredChunk,
  from: number,
  to: number,
  files: ChunkFiles,
  keys: KeyWrapper,
): AsyncGenerator<Buffer> {
  const cipher = keys.open(chunk.crypt);
  const handle = await open(files.path(chunk.file), 'r');
  const inFlight: Promise<Buffer>[] = [];
  try {
    const { size: fileSize } = await handle.stat();
    if (fileSize !== cipher.sealedLength(chunk.size)) throw new CorruptObjectError(`file length ${fileSize}`);
    const seg = cipher.segmentSize;
    const first = Math.floor(from / seg);
    const last = Math.floor(to / seg);
    const final = cipher.segmentCount(chunk.size) - 1;
    let next = first;
    for (let index = first; index <= last; index++) {
      while (next <= last && next < index + READ_AHEAD) {
        const read = readSegment(handle, cipher, chunk.size, next++);
        read.catch(() => undefined); // observed when its turn comes; never an unhandled rejection
        inFlight.push(read);
      }
      const plain = cipher.open(index, index === final, await inFlight.shift()!);
      const lo = index === first ? from - index * seg : 0;
      const hi = index === last ? to - index * seg + 1 : plain.length;
      yield lo === 0 && hi === plain.length ? plain : plain.subarray(lo, hi);
    }
  } finally {
    await Promise.allSettled(inFlight);
    await handle.close();
  }
}

/** The sealed bytes of segment `index`. */
async function readSegment(handle: FileHandle, cipher: SegmentCipher, size: number, index: number): Promise<Buffer> {
  const seg = cipher.segmentSize;
  const sealed = Buffer.allocUnsafe(Math.min(seg, size - index * seg) + TAG_BYTES);
  const position = index * (seg + TAG_BYTES);
  for (let done = 0; done < sealed.length; ) {
    const { bytesRead } = await handle.read(sealed, done, sealed.length - done, position + done);
    if (bytesRead === 0) throw new CorruptObjectError(`segment ${index} is truncated`);
    done += bytesRead;
  }
  return sealed;
}
