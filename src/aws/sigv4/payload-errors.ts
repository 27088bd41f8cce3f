/**
 * The errors S3 answers while it reads an upload's body: payload hash, chunk signatures,
 * aws-chunked framing, decoded length, trailers and checksums, in S3's own codes and wording
 * (these only occur on S3, so there is no other dialect to map from). `details` are the extra
 * elements S3 puts in its <Error> document beside Code and Message.
 *
 * Wording sources (real S3 responses): InvalidChunkSizeError, both IncompleteBody messages and
 * MalformedTrailerError in versity/versitygw#1683, #1684, #1666, #1691 and scality/Arsenal#2596;
 * "The CRC32 you specified did not match the calculated checksum." in aws/aws-sdk-ruby#3322;
 * BadDigest/InvalidDigest for Content-MD5 in ceph/s3-tests#18; "The value specified in the
 * x-amz-trailer header is not supported" in versity/versitygw#1161.
 */
import { AwsError } from '../errors.js';
import type { ChecksumAlgorithm } from '../checksums.js';

/** An AwsError raised while reading a body (`details`: S3's extra <Error> elements). */
export class PayloadError extends AwsError {}

/** Every aws-chunked chunk but the last data chunk must carry at least this many bytes. */
export const MIN_CHUNK_SIZE = 8192;

export const PayloadErrors = {
  contentSha256Mismatch: (clientHex: string, computedHex: string) =>
    new PayloadError(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      { ClientComputedContentSHA256: clientHex, S3ComputedContentSHA256: computedHex },
    ),

  /** A chunk or trailer signature that does not continue the chain. */
  signatureMismatch: () =>
    new PayloadError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
    ),

  /** Framing that is malformed or stops early: S3 answers both the same way. */
  truncated: () => new PayloadError('IncompleteBody', 'The request body terminated unexpectedly', 400),

  lengthMismatch: (expected: number, provided: number) =>
    new PayloadError(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
      400,
      { NumberBytesExpected: String(expected), NumberBytesProvided: String(provided) },
    ),

  /** `chunk` is the 1-based number of the chunk whose arrival showed the previous one was small. */
  chunkTooSmall: (chunk: number, size: number) =>
    new PayloadError(
      'InvalidChunkSizeError',
      `Only the last chunk is allowed to have a size less than ${MIN_CHUNK_SIZE} bytes`,
      400,
      { Chunk: String(chunk), BadChunkSize: String(size) },
    ),

  malformedTrailer: () =>
    new PayloadError(
      'MalformedTrailerError',
      'The request contained trailing data that was not well-formed or did not conform to our published schema.',
      400,
    ),

  unsupportedTrailer: () =>
    new PayloadError('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported', 400),

  invalidChecksumValue: (name: string, trailing: boolean) =>
    new PayloadError('InvalidRequest', `Value for ${name} ${trailing ? 'trailing header' : 'header'} is invalid.`, 400),

  checksumMismatch: (algorithm: ChecksumAlgorithm) =>
    new PayloadError('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, 400),

  md5Mismatch: () => new PayloadError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400),

  invalidMd5: () => new PayloadError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400),
} as const;
