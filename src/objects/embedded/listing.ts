/**
 * ListObjects over the catalog in UTF-8 byte order. With a delimiter, keys that contain it after
 * the prefix roll up into one common prefix and the scan seeks straight past them (so a bucket
 * with a million keys under `AWSLogs/` lists its top level in a few queries). Objects and common
 * prefixes together count against maxKeys, as in S3.
 */
import type { ListObjectsInput, ListObjectsResult, ObjectMeta } from '../object-store.js';
import { keyBytes, type Catalog } from './catalog.js';

export function listObjects(catalog: Catalog, input: ListObjectsInput): ListObjectsResult {
  catalog.requireBucket(input.bucket);
  return new Listing(catalog, input).run();
}

type Step = 'next' | 'seek' | 'full' | 'end';

class Listing {
  private readonly result: ListObjectsResult = { objects: [], commonPrefixes: [], isTruncated: false };
  private readonly prefix: string;
  private readonly upper: Buffer | null;
  private readonly after: Buffer | undefined;
  /** The scan position: keys from here on (exclusive unless `inclusive`). */
  private lower: Buffer;
  private inclusive = true;
  private count = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly input: ListObjectsInput,
  ) {
    this.prefix = input.prefix ?? '';
    this.lower = keyBytes(this.prefix);
    this.upper = byteSuccessor(this.lower);
    this.after = input.after === undefined ? undefined : keyBytes(input.after);
    if (this.after && Buffer.compare(this.after, this.lower) >= 0) [this.lower, this.inclusive] = [this.after, false];
  }

  run(): ListObjectsResult {
    if (this.input.maxKeys <= 0) return this.result;
    for (;;) {
      const limit = this.input.maxKeys - this.count + 1;
      const rows = this.catalog.objectsFrom(this.input.bucket, this.lower, this.inclusive, this.upper, limit);
      let step: Step = 'next';
      for (const object of rows) {
        step = this.take(object);
        if (step !== 'next') break;
      }
      if (step === 'full') {
        this.result.isTruncated = true;
        return this.result;
      }
      // A page that ends without a seek and short of the limit has seen every remaining key.
      if (step === 'end' || (step === 'next' && rows.length < limit)) {
        delete this.result.nextAfter;
        return this.result;
      }
    }
  }

  private take(object: ObjectMeta): Step {
    const rollup = this.input.delimiter ? commonPrefix(object.key, this.prefix, this.input.delimiter) : undefined;
    if (rollup === undefined) {
      if (this.count === this.input.maxKeys) return 'full';
      this.result.objects.push(object);
      this.count++;
      this.result.nextAfter = object.key;
      [this.lower, this.inclusive] = [keyBytes(object.key), false];
      return 'next';
    }
    const rollupBytes = keyBytes(rollup);
    // A common prefix at or before `after` was served on an earlier page.
    if (!(this.after && Buffer.compare(rollupBytes, this.after) <= 0)) {
      if (this.count === this.input.maxKeys) return 'full';
      this.result.commonPrefixes.push(rollup);
      this.count++;
      this.result.nextAfter = rollup;
    }
    const seek = byteSuccessor(rollupBytes);
    if (!seek) return 'end';
    [this.lower, this.inclusive] = [seek, true];
    return 'seek';
  }
}

function commonPrefix(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/** The smallest byte string greater than every string starting with `bytes` (null: none). */
function byteSuccessor(bytes: Buffer): Buffer | null {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const next = Buffer.from(bytes.subarray(0, end));
  next[end - 1] = next[end - 1]! + 1;
  return next;
}
