/**
 * OpenTrail's check for log files that no digest lists (the AWS CLI never looks): a file added to
 * `…/CloudTrail/<region>/` would otherwise pass unnoticed. Only periods that valid digests cover
 * are searched, since a file delivered after the newest digest, or while validation was off, is
 * rightly in none; a log file's stamp has minute precision, so only files whose whole minute lies
 * inside a covered period count. The file name carries no trail name: another trail delivering to
 * the same bucket, prefix and region shows up here too, which the message says.
 */
import { accountRoot } from '../delivery/keys.js';
import type { DigestScope } from './digest-list.js';
import type { UnlistedEvent } from './events.js';
import type { ObjectSource } from './sources.js';

const MINUTE = 60_000;

export interface Period {
  start: number;
  end: number;
}

/** Periods merged where they touch or overlap, in order. */
export function mergePeriods(periods: Period[]): Period[] {
  const merged: Period[] = [];
  for (const p of [...periods].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && p.start <= last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  return merged;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/**
 * Log files of `scope` in `bucket` whose delivery minute lies inside one of `periods` and whose
 * `bucket/key` is not in `listed`.
 */
export async function* unlistedLogFiles(
  objects: ObjectSource,
  bucket: string,
  prefix: string | undefined,
  scope: DigestScope,
  periods: Period[],
  listed: Set<string>,
): AsyncGenerator<UnlistedEvent> {
  const { accountId, sourceRegion: region } = scope;
  const folder = `${accountRoot(prefix, scope.orgId, accountId)}CloudTrail/${region}/`;
  const name = new RegExp(`^(\\d{4}/\\d{2}/\\d{2})/${accountId}_CloudTrail_${region}_(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})Z_[A-Za-z0-9]{16}\\.json\\.gz$`);
  for (const period of mergePeriods(periods)) {
    const lastDay = day(period.end);
    for await (const key of objects.list(bucket, folder, `${folder}${day(period.start)}/`)) {
      const rest = key.slice(folder.length);
      if (rest.slice(0, 10) > lastDay) break;
      const m = name.exec(rest);
      if (!m) continue;
      const t = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]));
      if (t >= period.start && t + MINUTE <= period.end && !listed.has(`${bucket}/${key}`)) yield { type: 'unlisted', bucket, key };
    }
  }
}
