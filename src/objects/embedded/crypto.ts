/**
 * Encryption at rest: every chunk file has its own random 256-bit data key, stored wrapped
 * (AES-256-GCM) in the chunk's `crypt` metadata by the master key (SSE-S3) or, for an SSE-KMS
 * object, by a key derived from the master key for its KMS key ARN (HKDF-SHA256, the ARN as
 * info): OpenTrail manages that key, and only it unwraps the object's data keys. The file is a
 * sequence of AES-256-GCM segments of `segmentSize` plaintext bytes (the last may be shorter,
 * and an empty chunk is one empty segment), each followed by its 16-byte tag. A segment's nonce
 * is `prefix(7) | index(4, BE) | last(1)`: the random per-chunk prefix plus the position, so a
 * Range read decrypts only the segments it needs while reordering, truncation and extension are
 * all detected (a segment only authenticates at its own index and with its own "last" flag).
 * Sealing runs on the calling thread: Node's synchronous AES-GCM costs about half the CPU of
 * WebCrypto's pooled jobs (which copy both ways), and the MD5 of large bodies runs on its own
 * thread (md5-worker.ts), so the two still use both cores.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const TAG_BYTES = 16;
/**
 * 256 KiB: measured fastest per byte with Node's AES-GCM (larger outputs cost page faults,
 * smaller ones per-call overhead), and a Range read decrypts at most two of them extra.
 */
export const DEFAULT_SEGMENT_LOG2 = 18;

const VERSION = 1;
const PREFIX_BYTES = 7;
const WRAP_NONCE_BYTES = 12;
const KEY_BYTES = 32;
/** version | segment log2 | nonce prefix: authenticated as AAD of the key wrap. */
const HEADER_BYTES = 2 + PREFIX_BYTES;
const CRYPT_BYTES = HEADER_BYTES + WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES;
/** HKDF salt of SSE-KMS wrapping keys: separates them from any other use of the master key. */
const KMS_WRAP_SALT = Buffer.from('opentrail/objects/sse-kms/v1');

/** Raised when stored bytes fail authentication; never carries key material. */
export class CorruptObjectError extends Error {
  constructor(what: string) {
    super(`stored object data failed authentication (${what}): the file is damaged or was modified`);
    this.name = 'CorruptObjectError';
  }
}

export class SegmentCipher {
  constructor(
    private readonly dataKey: Buffer,
    private readonly prefix: Buffer,
    readonly segmentSize: number,
  ) {}

  /** Number of segments holding `size` plaintext bytes. */
  segmentCount(size: number): number {
    return Math.max(1, Math.ceil(size / this.segmentSize));
  }

  /** Length of the file that holds `size` plaintext bytes. */
  sealedLength(size: number): number {
    return size + this.segmentCount(size) * TAG_BYTES;
  }

  seal(index: number, last: boolean, plain: Uint8Array): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.dataKey, this.nonce(index, last));
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  open(index: number, last: boolean, sealed: Uint8Array): Buffer {
    const body = sealed.length - TAG_BYTES;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.dataKey, this.nonce(index, last));
      decipher.setAuthTag(sealed.subarray(body));
      return Buffer.concat([decipher.update(sealed.subarray(0, body)), decipher.final()]);
    } catch {
      throw new CorruptObjectError(`segment ${index}`);
    }
  }

  private nonce(index: number, last: boolean): Buffer {
    const nonce = Buffer.allocUnsafe(12);
    this.prefix.copy(nonce, 0);
    nonce.writeUInt32BE(index, PREFIX_BYTES);
    nonce[11] = last ? 1 : 0;
    return nonce;
  }
}

/** Creates and opens chunk keys under the master key, or under one SSE-KMS key derived from it. */
export class KeyWrapper {
  private readonly masterKey: Buffer;
  /** What wraps data keys: the master key itself, or the KMS key's derived key. */
  private readonly wrapKey: Buffer;

  constructor(
    masterKey: Uint8Array,
    private readonly segmentLog2 = DEFAULT_SEGMENT_LOG2,
    /** The KMS key ARN this wrapper serves (SSE-KMS); undefined for SSE-S3. */
    readonly kmsKeyId?: string,
  ) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the object store master key must be ${KEY_BYTES} bytes`);
    this.masterKey = Buffer.from(masterKey);
    this.wrapKey =
      kmsKeyId === undefined ? this.masterKey : Buffer.from(hkdfSync('sha256', this.masterKey, KMS_WRAP_SALT, kmsKeyId, KEY_BYTES));
  }

  /** The wrapper for objects under `kmsKeyId` (SSE-KMS), or for SSE-S3 ones when undefined. */
  forKmsKey(kmsKeyId: string | undefined): KeyWrapper {
    return kmsKeyId === this.kmsKeyId ? this : new KeyWrapper(this.masterKey, this.segmentLog2, kmsKeyId);
  }

  /** A fresh data key: the `crypt` blob to store and the cipher to write with. */
  newChunk(): { crypt: Buffer; cipher: SegmentCipher } {
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = VERSION;
    header[1] = this.segmentLog2;
    randomBytes(PREFIX_BYTES).copy(header, 2);
    const dataKey = randomBytes(KEY_BYTES);
    return { crypt: this.wrap(header, dataKey), cipher: cipherFor(header, dataKey) };
  }

  /** The cipher for a stored chunk; CorruptObjectError if `crypt` was altered or the key differs. */
  open(crypt: Uint8Array): SegmentCipher {
    const { header, dataKey } = this.unwrap(crypt);
    return cipherFor(header, dataKey);
  }

  /** `crypt`, which `from` opens, wrapped under this wrapper's key instead: same data key and file. */
  rewrap(crypt: Uint8Array, from: KeyWrapper): Buffer {
    const { header, dataKey } = from.unwrap(crypt);
    return this.wrap(header, dataKey);
  }

  private wrap(header: Buffer, dataKey: Buffer): Buffer {
    const wrapNonce = randomBytes(WRAP_NONCE_BYTES);
    const wrap = createCipheriv('aes-256-gcm', this.wrapKey, wrapNonce).setAAD(header);
    const wrapped = Buffer.concat([wrap.update(dataKey), wrap.final()]);
    return Buffer.concat([header, wrapNonce, wrapped, wrap.getAuthTag()]);
  }

  private unwrap(crypt: Uint8Array): { header: Buffer; dataKey: Buffer } {
    const bytes = Buffer.from(crypt.buffer, crypt.byteOffset, crypt.byteLength);
    if (bytes.length !== CRYPT_BYTES || bytes[0] !== VERSION) throw new CorruptObjectError('key record');
    const header = bytes.subarray(0, HEADER_BYTES);
    let at = HEADER_BYTES;
    const wrapNonce = bytes.subarray(at, (at += WRAP_NONCE_BYTES));
    const wrapped = bytes.subarray(at, (at += KEY_BYTES));
    const tag = bytes.subarray(at);
    try {
      const unwrap = createDecipheriv('aes-256-gcm', this.wrapKey, wrapNonce).setAAD(header).setAuthTag(tag);
      return { header, dataKey: Buffer.concat([unwrap.update(wrapped), unwrap.final()]) };
    } catch {
      throw new CorruptObjectError('key record; was the master key changed?');
    }
  }
}

function cipherFor(header: Buffer, dataKey: Buffer): SegmentCipher {
  return new SegmentCipher(dataKey, Buffer.from(header.subarray(2)), 2 ** header[1]!);
}
