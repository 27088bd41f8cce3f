/**
 * Header access over node's `headersDistinct` shape (every value a list), which keeps repeated
 * headers apart so SigV4 can canonicalize them exactly.
 */
import type { RawRequest } from './sigv4/index.js';

/** The first value of a header, or undefined. */
export function firstHeader(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
