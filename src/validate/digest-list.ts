/**
 * Which digest files of a trail exist in a bucket, found exactly as the AWS CLI's DigestProvider
 * does (reference §5.5): one ListObjects from the key a digest ending one minute before the start
 * would have, keys filtered by the trail's name pattern, their `YYYYMMDDTHHMMSSZ` stamps compared
 * as text with [start, end + 1 hour], standard and backfill digests kept apart. Lists are cached
 * per (bucket, prefix, range) and the traversal consumes them from the newest end, as the CLI's do.
 */
import { accountRoot, digestFileKey, digestStamp } from '../delivery/keys.js';
import type { ObjectSource } from './sources.js';
import { stampTime } from './time.js';

export interface DigestScope {
  accountId: string;
  trailName: string;
  homeRegion: string;
  /** The region whose digests are validated. */
  sourceRegion: string;
  orgId?: string;
}

export interface DigestLists {
  standard: string[];
  backfill: string[];
}

const HOUR = 3_600_000;
const BACKFILL_SUFFIX = '_backfill.json.gz';

export const isBackfillKey = (key: string): boolean => key.endsWith(BACKFILL_SUFFIX);

/** The stamp part of a digest key, by position as the CLI takes it. */
export const keyStamp = (key: string): string => (isBackfillKey(key) ? key.slice(-33, -17) : key.slice(-24, -8));

/** A digest key's stamp as a time; a key whose stamp is no time stops the run, as in the CLI. */
export function keyTime(key: string): Date {
  const t = stampTime(keyStamp(key));
  if (!t) throw new Error(`Unable to parse date value: ${keyStamp(key)}`);
  return t;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

export class DigestLister {
  private readonly cache = new Map<string, DigestLists>();

  constructor(
    private readonly objects: ObjectSource,
    readonly scope: DigestScope,
  ) {}

  /** The cached lists for this bucket and range (the traversal pops from them). */
  async lists(bucket: string, prefix: string | undefined, start: Date, end: Date): Promise<DigestLists> {
    const id = [bucket, prefix ?? '', start.getTime(), end.getTime()].join('\0');
    let lists = this.cache.get(id);
    if (!lists) {
      lists = await this.load(bucket, prefix, start, end);
      this.cache.set(id, lists);
    }
    return lists;
  }

  private async load(bucket: string, prefix: string | undefined, start: Date, end: Date): Promise<DigestLists> {
    const { accountId, orgId, sourceRegion, trailName, homeRegion } = this.scope;
    const root = accountRoot(prefix, orgId, accountId);
    const marker = digestFileKey({
      ...(prefix ? { prefix } : {}),
      ...(orgId ? { orgId } : {}),
      accountId,
      region: sourceRegion,
      trailName,
      homeRegion,
      endMs: start.getTime() - 60_000,
    });
    const pattern = new RegExp(
      `^${escape(root)}CloudTrail\\-Digest/${escape(sourceRegion)}/\\d+/\\d+/\\d+/` +
        `${escape(accountId)}_CloudTrail\\-Digest_${escape(sourceRegion)}_${escape(trailName)}_${escape(homeRegion)}_.+(?:_backfill)?\\.json\\.gz$`,
    );
    const first = digestStamp(start.getTime());
    const last = digestStamp(end.getTime() + HOUR);
    const lists: DigestLists = { standard: [], backfill: [] };
    for await (const key of this.objects.list(bucket, `${root}CloudTrail-Digest/${sourceRegion}`, marker)) {
      if (!pattern.test(key)) continue;
      const stamp = keyStamp(key);
      if (stamp > last) break;
      if (stamp < first) continue;
      (isBackfillKey(key) ? lists.backfill : lists.standard).push(key);
    }
    return lists;
  }
}

/**
 * The newest remaining key of `keys`, or with `before`, the newest one older than it (keys
 * passed over are dropped): the CLI's `_get_last_digest`.
 */
export function takeLast(keys: string[], before?: string): { key: string; time: Date } | undefined {
  if (keys.length === 0) return undefined;
  const limit = before === undefined ? undefined : keyTime(before);
  while (keys.length > 0) {
    const key = keys.pop()!;
    const time = keyTime(key);
    if (limit === undefined || time < limit) return { key, time };
  }
  return undefined;
}
