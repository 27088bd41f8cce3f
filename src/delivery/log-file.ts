/**
 * A log file's bytes (reference §3.2, §4.2): gzip of `{"Records":[...]}` whose records are the
 * stored JSON texts byte for byte. Compression (zlib level 6) runs on libuv's thread pool while
 * the file's records are still being read: delivery's scan hands each chunk of text over as it
 * goes, so compressing overlaps reading the event log instead of following it (BENCHMARKS.md,
 * delivery). The bytes are those of one-shot gzip of the whole text: deflate without flushes
 * does not depend on how its input is split. The SHA-256 of the uncompressed text (what a digest
 * lists, reference §5.2) is taken on the same pieces as they go by. Records arrive as the event
 * log's UTF-8 bytes and are copied once into each piece: no JS string is built or encoded.
 */
import { createHash } from 'node:crypto';
import { createGzip, type Gzip } from 'node:zlib';

const HEAD = Buffer.from('{"Records":[');
const TAIL = Buffer.from(']}');
const COMMA = 0x2c;
/** Output buffer per compression call: large enough that one chunk of text is one thread-pool job. */
const OUT_CHUNK = 1 << 20;

export class LogFileBuilder {
  private readonly gzip: Gzip = createGzip({ level: 6, chunkSize: OUT_CHUNK });
  private readonly body: Promise<Buffer>;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private started = false;

  constructor() {
    const out: Buffer[] = [];
    this.gzip.on('data', (chunk: Buffer) => out.push(chunk));
    this.body = new Promise((resolve, reject) => {
      this.gzip.once('end', () => resolve(Buffer.concat(out)));
      this.gzip.once('error', reject);
    });
    // A batch may be dropped before its write awaits this (bucket refused): no unhandled rejection.
    this.body.catch(() => undefined);
  }

  /** One record's JSON, UTF-8. */
  add(record: Buffer): void {
    this.pending.push(record);
    this.pendingBytes += record.length;
  }

  /** Hands the records added since the last flush to the compressor, as one piece. */
  flush(): void {
    if (this.pending.length === 0) return;
    // `{"Records":[` before the file's first record, a comma before each later one.
    const first = !this.started;
    const piece = Buffer.allocUnsafe((first ? HEAD.length - 1 : 0) + this.pending.length + this.pendingBytes);
    let at = first ? HEAD.copy(piece) : 0;
    this.pending.forEach((record, i) => {
      if (i > 0 || !first) piece[at++] = COMMA;
      at += record.copy(piece, at);
    });
    this.write(piece);
    this.started = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The file's gzip bytes (once the compressor is through) and the hex SHA-256 of its text. */
  finish(): { body: Promise<Buffer>; sha256: string } {
    this.flush();
    const tail = this.started ? TAIL : Buffer.concat([HEAD, TAIL]);
    this.hash.update(tail);
    this.gzip.end(tail);
    return { body: this.body, sha256: this.hash.digest('hex') };
  }

  private write(bytes: Buffer): void {
    this.hash.update(bytes);
    this.gzip.write(bytes);
  }

  /** Releases the compressor of a file that will not be finished. */
  discard(): void {
    this.gzip.destroy();
  }
}

export function gzipLogFile(records: readonly Buffer[]): Promise<Buffer> {
  const file = new LogFileBuilder();
  for (const record of records) file.add(record);
  return file.finish().body;
}
