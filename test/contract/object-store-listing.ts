/** Contract cases: ListObjects order, prefix, delimiter and pagination. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ListObjectsInput, ObjectStore } from '../../src/objects/object-store.js';
import { OWNER, bodyOf, expectCode, md5Hex, uniqueBucket } from './object-store-helpers.js';

/** UTF-8 byte order differs from UTF-16 order for the last two (U+FF21 sorts before U+1F600). */
const KEYS = [
  'AWSLogs/111/CloudTrail/us-east-1/2024/01/01/a.json.gz',
  'AWSLogs/111/CloudTrail/us-east-1/2024/01/02/b.json.gz',
  'AWSLogs/111/CloudTrail/us-west-2/2024/01/01/c.json.gz',
  'AWSLogs/111/CloudTrail-Digest/us-east-1/2024/01/01/d.json.gz',
  'AWSLogs/222/CloudTrail/us-east-1/2024/01/01/e.json.gz',
  'a',
  'a/b',
  'a/b/c',
  'a/c',
  'ab',
  'b',
  'é',
  '\uFF21',
  '\u{1F600}',
];

function byteOrder(keys: readonly string[]): string[] {
  return [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
}

export function listingCases(store: () => ObjectStore): void {
  const bucket = uniqueBucket('listing');
  before(async () => {
    await store().createBucket(bucket, 'us-east-1', OWNER);
    for (const key of [...KEYS].reverse()) await store().putObject({ bucket, key, body: bodyOf(key) });
  });

  const list = (input: Omit<ListObjectsInput, 'bucket'>) => store().listObjects({ bucket, ...input });

  test('lists every key in UTF-8 byte order with its metadata', async () => {
    const all = await list({ maxKeys: 1000 });
    assert.deepEqual(all.objects.map((o) => o.key), byteOrder(KEYS));
    assert.deepEqual(all.commonPrefixes, []);
    assert.equal(all.isTruncated, false);
    const first = all.objects.find((o) => o.key === 'a/b');
    assert.equal(first?.etag, `"${md5Hex('a/b')}"`);
    assert.equal(first?.size, 3);
  });

  test('prefix', async () => {
    const r = await list({ prefix: 'a/', maxKeys: 1000 });
    assert.deepEqual(r.objects.map((o) => o.key), ['a/b', 'a/b/c', 'a/c']);
    assert.deepEqual((await list({ prefix: 'zzz', maxKeys: 10 })).objects, []);
  });

  test('delimiter rolls keys up into common prefixes', async () => {
    const top = await list({ delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(top.commonPrefixes, ['AWSLogs/', 'a/']);
    assert.deepEqual(top.objects.map((o) => o.key), byteOrder(['a', 'ab', 'b', 'é', '\uFF21', '\u{1F600}']));
    const accounts = await list({ prefix: 'AWSLogs/111/', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(accounts.commonPrefixes, ['AWSLogs/111/CloudTrail-Digest/', 'AWSLogs/111/CloudTrail/']);
    assert.deepEqual(accounts.objects, []);
    const nested = await list({ prefix: 'a/', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(nested.commonPrefixes, ['a/b/']);
    assert.deepEqual(nested.objects.map((o) => o.key), ['a/b', 'a/c']);
  });

  test('pagination with maxKeys and after, objects only', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await list({ maxKeys: 4, ...(after === undefined ? {} : { after }) });
      seen.push(...r.objects.map((o) => o.key));
      if (!r.isTruncated) break;
      assert.equal(r.objects.length, 4);
      assert.ok(r.nextAfter);
      after = r.nextAfter;
    }
    assert.deepEqual(seen, byteOrder(KEYS));
  });

  test('pagination counts common prefixes and never repeats one', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await list({ delimiter: '/', maxKeys: 1, ...(after === undefined ? {} : { after }) });
      assert.equal(r.objects.length + r.commonPrefixes.length, 1);
      seen.push(...r.commonPrefixes, ...r.objects.map((o) => o.key));
      if (!r.isTruncated) break;
      after = r.nextAfter;
    }
    assert.deepEqual(seen, byteOrder(['AWSLogs/', 'a', 'a/', 'ab', 'b', 'é', '\uFF21', '\u{1F600}']));
  });

  test('after a key that is not stored, and after everything', async () => {
    const r = await list({ after: 'a/bz', maxKeys: 3 });
    assert.deepEqual(r.objects.map((o) => o.key), ['a/c', 'ab', 'b']);
    assert.equal(r.isTruncated, true);
    assert.equal(r.nextAfter, 'b');
    const end = await list({ after: '\u{1F600}', maxKeys: 10 });
    assert.deepEqual(end.objects, []);
    assert.equal(end.isTruncated, false);
  });

  test('listing a missing bucket', async () => {
    await expectCode(store().listObjects({ bucket: uniqueBucket('none'), maxKeys: 10 }), 'NoSuchBucket');
  });
}
