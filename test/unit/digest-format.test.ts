/**
 * The digest format (reference §5.1–§5.4): key layout with and without prefix and organization
 * id, JSON keys in AWS's order with nulls for a starting digest, the string to sign exactly as the
 * AWS CLI rebuilds it, and a signature that verifies with the PKCS#1 DER public key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { digestJson, digestTime, keyFingerprint, sha256Hex, signDigest, stringToSign, verifyDigest } from '../../src/delivery/digest.js';
import { digestFileKey, digestStamp } from '../../src/delivery/keys.js';

const END = Date.UTC(2015, 7, 17, 15, 1, 31, 750);

test('digest keys: the documented example, and with prefix and organization id', () => {
  const base = { accountId: '111122223333', region: 'us-east-2', trailName: 'your-trail-name', homeRegion: 'us-east-2', endMs: END };
  assert.equal(
    digestFileKey(base),
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz',
  );
  assert.equal(
    digestFileKey({ ...base, prefix: 'audit/x', orgId: 'o-exampleorgid', region: 'eu-west-1' }),
    'audit/x/AWSLogs/o-exampleorgid/111122223333/CloudTrail-Digest/eu-west-1/2015/08/17/111122223333_CloudTrail-Digest_eu-west-1_your-trail-name_us-east-2_20150817T150131Z.json.gz',
  );
  assert.equal(digestStamp(END), '20150817T150131Z');
  // The AWS CLI reads the stamp as key[-24:-8].
  assert.equal(digestFileKey(base).slice(-24, -8), '20150817T150131Z');
});

test('digest JSON: AWS key order, second-precision times, nulls in a starting digest', () => {
  const file = {
    s3Bucket: 'b',
    s3Object: 'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/f.json.gz',
    hashValue: 'ab'.repeat(32),
    hashAlgorithm: 'SHA-256' as const,
    newestEventTime: '2015-08-17T14:52:27Z',
    oldestEventTime: '2015-08-17T14:42:27Z',
  };
  const start = JSON.parse(digestJson({ accountId: '111122223333', startMs: END - 3_600_000, endMs: END, bucket: 'b', key: 'k', fingerprint: 'f', logFiles: [] })) as Record<string, unknown>;
  assert.deepEqual(Object.keys(start), [
    'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint',
    'digestSignatureAlgorithm', 'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object',
    'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles',
  ]);
  assert.equal(start.digestStartTime, '2015-08-17T14:01:31Z');
  assert.equal(start.digestEndTime, '2015-08-17T15:01:31Z');
  for (const k of ['newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object', 'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature']) {
    assert.equal(start[k], null, k);
  }
  const next = JSON.parse(
    digestJson({
      accountId: '111122223333',
      startMs: END,
      endMs: END + 3_600_000,
      bucket: 'b',
      key: 'k2',
      fingerprint: 'f',
      logFiles: [file, { ...file, s3Object: 'g', newestEventTime: '2015-08-17T15:30:00Z', oldestEventTime: '2015-08-17T14:00:00Z' }],
      previous: { bucket: 'b', key: 'k', hash: 'cd'.repeat(32), signature: 'ef'.repeat(256) },
    }),
  ) as Record<string, unknown>;
  assert.equal(next.newestEventTime, '2015-08-17T15:30:00Z');
  assert.equal(next.oldestEventTime, '2015-08-17T14:00:00Z');
  assert.equal(next.previousDigestHashAlgorithm, 'SHA-256');
  assert.equal(next.previousDigestSignature, 'ef'.repeat(256));
  assert.deepEqual(Object.keys((next.logFiles as object[])[0]!), ['s3Bucket', 's3Object', 'hashValue', 'hashAlgorithm', 'newestEventTime', 'oldestEventTime']);
  assert.equal(digestTime(Date.UTC(2026, 0, 1, 0, 0, 0, 999)), '2026-01-01T00:00:00Z');
});

test('string to sign and SHA256withRSA: what the AWS CLI rebuilds and verifies', () => {
  const text = stringToSign('2015-08-12T04:01:31Z', 'S3-bucket-name', 'AWSLogs/x.json.gz', '4ff0', null);
  assert.equal(text, '2015-08-12T04:01:31Z\nS3-bucket-name/AWSLogs/x.json.gz\n4ff0\nnull');
  assert.equal(stringToSign('t', 'b', 'k', 'h', 'abc'), 't\nb/k\nh\nabc');

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'pkcs1', format: 'der' });
  assert.equal(der.length, 270);
  assert.ok(der.toString('base64').startsWith('MIIBCgKCAQEA'));
  assert.match(keyFingerprint(der), /^[0-9a-f]{32}$/);
  const signature = signDigest(text, privateKey);
  assert.match(signature, /^[0-9a-f]{512}$/);
  const published = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  assert.ok(verifyDigest(text, signature, published));
  assert.ok(!verifyDigest(text.replace('4ff0', '4ff1'), signature, published));
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
