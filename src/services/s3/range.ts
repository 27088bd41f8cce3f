/**
 * The `Range` header of GetObject, as S3 reads it: one `bytes=` range — `a-b`, open `a-` or
 * suffix `-n` — resolved against the object's size. A header S3 would not act on (several
 * ranges, another unit, bad syntax) is ignored and the whole object served; a well-formed range
 * that selects no byte is InvalidRange (416).
 */
import type { ByteRange } from '../../objects/object-store.js';
import { S3Errors } from './errors.js';

export function resolveRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const first = m[1] === '' ? undefined : Number(m[1]);
  const last = m[2] === '' ? undefined : Number(m[2]);
  if (first === undefined) {
    // suffix range: the last n bytes
    if (last === 0 || size === 0) throw S3Errors.invalidRange(header, size);
    return { start: Math.max(0, size - last!), end: size - 1 };
  }
  if (last !== undefined && last < first) return undefined;
  if (first >= size) throw S3Errors.invalidRange(header, size);
  return { start: first, end: Math.min(last ?? size - 1, size - 1) };
}

/** `Content-Range` of a 206 answer. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
