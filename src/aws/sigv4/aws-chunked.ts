/**
 * The aws-chunked framing of S3 streaming uploads, parsed incrementally from pieces split
 * anywhere, in constant memory (chunk data is handed on as slices of the input, never gathered):
 *
 *   signed:    <hex-size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
 *   unsigned:  <hex-size>\r\n<data>\r\n ... 0\r\n
 *
 * then, after the zero-size chunk, "\r\n" or (trailer modes) trailing header lines ending with an
 * empty line. Clients disagree on a blank line between the zero-size chunk and the trailers, and
 * on the final empty line, so both are optional. S3's rules enforced here: every chunk but the
 * last data chunk holds at least 8 KiB (InvalidChunkSizeError), and any framing fault or early
 * end is IncompleteBody. Signatures, lengths and what the trailer lines say are the sink's.
 */
import { MIN_CHUNK_SIZE, PayloadErrors } from './payload-errors.js';

export interface ChunkSink {
  /** A chunk header; size 0 is the final chunk. `signature` is set in signed framing. */
  chunk(size: number, signature: string | undefined): void;
  data(bytes: Buffer): void;
  /** The current chunk's data is complete (called right after the header for size 0). */
  chunkEnd(): void;
  /** The body is complete: the trailing header lines (without CRLF), possibly none. */
  trailers(lines: string[]): void;
}

/** Longest chunk header or trailer line accepted; real ones are under 100 bytes. */
const MAX_LINE = 4096;
/** All trailing lines together. */
const MAX_TRAILER = 16 * 1024;
const SIGNED_HEADER = /^([0-9a-fA-F]{1,13});chunk-signature=(.*)$/;
const UNSIGNED_HEADER = /^([0-9a-fA-F]{1,13})(?:;.*)?$/;

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

export class AwsChunkedParser {
  private state: State = 'header';
  private line = '';
  private remaining = 0;
  private crlfSeen = 0;
  private chunks = 0;
  private previousSize = 0;
  private readonly trailerLines: string[] = [];
  private trailerBytes = 0;
  /** A blank line was read after the final chunk (before any trailer line). */
  private blankAfterFinal = false;

  constructor(
    private readonly sink: ChunkSink,
    private readonly signed: boolean,
  ) {}

  write(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case 'header':
        case 'trailer':
          i = this.readLine(buf, i);
          break;
        case 'data': {
          const n = Math.min(this.remaining, buf.length - i);
          this.sink.data(buf.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.endData();
          break;
        }
        case 'data-crlf':
          if (buf[i] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw PayloadErrors.truncated();
          i++;
          if (++this.crlfSeen === 2) this.state = 'header';
          break;
        case 'done':
          // stray line ends after the end are harmless; anything else is not aws-chunked
          if (buf[i] !== 0x0d && buf[i] !== 0x0a) throw PayloadErrors.truncated();
          i++;
          break;
      }
    }
  }

  /** The input ended: anything but a complete body is IncompleteBody. */
  end(): void {
    if (this.state === 'trailer') {
      // Clients stop without the final empty line, some even without the last CRLF. Nothing is
      // lost by allowing it: a cut trailer value or signature fails its own check.
      if (this.line !== '') this.trailerLine(this.line.replace(/\r$/, ''));
      if (this.state === 'trailer') this.finish();
    }
    if (this.state !== 'done') throw PayloadErrors.truncated();
  }

  /** Gathers one CRLF-terminated line; returns where reading stopped. */
  private readLine(buf: Buffer, from: number): number {
    const lf = buf.indexOf(0x0a, from);
    const stop = lf < 0 ? buf.length : lf;
    if (this.line.length + (stop - from) > MAX_LINE) throw this.lineError();
    this.line += buf.toString('latin1', from, stop);
    if (lf < 0) return buf.length;
    if (!this.line.endsWith('\r')) throw this.lineError();
    const line = this.line.slice(0, -1);
    this.line = '';
    if (this.state === 'header') this.header(line);
    else this.trailerLine(line);
    return lf + 1;
  }

  private lineError() {
    return this.state === 'trailer' ? PayloadErrors.malformedTrailer() : PayloadErrors.truncated();
  }

  private header(line: string): void {
    const m = (this.signed ? SIGNED_HEADER : UNSIGNED_HEADER).exec(line);
    if (!m) throw PayloadErrors.truncated();
    const size = parseInt(m[1] as string, 16);
    this.chunks++;
    // a small chunk is only wrong once another data chunk shows it was not the last
    if (size > 0 && this.chunks > 1 && this.previousSize < MIN_CHUNK_SIZE) {
      throw PayloadErrors.chunkTooSmall(this.chunks, this.previousSize);
    }
    this.previousSize = size;
    this.sink.chunk(size, this.signed ? m[2] : undefined);
    if (size === 0) {
      this.sink.chunkEnd();
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.state = 'data';
    }
  }

  private endData(): void {
    this.sink.chunkEnd();
    this.crlfSeen = 0;
    this.state = 'data-crlf';
  }

  private trailerLine(line: string): void {
    if (line === '') {
      if (this.trailerLines.length > 0 || this.blankAfterFinal) this.finish();
      else this.blankAfterFinal = true;
      return;
    }
    this.trailerBytes += line.length + 2;
    if (this.trailerBytes > MAX_TRAILER) throw PayloadErrors.malformedTrailer();
    this.trailerLines.push(line);
  }

  private finish(): void {
    this.state = 'done';
    this.sink.trailers(this.trailerLines);
  }
}
