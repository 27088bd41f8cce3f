/**
 * The chunk-signature chain of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) upload: each chunk
 * is signed over the previous signature (the request's own signature for the first) and the
 * chunk's SHA-256, and the trailer over the last chunk's signature and its canonical lines, as
 * AWS documents in "sigv4-streaming" and "sigv4-streaming-trailers".
 */
import { inspect } from 'node:util';
import { sha256Hex } from './canonical.js';
import { PayloadErrors } from './payload-errors.js';
import { constantTimeEqual, signatureHex } from './signing-key.js';
import type { ChunkSigning } from './types.js';

const EMPTY_SHA256 = sha256Hex('');
const REDACTED = '[ChunkSigning: redacted]';

/** A ChunkSigning that prints as a placeholder, so the signing key never reaches a log line. */
export function chunkSigning(fields: ChunkSigning): ChunkSigning {
  const signing = { ...fields };
  Object.defineProperty(signing, 'toJSON', { value: () => REDACTED });
  Object.defineProperty(signing, inspect.custom, { value: () => REDACTED });
  return Object.freeze(signing);
}

export function chunkStringToSign(longDate: string, scope: string, previous: string, chunkSha256Hex: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${longDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${chunkSha256Hex}`;
}

/** `canonicalTrailers` is each trailing header but the signature as `name:value\n`, in order. */
export function trailerStringToSign(longDate: string, scope: string, previous: string, canonicalTrailers: string): string {
  return `AWS4-HMAC-SHA256-TRAILER\n${longDate}\n${scope}\n${previous}\n${sha256Hex(canonicalTrailers)}`;
}

/** Verifies one signature after another; any break is S3's SignatureDoesNotMatch. */
export class SignatureChain {
  private previous: string;

  constructor(private readonly signing: ChunkSigning) {
    this.previous = signing.seedSignature;
  }

  chunk(chunkSha256Hex: string, provided: string): void {
    const { longDate, scope } = this.signing;
    this.advance(chunkStringToSign(longDate, scope, this.previous, chunkSha256Hex), provided);
  }

  trailer(canonicalTrailers: string, provided: string): void {
    const { longDate, scope } = this.signing;
    this.advance(trailerStringToSign(longDate, scope, this.previous, canonicalTrailers), provided);
  }

  private advance(stringToSign: string, provided: string): void {
    const expected = signatureHex(this.signing.signingKey, stringToSign);
    if (!constantTimeEqual(expected, provided)) throw PayloadErrors.signatureMismatch();
    this.previous = expected;
  }
}
