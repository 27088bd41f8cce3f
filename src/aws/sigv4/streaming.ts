/**
 * Reading an S3 request body that signature verification could not see (verifySigV4 checked only
 * the declared x-amz-content-sha256): `decodePayload` turns the raw body into the object's bytes
 * while holding them to everything the request promised — the SHA-256, the chunk-signature chain,
 * the aws-chunked framing, x-amz-decoded-content-length, the trailers, the checksums and
 * Content-MD5 (payload-check.ts). It is a stream with backpressure and constant memory, so a
 * 1 GiB upload never sits in memory.
 *
 * The bytes flow on as they arrive, before the end proves them: a chunk's signature is known only
 * once the whole chunk is read, and a payload hash or checksum only at the very end. So only
 * 'end' makes the bytes good; on 'error' (an AwsError in S3's words) everything already taken
 * from the stream must be discarded. On a failure the source is unpiped and left unread:
 * draining it or closing the connection is the HTTP edge's choice.
 */
import { finished, Transform, type Readable, type TransformCallback } from 'node:stream';
import { PayloadCheck, type DecodeOptions, type PayloadResult } from './payload-check.js';
import { PayloadErrors } from './payload-errors.js';
import type { PayloadMode } from './types.js';

export type { DecodeOptions, PayloadResult };

export function decodePayload(body: Readable, mode: PayloadMode, opts: DecodeOptions = {}): PayloadStream {
  const stream = new PayloadStream(mode, opts);
  if (stream.destroyed) return stream;
  finished(body, { writable: false }, (err) => {
    // a client that goes away mid-body (socket reset, premature close) sent an incomplete body
    if (err && !stream.destroyed) stream.destroy(Object.assign(PayloadErrors.truncated(), { cause: err }));
  });
  body.pipe(stream);
  return stream;
}

/** The decoded body. `result` is set just before 'end', once every check passed. */
export class PayloadStream extends Transform {
  private readonly check: PayloadCheck | undefined;
  private outcome: PayloadResult | undefined;

  constructor(mode: PayloadMode, opts: DecodeOptions) {
    super();
    try {
      this.check = new PayloadCheck(mode, opts, (bytes) => this.push(bytes));
    } catch (e) {
      // invalid Content-MD5, checksum value or x-amz-trailer: fail before reading anything
      this.destroy(e as Error);
    }
  }

  /** The decoded length the body must have (aws-chunked bodies that declared one). */
  get declaredLength(): number | undefined {
    return this.check?.declaredLength;
  }

  get bytesDecoded(): number {
    return this.check?.decoded ?? 0;
  }

  get result(): PayloadResult | undefined {
    return this.outcome;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.check?.input(chunk);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.outcome = this.check?.end();
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }
}
