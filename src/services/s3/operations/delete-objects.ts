/**
 * DeleteObjects: up to 1000 keys from one `<Delete>` document, which must come with an integrity
 * check (Content-MD5 or an x-amz-checksum-*), as S3 requires. Each key is authorized
 * (s3:DeleteObject) and deleted on its own; one that fails is reported in an <Error> entry, the
 * rest still go. Quiet mode lists only the failures.
 */
import { AwsError } from '../../../aws/errors.js';
import { ObjectStoreError } from '../../../objects/object-store.js';
import { objectAccess } from '../access.js';
import { S3Errors } from '../errors.js';
import type { S3Operation, S3Request } from '../request.js';
import { childrenNamed, childText, parseXml, xmlDocument, type XmlField } from '../xml.js';

const MAX_KEYS = 1000;

function hasIntegrityCheck(req: S3Request): boolean {
  return req.headerNames().some((n) => n === 'content-md5' || n === 'x-amz-sdk-checksum-algorithm' || n === 'x-amz-trailer' ||
    (n.startsWith('x-amz-checksum-') && n !== 'x-amz-checksum-type'));
}

async function readRequest(req: S3Request): Promise<{ keys: string[]; quiet: boolean }> {
  if (!hasIntegrityCheck(req)) throw S3Errors.invalidRequest('Missing required header for this request: Content-MD5');
  const doc = parseXml(await req.body.text());
  if (doc.name !== 'Delete') throw S3Errors.malformedXml();
  const keys = childrenNamed(doc, 'Object').map((o) => childText(o, 'Key'));
  if (keys.length === 0 || keys.length > MAX_KEYS || keys.some((k) => k === undefined || k === '')) {
    throw S3Errors.malformedXml();
  }
  return { keys: keys as string[], quiet: childText(doc, 'Quiet')?.trim().toLowerCase() === 'true' };
}

export const deleteObjects: S3Operation = {
  dataEvent: true,
  objectPrefixResource: true,
  async run(req) {
    const { keys, quiet } = await readRequest(req);
    const entries: XmlField[] = [];
    for (const key of keys) {
      try {
        await req.ctx.authorize(objectAccess('s3:DeleteObject', req.bucket, key));
        await req.store.deleteObject(req.bucket, key);
        if (!quiet) entries.push(['Deleted', [['Key', key]]]);
      } catch (e) {
        if (!(e instanceof ObjectStoreError || (e instanceof AwsError && e.code === 'AccessDenied'))) throw e;
        entries.push(['Error', [['Key', key], ['Code', e.code], ['Message', e.message]]]);
      }
    }
    return { body: xmlDocument('DeleteResult', entries) };
  },
};
