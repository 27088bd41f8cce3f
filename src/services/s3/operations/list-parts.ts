/** ListParts: an open upload's parts in number order, paged by part-number-marker / max-parts. */
import { S3Errors } from '../errors.js';
import { canonicalUserId, xmlDate } from '../object-headers.js';
import type { S3Operation, S3Request } from '../request.js';
import { xmlDocument, type XmlField } from '../xml.js';

const MAX_PARTS = 1000;

function intParam(req: S3Request, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw S3Errors.invalidArgument(`Provided ${name} not an integer or within integer range`, name, raw);
  return Number(raw);
}

export const listParts: S3Operation = {
  dataEvent: true,
  async run(req) {
    const uploadId = req.query.get('uploadId') ?? '';
    const marker = intParam(req, 'part-number-marker', 0);
    const maxParts = Math.min(intParam(req, 'max-parts', MAX_PARTS), MAX_PARTS);
    const all = await req.store.listParts(req.bucket, req.key, uploadId);
    const after = [...all].sort((a, b) => a.partNumber - b.partNumber).filter((p) => p.partNumber > marker);
    const page = after.slice(0, maxParts);
    const truncated = after.length > page.length;
    const owner: XmlField[] = [['ID', canonicalUserId(req.ctx.accountId)]];
    return {
      body: xmlDocument('ListPartsResult', [
        ['Bucket', req.bucket],
        ['Key', req.key],
        ['UploadId', uploadId],
        ['PartNumberMarker', marker],
        ['NextPartNumberMarker', page.length > 0 ? page[page.length - 1]!.partNumber : undefined],
        ['MaxParts', maxParts],
        ['IsTruncated', truncated],
        ...page.map((p): XmlField => [
          'Part',
          [['PartNumber', p.partNumber], ['LastModified', xmlDate(p.lastModifiedMs)], ['ETag', p.etag], ['Size', p.size]],
        ]),
        ['Initiator', owner],
        ['Owner', owner],
        ['StorageClass', 'STANDARD'],
      ]),
    };
  },
};
