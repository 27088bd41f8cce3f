/**
 * Times as validate-logs reads and prints them. The AWS CLI parses --start-time/--end-time with
 * dateutil; we accept the forms people actually type (`2026-01-01`, `2026-01-01T10:00:00Z`,
 * `2026-01-01 10:00`, the compact `20260101T100000Z` and `20160129T19:00:00Z` of AWS's example),
 * UTC unless an offset is given. Output uses the digest time format (`digestTime`).
 */
import { digestTime } from '../delivery/digest.js';

const USER_TIME =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseUserTime(text: string): Date {
  const m = USER_TIME.exec(text.trim());
  if (!m) throw new Error(`Unable to parse date value: ${text}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Math.floor(Number(`0.${frac || '0'}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new Error(`Unable to parse date value: ${text}`);
  }
  const offset = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (offset) t -= (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0)) * 60_000;
  return new Date(t);
}

/** `%Y-%m-%dT%H:%M:%SZ`, the AWS CLI's display format. */
export const displayTime = (d: Date): string => digestTime(d.getTime());

/** `YYYYMMDDTHHMMSSZ` (a digest key's stamp) as a time, or undefined if it is not one. */
export function stampTime(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** A time field of a digest (ISO 8601), or an error with the AWS CLI's wording. */
export function parseDigestTime(text: unknown): Date {
  if (typeof text !== 'string') throw new Error(`Unable to parse date value: ${String(text)}`);
  return parseUserTime(text);
}
