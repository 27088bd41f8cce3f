/** ListBuckets: the caller's buckets, by name, with their regions. */
import { canonicalUserId, xmlDate } from '../object-headers.js';
import type { S3Operation } from '../request.js';
import { xmlDocument, type XmlField } from '../xml.js';

export const listBuckets: S3Operation = {
  dataEvent: false,
  needsBucket: false,
  async run(req) {
    const buckets = await req.store.listBuckets(req.ctx.accountId);
    const sorted = [...buckets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entries: XmlField[] = sorted.map((b) => [
      'Bucket',
      [['Name', b.name], ['CreationDate', xmlDate(b.creationDateMs)], ['BucketRegion', b.region]],
    ]);
    return {
      body: xmlDocument('ListAllMyBucketsResult', [
        ['Owner', [['ID', canonicalUserId(req.ctx.accountId)]]],
        ['Buckets', entries],
      ]),
    };
  },
};
