/** The segmented AES-256-GCM format and key wrapping of the embedded object store. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { CorruptObjectError, DEFAULT_SEGMENT_LOG2, KeyWrapper } from '../../src/objects/embedded/crypto.js';

for (const size of [1000, 300 * 1024]) {
  test(`a ${size}-byte segment opens only at its own index and with its own last flag`, () => {
    const { cipher } = new KeyWrapper(randomBytes(32)).newChunk();
    const plain = randomBytes(size);
    const sealed = cipher.seal(3, false, plain);
    assert.equal(sealed.length, plain.length + 16);
    assert.equal(sealed.includes(plain.subarray(0, 32)), false);
    assert.ok(cipher.open(3, false, sealed).equals(plain));
    assert.throws(() => cipher.open(4, false, sealed), CorruptObjectError);
    assert.throws(() => cipher.open(3, true, sealed), CorruptObjectError);
    sealed[10]! ^= 1;
    assert.throws(() => cipher.open(3, false, sealed), CorruptObjectError);
  });
}

test('sealed lengths: one tag per segment, an empty chunk is one empty segment', () => {
  const { cipher } = new KeyWrapper(randomBytes(32)).newChunk();
  const seg = cipher.segmentSize;
  assert.equal(seg, 2 ** DEFAULT_SEGMENT_LOG2);
  assert.equal(cipher.sealedLength(0), 16);
  assert.equal(cipher.sealedLength(seg), seg + 16);
  assert.equal(cipher.sealedLength(seg + 1), seg + 1 + 32);
});

test('each chunk has its own data key; the crypt record needs the right master key, unaltered', () => {
  const master = randomBytes(32);
  const wrapper = new KeyWrapper(master);
  const a = wrapper.newChunk();
  const b = wrapper.newChunk();
  assert.notDeepEqual(a.crypt, b.crypt);
  const sealed = a.cipher.seal(0, true, Buffer.from('hello'));
  assert.throws(() => b.cipher.open(0, true, sealed), CorruptObjectError);
  const reopened = new KeyWrapper(Buffer.from(master)).open(a.crypt);
  assert.equal(reopened.open(0, true, sealed).toString(), 'hello');
  assert.throws(() => new KeyWrapper(randomBytes(32)).open(a.crypt), /master key/);
  for (const at of [1, 5, 20, a.crypt.length - 1]) {
    const altered = Buffer.from(a.crypt);
    altered[at]! ^= 1;
    assert.throws(() => wrapper.open(altered), CorruptObjectError, `byte ${at}`);
  }
  assert.throws(() => wrapper.open(a.crypt.subarray(1)), CorruptObjectError);
});

test('the master key must be 32 bytes and never appears in errors', () => {
  assert.throws(() => new KeyWrapper(randomBytes(16)), /32 bytes/);
  const master = randomBytes(32);
  const { crypt } = new KeyWrapper(master).newChunk();
  assert.throws(() => new KeyWrapper(randomBytes(32)).open(crypt), (err: Error) => {
    assert.equal(err.message.includes(master.toString('hex')), false);
    assert.equal(err.message.includes(master.toString('base64')), false);
    return true;
  });
});

test('SSE-KMS: a data key wrapped for one KMS key opens only through that key; rewrap moves it between keys', () => {
  const master = randomBytes(32);
  const plainPath = new KeyWrapper(master);
  const keyA = 'arn:aws:kms:us-east-1:111122223333:key/a';
  const { crypt, cipher } = plainPath.forKmsKey(keyA).newChunk();
  const sealed = cipher.seal(0, true, Buffer.from('kms'));
  // Derived from the master key and the key id alone: another wrapper instance opens it.
  assert.equal(new KeyWrapper(Buffer.from(master)).forKmsKey(keyA).open(crypt).open(0, true, sealed).toString(), 'kms');
  assert.throws(() => plainPath.open(crypt), CorruptObjectError);
  assert.throws(() => plainPath.forKmsKey(`${keyA}2`).open(crypt), CorruptObjectError);
  assert.throws(() => new KeyWrapper(randomBytes(32)).forKmsKey(keyA).open(crypt), CorruptObjectError);
  assert.equal(plainPath.forKmsKey(undefined), plainPath);
  assert.equal(plainPath.forKmsKey(keyA).forKmsKey(undefined).kmsKeyId, undefined);

  const toPlain = plainPath.rewrap(crypt, plainPath.forKmsKey(keyA));
  assert.equal(plainPath.open(toPlain).open(0, true, sealed).toString(), 'kms', 'same data key, same file');
  assert.throws(() => plainPath.forKmsKey(keyA).open(toPlain), CorruptObjectError);
  assert.throws(() => plainPath.rewrap(crypt, plainPath), CorruptObjectError, 'rewrap needs the key it is wrapped under');
});
