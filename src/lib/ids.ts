/**
 * Identifier formats AWS uses, generated from a cryptographic source.
 */
import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` followed by upper-case base32 characters, e.g. AKIA + 16 (access key ids). */
export function awsId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** 40-character secret access key (base64 alphabet, as AWS's). */
export function secretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function uuid(): string {
  return randomUUID();
}
