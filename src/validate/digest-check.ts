/**
 * Loading one digest file and checking it as the AWS CLI does (reference §5.5 step 2–7): gunzip
 * and JSON, the signature metadata, the required fields, the "moved" check, the public key by
 * fingerprint, then the RSA signature over the string to sign. Each failure is a DigestInvalid
 * carrying the CLI's wording; a missing object surfaces as ObjectNotFound and read failures as
 * SourceError for the traversal to handle.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { sha256Hex, stringToSign, verifyDigest } from '../delivery/digest.js';
import { gunzipFirstMember } from './gzip-member.js';
import { readAll, type ObjectSource, type PublicKey, type PublicKeySource } from './sources.js';
import { displayTime, parseDigestTime } from './time.js';

/** A digest that fails a check; `reason` follows `INVALID: ` in the output. */
export class DigestInvalid extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DigestInvalid';
  }
}

export type DigestDoc = Record<string, unknown>;

export interface CheckedDigest {
  doc: DigestDoc;
  startTime: Date;
  endTime: Date;
  /** Its `signature` metadata. */
  signature: string;
  /** SHA-256 of its uncompressed bytes, lowercase hex. */
  hash: string;
}

/** Public keys by fingerprint; backfill digests add keys to it as they need them. */
export type KeyRing = Map<string, PublicKey>;

const HOUR = 3_600_000;
const REQUIRED = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'previousDigestSignature', 'digestEndTime', 'digestStartTime'];
const INVALID_FORMAT = 'invalid format';
const BAD_SIGNATURE = 'signature verification failed';

/** ListPublicKeys over [start, end] as a key ring; none at all stops the run (CLI wording). */
export async function loadKeyRing(source: PublicKeySource, start: Date, end: Date): Promise<KeyRing> {
  const keys = await source.list(start, end);
  if (keys.length === 0) throw new Error(`No public keys found between ${displayTime(start)} and ${displayTime(end)}`);
  return new Map(keys.map((k) => [k.fingerprint, k]));
}

async function parseDigest(gz: Buffer): Promise<{ doc: DigestDoc; raw: Buffer }> {
  try {
    const { data, complete } = await gunzipFirstMember(gz);
    if (!complete) throw new Error('incomplete or truncated stream');
    const doc: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
    return { doc: doc as DigestDoc, raw: data };
  } catch {
    throw new DigestInvalid(INVALID_FORMAT);
  }
}

function checkSignature(text: string, signatureHex: string, der: Uint8Array, fingerprint: string): void {
  if (signatureHex.length % 2 !== 0) throw new Error('Odd-length string');
  if (!/^[0-9a-fA-F]*$/.test(signatureHex)) throw new Error('Non-hexadecimal digit found');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
  } catch {
    throw new DigestInvalid(`Unable to load PKCS #1 key with fingerprint ${fingerprint}`);
  }
  let ok = false;
  try {
    ok = verifyDigest(text, signatureHex, key);
  } catch {
    ok = false;
  }
  if (!ok) throw new DigestInvalid(BAD_SIGNATURE);
}

interface Fetched {
  body: Buffer;
  metadata: Record<string, string>;
}

export class DigestChecker {
  /** Digests read ahead of the walk, by `bucket/key`; each is taken once. */
  private readonly ahead = new Map<string, Promise<Fetched>>();

  constructor(
    private readonly objects: ObjectSource,
    private readonly publicKeys: PublicKeySource,
    private readonly homeRegion: string,
  ) {}

  /**
   * Starts reading digests the walk will probably want next (the listed ones just older than
   * where it is), so a long chain does not wait one round trip per digest. Failures surface
   * when (if) the digest is checked.
   */
  readAhead(bucket: string, keys: string[]): void {
    for (const key of keys) {
      const id = `${bucket}/${key}`;
      if (this.ahead.has(id)) continue;
      const p = this.fetch(bucket, key);
      p.catch(() => undefined);
      this.ahead.set(id, p);
    }
  }

  private async fetch(bucket: string, key: string): Promise<Fetched> {
    const object = await this.objects.get(bucket, key);
    return { body: await readAll(object.body), metadata: object.metadata };
  }

  async check(keys: KeyRing, bucket: string, key: string, backfill: boolean): Promise<CheckedDigest> {
    const id = `${bucket}/${key}`;
    const fetching = this.ahead.get(id) ?? this.fetch(bucket, key);
    this.ahead.delete(id);
    const object = await fetching;
    const { doc, raw } = await parseDigest(object.body);
    const signature = object.metadata['signature'];
    if (signature === undefined || object.metadata['signature-algorithm'] === undefined) throw new DigestInvalid(BAD_SIGNATURE);
    const generated = object.metadata['backfill-generation-timestamp'];
    if (backfill && generated === undefined) throw new DigestInvalid(INVALID_FORMAT);
    if (REQUIRED.some((field) => !(field in doc))) throw new DigestInvalid(INVALID_FORMAT);
    if (doc.digestS3Bucket !== bucket || doc.digestS3Object !== key) throw new DigestInvalid('has been moved from its original location');
    const fingerprint = String(doc.digestPublicKeyFingerprint);
    if (!keys.has(fingerprint) && backfill) {
      const at = parseDigestTime(generated).getTime();
      for (const [fp, k] of await loadKeyRing(this.publicKeys, new Date(at - HOUR), new Date(at + HOUR))) keys.set(fp, k);
    }
    const publicKey = keys.get(fingerprint);
    if (!publicKey) throw new DigestInvalid(`public key not found in region ${this.homeRegion} for fingerprint ${fingerprint}`);
    const hash = sha256Hex(raw);
    const previous = doc.previousDigestSignature === null ? null : String(doc.previousDigestSignature);
    const text = stringToSign(String(doc.digestEndTime), String(doc.digestS3Bucket), String(doc.digestS3Object), hash, previous);
    checkSignature(text, signature, publicKey.value, fingerprint);
    return { doc, startTime: parseDigestTime(doc.digestStartTime), endTime: parseDigestTime(doc.digestEndTime), signature, hash };
  }
}
