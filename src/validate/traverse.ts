/**
 * The digest chain walk of the AWS CLI's DigestTraverser (reference §5.5 "Traversal"): from the
 * newest listed digest back to the start time, following `previousDigestS3Object` (re-listing
 * when it names another bucket), falling back to the next older listed key after a missing or
 * invalid digest, and announcing a gap when a chain starts but older digests exist. Beyond the
 * CLI it checks each followed link: the newer digest's `previousDigestHashValue` and
 * `previousDigestSignature` against the digest actually found.
 */
import { DigestInvalid, loadKeyRing, type CheckedDigest, type DigestChecker, type KeyRing } from './digest-check.js';
import { takeLast, type DigestLister } from './digest-list.js';
import type { FileEvent, GapEvent, PreviousLink } from './events.js';
import { ObjectNotFound, SourceError, type PublicKeySource } from './sources.js';

const HOUR = 3_600_000;
/** Listed digests read ahead of the walk. */
const READ_AHEAD = 8;

export interface TraverseContext {
  lister: DigestLister;
  checker: DigestChecker;
  publicKeys: PublicKeySource;
}

export interface TraverseRange {
  bucket: string;
  prefix: string | undefined;
  start: Date;
  end: Date;
  backfill: boolean;
}

const present = (v: unknown): v is NonNullable<unknown> => v !== null && v !== undefined;

function linkTo(newer: { bucket: string; key: string; digest: CheckedDigest }, found: CheckedDigest): PreviousLink {
  return {
    bucket: newer.bucket,
    key: newer.key,
    hashMatches: newer.digest.doc.previousDigestHashValue === found.hash,
    signatureMatches: newer.digest.doc.previousDigestSignature === found.signature,
  };
}

export async function* traverseDigests(ctx: TraverseContext, r: TraverseRange): AsyncGenerator<FileEvent | GapEvent> {
  const { start, backfill } = r;
  const kind = backfill ? 'backfill' : 'standard';
  let bucket = r.bucket;
  let keys = (await ctx.lister.lists(bucket, r.prefix, start, r.end))[kind];
  // Standard digests load the keys once; backfill digests fetch them per digest as needed.
  const ring: KeyRing = backfill ? new Map() : await loadKeyRing(ctx.publicKeys, start, new Date(r.end.getTime() + 2 * HOUR));
  const first = takeLast(keys);
  let key = first?.key;
  let endTime = first?.time;
  let lastStart = first?.time;
  /** The digest whose previous-digest fields led to `key`. */
  let newer: { bucket: string; key: string; digest: CheckedDigest } | undefined;
  while (key && lastStart && start <= lastStart) {
    const file = { type: 'file', kind: 'digest', backfill, bucket, key } as const;
    let next: { key: string; time: Date } | undefined;
    try {
      const current = key;
      ctx.checker.readAhead(bucket, keys.filter((k) => k < current).slice(-READ_AHEAD));
      const digest = await ctx.checker.check(ring, bucket, key, backfill);
      [endTime, lastStart] = [digest.endTime, digest.startTime];
      yield { ...file, digest, ...(newer ? { link: linkTo(newer, digest) } : {}) };
      const { previousDigestS3Bucket: prevBucket, previousDigestS3Object: prevKey } = digest.doc;
      if (!present(prevBucket) || !present(prevKey)) {
        newer = undefined;
        next = takeLast(keys, key);
        if (next) yield { type: 'gap', backfill, from: next.time, to: lastStart };
      } else {
        newer = { bucket, key, digest };
        key = String(prevKey);
        if (String(prevBucket) !== bucket) {
          bucket = String(prevBucket);
          keys = (await ctx.lister.lists(bucket, r.prefix, start, endTime))[kind];
        }
        continue;
      }
    } catch (err) {
      if (err instanceof SourceError) throw err;
      newer = undefined;
      const reason = err instanceof ObjectNotFound ? 'not found' : err instanceof DigestInvalid ? err.reason : (err as Error).message;
      yield { ...file, reason };
      next = takeLast(keys, key);
    }
    key = next?.key;
    endTime = next?.time;
  }
}
