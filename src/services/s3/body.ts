/**
 * An S3 request's body, read once: streamed to the bucket store (uploads) or gathered up to a
 * limit (XML and JSON documents), always through `decodePayload`, which holds the bytes to what
 * the request declared — payload hash, chunk signatures, decoded length, trailers, the
 * `x-amz-checksum-*` value and Content-MD5 (the options for it are read from the headers here).
 * The decoded length must be declared up front (Content-Length, or x-amz-decoded-content-length
 * for aws-chunked bodies), as S3 requires, so an oversized upload is refused before a byte is
 * read. When decoding fails the socket stream is left unread: the edge drains or drops it after
 * the error response.
 */
import { Readable } from 'node:stream';
import type { RawRequest, Verified } from '../../aws/sigv4/index.js';
import { decodePayload, type DecodeOptions, type PayloadStream } from '../../aws/sigv4/streaming.js';
import { header } from '../../aws/sigv4/parse.js';
import { algorithmOfHeader, CHECKSUM_ALGORITHMS, checksumHeaderName, type ChecksumAlgorithm } from '../../aws/checksums.js';
import { S3Errors } from './errors.js';

/** S3's largest single PUT (5 GiB). */
const MAX_OBJECT_BYTES = 5 * 1024 ** 3;
/** Request documents (a 1000-key Delete, a 10,000-part Complete) stay well under this. */
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** The one x-amz-checksum-* value a request may carry, or the algorithm it asks to be computed. */
function checksumOption(raw: RawRequest): DecodeOptions['checksum'] {
  const sent = Object.keys(raw.headers).flatMap((name) => {
    const algorithm = algorithmOfHeader(name);
    return algorithm ? [{ algorithm, expectedBase64: header(raw.headers, name) ?? '' }] : [];
  });
  if (sent.length > 1) throw S3Errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  if (sent[0]) return sent[0];
  const asked = header(raw.headers, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  if (asked === undefined) return undefined;
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => a === asked);
  if (!algorithm) {
    throw S3Errors.invalidRequest(`Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${CHECKSUM_ALGORITHMS.join(', ')}]`);
  }
  return { algorithm };
}

function decodeOptions(raw: RawRequest): DecodeOptions {
  const opts: DecodeOptions = {};
  const decoded = header(raw.headers, 'x-amz-decoded-content-length');
  if (decoded !== undefined && /^\d+$/.test(decoded)) opts.decodedContentLength = Number(decoded);
  const trailer = header(raw.headers, 'x-amz-trailer');
  if (trailer) opts.declaredTrailers = trailer.split(',').map((s) => s.trim()).filter(Boolean);
  const checksum = checksumOption(raw);
  if (checksum) opts.checksum = checksum;
  const md5 = header(raw.headers, 'content-md5');
  if (md5 !== undefined) opts.contentMd5Base64 = md5;
  return opts;
}

export class RequestBody {
  private decoded: PayloadStream | undefined;

  constructor(
    private readonly raw: RawRequest,
    private readonly verified: Verified,
  ) {}

  /** Decoded bytes read so far (the record's bytesTransferredIn). */
  get bytesIn(): number {
    return this.decoded?.bytesDecoded ?? 0;
  }

  /** The decoded length the request declares, or undefined when it declares none. */
  declaredLength(): number | undefined {
    const chunked = this.verified.payload.kind === 'signed-chunks' || this.verified.payload.kind === 'unsigned-chunks';
    const value = header(this.raw.headers, chunked ? 'x-amz-decoded-content-length' : 'content-length');
    if (value !== undefined) return /^\d+$/.test(value) ? Number(value) : undefined;
    return chunked || header(this.raw.headers, 'transfer-encoding') !== undefined ? undefined : 0;
  }

  /** x-amz-checksum-* headers echoing the checksums the client sent or asked for (body fully read). */
  checksumHeaders(): Record<string, string> {
    const computed = this.decoded?.result?.checksums ?? {};
    const out: Record<string, string> = {};
    for (const [algorithm, value] of Object.entries(computed) as [ChecksumAlgorithm, string][]) {
      out[checksumHeaderName(algorithm)] = value;
    }
    return out;
  }

  /** The upload's bytes; MissingContentLength / EntityTooLarge before reading, as S3. */
  stream(): Readable {
    const length = this.declaredLength();
    if (length === undefined) throw S3Errors.missingContentLength();
    if (length > MAX_OBJECT_BYTES) throw S3Errors.entityTooLarge(MAX_OBJECT_BYTES);
    return this.open();
  }

  async text(): Promise<string> {
    const limit = MAX_DOCUMENT_BYTES;
    const length = this.declaredLength();
    if (length !== undefined && length > limit) throw S3Errors.maxMessageLength(limit);
    const stream = this.open();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      if (this.bytesIn > limit) {
        stream.destroy();
        throw S3Errors.maxMessageLength(limit);
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private open(): PayloadStream {
    if (this.decoded) throw new Error('the request body was already read');
    const source = this.raw.bodyStream ?? Readable.from([Buffer.from(this.raw.body)]);
    const decoded = decodePayload(source, this.verified.payload, decodeOptions(this.raw));
    this.decoded = decoded;
    // Whoever reads the stream sees its errors; this only keeps an error that comes before
    // (or after) anyone reads it — a client gone, bad headers — from crashing the process.
    decoded.on('error', () => undefined);
    if (decoded.destroyed) throw decoded.errored ?? S3Errors.internalError();
    return decoded;
  }
}
