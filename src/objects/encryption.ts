/**
 * The rule both ObjectStore implementations hold a write's encryption to: SSE-S3 unless it asks
 * for 'aws:kms', which needs the key (the store cannot know an account's AWS managed key; the
 * S3 wire service names it), and a key only with 'aws:kms', as S3 answers.
 */
import { ObjectStoreError, type ObjectEncryption } from './object-store.js';

/** The KMS key the object is encrypted under; undefined for SSE-S3. */
export function kmsKeyOf(encryption: ObjectEncryption): string | undefined {
  const { serverSideEncryption: mode, sseKmsKeyId: keyId } = encryption;
  if (mode === 'aws:kms') {
    if (!keyId) throw new ObjectStoreError('InvalidArgument', "SSE-KMS ('aws:kms') needs the KMS key id to encrypt under");
    return keyId;
  }
  if (keyId !== undefined) {
    throw new ObjectStoreError(
      'InvalidArgument',
      'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
    );
  }
  return undefined;
}
