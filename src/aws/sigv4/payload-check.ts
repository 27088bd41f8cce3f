/**
 * The checks one S3 request body must pass, fed its raw bytes in pieces: aws-chunked decoding and
 * the chunk-signature chain as bytes arrive, then at the end the decoded length, the payload
 * SHA-256, the trailers, the checksums and Content-MD5. Decoded bytes go to `emit` as they come;
 * streaming.ts wraps this in a stream.
 */
import { createHash, type Hash } from 'node:crypto';
import { checksumHeaderName, createHasher, isChecksumValue, type ChecksumAlgorithm, type Hasher } from '../checksums.js';
import { AwsChunkedParser, type ChunkSink } from './aws-chunked.js';
import { SignatureChain } from './chunk-signing.js';
import { PayloadErrors } from './payload-errors.js';
import { announcedChecksums, announcedValues, parseTrailers } from './trailers.js';
import { payloadOptionsFromHeaders, type PayloadOptions } from './payload-options.js';
import type { PayloadMode, RawRequest } from './types.js';

export interface DecodeOptions extends PayloadOptions {
  /** The request's headers, read for whichever options are not given (payload-options.ts). */
  headers?: RawRequest['headers'];
}

export interface PayloadResult {
  /** Decoded bytes delivered. */
  length: number;
  /** MD5 of the decoded bytes: a single-part object's ETag is its hex. */
  md5: Buffer;
  /** base64 of every checksum computed (the one asked for and any announced trailer's), to echo. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** The trailing headers received, lower-case names, the trailer signature left out. */
  trailers: ReadonlyMap<string, string>;
}

export class PayloadCheck implements ChunkSink {
  decoded = 0;
  private readonly md5 = createHasher('MD5');
  private readonly checksums = new Map<ChecksumAlgorithm, Hasher>();
  private readonly declared: readonly string[];
  private trailerValues = new Map<ChecksumAlgorithm, string>();
  private trailerMap: ReadonlyMap<string, string> = new Map();
  private readonly sha256: Hash | undefined;
  private readonly parser: AwsChunkedParser | undefined;
  private readonly chain: SignatureChain | undefined;
  private chunkHash: Hash | undefined;
  private chunkSignature = '';

  private readonly opts: PayloadOptions;

  /** Throws when the options themselves are invalid (Content-MD5, checksum value, x-amz-trailer). */
  constructor(
    private readonly mode: PayloadMode,
    options: DecodeOptions,
    private readonly emit: (bytes: Buffer) => void,
  ) {
    const { headers, ...explicit } = options;
    // an option given as undefined leaves the header's word standing
    const given = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined)) as PayloadOptions;
    this.opts = headers ? { ...payloadOptionsFromHeaders(headers), ...given } : given;
    this.declared = this.opts.declaredTrailers ?? [];
    for (const algorithm of this.algorithms()) this.checksums.set(algorithm, createHasher(algorithm));
    const chunked = mode.kind === 'signed-chunks' || mode.kind === 'unsigned-chunks';
    this.parser = chunked ? new AwsChunkedParser(this, mode.kind === 'signed-chunks') : undefined;
    this.chain = mode.kind === 'signed-chunks' ? new SignatureChain(mode.signing) : undefined;
    this.sha256 = mode.kind === 'sha256' ? createHash('sha256') : undefined;
  }

  /** The decoded length the body must have, when the request declared one. */
  get declaredLength(): number | undefined {
    return this.parser ? this.opts.decodedContentLength : undefined;
  }

  input(raw: Buffer): void {
    if (this.parser) this.parser.write(raw);
    else this.deliver(raw);
  }

  /** The raw body ended: every end-of-body check, in the order S3 reports them. */
  end(): PayloadResult {
    this.parser?.end();
    const limit = this.declaredLength;
    if (limit !== undefined && this.decoded !== limit) throw PayloadErrors.lengthMismatch(limit, this.decoded);
    if (this.mode.kind === 'sha256' && this.sha256) {
      const computed = this.sha256.digest('hex');
      if (computed !== this.mode.expectedHex) throw PayloadErrors.contentSha256Mismatch(this.mode.expectedHex, computed);
    }
    // a body that cannot carry trailers never delivers the ones announced
    if (!this.parser && this.declared.length > 0) throw PayloadErrors.malformedTrailer();
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [algorithm, hasher] of this.checksums) checksums[algorithm] = hasher.digest().toString('base64');
    const fromHeader = this.opts.checksum;
    if (fromHeader?.expectedBase64 !== undefined && checksums[fromHeader.algorithm] !== fromHeader.expectedBase64) {
      throw PayloadErrors.checksumMismatch(fromHeader.algorithm);
    }
    for (const [algorithm, value] of this.trailerValues) {
      if (checksums[algorithm] !== value) throw PayloadErrors.checksumMismatch(algorithm);
    }
    const md5 = this.md5.digest();
    if (this.opts.contentMd5Base64 !== undefined && md5.toString('base64') !== this.opts.contentMd5Base64) {
      throw PayloadErrors.md5Mismatch();
    }
    return { length: this.decoded, md5, checksums, trailers: this.trailerMap };
  }

  // ChunkSink: the parser's callbacks

  chunk(_size: number, signature: string | undefined): void {
    if (!this.chain) return;
    this.chunkHash = createHash('sha256');
    this.chunkSignature = signature ?? '';
  }

  data(bytes: Buffer): void {
    this.chunkHash?.update(bytes);
    this.deliver(bytes);
  }

  chunkEnd(): void {
    if (this.chain && this.chunkHash) this.chain.chunk(this.chunkHash.digest('hex'), this.chunkSignature);
  }

  trailers(lines: string[]): void {
    const parsed = parseTrailers(lines);
    const signedTrailer = this.mode.kind === 'signed-chunks' && this.mode.trailer;
    // without -TRAILER the trailers would be outside every signature
    if (!signedTrailer && this.mode.kind !== 'unsigned-chunks' && lines.length > 0) throw PayloadErrors.malformedTrailer();
    if (signedTrailer && this.chain && lines.length > 0) {
      if (parsed.signature === undefined) throw PayloadErrors.malformedTrailer();
      this.chain.trailer(parsed.canonical, parsed.signature);
    } else if (parsed.signature !== undefined) {
      throw PayloadErrors.malformedTrailer();
    }
    this.trailerValues = announcedValues(parsed, this.declared);
    this.trailerMap = parsed.values;
  }

  /** What to compute, after validating the values given for it. */
  private algorithms(): Set<ChecksumAlgorithm> {
    const { checksum, contentMd5Base64 } = this.opts;
    if (contentMd5Base64 !== undefined && !isChecksumValue('MD5', contentMd5Base64)) throw PayloadErrors.invalidMd5();
    const expected = checksum?.expectedBase64;
    if (checksum && expected !== undefined && !isChecksumValue(checksum.algorithm, expected)) {
      throw PayloadErrors.invalidChecksumValue(checksumHeaderName(checksum.algorithm), false);
    }
    const wanted = new Set(announcedChecksums(this.declared));
    if (checksum) wanted.add(checksum.algorithm);
    return wanted;
  }

  /** Passes decoded bytes on; past a declared length they are counted (for the error) but held back. */
  private deliver(bytes: Buffer): void {
    const before = this.decoded;
    this.decoded += bytes.length;
    this.md5.update(bytes);
    this.sha256?.update(bytes);
    for (const h of this.checksums.values()) h.update(bytes);
    const limit = this.declaredLength;
    if (limit === undefined || this.decoded <= limit) this.emit(bytes);
    else if (before < limit) this.emit(bytes.subarray(0, limit - before));
  }
}
