/**
 * What a request's headers promise about its body, as decodePayload's options:
 * x-amz-decoded-content-length, x-amz-trailer, x-amz-sdk-checksum-algorithm with the
 * x-amz-checksum-* header, and Content-MD5. Only for requests whose checksum headers describe the
 * body itself (PutObject, UploadPart, document bodies) — CompleteMultipartUpload's describe the
 * object, and its caller passes options explicitly instead.
 */
import { algorithmOfHeader, CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../checksums.js';
import { header } from './parse.js';
import { PayloadError } from './payload-errors.js';
import type { RawRequest } from './types.js';

export interface PayloadOptions {
  /** x-amz-decoded-content-length; holds only for aws-chunked bodies (S3 ignores it otherwise). */
  decodedContentLength?: number;
  /** The names x-amz-trailer announced. */
  declaredTrailers?: readonly string[];
  /** The algorithm to compute (x-amz-sdk-checksum-algorithm) and the x-amz-checksum-* header value. */
  checksum?: { algorithm: ChecksumAlgorithm; expectedBase64?: string };
  contentMd5Base64?: string;
}

const invalidRequest = (message: string) => new PayloadError('InvalidRequest', message, 400);

/** Throws a PayloadError (S3's words) for a header that cannot mean anything. */
export function payloadOptionsFromHeaders(headers: RawRequest['headers']): PayloadOptions {
  const opts: PayloadOptions = {};
  const decoded = header(headers, 'x-amz-decoded-content-length');
  if (decoded !== undefined) {
    if (!/^\d{1,15}$/.test(decoded.trim())) {
      throw new PayloadError('InvalidArgument', 'x-amz-decoded-content-length must be a whole number of bytes.', 400);
    }
    opts.decodedContentLength = Number(decoded.trim());
  }
  const trailer = header(headers, 'x-amz-trailer');
  if (trailer !== undefined) opts.declaredTrailers = trailer.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const checksum = checksumFromHeaders(headers);
  if (checksum) opts.checksum = checksum;
  const md5 = header(headers, 'content-md5');
  if (md5 !== undefined) opts.contentMd5Base64 = md5.trim();
  return opts;
}

function checksumFromHeaders(headers: RawRequest['headers']): PayloadOptions['checksum'] {
  const given: { algorithm: ChecksumAlgorithm; value: string }[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const algorithm = value === undefined ? undefined : algorithmOfHeader(name);
    if (algorithm) given.push({ algorithm, value: (header(headers, name) ?? '').trim() });
  }
  if (given.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdk = header(headers, 'x-amz-sdk-checksum-algorithm');
  const named = sdk === undefined ? undefined : CHECKSUM_ALGORITHMS.find((a) => a === sdk.trim().toUpperCase());
  if (sdk !== undefined && !named) throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
  const one = given[0];
  // the value header says which algorithm it is; x-amz-sdk-checksum-algorithm alone asks for one
  if (one) return { algorithm: one.algorithm, expectedBase64: one.value };
  return named ? { algorithm: named } : undefined;
}
