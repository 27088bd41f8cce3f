/**
 * Object keys of delivered files (reference §4.1):
 * `[prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<unique16>.json.gz`.
 * Date folders and the stamp are the delivery time (UTC). The 16-character suffix is derived
 * from the batch's identity rather than drawn at random, so a batch replayed after a crash writes
 * the same key again instead of a second copy (DESIGN invariant 2).
 */
import { createHash } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface LogFileKeyInput {
  /** The trail's S3KeyPrefix, if any. */
  prefix?: string;
  /** Organization id (`o-…`) for organization trails. */
  orgId?: string;
  accountId: string;
  region: string;
  deliveredAtMs: number;
  /** Any string naming the file uniquely; hashed into the 16-character suffix. */
  identity: string;
}

/** `[prefix/]AWSLogs/[o-orgid/]<account>/` — the root every file of one account lives under. */
export function accountRoot(prefix: string | undefined, orgId: string | undefined, accountId: string): string {
  return `${prefix ? `${prefix}/` : ''}AWSLogs/${orgId ? `${orgId}/` : ''}${accountId}/`;
}

/** 16 characters of [A-Za-z0-9], a pure function of `identity`. */
export function uniqueSuffix(identity: string): string {
  const digest = createHash('sha256').update(identity).digest();
  let out = '';
  // 62 does not divide 256, so the first characters are very slightly biased; the suffix only
  // has to be unique, not uniform.
  for (let i = 0; i < 16; i++) out += ALNUM[digest[i]! % ALNUM.length];
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function logFileKey(k: LogFileKeyInput): string {
  const d = new Date(k.deliveredAtMs);
  const [y, m, day] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  const stamp = `${y}${m}${day}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  const name = `${k.accountId}_CloudTrail_${k.region}_${stamp}_${uniqueSuffix(k.identity)}.json.gz`;
  return `${accountRoot(k.prefix, k.orgId, k.accountId)}CloudTrail/${k.region}/${y}/${m}/${day}/${name}`;
}

/** `YYYYMMDDTHHMMSSZ` (UTC), the stamp at the end of a digest file's name. */
export function digestStamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface DigestFileKeyInput {
  prefix?: string;
  orgId?: string;
  accountId: string;
  /** The region whose log files the digest lists. */
  region: string;
  trailName: string;
  homeRegion: string;
  /** The digest's end time: its date folders and stamp. */
  endMs: number;
}

/**
 * `[prefix/]AWSLogs/[o-orgid/]<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/<acct>_CloudTrail-Digest_<region>_<trail>_<homeRegion>_<YYYYMMDDTHHMMSSZ>.json.gz`
 * (reference §5.1). validate-logs lists these keys and compares their stamps as text.
 */
export function digestFileKey(k: DigestFileKeyInput): string {
  const stamp = digestStamp(k.endMs);
  const [y, m, day] = [stamp.slice(0, 4), stamp.slice(4, 6), stamp.slice(6, 8)];
  const name = `${k.accountId}_CloudTrail-Digest_${k.region}_${k.trailName}_${k.homeRegion}_${stamp}.json.gz`;
  return `${accountRoot(k.prefix, k.orgId, k.accountId)}CloudTrail-Digest/${k.region}/${y}/${m}/${day}/${name}`;
}
