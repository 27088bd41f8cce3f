/**
 * Signing keys and the signature itself. A SigV4 signing key is four chained HMACs over
 * (secret, date, region, service); it changes once a day, so it is derived once and kept in a
 * small LRU, and a verification costs one SHA-256 of the canonical request plus one HMAC.
 * Secrets live only in this process's memory (as they already do in the credential store) and are
 * never logged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_ENTRIES = 4096;
const cache = new Map<string, Buffer>();

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  // '\n' cannot occur in a date, region or service that passed scope validation
  const id = `${date}\n${region}\n${service}\n${secret}`;
  const hit = cache.get(id);
  if (hit) {
    // refresh recency: Map iteration order is insertion order
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  cache.set(id, key);
  if (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return key;
}

/** Lower-case hex HMAC-SHA256 of the string-to-sign (a byte string). */
export function signatureHex(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign, 'latin1').digest('hex');
}

/**
 * Constant-time string equality. Different lengths still run one comparison of the expected
 * value against itself, so the time taken does not depend on where the inputs differ.
 */
export function constantTimeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** For tests: how many keys are cached, and a way to start cold. */
export function signingKeyCacheSize(): number {
  return cache.size;
}

export function clearSigningKeyCache(): void {
  cache.clear();
}
