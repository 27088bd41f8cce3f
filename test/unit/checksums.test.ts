/**
 * S3's checksum algorithms: the published check values ("123456789" for each CRC, the CRC catalogue's
 * CRC-32/ISO-HDLC, CRC-32/ISCSI and CRC-64/NVME entries; AWS's own example for CRC32C of 66560 'a's
 * from the sigv4-streaming-trailers page), a bit-at-a-time reference on random data, the base64
 * form S3 puts in x-amz-checksum-*, and streaming (any split gives the same digest).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  algorithmOfHeader,
  CHECKSUM_ALGORITHMS,
  checksumBase64,
  checksumHeaderName,
  createHasher,
  isChecksumValue,
  tableCrc32Hasher,
  type ChecksumAlgorithm,
  type DigestAlgorithm,
  type Hasher,
} from '../../src/aws/checksums.js';
import { prng } from '../helpers/prng.js';

const CHECK = Buffer.from('123456789');

function hex(algorithm: DigestAlgorithm, data: Uint8Array): string {
  return Buffer.from(checksumBase64(algorithm, data), 'base64').toString('hex');
}

function digestOf(h: Hasher, data: Uint8Array): Buffer {
  h.update(data);
  return h.digest();
}

/** A reflected CRC computed one bit at a time: slow, obvious, independent of the tables. */
function referenceCrc(width: 32 | 64, poly: bigint, data: Uint8Array): string {
  const mask = (1n << BigInt(width)) - 1n;
  let crc = mask;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return (crc ^ mask).toString(16).padStart(width / 4, '0');
}

const REFERENCE: Record<'CRC32' | 'CRC32C' | 'CRC64NVME', (d: Uint8Array) => string> = {
  CRC32: (d) => referenceCrc(32, 0xedb88320n, d),
  CRC32C: (d) => referenceCrc(32, 0x82f63b78n, d),
  CRC64NVME: (d) => referenceCrc(64, 0x9a6c9329ac4bc9b5n, d),
};

function randomBytes(next: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
  return b;
}

test('check values of "123456789" for every algorithm', () => {
  assert.equal(hex('CRC32', CHECK), 'cbf43926');
  assert.equal(hex('CRC32C', CHECK), 'e3069283');
  assert.equal(hex('CRC64NVME', CHECK), 'ae8b14860a799888');
  assert.equal(hex('SHA1', CHECK), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
  assert.equal(hex('SHA256', CHECK), '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  assert.equal(hex('MD5', CHECK), '25f9e794323b453885f5181f1b624d0b');
  assert.equal(digestOf(tableCrc32Hasher(), CHECK).toString('hex'), 'cbf43926');
});

test('base64 of the big-endian digest, as S3 writes x-amz-checksum-*', () => {
  assert.equal(checksumBase64('CRC32', CHECK), 'y/Q5Jg==');
  assert.equal(checksumBase64('CRC32C', CHECK), '4waSgw==');
  assert.equal(checksumBase64('CRC64NVME', CHECK), 'rosUhgp5mIg=');
  // AWS's trailer example: 65 KiB of 'a' carries x-amz-checksum-crc32c:sOO8/Q==
  assert.equal(checksumBase64('CRC32C', Buffer.alloc(66560, 'a')), 'sOO8/Q==');
  // nothing hashed: the CRCs are all zero bits
  assert.equal(checksumBase64('CRC32', Buffer.alloc(0)), 'AAAAAA==');
  assert.equal(checksumBase64('CRC64NVME', Buffer.alloc(0)), 'AAAAAAAAAAA=');
  assert.equal(checksumBase64('SHA256', Buffer.alloc(0)), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
});

test('the table CRCs agree with a bit-at-a-time reference on random data of every length mod 8', () => {
  const next = prng(7);
  for (let n = 0; n < 200; n++) {
    const data = randomBytes(next, n < 40 ? n : Math.floor(next() * 3000));
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
      assert.equal(hex(algorithm, data), REFERENCE[algorithm](data), `${algorithm} of ${data.length} bytes`);
    }
    assert.equal(digestOf(tableCrc32Hasher(), data).toString('hex'), REFERENCE.CRC32(data));
  }
});

test('CRC32 agrees with zlib, through the native and the table path, on large and unaligned buffers', () => {
  const next = prng(11);
  const big = randomBytes(next, 3 * 1024 * 1024 + 5);
  for (const offset of [0, 1, 3, 7]) {
    const view = big.subarray(offset);
    const expected = (zlibCrc32(view) >>> 0).toString(16).padStart(8, '0');
    assert.equal(hex('CRC32', view), expected);
    assert.equal(digestOf(tableCrc32Hasher(), view).toString('hex'), expected);
  }
});

test('streaming: any split of the input gives the same digest as one update', () => {
  const next = prng(99);
  const data = randomBytes(next, 70_001);
  for (const algorithm of [...CHECKSUM_ALGORITHMS, 'MD5'] as const) {
    const whole = checksumBase64(algorithm, data);
    for (let round = 0; round < 5; round++) {
      const h = createHasher(algorithm);
      let at = 0;
      while (at < data.length) {
        const n = Math.min(data.length - at, 1 + Math.floor(next() * (next() < 0.5 ? 9 : 20_000)));
        h.update(data.subarray(at, at + n));
        at += n;
      }
      assert.equal(h.digest().toString('base64'), whole, `${algorithm} round ${round}`);
    }
  }
});

test('header names and well-formed values', () => {
  const names: Record<ChecksumAlgorithm, string> = {
    CRC32: 'x-amz-checksum-crc32',
    CRC32C: 'x-amz-checksum-crc32c',
    CRC64NVME: 'x-amz-checksum-crc64nvme',
    SHA1: 'x-amz-checksum-sha1',
    SHA256: 'x-amz-checksum-sha256',
  };
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    assert.equal(checksumHeaderName(algorithm), names[algorithm]);
    assert.equal(algorithmOfHeader(names[algorithm]), algorithm);
    assert.ok(isChecksumValue(algorithm, checksumBase64(algorithm, CHECK)));
  }
  assert.equal(algorithmOfHeader('x-amz-checksum-type'), undefined);
  assert.equal(algorithmOfHeader('x-amz-checksum-md5'), undefined);
  assert.ok(isChecksumValue('MD5', checksumBase64('MD5', CHECK)));
  assert.ok(!isChecksumValue('CRC32', 'rosUhgp5mIg='), 'a CRC64 value is not a CRC32 value');
  assert.ok(!isChecksumValue('CRC32', 'y/Q5Jg='), 'missing padding');
  assert.ok(!isChecksumValue('CRC32', 'y/Q5Jg=?'));
  assert.ok(!isChecksumValue('CRC32', 'y/Q5Jh=='), 'non-canonical trailing bits');
  assert.ok(!isChecksumValue('SHA256', ''));
});

test('throughput of the streaming hashers (64 MiB in 1 MiB pieces)', (t) => {
  const data = randomBytes(prng(3), 1024 * 1024);
  for (const algorithm of [...CHECKSUM_ALGORITHMS, 'MD5'] as const) {
    const h = createHasher(algorithm);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 64; i++) h.update(data);
    h.digest();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const rate = 64 / seconds;
    t.diagnostic(`${algorithm}: ${rate.toFixed(0)} MiB/s`);
    // Far below what they do on an idle machine (hundreds of MiB/s), so a busy CI box passes;
    // a CRC that fell back to BigInt arithmetic (a few MiB/s) does not.
    assert.ok(rate > 15, `${algorithm} at ${rate.toFixed(0)} MiB/s`);
  }
});
