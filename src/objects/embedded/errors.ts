/** ObjectStoreErrors with the messages S3 itself sends for each code. */
import { ObjectStoreError, type ObjectStoreErrorCode } from '../object-store.js';

const MESSAGES: Partial<Record<ObjectStoreErrorCode, string>> = {
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  NoSuchUpload:
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  NoSuchBucketPolicy: 'The bucket policy does not exist',
  BucketAlreadyOwnedByYou: 'Your previous request to create the named bucket succeeded and you already own it.',
  BucketAlreadyExists:
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  BucketNotEmpty: 'The bucket you tried to delete is not empty',
  InvalidBucketName: 'The specified bucket is not valid.',
  InvalidRange: 'The requested range is not satisfiable',
  InvalidPart:
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  InvalidPartOrder: 'The list of parts was not in ascending order. Parts must be ordered by part number.',
  EntityTooSmall: 'Your proposed upload is smaller than the minimum allowed object size.',
};

export function s3Error(code: ObjectStoreErrorCode, message?: string): ObjectStoreError {
  return new ObjectStoreError(code, message ?? MESSAGES[code] ?? code);
}
