/**
 * Turns the SDK's service errors into ObjectStoreErrors. S3 (and compatible servers) put the
 * error code in `name`; codes the interface knows pass through with the server's message, all
 * other failures (network, 5xx, unknown codes) propagate unchanged as internal failures.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { ObjectStoreError, type ObjectStoreErrorCode } from '../object-store.js';

const KNOWN = new Set<string>([
  'NoSuchBucket',
  'NoSuchKey',
  'NoSuchUpload',
  'NoSuchBucketPolicy',
  'BucketAlreadyOwnedByYou',
  'BucketAlreadyExists',
  'BucketNotEmpty',
  'InvalidBucketName',
  'InvalidRange',
  'InvalidPart',
  'InvalidPartOrder',
  'EntityTooSmall',
  'InvalidArgument',
  'MalformedPolicy',
  'PreconditionFailed',
  'AccessDenied',
] satisfies ObjectStoreErrorCode[]);

/** The S3 error code of an SDK failure (`NotFound` for a body-less 404), if it is one. */
export function s3Code(err: unknown): string | undefined {
  return err instanceof S3ServiceException ? err.name : undefined;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404;
}

/** Rethrows `err` as an ObjectStoreError when S3 named a code the interface knows. */
export function mapError(err: unknown): never {
  const code = s3Code(err);
  if (code !== undefined && KNOWN.has(code)) {
    throw new ObjectStoreError(code as ObjectStoreErrorCode, (err as Error).message || code);
  }
  throw err;
}

/** Runs an SDK call, mapping its errors. */
export async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return mapError(err);
  }
}
