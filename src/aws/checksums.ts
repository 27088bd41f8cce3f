/**
 * S3's additional checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and Content-MD5 as streaming
 * hashers, with the base64 form S3 puts in `x-amz-checksum-*` (the digest's big-endian bytes).
 *
 * The CRCs are table-driven, eight bytes per step ("slicing-by-8"): an upload of 1 GiB passes
 * through one of them, and byte-at-a-time is several times slower. CRC64 has no 64-bit integer
 * fast path in JavaScript (BigInt allocates), so its register is kept as two 32-bit halves.
 * CRC32, the AWS SDKs' default, uses zlib's native crc32 where node has it (20.15+; about three
 * times faster than the tables).
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
/** Everything a hasher can compute: the checksum algorithms plus MD5 (Content-MD5, ETags). */
export type DigestAlgorithm = ChecksumAlgorithm | 'MD5';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** Digest sizes in bytes; a checksum value whose base64 decodes to another size is malformed. */
export const DIGEST_BYTES: Readonly<Record<DigestAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
};

export interface Hasher {
  update(data: Uint8Array): void;
  /** The digest's bytes (big-endian for the CRCs); call once, after the last update. */
  digest(): Buffer;
}

/** Eight 256-entry tables for a reflected 32-bit CRC, table k advancing a byte k+1 places. */
function crc32Tables(poly: number): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + i] as number;
      t[k * 256 + i] = (prev >>> 8) ^ (t[prev & 0xff] as number);
    }
  }
  return t;
}

/** Tables are built on first use: most processes never compute a CRC. */
const tableCache = new Map<string, Int32Array>();
function tables(name: string, build: () => Int32Array): Int32Array {
  let t = tableCache.get(name);
  if (!t) {
    t = build();
    tableCache.set(name, t);
  }
  return t;
}

class Crc32Hasher implements Hasher {
  private crc = -1;
  constructor(private readonly t: Int32Array) {}

  update(d: Uint8Array): void {
    const t = this.t;
    let crc = this.crc;
    let i = 0;
    const fast = d.length - (d.length % 8);
    for (; i < fast; i += 8) {
      const a = crc ^ ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
      const b = (d[i + 4] as number) | ((d[i + 5] as number) << 8) | ((d[i + 6] as number) << 16) | ((d[i + 7] as number) << 24);
      crc =
        (t[1792 + (a & 0xff)] as number) ^
        (t[1536 + ((a >>> 8) & 0xff)] as number) ^
        (t[1280 + ((a >>> 16) & 0xff)] as number) ^
        (t[1024 + (a >>> 24)] as number) ^
        (t[768 + (b & 0xff)] as number) ^
        (t[512 + ((b >>> 8) & 0xff)] as number) ^
        (t[256 + ((b >>> 16) & 0xff)] as number) ^
        (t[b >>> 24] as number);
    }
    for (; i < d.length; i++) crc = (t[(crc ^ (d[i] as number)) & 0xff] as number) ^ (crc >>> 8);
    this.crc = crc;
  }

  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ -1) >>> 0);
    return out;
  }
}

/** CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, all-ones init and final xor. */
const CRC64_POLY = 0x9a6c9329ac4bc9b5n;

/** Low halves in [0, 2048), high halves in [2048, 4096), eight tables each as for CRC32. */
function crc64Tables(): Int32Array {
  const full: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ CRC64_POLY : c >> 1n;
    full[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = full[(k - 1) * 256 + i] as bigint;
      full[k * 256 + i] = (prev >> 8n) ^ (full[Number(prev & 0xffn)] as bigint);
    }
  }
  const t = new Int32Array(2 * 2048);
  full.forEach((v, i) => {
    t[i] = Number(v & 0xffffffffn) | 0;
    t[2048 + i] = Number(v >> 32n) | 0;
  });
  return t;
}

class Crc64Hasher implements Hasher {
  private lo = -1;
  private hi = -1;
  private readonly t = tables('CRC64NVME', crc64Tables);

  update(d: Uint8Array): void {
    const t = this.t;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const fast = d.length - (d.length % 8);
    for (; i < fast; i += 8) {
      const a = lo ^ ((d[i] as number) | ((d[i + 1] as number) << 8) | ((d[i + 2] as number) << 16) | ((d[i + 3] as number) << 24));
      const b = hi ^ ((d[i + 4] as number) | ((d[i + 5] as number) << 8) | ((d[i + 6] as number) << 16) | ((d[i + 7] as number) << 24));
      const j0 = 1792 + (a & 0xff);
      const j1 = 1536 + ((a >>> 8) & 0xff);
      const j2 = 1280 + ((a >>> 16) & 0xff);
      const j3 = 1024 + (a >>> 24);
      const j4 = 768 + (b & 0xff);
      const j5 = 512 + ((b >>> 8) & 0xff);
      const j6 = 256 + ((b >>> 16) & 0xff);
      const j7 = b >>> 24;
      lo = (t[j0] as number) ^ (t[j1] as number) ^ (t[j2] as number) ^ (t[j3] as number) ^
        (t[j4] as number) ^ (t[j5] as number) ^ (t[j6] as number) ^ (t[j7] as number);
      hi = (t[2048 + j0] as number) ^ (t[2048 + j1] as number) ^ (t[2048 + j2] as number) ^ (t[2048 + j3] as number) ^
        (t[2048 + j4] as number) ^ (t[2048 + j5] as number) ^ (t[2048 + j6] as number) ^ (t[2048 + j7] as number);
    }
    for (; i < d.length; i++) {
      const j = (lo ^ (d[i] as number)) & 0xff;
      lo = (t[j] as number) ^ ((lo >>> 8) | (hi << 24));
      hi = (t[2048 + j] as number) ^ (hi >>> 8);
    }
    this.lo = lo;
    this.hi = hi;
  }

  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ -1) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ -1) >>> 0, 4);
    return out;
  }
}

/** zlib.crc32 arrived in node 20.15; the engines field allows older 20.x. */
const nativeCrc32: typeof zlib.crc32 | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

class NativeCrc32Hasher implements Hasher {
  private crc = 0;
  constructor(private readonly crc32: typeof zlib.crc32) {}
  update(data: Uint8Array): void {
    this.crc = this.crc32(data, this.crc);
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc >>> 0);
    return out;
  }
}

/** The portable CRC32 (tables), which createHasher uses only where zlib has no crc32. */
export function tableCrc32Hasher(): Hasher {
  return new Crc32Hasher(tables('CRC32', () => crc32Tables(0xedb88320)));
}

const NODE_HASH: Readonly<Record<'SHA1' | 'SHA256' | 'MD5', string>> = { SHA1: 'sha1', SHA256: 'sha256', MD5: 'md5' };

export function createHasher(algorithm: DigestAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32':
      return nativeCrc32 ? new NativeCrc32Hasher(nativeCrc32) : tableCrc32Hasher();
    case 'CRC32C':
      return new Crc32Hasher(tables('CRC32C', () => crc32Tables(0x82f63b78)));
    case 'CRC64NVME':
      return new Crc64Hasher();
    default: {
      const hash = createHash(NODE_HASH[algorithm]);
      return { update: (data) => void hash.update(data), digest: () => hash.digest() };
    }
  }
}

/** The base64 value S3 would put in `x-amz-checksum-<algorithm>` (or Content-MD5) for `data`. */
export function checksumBase64(algorithm: DigestAlgorithm, data: Uint8Array): string {
  const h = createHasher(algorithm);
  h.update(data);
  return h.digest().toString('base64');
}

/** `x-amz-checksum-crc32` and so on: the header (or trailer) that carries a checksum. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** The algorithm a lower-case `x-amz-checksum-*` name stands for, if it is one S3 knows. */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => checksumHeaderName(a) === name);
}

/** True when `value` is canonical base64 of exactly the digest size of `algorithm`. */
export function isChecksumValue(algorithm: DigestAlgorithm, value: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === DIGEST_BYTES[algorithm] && bytes.toString('base64') === value;
}
