/**
 * Opaque, tamper-evident pagination tokens for LookupEvents (reference §9): the token carries
 * the position to continue after and a hash of the parameters it was issued for, sealed with an
 * HMAC under a key kept in the data dir. An altered token, or one replayed with other parameters,
 * fails verification.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupCursor } from '../../store/event-log.js';

const VERSION = 1;

/** Stable digest of the parameters a token is bound to. */
export function paramsDigest(params: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k] ?? null]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

export function issueToken(key: Uint8Array, digest: string, cursor: LookupCursor): string {
  const payload = Buffer.from(JSON.stringify([VERSION, digest, cursor.eventTimeMs, cursor.seq])).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The cursor sealed in `token`, or undefined if it is malformed, altered or for other params. */
export function openToken(key: Uint8Array, digest: string, token: string): LookupCursor | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 512) return undefined;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed[1] !== digest) return undefined;
    const [, , eventTimeMs, seq] = parsed as [number, string, unknown, unknown];
    if (!Number.isSafeInteger(eventTimeMs) || !Number.isSafeInteger(seq)) return undefined;
    return { eventTimeMs: eventTimeMs as number, seq: seq as number };
  } catch {
    return undefined;
  }
}
