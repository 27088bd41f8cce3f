/**
 * ListObjects of the embedded store against a brute-force model of S3's rules, on random keys
 * over an alphabet that mixes ASCII, multi-byte characters and delimiters (seeded: a failure
 * replays from its seed).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.js';
import { EmbeddedObjectStore } from '../../src/objects/embedded/index.js';
import type { ListObjectsInput } from '../../src/objects/object-store.js';
import { OWNER, bodyOf } from '../contract/object-store-helpers.js';
import { prng } from '../helpers/prng.js';
import { tempDir } from '../helpers/server.js';

const SEED = Number(process.env.LISTING_SEED ?? 20240601);
const ALPHABET = ['a', 'b', 'A', '/', '-', 'é', '\uFF21', '\u{1F600}'];
const bytes = (s: string) => Buffer.from(s);
const cmp = (x: string, y: string) => Buffer.compare(bytes(x), bytes(y));

/** What S3 returns: entries (keys, or common prefixes marked with a trailing flag) in order. */
function model(keys: readonly string[], input: Omit<ListObjectsInput, 'bucket'>) {
  const prefix = input.prefix ?? '';
  const entries: Array<{ name: string; prefix: boolean }> = [];
  for (const key of [...keys].sort(cmp)) {
    if (!key.startsWith(prefix) || (input.after !== undefined && cmp(key, input.after) <= 0)) continue;
    const at = input.delimiter ? key.indexOf(input.delimiter, prefix.length) : -1;
    const entry = at < 0 ? { name: key, prefix: false } : { name: key.slice(0, at + input.delimiter!.length), prefix: true };
    if (entry.prefix && input.after !== undefined && cmp(entry.name, input.after) <= 0) continue;
    if (entries[entries.length - 1]?.name !== entry.name) entries.push(entry);
  }
  const page = entries.slice(0, input.maxKeys);
  return {
    objects: page.filter((e) => !e.prefix).map((e) => e.name),
    commonPrefixes: page.filter((e) => e.prefix).map((e) => e.name),
    isTruncated: entries.length > input.maxKeys,
    nextAfter: entries.length > input.maxKeys ? page[page.length - 1]?.name : undefined,
  };
}

let store: EmbeddedObjectStore;
let root: string;
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const word = (max: number) => Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(ALPHABET)).join('');
const keys = [...new Set(Array.from({ length: 150 }, () => word(6)))];

before(async () => {
  root = tempDir('opentrail-listing-');
  store = await EmbeddedObjectStore.open({ dir: join(root, 'objects'), masterKey: randomBytes(32), clock: new ManualClock(1_700_000_000_000) });
  await store.createBucket('listing', 'us-east-1', OWNER);
  for (const key of keys) await store.putObject({ bucket: 'listing', key, body: bodyOf('') });
});

after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

test(`random listings match the model (seed ${SEED})`, async () => {
  for (let i = 0; i < 400; i++) {
    const input: Omit<ListObjectsInput, 'bucket'> = { maxKeys: 1 + Math.floor(random() * 8) };
    if (random() < 0.5) input.prefix = word(2);
    if (random() < 0.6) input.delimiter = pick(['/', 'é', '-', 'ab', '\u{1F600}']);
    if (random() < 0.5) input.after = random() < 0.5 ? pick(keys) : word(4);
    const got = await store.listObjects({ bucket: 'listing', ...input });
    const want = model(keys, input);
    const shown = { objects: got.objects.map((o) => o.key), commonPrefixes: got.commonPrefixes, isTruncated: got.isTruncated, nextAfter: got.nextAfter };
    assert.deepEqual(shown, want, `case ${i}: ${JSON.stringify(input)}`);
  }
});

test(`paging with nextAfter visits every entry once (seed ${SEED})`, async () => {
  for (let i = 0; i < 40; i++) {
    const input: Omit<ListObjectsInput, 'bucket'> = { maxKeys: 1 + Math.floor(random() * 5) };
    if (random() < 0.5) input.prefix = word(1);
    if (random() < 0.7) input.delimiter = pick(['/', 'é', '-']);
    const all = model(keys, { ...input, maxKeys: 10_000 });
    const seen: string[] = [];
    let afterKey: string | undefined;
    for (;;) {
      const page = await store.listObjects({ bucket: 'listing', ...input, ...(afterKey === undefined ? {} : { after: afterKey }) });
      seen.push(...page.objects.map((o) => o.key), ...page.commonPrefixes);
      if (!page.isTruncated) break;
      afterKey = page.nextAfter;
    }
    assert.deepEqual(seen.sort(cmp), [...all.objects, ...all.commonPrefixes].sort(cmp), JSON.stringify(input));
  }
});
