/**
 * Streaming decompression of the first member of a gzip file (RFC 1952), telling where it ends.
 * The AWS CLI hashes what Python's zlib yields for the first member and reports any bytes after
 * it; Node's Gunzip would instead decode a second member or fail on other trailing bytes, so we
 * parse the header and trailer ourselves around a raw inflate (which runs on the thread pool) and
 * check the trailer's CRC-32 and length as zlib does.
 */
import { constants, crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { finished } from 'node:stream/promises';

export class GzipFormatError extends Error {
  override name = 'GzipFormatError';
}

export interface MemberEnd {
  /** The member's deflate data and 8-byte trailer were all there (and the trailer matched). */
  complete: boolean;
  /** Bytes after the end of the first member. */
  trailing: number;
}

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const MAX_HEADER = 1 << 20;

/** Length of the gzip header at the start of `b`, or -1 if more bytes are needed. */
function headerLength(b: Buffer): number {
  if ((b.length >= 1 && b[0] !== 0x1f) || (b.length >= 2 && b[1] !== 0x8b)) throw new GzipFormatError('incorrect header check');
  if (b.length < 10) return -1;
  if (b[2] !== 8) throw new GzipFormatError('unknown compression method');
  const flags = b[3]!;
  if (flags & 0xe0) throw new GzipFormatError('unknown header flags set');
  let at = 10;
  if (flags & FEXTRA) {
    if (b.length < at + 2) return -1;
    at += 2 + b.readUInt16LE(at);
  }
  for (const bit of [FNAME, FCOMMENT]) {
    if (!(flags & bit)) continue;
    const zero = b.indexOf(0, at);
    if (zero < 0) return -1;
    at = zero + 1;
  }
  if (flags & FHCRC) {
    if (b.length < at + 2) return -1;
    if ((crc32(b.subarray(0, at)) & 0xffff) !== b.readUInt16LE(at)) throw new GzipFormatError('header crc mismatch');
    at += 2;
  }
  if (b.length >= at) return at;
  if (b.length > MAX_HEADER) throw new GzipFormatError('gzip header too long');
  return -1;
}

/** Resolves once inflate has taken the chunk; an inflate error (whose write callback never comes) rejects. */
const write = (inflate: InflateRaw, chunk: Buffer, failed: Promise<never>) =>
  Promise.race([new Promise<void>((resolve, reject) => inflate.write(chunk, (err) => (err ? reject(err) : resolve()))), failed]);

/**
 * Feeds the decompressed bytes of the first member to `onData` as they come. Corrupt data
 * rejects; a truncated file resolves with `complete: false` after yielding what it could.
 */
export async function inflateFirstMember(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onData: (chunk: Buffer) => void): Promise<MemberEnd> {
  // Sync flush at the end: a truncated stream yields what it has instead of failing (as the CLI's decompressobj).
  const inflate = createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 64 * 1024 });
  let crc = 0;
  let size = 0;
  inflate.on('data', (out: Buffer) => {
    crc = crc32(out, crc);
    size += out.length;
    onData(out);
  });
  const done = finished(inflate);
  done.catch(() => undefined);
  const failed = new Promise<never>((_, reject) => inflate.once('error', reject));
  failed.catch(() => undefined);
  let phase: 'header' | 'body' | 'trailer' | 'after' = 'header';
  let held = Buffer.alloc(0);
  let fed = 0;
  let trailing = 0;
  try {
    for await (const raw of body) {
      let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (phase === 'header') {
        held = Buffer.concat([held, chunk]);
        const len = headerLength(held);
        if (len < 0) continue;
        [chunk, held, phase] = [held.subarray(len), Buffer.alloc(0), 'body'];
      }
      if (phase === 'body') {
        if (chunk.length === 0) continue;
        await write(inflate, chunk, failed);
        fed += chunk.length;
        // Raw inflate stops consuming at the end of the deflate data: what it left is the trailer and beyond.
        const unused = fed - inflate.bytesWritten;
        if (unused === 0) continue;
        [chunk, phase] = [chunk.subarray(chunk.length - unused), 'trailer'];
      }
      if (phase === 'trailer') {
        held = Buffer.concat([held, chunk]);
        if (held.length < 8) continue;
        trailing += held.length - 8;
        [held, phase] = [held.subarray(0, 8), 'after'];
        continue;
      }
      trailing += chunk.length;
    }
    inflate.end();
    await done;
  } catch (err) {
    inflate.destroy();
    throw err;
  }
  if (phase !== 'after') return { complete: false, trailing: 0 };
  if (held.readUInt32LE(0) !== crc >>> 0) throw new GzipFormatError('incorrect data check');
  if (held.readUInt32LE(4) !== size % 2 ** 32) throw new GzipFormatError('incorrect length check');
  return { complete: true, trailing };
}

/** The whole first member of an in-memory gzip file. */
export async function gunzipFirstMember(gz: Buffer): Promise<{ data: Buffer } & MemberEnd> {
  const parts: Buffer[] = [];
  const end = await inflateFirstMember([gz], (c) => parts.push(c));
  return { data: Buffer.concat(parts), ...end };
}
