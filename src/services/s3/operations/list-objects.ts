/**
 * ListObjects (v1: Marker, NextMarker when a delimiter groups keys) and ListObjectsV2 (opaque
 * ContinuationToken, StartAfter, KeyCount, Owner only with fetch-owner). Both take prefix,
 * delimiter (CommonPrefixes), max-keys (capped at 1000) and `encoding-type=url`, which
 * percent-encodes every key-like element of the answer.
 */
import type { ListObjectsResult, ObjectMeta } from '../../../objects/object-store.js';
import { S3Errors } from '../errors.js';
import { canonicalUserId, xmlDate } from '../object-headers.js';
import type { S3Operation, S3Request } from '../request.js';
import { xmlDocument, type XmlField } from '../xml.js';

const MAX_KEYS = 1000;

interface Listing {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  encode: (s: string) => string;
  encodingType?: string;
}

/** S3's url encoding of keys: every byte but unreserved characters and '/'. */
function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/');
}

function readListing(req: S3Request): Listing {
  const raw = req.query.get('max-keys');
  let maxKeys = MAX_KEYS;
  if (raw !== undefined) {
    if (!/^-?\d+$/.test(raw)) throw S3Errors.invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
    if (Number(raw) < 0) throw S3Errors.invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', raw);
    maxKeys = Math.min(Number(raw), MAX_KEYS);
  }
  const encodingType = req.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw S3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  }
  const delimiter = req.query.get('delimiter');
  return {
    prefix: req.query.get('prefix') ?? '',
    ...(delimiter ? { delimiter } : {}),
    maxKeys,
    encode: encodingType === 'url' ? urlEncode : (s) => s,
    ...(encodingType ? { encodingType } : {}),
  };
}

async function list(req: S3Request, l: Listing, after: string | undefined): Promise<ListObjectsResult> {
  if (l.maxKeys === 0) return { objects: [], commonPrefixes: [], isTruncated: false };
  return req.store.listObjects({
    bucket: req.bucket,
    ...(l.prefix ? { prefix: l.prefix } : {}),
    ...(l.delimiter ? { delimiter: l.delimiter } : {}),
    ...(after ? { after } : {}),
    maxKeys: l.maxKeys,
  });
}

function contents(objects: ObjectMeta[], l: Listing, owner: string | undefined): XmlField[] {
  return objects.map((o) => [
    'Contents',
    [
      ['Key', l.encode(o.key)],
      ['LastModified', xmlDate(o.lastModifiedMs)],
      ['ETag', o.etag],
      ['Size', o.size],
      ...(owner ? ([['Owner', [['ID', owner]]]] as XmlField[]) : []),
      ['StorageClass', 'STANDARD'],
    ],
  ]);
}

function commonPrefixes(result: ListObjectsResult, l: Listing): XmlField[] {
  return result.commonPrefixes.map((p) => ['CommonPrefixes', [['Prefix', l.encode(p)]]]);
}

export const listObjects: S3Operation = {
  dataEvent: true,
  objectPrefixResource: true,
  async run(req) {
    const l = readListing(req);
    const marker = req.query.get('marker') ?? '';
    const result = await list(req, l, marker);
    const nextMarker = result.isTruncated && l.delimiter ? result.nextAfter : undefined;
    return {
      body: xmlDocument('ListBucketResult', [
        ['Name', req.bucket],
        ['Prefix', l.encode(l.prefix)],
        ['Marker', l.encode(marker)],
        ['NextMarker', nextMarker === undefined ? undefined : l.encode(nextMarker)],
        ['MaxKeys', l.maxKeys],
        ['Delimiter', l.delimiter === undefined ? undefined : l.encode(l.delimiter)],
        ['IsTruncated', result.isTruncated],
        ['EncodingType', l.encodingType],
        ...contents(result.objects, l, canonicalUserId(req.ctx.accountId)),
        ...commonPrefixes(result, l),
      ]),
    };
  },
};

/** Continuation tokens are opaque to clients: the key to continue after, base64url. */
function encodeToken(after: string): string {
  return Buffer.from(`v1:${after}`).toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('v1:') || Buffer.from(text).toString('base64url') !== token) {
    throw S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(3);
}

export const listObjectsV2: S3Operation = {
  dataEvent: true,
  objectPrefixResource: true,
  async run(req) {
    const l = readListing(req);
    const token = req.query.get('continuation-token');
    const startAfter = req.query.get('start-after');
    const after = token !== undefined ? decodeToken(token) : startAfter;
    const result = await list(req, l, after);
    const owner = req.query.get('fetch-owner') === 'true' ? canonicalUserId(req.ctx.accountId) : undefined;
    const next = result.isTruncated && result.nextAfter !== undefined ? encodeToken(result.nextAfter) : undefined;
    return {
      body: xmlDocument('ListBucketResult', [
        ['Name', req.bucket],
        ['Prefix', l.encode(l.prefix)],
        ['ContinuationToken', token],
        ['NextContinuationToken', next],
        ['StartAfter', startAfter === undefined ? undefined : l.encode(startAfter)],
        ['KeyCount', result.objects.length + result.commonPrefixes.length],
        ['MaxKeys', l.maxKeys],
        ['Delimiter', l.delimiter === undefined ? undefined : l.encode(l.delimiter)],
        ['IsTruncated', result.isTruncated],
        ['EncodingType', l.encodingType],
        ...contents(result.objects, l, owner),
        ...commonPrefixes(result, l),
      ]),
    };
  },
};
