/**
 * CopyObject: `x-amz-copy-source` names `[/]bucket/key` (percent-encoded); the caller must own
 * the source bucket too and be allowed s3:GetObject on the source (the PutObject on the target
 * is checked before the operation runs). Metadata is copied unless `x-amz-metadata-directive:
 * REPLACE` takes it from this request; the encryption always comes from this request (SSE-S3
 * when it names none), as in S3. Copying an object onto itself without REPLACE or an encryption header is refused, as
 * S3 does.
 */
import { ObjectStoreError } from '../../../objects/object-store.js';
import { objectAccess } from '../access.js';
import { encryptionFromRequest, encryptionHeaders } from '../encryption.js';
import { S3Errors } from '../errors.js';
import { metadataFromRequest, xmlDate } from '../object-headers.js';
import type { S3Operation, S3Request } from '../request.js';
import { xmlDocument } from '../xml.js';

interface CopySource {
  bucket: string;
  key: string;
}

function parseCopySource(value: string): CopySource {
  const invalid = () =>
    S3Errors.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', value);
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.split('?')[0] ?? '');
  } catch {
    throw invalid();
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

async function checkSource(req: S3Request, source: CopySource): Promise<void> {
  const info = await req.store.headBucket(source.bucket);
  if (!info) throw S3Errors.noSuchBucket(source.bucket);
  if (info.ownerAccountId !== req.ctx.accountId) throw S3Errors.accessDenied();
  await req.ctx.authorize(objectAccess('s3:GetObject', source.bucket, source.key));
}

function metadataDirective(req: S3Request): 'COPY' | 'REPLACE' {
  const value = req.header('x-amz-metadata-directive') ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw S3Errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', value);
  }
  return value;
}

export const copyObject: S3Operation = {
  dataEvent: true,
  async run(req) {
    const header = req.header('x-amz-copy-source') ?? '';
    const source = parseCopySource(header);
    const directive = metadataDirective(req);
    const encryption = encryptionFromRequest(req);
    await checkSource(req, source);
    const reencrypts = encryption.serverSideEncryption !== undefined;
    if (directive === 'COPY' && !reencrypts && source.bucket === req.bucket && source.key === req.key) {
      throw S3Errors.invalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const metadata = directive === 'REPLACE' ? metadataFromRequest(req) : undefined;
    let meta;
    try {
      meta = await req.store.copyObject(source, { bucket: req.bucket, key: req.key }, metadata, encryption);
    } catch (e) {
      if (e instanceof ObjectStoreError && e.code === 'NoSuchKey') throw S3Errors.noSuchKey(source.key);
      throw e;
    }
    const applied = encryptionHeaders(meta);
    return {
      headers: applied,
      body: xmlDocument('CopyObjectResult', [['LastModified', xmlDate(meta.lastModifiedMs)], ['ETag', meta.etag]]),
      responseElements: applied,
    };
  },
};
