/**
 * CompleteMultipartUpload: the `<CompleteMultipartUpload>` part list (numbers and ETags, quoted
 * or not) turns the upload into the object; the store holds S3's rules (InvalidPart,
 * InvalidPartOrder, EntityTooSmall).
 */
import type { CompletedPart } from '../../../objects/object-store.js';
import { encryptionHeaders } from '../encryption.js';
import { S3Errors } from '../errors.js';
import type { S3Operation, S3Request } from '../request.js';
import { childrenNamed, childText, parseXml, xmlDocument } from '../xml.js';

async function readParts(req: S3Request): Promise<CompletedPart[]> {
  const doc = parseXml(await req.body.text());
  if (doc.name !== 'CompleteMultipartUpload') throw S3Errors.malformedXml();
  const parts = childrenNamed(doc, 'Part').map((p) => {
    const number = childText(p, 'PartNumber')?.trim() ?? '';
    const etag = childText(p, 'ETag')?.trim() ?? '';
    if (!/^\d{1,5}$/.test(number) || etag === '') throw S3Errors.malformedXml();
    return { partNumber: Number(number), etag: etag.startsWith('"') ? etag : `"${etag}"` };
  });
  if (parts.length === 0) throw S3Errors.malformedXml();
  return parts;
}

export const completeMultipartUpload: S3Operation = {
  dataEvent: true,
  async run(req) {
    const parts = await readParts(req);
    const meta = await req.store.completeMultipartUpload({
      bucket: req.bucket,
      key: req.key,
      uploadId: req.query.get('uploadId') ?? '',
      parts,
    });
    const scheme = req.secure ? 'https' : 'http';
    const encryption = encryptionHeaders(meta);
    return {
      headers: encryption,
      body: xmlDocument('CompleteMultipartUploadResult', [
        ['Location', `${scheme}://${req.host}/${encodeURIComponent(req.bucket)}/${encodeURI(req.key)}`],
        ['Bucket', req.bucket],
        ['Key', req.key],
        ['ETag', meta.etag],
      ]),
      responseElements: encryption,
    };
  },
};
