/**
 * Digest signing keys (src/delivery/signing-keys.ts) on a real SQLite file written by the event
 * log's writer thread: windows follow each other per region, a long downtime does not fill the
 * gap with keys, a clock moved back keeps the oldest key, keys survive a reopen, the private key
 * is stored only sealed under the secret, and concurrent callers share one new key.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { keyFingerprint, signDigest, verifyDigest } from '../../src/delivery/digest.js';
import { SigningKeys, type SigningKey } from '../../src/delivery/signing-keys.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { tempDir } from '../helpers/server.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function open(file: string, secret: Buffer): { log: SqliteEventLog; keys: SigningKeys } {
  const log = SqliteEventLog.open(file, { writer: 'worker' });
  return { log, keys: new SigningKeys(log.db, log, { secret, rotationMs: HOUR }) };
}

function fresh(): { file: string; secret: Buffer; log: SqliteEventLog; keys: SigningKeys } {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir, 'opentrail.db');
  const secret = randomBytes(32);
  return { file, secret, ...open(file, secret) };
}

const windowOf = (k: Pick<SigningKey, 'validFromMs' | 'validToMs'>) => [k.validFromMs, k.validToMs];
const rowCount = (log: SqliteEventLog) => log.db.prepare('SELECT count(*) FROM signing_keys').pluck().get() as number;

test('a region gets an RSA-2048 key published as DER PKCS#1, fingerprinted by its MD5, valid one period from now', async () => {
  const { log, keys } = fresh();
  const key = await keys.keyFor('us-east-1', T0 + 123);
  assert.deepEqual(windowOf(key), [T0, T0 + HOUR], 'starts at the whole second');
  assert.equal(key.publicDer.length, 270);
  assert.ok(key.publicDer.toString('base64').startsWith('MIIBCgKCAQEA'));
  assert.equal(key.fingerprint, keyFingerprint(key.publicDer));
  assert.match(key.fingerprint, /^[0-9a-f]{32}$/);
  assert.equal(key.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
  const publicKey = createPublicKey({ key: key.publicDer, format: 'der', type: 'pkcs1' });
  assert.ok(verifyDigest('text', signDigest('text', key.privateKey), publicKey));
  assert.equal((await keys.keyFor('us-east-1', T0 + HOUR - 1)).fingerprint, key.fingerprint, 'the same key until its end');
  await log.close();
});

test('windows are contiguous; a long downtime starts the next key at the time asked; an earlier gap is filled', async () => {
  const { log, keys } = fresh();
  const first = await keys.keyFor('eu-west-1', T0);
  const second = await keys.keyFor('eu-west-1', T0 + HOUR + 5_000);
  assert.deepEqual(windowOf(second), [T0 + HOUR, T0 + 2 * HOUR], 'starts where the first ended');
  const third = await keys.keyFor('eu-west-1', T0 + 2 * HOUR + 30 * 60_000);
  assert.deepEqual(windowOf(third), [T0 + 2 * HOUR, T0 + 3 * HOUR]);
  const late = await keys.keyFor('eu-west-1', T0 + 100 * HOUR + 1_500);
  assert.deepEqual(windowOf(late), [T0 + 100 * HOUR + 1_000, T0 + 101 * HOUR + 1_000], 'after a long gap: from the time asked');
  assert.equal(rowCount(log), 4, 'no keys for the downtime');

  const gap = await keys.keyFor('eu-west-1', T0 + 99 * HOUR + 1_000 + 500);
  assert.deepEqual(windowOf(gap), [T0 + 99 * HOUR + 1_000, T0 + 100 * HOUR + 1_000], 'a gap is filled up to the next key, never overlapping it');
  assert.equal((await keys.keyFor('eu-west-1', T0 + 30 * 60_000)).fingerprint, first.fingerprint, 'an old time keeps its key');

  const all = keys.publicKeys('eu-west-1', 0, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(all.map((k) => k.fingerprint), [first, second, third, gap, late].map((k) => k.fingerprint), 'oldest first');
  assert.deepEqual(keys.publicKeys('eu-west-1', T0 + HOUR + 1, T0 + HOUR + 2).map((k) => k.fingerprint), [second.fingerprint]);
  assert.deepEqual(
    keys.publicKeys('eu-west-1', T0 + HOUR - 1, T0 + 2 * HOUR + 1).map((k) => k.fingerprint),
    [first, second, third].map((k) => k.fingerprint),
    'every key overlapping at all',
  );
  assert.deepEqual(keys.publicKeys('eu-west-1', T0 + 10 * HOUR, T0 + 20 * HOUR), [], 'none in the downtime');
  assert.deepEqual(keys.publicKeys('us-east-1', 0, Number.MAX_SAFE_INTEGER), [], 'keys are per region');
  await log.close();
});

test('a clock moved back before the oldest key gets the oldest key, and no new one', async () => {
  const { log, keys } = fresh();
  const first = await keys.keyFor('us-west-2', T0);
  const back = await keys.keyFor('us-west-2', T0 - 10 * HOUR);
  assert.equal(back.fingerprint, first.fingerprint);
  assert.equal(rowCount(log), 1);
  await log.close();
});

test('keys survive a reopen; the private key is stored only sealed, and a wrong secret cannot open it', async () => {
  const { file, secret, log, keys } = fresh();
  const made = [await keys.keyFor('us-east-1', T0), await keys.keyFor('us-east-1', T0 + HOUR), await keys.keyFor('ap-south-1', T0)];
  const stored = log.db.prepare('SELECT private_key FROM signing_keys').pluck().all() as Buffer[];
  for (const k of made) {
    const clear = [
      k.privateKey.export({ type: 'pkcs8', format: 'der' }),
      k.privateKey.export({ type: 'pkcs1', format: 'der' }),
      Buffer.from(k.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      Buffer.from(k.privateKey.export({ type: 'pkcs1', format: 'pem' })),
    ];
    // Any 32-byte run of the key's encodings (its prime factors included) would show a leak.
    for (const blob of stored) for (const c of clear) assert.equal(blob.indexOf(c.subarray(100, 132)), -1, 'private key in clear');
    for (const blob of stored) assert.ok(!blob.toString('latin1').includes('PRIVATE KEY'));
  }
  await log.close();

  const again = open(file, secret);
  for (const k of made) {
    const loaded = await again.keys.keyFor(k.region, k.validFromMs);
    assert.equal(loaded.fingerprint, k.fingerprint);
    assert.deepEqual(loaded.publicDer, k.publicDer);
    assert.deepEqual(windowOf(loaded), windowOf(k));
    const publicKey = createPublicKey({ key: loaded.publicDer, format: 'der', type: 'pkcs1' });
    assert.ok(verifyDigest('digest', signDigest('digest', loaded.privateKey), publicKey), 'the decrypted private key signs');
  }
  assert.equal(rowCount(again.log), 3, 'no key made again');
  await again.log.close();

  const wrong = open(file, randomBytes(32));
  await assert.rejects(wrong.keys.keyFor('us-east-1', T0), (e: Error) => {
    assert.match(e.message, /cannot be decrypted.*signing\.key/);
    assert.ok(!e.message.includes(secret.toString('base64')) && !/[A-Za-z0-9+/]{64}/.test(e.message), 'no key material');
    return true;
  });
  assert.equal(wrong.keys.publicKeys('us-east-1', 0, Number.MAX_SAFE_INTEGER).length, 2, 'public keys stay listable');
  await wrong.log.close();
});

test('concurrent callers of one region share one new key; other regions get their own', async () => {
  const { log, keys } = fresh();
  const got = await Promise.all([
    ...Array.from({ length: 6 }, (_, i) => keys.keyFor('us-east-1', T0 + i)),
    keys.keyFor('us-east-2', T0),
    keys.keyFor('us-east-2', T0 + 1),
  ]);
  assert.equal(new Set(got.slice(0, 6).map((k) => k.fingerprint)).size, 1);
  assert.equal(got[6]!.fingerprint, got[7]!.fingerprint);
  assert.notEqual(got[0]!.fingerprint, got[6]!.fingerprint);
  assert.equal(rowCount(log), 2);
  await log.close();
});
