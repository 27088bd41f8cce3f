/**
 * The digest file format and its signature (reference §5.2–§5.4), shared by the digest writer and
 * `opentrail validate-logs`. A digest is JSON with AWS's keys in AWS's order (nullable fields are
 * `null`, never left out); the object stored is its gzip, and the signature covers the SHA-256 of
 * the uncompressed bytes through the string to sign below, RSA PKCS#1 v1.5 with SHA-256.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export const HASH_ALGORITHM = 'SHA-256';
export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

/** One delivered log file as a digest lists it. */
export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Lowercase hex SHA-256 of the file's uncompressed bytes. */
  hashValue: string;
  hashAlgorithm: typeof HASH_ALGORITHM;
  newestEventTime: string;
  oldestEventTime: string;
}

/** The digest a new one chains to. */
export interface PreviousDigest {
  bucket: string;
  key: string;
  /** Lowercase hex SHA-256 of its uncompressed bytes. */
  hash: string;
  /** Lowercase hex signature (its `signature` metadata). */
  signature: string;
}

export interface DigestContent {
  accountId: string;
  startMs: number;
  endMs: number;
  bucket: string;
  key: string;
  fingerprint: string;
  logFiles: DigestLogFile[];
  /** Absent for the first digest of a chain. */
  previous?: PreviousDigest;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the time format of every digest field. */
export function digestTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Digest files list times to the second, so comparing them as text orders them. */
const newest = (times: string[]) => (times.length === 0 ? null : times.reduce((a, b) => (b > a ? b : a)));
const oldest = (times: string[]) => (times.length === 0 ? null : times.reduce((a, b) => (b < a ? b : a)));

/** The digest's uncompressed JSON text. */
export function digestJson(d: DigestContent): string {
  return JSON.stringify({
    awsAccountId: d.accountId,
    digestStartTime: digestTime(d.startMs),
    digestEndTime: digestTime(d.endMs),
    digestS3Bucket: d.bucket,
    digestS3Object: d.key,
    digestPublicKeyFingerprint: d.fingerprint,
    digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
    newestEventTime: newest(d.logFiles.map((f) => f.newestEventTime)),
    oldestEventTime: oldest(d.logFiles.map((f) => f.oldestEventTime)),
    previousDigestS3Bucket: d.previous?.bucket ?? null,
    previousDigestS3Object: d.previous?.key ?? null,
    previousDigestHashValue: d.previous?.hash ?? null,
    previousDigestHashAlgorithm: d.previous ? HASH_ALGORITHM : null,
    previousDigestSignature: d.previous?.signature ?? null,
    logFiles: d.logFiles,
  });
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * What the signature covers: `<digestEndTime>\n<bucket>/<key>\n<sha256 hex of the JSON>\n<previous
 * signature>`, the previous signature being the text `null` in a starting digest (as the AWS CLI
 * rebuilds it).
 */
export function stringToSign(endTime: string, bucket: string, key: string, hashHex: string, previousSignature: string | null): string {
  return `${endTime}\n${bucket}/${key}\n${hashHex}\n${previousSignature ?? 'null'}`;
}

export function signDigest(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), privateKey).toString('hex');
}

export function verifyDigest(text: string, signatureHex: string, publicKey: KeyObject): boolean {
  return verify('sha256', Buffer.from(text, 'utf8'), publicKey, Buffer.from(signatureHex, 'hex'));
}

/** MD5 of the DER PKCS#1 public key, lowercase hex: ListPublicKeys' Fingerprint (reference §2.14). */
export function keyFingerprint(publicDer: Buffer): string {
  return createHash('md5').update(publicDer).digest('hex');
}
