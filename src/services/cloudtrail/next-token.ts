/**
 * Opaque, tamper-evident pagination tokens (reference §9): a token carries the position to
 * continue after and a hash of the parameters it was issued for, sealed with an HMAC under a key
 * kept in the data dir. An altered token, or one replayed with other parameters, fails
 * verification. LookupEvents continues after an event (time, seq); ListTrails after a trail ARN.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupCursor } from '../../store/event-log.js';

const VERSION = 1;
const MAX_TOKEN = 512;

/** Stable digest of the parameters a token is bound to. */
export function paramsDigest(params: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k] ?? null]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

function mac(key: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

function seal(key: Uint8Array, digest: string, position: ReadonlyArray<string | number>): string {
  const payload = Buffer.from(JSON.stringify([VERSION, digest, ...position])).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The position sealed in `token`, or undefined if it is malformed, altered or for other params. */
function unseal(key: Uint8Array, digest: string, token: string): unknown[] | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > MAX_TOKEN) return undefined;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed[0] !== VERSION || parsed[1] !== digest) return undefined;
    return parsed.slice(2);
  } catch {
    return undefined;
  }
}

export function issueToken(key: Uint8Array, digest: string, cursor: LookupCursor): string {
  return seal(key, digest, [cursor.eventTimeMs, cursor.seq]);
}

export function openToken(key: Uint8Array, digest: string, token: string): LookupCursor | undefined {
  const position = unseal(key, digest, token);
  if (!position || position.length !== 2) return undefined;
  const [eventTimeMs, seq] = position;
  if (!Number.isSafeInteger(eventTimeMs) || !Number.isSafeInteger(seq)) return undefined;
  return { eventTimeMs: eventTimeMs as number, seq: seq as number };
}

/** A token to continue after the item whose sort key is `after`. */
export function issueAfterToken(key: Uint8Array, digest: string, after: string): string {
  return seal(key, digest, [after]);
}

export function openAfterToken(key: Uint8Array, digest: string, token: string): string | undefined {
  const position = unseal(key, digest, token);
  return position?.length === 1 && typeof position[0] === 'string' ? position[0] : undefined;
}
