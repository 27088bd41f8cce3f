/**
 * In-memory bucket, keys and trail for validate-logs unit tests: a trail that "delivers" gzipped
 * log files and a chain of digests signed with a freshly generated RSA key through
 * src/delivery/digest.ts, exactly as the digest writer lays them out, so tests can tamper with
 * any byte and watch the validator's verdict.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  HASH_ALGORITHM,
  digestJson,
  keyFingerprint,
  sha256Hex,
  signDigest,
  stringToSign,
  digestTime,
  type DigestLogFile,
  type PreviousDigest,
} from '../../src/delivery/digest.js';
import { digestFileKey, logFileKey } from '../../src/delivery/keys.js';
import { ObjectNotFound, type ObjectSource, type PublicKey, type StoredObject } from '../../src/validate/sources.js';
import type { ValidateSources } from '../../src/validate/validator.js';
import type { ValidateLogsIO } from '../../src/cli/validate-logs.js';

interface Stored {
  body: Buffer;
  metadata: Record<string, string>;
}

/** A bucket store in memory; `delayMs` makes reads finish out of order. */
export class MemoryObjects implements ObjectSource {
  readonly objects = new Map<string, Stored>();
  readonly listCalls: { bucket: string; prefix: string; marker: string }[] = [];
  delayMs?: (bucket: string, key: string) => number;

  put(bucket: string, key: string, body: Buffer, metadata: Record<string, string> = {}): void {
    this.objects.set(`${bucket}/${key}`, { body, metadata });
  }

  take(bucket: string, key: string): Stored {
    const o = this.objects.get(`${bucket}/${key}`);
    if (!o) throw new Error(`fixture: no object ${bucket}/${key}`);
    this.objects.delete(`${bucket}/${key}`);
    return o;
  }

  async *list(bucket: string, prefix: string, marker: string): AsyncIterable<string> {
    this.listCalls.push({ bucket, prefix, marker });
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/`))
      .map((k) => k.slice(bucket.length + 1))
      .filter((k) => k.startsWith(prefix) && k > marker)
      .sort();
    yield* keys;
  }

  async get(bucket: string, key: string): Promise<StoredObject> {
    const o = this.objects.get(`${bucket}/${key}`);
    const delay = this.delayMs?.(bucket, key) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!o) throw new ObjectNotFound(bucket, key);
    const body = o.body;
    return {
      metadata: { ...o.metadata },
      // Small chunks, so streaming code meets boundaries everywhere.
      body: (async function* () {
        for (let i = 0; i < body.length; i += 777) yield body.subarray(i, i + 777);
      })(),
    };
  }
}

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1, 0, 1, 31);

export interface DigestOverrides {
  /** Start a new chain (no previous digest). */
  chainStart?: boolean;
  previous?: Partial<PreviousDigest>;
  bucket?: string;
  /** Backfill digest: `_backfill` key and generation timestamp metadata. */
  backfill?: boolean;
}

/** RSA key pairs by name, generated once per process: generation is the slow part of a test. */
const keyPairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
function keyPair(name: string) {
  let pair = keyPairs.get(name);
  if (!pair) keyPairs.set(name, (pair = generateKeyPairSync('rsa', { modulusLength: 2048 })));
  return pair;
}

export class TrailFixture {
  readonly objects = new MemoryObjects();
  readonly accountId = '111122223333';
  readonly region = 'us-east-1';
  readonly trailName = 'main';
  readonly trailArn = `arn:aws:cloudtrail:us-east-1:111122223333:trail/main`;
  readonly privateKey: KeyObject;
  readonly publicDer: Buffer;
  readonly fingerprint: string;
  previous: PreviousDigest | undefined;
  private serial = 0;

  /** `key`: a named generated key pair, or a given one (a server's signing key). */
  constructor(
    readonly bucket = 'trail-bucket',
    readonly prefix?: string,
    key: string | { privateKey: KeyObject; publicDer: Buffer } = 'default',
  ) {
    const pair = typeof key === 'string' ? { privateKey: keyPair(key).privateKey, publicDer: keyPair(key).publicKey.export({ type: 'pkcs1', format: 'der' }) } : key;
    this.privateKey = pair.privateKey;
    this.publicDer = pair.publicDer;
    this.fingerprint = keyFingerprint(this.publicDer);
  }

  /** Delivers a log file at `atMs` holding `count` records. */
  log(atMs: number, count = 2): DigestLogFile {
    const records = Array.from({ length: count }, (_, i) => ({ eventTime: digestTime(atMs - (i + 1) * 1000), eventName: 'GetObject', n: this.serial++ }));
    const raw = Buffer.from(JSON.stringify({ Records: records }));
    const key = logFileKey({ ...(this.prefix ? { prefix: this.prefix } : {}), accountId: this.accountId, region: this.region, deliveredAtMs: atMs, identity: `log-${this.serial++}` });
    this.objects.put(this.bucket, key, gzipSync(raw));
    return { s3Bucket: this.bucket, s3Object: key, hashValue: sha256Hex(raw), hashAlgorithm: HASH_ALGORITHM, newestEventTime: records[0]!.eventTime, oldestEventTime: records[count - 1]!.eventTime };
  }

  digestKey(endMs: number, backfill = false): string {
    const key = digestFileKey({ ...(this.prefix ? { prefix: this.prefix } : {}), accountId: this.accountId, region: this.region, trailName: this.trailName, homeRegion: this.region, endMs });
    return backfill ? key.replace(/\.json\.gz$/, '_backfill.json.gz') : key;
  }

  /** Writes a signed digest for [startMs, endMs] listing `logs`, chained to the last one. */
  digest(startMs: number, endMs: number, logs: DigestLogFile[], o: DigestOverrides = {}): { key: string; json: string; signature: string } {
    const bucket = o.bucket ?? this.bucket;
    const key = this.digestKey(endMs, o.backfill);
    const previous = o.chainStart || !this.previous ? undefined : { ...this.previous, ...o.previous };
    const json = digestJson({ accountId: this.accountId, startMs, endMs, bucket, key, fingerprint: this.fingerprint, logFiles: logs, ...(previous ? { previous } : {}) });
    const signature = signDigest(stringToSign(digestTime(endMs), bucket, key, sha256Hex(json), previous?.signature ?? null), this.privateKey);
    const metadata: Record<string, string> = { signature, 'signature-algorithm': 'SHA256withRSA' };
    if (o.backfill) metadata['backfill-generation-timestamp'] = new Date(endMs).toISOString();
    this.objects.put(bucket, key, gzipSync(json), metadata);
    if (!o.backfill) this.previous = { bucket, key, hash: sha256Hex(json), signature };
    return { key, json, signature };
  }

  /** `count` hourly digests from `fromMs`, each listing `logsPerDigest` files delivered in its hour. */
  chain(fromMs: number, count: number, logsPerDigest = 2, o: DigestOverrides = {}): { key: string; logs: DigestLogFile[] }[] {
    const out = [];
    for (let i = 0; i < count; i++) {
      const start = fromMs + i * HOUR;
      const logs = Array.from({ length: logsPerDigest }, (_, j) => this.log(start + (j + 1) * 10 * 60_000));
      out.push({ key: this.digest(start, start + HOUR, logs, i === 0 ? o : {}).key, logs });
    }
    return out;
  }

  publicKeys(): PublicKey[] {
    return [{ fingerprint: this.fingerprint, value: this.publicDer }];
  }

  sources(over: Partial<ValidateSources> = {}): ValidateSources {
    return {
      objects: this.objects,
      publicKeys: { list: async () => this.publicKeys() },
      trails: {
        describeTrails: async () => [{ trailArn: this.trailArn, bucket: this.bucket, ...(this.prefix ? { prefix: this.prefix } : {}), isOrganizationTrail: false }],
        organizationId: async () => 'o-exampleorg',
      },
      ...over,
    };
  }
}

/** Captured stdout and stderr of a command run (neither a TTY unless asked). */
export function captureIO(sources: ValidateSources, tty = false): ValidateLogsIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    env: {},
    sources,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: tty },
    out: () => out,
    err: () => err,
  };
}
