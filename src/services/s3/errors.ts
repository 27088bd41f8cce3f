/**
 * S3's error dialect: the codes, HTTP statuses and wording S3 answers with (Amazon S3 API
 * reference, "Error responses"), the extra elements some errors carry (<BucketName>, <Key>,
 * <RangeRequested>…), and the mapping of errors raised below the S3 layer — ObjectStoreError
 * from the bucket store, SigV4Error from authentication, the pipeline's common errors — into it.
 */
import { AwsError } from '../../aws/errors.js';
import { SigV4Error, type SigV4FailureReason } from '../../aws/sigv4/index.js';
import { PayloadError } from '../../aws/sigv4/payload-errors.js';
import type { ObjectStoreError, ObjectStoreErrorCode } from '../../objects/object-store.js';

/** An error in S3's dialect; `details` are the extra child elements of <Error>, in order. */
export class S3Error extends AwsError {}

const e = (code: string, status: number, message: string, details?: Record<string, string>) =>
  new S3Error(code, message, status, details);

export const S3Errors = {
  accessDenied: () => e('AccessDenied', 403, 'Access Denied'),
  noSuchBucket: (bucket: string) => e('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket }),
  noSuchKey: (key: string) => e('NoSuchKey', 404, 'The specified key does not exist.', { Key: key }),
  invalidRange: (requested: string, size: number) =>
    e('InvalidRange', 416, 'The requested range is not satisfiable', { RangeRequested: requested, ActualObjectSize: String(size) }),
  malformedXml: () =>
    e('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema'),
  malformedPolicy: (message: string) => e('MalformedPolicy', 400, message),
  invalidArgument: (message: string, name: string, value: string) =>
    e('InvalidArgument', 400, message, { ArgumentName: name, ArgumentValue: value.slice(0, 256) }),
  invalidRequest: (message: string) => e('InvalidRequest', 400, message),
  invalidUri: () => e('InvalidURI', 400, "Couldn't parse the specified URI."),
  keyTooLong: () => e('KeyTooLongError', 400, 'Your key is too long'),
  methodNotAllowed: (method: string, resourceType: string) =>
    e('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', { Method: method.slice(0, 32), ResourceType: resourceType }),
  notImplemented: (operation: string) =>
    e('NotImplemented', 501, `OpenTrail does not implement the S3 operation ${operation} yet.`),
  maxMessageLength: (limit: number) => e('MaxMessageLengthExceeded', 400, `Your request was too big (the limit is ${limit} bytes).`),
  missingContentLength: () => e('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.'),
  entityTooLarge: (max: number) => e('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed object size.', { MaxSizeAllowed: String(max) }),
  invalidLocationConstraint: () => e('InvalidLocationConstraint', 400, 'The specified location-constraint is not valid'),
  illegalLocationConstraint: (constraint: string | undefined) =>
    e('IllegalLocationConstraintException', 400,
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`),
  internalError: () => e('InternalError', 500, 'We encountered an internal error. Please try again.'),
} as const;

/** HTTP status of each code the bucket store raises (the store's messages are S3's own). */
const STORE_STATUS: Record<ObjectStoreErrorCode, number> = {
  NoSuchBucket: 404, NoSuchKey: 404, NoSuchUpload: 404, NoSuchBucketPolicy: 404,
  BucketAlreadyOwnedByYou: 409, BucketAlreadyExists: 409, BucketNotEmpty: 409,
  InvalidBucketName: 400, InvalidRange: 416, InvalidPart: 400, InvalidPartOrder: 400,
  EntityTooSmall: 400, InvalidArgument: 400, MalformedPolicy: 400, PreconditionFailed: 412, AccessDenied: 403,
};

/** What the failing call was about, for the error's detail elements. */
export interface ErrorSubject {
  bucket?: string;
  key?: string;
  uploadId?: string;
}

/** The detail element S3 adds to each store error, if any. */
function storeErrorDetails(code: ObjectStoreErrorCode, s: ErrorSubject): Record<string, string> {
  switch (code) {
    case 'NoSuchKey':
      return { Key: s.key ?? '' };
    case 'NoSuchUpload':
      return { UploadId: s.uploadId ?? '' };
    case 'NoSuchBucket':
    case 'NoSuchBucketPolicy':
    case 'InvalidBucketName':
    case 'BucketAlreadyOwnedByYou':
    case 'BucketAlreadyExists':
    case 'BucketNotEmpty':
      return { BucketName: (s.bucket ?? '').slice(0, 256) };
    default:
      return {};
  }
}

export function fromStoreError(err: ObjectStoreError, subject: ErrorSubject): S3Error {
  return e(err.code, STORE_STATUS[err.code], err.message, storeErrorDetails(err.code, subject));
}

/** SigV4 failures in S3's words (S3 answers 403 where the JSON services answer 400). */
const SIGV4: Record<SigV4FailureReason, (err: SigV4Error) => S3Error> = {
  'missing-authentication': () => S3Errors.accessDenied(),
  'incomplete-signature': (err) => e('AuthorizationHeaderMalformed', 400, err.message),
  'invalid-signature': (err) => e('AuthorizationHeaderMalformed', 400, err.message),
  'signature-mismatch': () =>
    e('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'),
  // Header requests past the 15-minute window and presigned URLs past their expiry alike.
  'signature-expired': (err) => e('AccessDenied', 403, err.message),
  'unknown-access-key': () => e('InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.'),
  'invalid-security-token': () => e('InvalidToken', 400, 'The provided token is malformed or otherwise invalid.'),
  'expired-security-token': () => e('ExpiredToken', 400, 'The provided token has expired.'),
  'payload-hash-mismatch': (err) => e(err.code, 400, err.message),
  'unsigned-headers': (err) => e('AccessDenied', 403, err.message),
  'unsupported-payload': (err) => e('NotImplemented', 501, err.message),
  internal: () => S3Errors.internalError(),
};

/** Any error that reaches the S3 layer, as an S3Error. */
export function toS3Error(err: AwsError): S3Error {
  if (err instanceof S3Error) return err;
  if (err instanceof PayloadError) return e(err.code, err.status, err.message, err.details);
  if (err instanceof SigV4Error) return SIGV4[err.reason](err);
  if (err.isFault) return S3Errors.internalError();
  // Errors already in S3's words (e.g. from payload decoding) keep their code; AWS's JSON
  // protocol codes a client could meet here are rendered as S3 would name them.
  return e(err.code, err.status, err.message);
}
