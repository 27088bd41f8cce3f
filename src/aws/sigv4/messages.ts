/**
 * Every error SigV4 authentication can answer, with the code, status and wording AWS's JSON
 * services use (captured from real responses; sources in test/unit/sigv4-verify.test.ts).
 * Each error also carries a protocol-neutral `reason`, so the awsQuery (IAM/STS) and S3 layers
 * can re-map to their own dialect (SignatureDoesNotMatch, InvalidClientTokenId, ...) without
 * matching on message text. No message ever contains a secret key or a session token.
 */
import { AwsError } from '../errors.js';

export type SigV4FailureReason =
  | 'missing-authentication'
  | 'incomplete-signature'
  | 'invalid-signature'
  | 'signature-mismatch'
  | 'signature-expired'
  | 'unknown-access-key'
  | 'invalid-security-token'
  | 'expired-security-token'
  | 'payload-hash-mismatch'
  | 'unsigned-headers'
  | 'unsupported-payload'
  | 'internal';

export class SigV4Error extends AwsError {
  constructor(
    code: string,
    message: string,
    status: number,
    /** Why authentication failed, independent of the wire dialect. */
    readonly reason: SigV4FailureReason,
  ) {
    super(code, message, status);
  }
}

const INCOMPLETE = 'IncompleteSignatureException';
const INVALID = 'InvalidSignatureException';

const incomplete = (message: string) => new SigV4Error(INCOMPLETE, message, 400, 'incomplete-signature');
const invalid = (message: string) => new SigV4Error(INVALID, message, 400, 'invalid-signature');
/** S3's answer to an x-amz-content-sha256 value it knows but OpenTrail cannot read here. */
const unsupportedPayload = (value: string, advice: string) =>
  new SigV4Error(
    'NotImplemented',
    `A header you provided implies functionality that is not implemented: x-amz-content-sha256: ${value.slice(0, 64)}. ${advice}`,
    501,
    'unsupported-payload',
  );

export const SigV4Errors = {
  missingAuthentication: () =>
    new SigV4Error(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
      400,
      'missing-authentication',
    ),

  bothAuthForms: () =>
    invalid("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),

  notKeyValuePair: (token: string, header: string) =>
    incomplete(`'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`),

  /** `missing` lists 'Credential' / 'Signature' / 'SignedHeaders' / 'date', in that order. */
  incompleteHeader: (missing: readonly string[], header: string) =>
    incomplete(
      missing
        .map((part) =>
          part === 'date'
            ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            : `Authorization header requires '${part}' parameter. `,
        )
        .join('') + `Authorization=${header}`,
    ),

  incompleteQuery: (missing: readonly string[]) =>
    incomplete(
      missing.map((p) => `AWS query-string parameters must include '${p}'. `).join('') +
        'Re-examine the query-string parameters.',
    ),

  badDate: (value: string) =>
    incomplete(`Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`),

  expiresNotNumber: () => incomplete('X-Amz-Expires should be a number'),
  expiresNegative: () => incomplete('X-Amz-Expires must be non-negative'),
  expiresTooLong: () =>
    incomplete(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    ),

  signatureExpired: (request: string, limit: string, now: string) =>
    new SigV4Error(
      INVALID,
      `Signature expired: ${request} is now earlier than ${limit} (${now} - 15 min.)`,
      400,
      'signature-expired',
    ),

  signatureNotYetCurrent: (request: string, limit: string, now: string) =>
    new SigV4Error(
      INVALID,
      `Signature not yet current: ${request} is still later than ${limit} (${now} + 15 min.)`,
      400,
      'signature-expired',
    ),

  /** A presigned URL used after X-Amz-Date + X-Amz-Expires (same shape as the 15-minute message). */
  presignedExpired: (request: string, limit: string, now: string, expires: number) =>
    new SigV4Error(
      INVALID,
      `Signature expired: ${request} is now earlier than ${limit} (${now} - ${expires} sec.)`,
      400,
      'signature-expired',
    ),

  hostNotSigned: () => invalid("'Host' must be a 'SignedHeader' in the AWS Authorization."),

  unsupportedAlgorithm: (algorithm: string) =>
    incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `),

  credentialShape: (credential: string) =>
    incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    ),

  /** All scope complaints in one message, as AWS reports them. */
  badScope: (complaints: string) => invalid(complaints),

  unknownAccessKey: () =>
    new SigV4Error(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      400,
      'unknown-access-key',
    ),

  signatureMismatch: () =>
    new SigV4Error(
      INVALID,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      400,
      'signature-mismatch',
    ),

  /** AWS words the token check without the final period the access-key check has. */
  invalidSecurityToken: () =>
    new SigV4Error(
      'UnrecognizedClientException',
      'The security token included in the request is invalid',
      400,
      'invalid-security-token',
    ),

  expiredSecurityToken: () =>
    new SigV4Error(
      'ExpiredTokenException',
      'The security token included in the request is expired',
      400,
      'expired-security-token',
    ),

  payloadHashMismatch: () =>
    new SigV4Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
      'payload-hash-mismatch',
    ),

  unsignedHeaders: () =>
    new SigV4Error(
      'AccessDenied',
      'There were headers present in the request which were not signed',
      403,
      'unsigned-headers',
    ),

  /** aws-chunked bodies exist only on S3; elsewhere a STREAMING-* payload cannot be read. */
  streamingNotSupported: (value: string) =>
    unsupportedPayload(value, 'Only S3 accepts aws-chunked bodies; send the body in one piece, signed over its SHA-256.'),

  /** SigV4a (ECDSA) chunk signatures, which OpenTrail cannot verify. */
  sigv4aPayloadNotSupported: (value: string) =>
    unsupportedPayload(
      value,
      'SigV4a (ECDSA) signed payloads are not supported; sign with AWS4-HMAC-SHA256 (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) instead.',
    ),

  /**
   * S3 wording: a streamed body cannot be hashed before the signature is checked. The reason is
   * the payload hash's, as for a wrong one: both are about what x-amz-content-sha256 said.
   */
  missingContentSha256: () =>
    new SigV4Error(
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
      400,
      'payload-hash-mismatch',
    ),

  internal: () =>
    new SigV4Error(
      'InternalFailure',
      'The request processing has failed because of an unknown error.',
      500,
      'internal',
    ),
} as const;
