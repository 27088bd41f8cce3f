/**
 * Byte-level text handling for the canonical request. SigV4 signs bytes, and node hands us byte
 * strings (header values decoded as latin1, one char per byte; the request target is ASCII), so
 * everything here works on bytes: percent-decoding never throws on a malformed escape (%zz) or on
 * invalid UTF-8 (%FF), unlike decodeURIComponent, and re-encoding is AWS's URI-encode (every byte
 * except A-Z a-z 0-9 - . _ ~ becomes %XX, upper-case hex).
 */

const HEX = '0123456789ABCDEF';

/** ENCODED[b] is how byte b appears in a canonical URI component. */
const ENCODED: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b);
  return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${HEX[b >> 4]}${HEX[b & 15]}`;
});

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The bytes a string stands for: chars up to U+00FF are single bytes (node's latin1 view of the
 * wire); anything above can only come from a hand-built request and is taken as UTF-8 text.
 */
export function toBytes(s: string): Uint8Array {
  let wide = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  if (!wide) return Buffer.from(s, 'latin1');
  const parts: Uint8Array[] = [];
  let run = '';
  for (const ch of s) {
    if (ch.charCodeAt(0) <= 0xff && ch.length === 1) {
      run += ch;
      continue;
    }
    if (run) parts.push(Buffer.from(run, 'latin1'));
    run = '';
    parts.push(utf8.encode(ch));
  }
  if (run) parts.push(Buffer.from(run, 'latin1'));
  return Buffer.concat(parts);
}

/** The same bytes as a byte string (one char per byte), ready to hash as latin1. */
export function toByteString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) return Buffer.from(toBytes(s)).toString('latin1');
  }
  return s;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Decodes %XX escapes to bytes; a '%' not followed by two hex digits stays a literal '%'. */
export function percentDecode(s: string): Uint8Array {
  const bytes = toBytes(s);
  if (!bytes.includes(0x25)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x25) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** AWS URI-encode of raw bytes; `keepSlash` leaves '/' as is (for paths). */
export function uriEncode(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) out += keepSlash && b === 0x2f ? '/' : (ENCODED[b] as string);
  return out;
}

/** A decoded query key or value as text, for looking up X-Amz-* parameters. */
export function decodeText(raw: string): string {
  if (!raw.includes('%')) return raw;
  return utf8Decoder.decode(percentDecode(raw));
}
