/**
 * SSE-KMS in the embedded store beyond the contract: the data keys of an aws:kms object (and of
 * its upload's parts) are wrapped by the key derived for its KMS key, not by the master key; the
 * key id recorded with the object is the one that opens it; copies re-wrap, never re-write, the
 * shared files; listings report the encryption; it all survives a reopen.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/lib/clock.js';
import { CorruptObjectError, KeyWrapper } from '../../src/objects/embedded/crypto.js';
import { EmbeddedObjectStore } from '../../src/objects/embedded/index.js';
import { OWNER, bodyOf, readAll } from '../contract/object-store-helpers.js';
import { tempDir } from '../helpers/server.js';

const B = 'kms-bucket';
const KEY_A = 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555';
const KEY_B = 'arn:aws:kms:eu-west-1:111122223333:alias/aws/s3';
const kms = (sseKmsKeyId: string) => ({ serverSideEncryption: 'aws:kms' as const, sseKmsKeyId });
const master = randomBytes(32);
const plainPath = new KeyWrapper(master);
let root: string;
let dir: string;
let store: EmbeddedObjectStore;

const open = () => EmbeddedObjectStore.open({ dir, masterKey: master, clock: new ManualClock(1_700_000_000_000) });

/** Runs `fn` on objects.db (a second connection; WAL lets it read and write beside the store). */
function withCatalog<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, 'objects.db'));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function chunksOf(key: string): { file: string; crypt: Buffer }[] {
  return withCatalog((db) => db.prepare('SELECT file, crypt FROM object_chunks WHERE bucket = ? AND key = ? ORDER BY idx').all(B, Buffer.from(key))) as {
    file: string;
    crypt: Buffer;
  }[];
}

before(async () => {
  root = tempDir('opentrail-objects-');
  dir = join(root, 'objects');
  store = await open();
  await store.createBucket(B, 'eu-west-1', OWNER);
});

after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

test('an aws:kms object’s data key opens only through its KMS key, never the plain master key path', async () => {
  await store.putObject({ bucket: B, key: 'k', body: bodyOf('secret under A'), ...kms(KEY_A) });
  const [chunk] = chunksOf('k');
  assert.ok(chunk);
  assert.throws(() => plainPath.open(chunk.crypt), CorruptObjectError);
  assert.throws(() => plainPath.forKmsKey(KEY_B).open(chunk.crypt), CorruptObjectError);
  assert.doesNotThrow(() => plainPath.forKmsKey(KEY_A).open(chunk.crypt));
  // An SSE-S3 object is the other way round.
  await store.putObject({ bucket: B, key: 'plain', body: bodyOf('plain') });
  assert.doesNotThrow(() => plainPath.open(chunksOf('plain')[0]!.crypt));
  assert.throws(() => plainPath.forKmsKey(KEY_A).open(chunksOf('plain')[0]!.crypt), CorruptObjectError);
});

test('the recorded key id is what opens the object: pointing it at another key fails the read', async () => {
  await store.putObject({ bucket: B, key: 'bound', body: bodyOf('bound to A'), ...kms(KEY_A) });
  const swap = (from: string, to: string) =>
    withCatalog((db) => db.prepare('UPDATE objects SET headers = replace(headers, ?, ?) WHERE bucket = ? AND key = ?').run(from, to, B, Buffer.from('bound')));
  swap(KEY_A, KEY_B);
  assert.equal((await store.headObject(B, 'bound'))?.sseKmsKeyId, KEY_B);
  await assert.rejects(async () => readAll((await store.getObject(B, 'bound')).body), /failed authentication/);
  swap(KEY_B, KEY_A);
  assert.equal((await readAll((await store.getObject(B, 'bound')).body)).toString(), 'bound to A');
});

test('an upload’s parts are wrapped for its KMS key before completion', async () => {
  const { uploadId } = await store.createMultipartUpload({ bucket: B, key: 'mp', ...kms(KEY_B) });
  await store.uploadPart({ bucket: B, key: 'mp', uploadId, partNumber: 1, body: bodyOf('part one') });
  const crypt = withCatalog((db) => db.prepare('SELECT crypt FROM upload_parts WHERE upload_id = ?').pluck().get(uploadId)) as Buffer;
  assert.throws(() => plainPath.open(crypt), CorruptObjectError);
  assert.doesNotThrow(() => plainPath.forKmsKey(KEY_B).open(crypt));
  await store.abortMultipartUpload(B, 'mp', uploadId);
});

test('a copy under another encryption shares the file and re-wraps its data key', async () => {
  await store.putObject({ bucket: B, key: 'src', body: bodyOf('copied bytes'), ...kms(KEY_A) });
  await store.copyObject({ bucket: B, key: 'src' }, { bucket: B, key: 'to-s3' }, undefined, { serverSideEncryption: 'AES256' });
  await store.copyObject({ bucket: B, key: 'src' }, { bucket: B, key: 'to-b' }, undefined, kms(KEY_B));
  const [src, toS3, toB] = [chunksOf('src')[0]!, chunksOf('to-s3')[0]!, chunksOf('to-b')[0]!];
  assert.equal(toS3.file, src.file);
  assert.equal(toB.file, src.file);
  assert.doesNotThrow(() => plainPath.open(toS3.crypt));
  assert.doesNotThrow(() => plainPath.forKmsKey(KEY_B).open(toB.crypt));
  assert.throws(() => plainPath.open(src.crypt), CorruptObjectError);
  assert.equal((await store.headObject(B, 'to-s3'))?.serverSideEncryption, 'AES256');
  for (const key of ['src', 'to-s3', 'to-b']) {
    assert.equal((await readAll((await store.getObject(B, key)).body)).toString(), 'copied bytes', key);
  }
});

test('listings report each object’s encryption, and it survives a reopen', async () => {
  const report = async () =>
    Object.fromEntries(
      (await store.listObjects({ bucket: B, maxKeys: 100 })).objects.map((o) => [o.key, [o.serverSideEncryption, o.sseKmsKeyId]]),
    );
  const expected = {
    bound: ['aws:kms', KEY_A],
    k: ['aws:kms', KEY_A],
    plain: ['AES256', undefined],
    src: ['aws:kms', KEY_A],
    'to-b': ['aws:kms', KEY_B],
    'to-s3': ['AES256', undefined],
  };
  assert.deepEqual(await report(), expected);
  await store.close();
  store = await open();
  assert.deepEqual(await report(), expected);
  assert.equal((await readAll((await store.getObject(B, 'k')).body)).toString(), 'secret under A');
});
