/**
 * Digest signing keys (reference §2.14, §5.4): one RSA-2048 key pair per region and validity
 * window, created when first needed and kept forever, since validating an old digest needs the
 * key that signed it. Windows of a region follow each other without overlap: a new key starts
 * where the newest one ended, unless the server was down for more than a period (then it starts
 * now, rather than filling the downtime with keys nobody used). The public key is stored as the
 * DER PKCS#1 that ListPublicKeys publishes; the private key only sealed with AES-256-GCM under a
 * key derived from the data dir's secret, bound to its region and fingerprint. Rows are written
 * through the event log's writer (migration 5's `signing_keys`) and read on the main connection.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPair, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { EventLog } from '../store/event-log.js';
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import { keyFingerprint } from './digest.js';

export interface SigningKey {
  region: string;
  fingerprint: string;
  publicDer: Buffer;
  privateKey: KeyObject;
  validFromMs: number;
  validToMs: number;
}

export interface PublicKeyInfo {
  fingerprint: string;
  publicDer: Buffer;
  validFromMs: number;
  validToMs: number;
}

/** A row as better-sqlite3 returns it (only this class writes them, hence the casts below). */
interface KeyRow {
  region: string;
  fingerprint: string;
  public_der: Buffer;
  private_key: Buffer;
  valid_from_ms: number;
  valid_to_ms: number;
}

const generateRsa = promisify(generateKeyPair);

const SEAL_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** HKDF salt and info: the sealing key serves this one purpose of the secret. */
const SEAL_SALT = Buffer.from('opentrail/signing-keys/v1');
const SEAL_INFO = Buffer.from('digest signing private keys');

const COLUMNS = 'region, fingerprint, public_der, private_key, valid_from_ms, valid_to_ms';

/** A key's region and fingerprint, authenticated with its sealed private key: a row cannot lend its key to another. */
const aadOf = (region: string, fingerprint: string) => Buffer.from(`${region}\n${fingerprint}`, 'utf8');

/**
 * The new key, unless a key of the region already overlaps its window (another writer got there
 * first): callers read back whichever key covers the time they asked for.
 */
const INSERT_KEY = `INSERT OR IGNORE INTO signing_keys (${COLUMNS})
SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (
  SELECT 1 FROM signing_keys WHERE region = ? AND valid_from_ms < ? AND valid_to_ms > ?)`;

export class SigningKeys {
  private readonly sealKey: Buffer;
  private readonly rotationMs: number;
  /** Decrypted keys by `region\0fingerprint`. */
  private readonly cache = new Map<string, SigningKey>();
  /** Per region, the key creation under way: concurrent callers wait for it instead of making another. */
  private readonly creating = new Map<string, Promise<SigningKey>>();
  private readonly covering;
  private readonly before;
  private readonly after;
  private readonly overlapping;

  constructor(
    db: SqliteDatabase,
    private readonly eventLog: EventLog,
    opts: { secret: Buffer; rotationMs: number },
  ) {
    if (opts.secret.length !== 32) throw new Error('the signing key secret must be 32 bytes');
    this.sealKey = Buffer.from(hkdfSync('sha256', opts.secret, SEAL_SALT, SEAL_INFO, 32));
    // Windows are whole seconds (ListPublicKeys shows them in seconds), one at least.
    this.rotationMs = Math.max(1000, Math.round(opts.rotationMs / 1000) * 1000);
    const select = `SELECT ${COLUMNS} FROM signing_keys WHERE region = ?`;
    this.covering = db.prepare(`${select} AND valid_from_ms <= ? AND valid_to_ms > ? ORDER BY valid_from_ms DESC LIMIT 1`);
    this.before = db.prepare(`${select} AND valid_to_ms <= ? ORDER BY valid_to_ms DESC LIMIT 1`);
    this.after = db.prepare(`${select} AND valid_from_ms > ? ORDER BY valid_from_ms LIMIT 1`);
    this.overlapping = db.prepare(
      'SELECT fingerprint, public_der, valid_from_ms, valid_to_ms FROM signing_keys WHERE region = ? AND valid_from_ms <= ? AND valid_to_ms >= ? ORDER BY valid_from_ms',
    );
  }

  /** The key that signs at `atMs` in `region`; creates (durably) the key whose window covers it if none does. */
  async keyFor(region: string, atMs: number): Promise<SigningKey> {
    const found = this.existing(region, atMs);
    if (found) return found;
    const next = (this.creating.get(region) ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then(() => this.existing(region, atMs) ?? this.create(region, atMs));
    this.creating.set(region, next);
    const done = () => {
      if (this.creating.get(region) === next) this.creating.delete(region);
    };
    next.then(done, done);
    return next;
  }

  /** Every key of `region` whose validity overlaps [startMs, endMs], oldest first. */
  publicKeys(region: string, startMs: number, endMs: number): PublicKeyInfo[] {
    const rows = this.overlapping.all(region, endMs, startMs) as Pick<KeyRow, 'fingerprint' | 'public_der' | 'valid_from_ms' | 'valid_to_ms'>[];
    return rows.map((r) => ({ fingerprint: r.fingerprint, publicDer: r.public_der, validFromMs: r.valid_from_ms, validToMs: r.valid_to_ms }));
  }

  /** The stored key covering `atMs`, or the oldest when `atMs` precedes every key (the clock moved back). */
  private existing(region: string, atMs: number): SigningKey | undefined {
    const row = (this.covering.get(region, atMs, atMs) as KeyRow | undefined) ?? this.oldestAfter(region, atMs);
    return row && this.load(row);
  }

  private oldestAfter(region: string, atMs: number): KeyRow | undefined {
    if (this.before.get(region, atMs) !== undefined) return undefined;
    return this.after.get(region, atMs) as KeyRow | undefined;
  }

  private async create(region: string, atMs: number): Promise<SigningKey> {
    const { from, to } = this.window(region, atMs);
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const publicDer = publicKey.export({ type: 'pkcs1', format: 'der' });
    const fingerprint = keyFingerprint(publicDer);
    const sealed = this.seal(privateKey.export({ type: 'pkcs8', format: 'der' }), aadOf(region, fingerprint));
    const insert: StateChange = { sql: INSERT_KEY, params: [region, fingerprint, publicDer, sealed, from, to, region, to, from] };
    await this.eventLog.append([], [insert]);
    const stored = this.existing(region, atMs);
    if (!stored) throw new Error(`no digest signing key covers ${new Date(atMs).toISOString()} in ${region} after creating one`);
    return stored;
  }

  /**
   * The window of a new key covering `atMs` (which no key covers and some key may follow): from
   * the end of the key before it if that is less than a period ago, else from `atMs`; one period
   * long, cut short where a later key begins.
   */
  private window(region: string, atMs: number): { from: number; to: number } {
    const prev = this.before.get(region, atMs) as KeyRow | undefined;
    const next = this.after.get(region, atMs) as KeyRow | undefined;
    const from = prev && atMs < prev.valid_to_ms + this.rotationMs ? prev.valid_to_ms : Math.floor(atMs / 1000) * 1000;
    return { from, to: Math.min(from + this.rotationMs, next?.valid_from_ms ?? Infinity) };
  }

  private load(row: KeyRow): SigningKey {
    const id = `${row.region}\0${row.fingerprint}`;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const der = this.open(row.private_key, aadOf(row.region, row.fingerprint), row);
    const key: SigningKey = {
      region: row.region,
      fingerprint: row.fingerprint,
      publicDer: row.public_der,
      privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      validFromMs: row.valid_from_ms,
      validToMs: row.valid_to_ms,
    };
    this.cache.set(id, key);
    return key;
  }

  /** `version(1) | iv(12) | ciphertext | tag(16)`. */
  private seal(plain: Buffer, aad: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv).setAAD(aad);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(SEAL_VERSION), iv, body, cipher.getAuthTag()]);
  }

  private open(sealed: Buffer, aad: Buffer, row: KeyRow): Buffer {
    try {
      if (sealed[0] !== SEAL_VERSION) throw new Error('unknown version');
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv).setAAD(aad).setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(
        `the digest signing key ${row.fingerprint} of ${row.region} cannot be decrypted: signing.key in the data dir is not the one the database was written with, or the row was modified`,
      );
    }
  }
}
