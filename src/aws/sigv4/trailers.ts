/**
 * Trailing headers of an aws-chunked upload: which ones `x-amz-trailer` may announce (S3 accepts
 * only the checksum headers), how the lines after the final chunk parse, and whether they are
 * exactly what was announced. The canonical form the trailer signature covers is each line but
 * the signature as `name:value\n` (AWS's sigv4-streaming-trailers example checks out with it).
 */
import { algorithmOfHeader, isChecksumValue, type ChecksumAlgorithm } from '../checksums.js';
import { PayloadErrors } from './payload-errors.js';

export const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

export interface ParsedTrailers {
  /** Lower-case name → trimmed value, in arrival order; the signature is not among them. */
  values: Map<string, string>;
  canonical: string;
  signature?: string;
}

/** The algorithms the announced trailers carry; anything but a checksum header is refused. */
export function announcedChecksums(declared: readonly string[]): ChecksumAlgorithm[] {
  return declared.map((name) => {
    const algorithm = algorithmOfHeader(name.trim().toLowerCase());
    if (!algorithm) throw PayloadErrors.unsupportedTrailer();
    return algorithm;
  });
}

export function parseTrailers(lines: readonly string[]): ParsedTrailers {
  const values = new Map<string, string>();
  let canonical = '';
  let signature: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim().toLowerCase();
    // the signature covers every line before it, so nothing may follow it
    if (colon <= 0 || name === '' || signature !== undefined || values.has(name)) throw PayloadErrors.malformedTrailer();
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      signature = value;
      continue;
    }
    values.set(name, value);
    canonical += `${name}:${value}\n`;
  }
  return signature === undefined ? { values, canonical } : { values, canonical, signature };
}

/**
 * The trailers must be the ones announced, no more and no fewer, each a well-formed checksum;
 * returns the values by algorithm.
 */
export function announcedValues(parsed: ParsedTrailers, declared: readonly string[]): Map<ChecksumAlgorithm, string> {
  const wanted = new Set(declared.map((n) => n.trim().toLowerCase()));
  if (wanted.size !== parsed.values.size) throw PayloadErrors.malformedTrailer();
  const out = new Map<ChecksumAlgorithm, string>();
  for (const [name, value] of parsed.values) {
    const algorithm = algorithmOfHeader(name);
    if (!wanted.has(name) || !algorithm) throw PayloadErrors.malformedTrailer();
    if (!isChecksumValue(algorithm, value)) throw PayloadErrors.invalidChecksumValue(name, true);
    out.set(algorithm, value);
  }
  return out;
}
