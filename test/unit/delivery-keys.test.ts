/**
 * Log file keys (reference §4.1): AWS's layout with and without a prefix and an organization id,
 * delivery-time folders and stamp in UTC, and a 16-character suffix that is a pure function of
 * the batch (a replay writes the same key).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountRoot, logFileKey, uniqueSuffix } from '../../src/delivery/keys.js';

const AT = Date.UTC(2015, 7, 1, 2, 10, 59, 999);
const LAYOUT =
  /^(?:(.+)\/)?AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/\3_CloudTrail_\4_(\d{8})T(\d{4})Z_([A-Za-z0-9]{16})\.json\.gz$/;

test('the AWS example layout, without prefix or organization', () => {
  const key = logFileKey({ accountId: '111122223333', region: 'us-east-2', deliveredAtMs: AT, identity: 'x' });
  assert.match(key, /^AWSLogs\/111122223333\/CloudTrail\/us-east-2\/2015\/08\/01\/111122223333_CloudTrail_us-east-2_20150801T0210Z_[A-Za-z0-9]{16}\.json\.gz$/);
  assert.match(key, LAYOUT);
});

test('a prefix and an organization id come before the account', () => {
  const key = logFileKey({ prefix: 'logs/ct', orgId: 'o-fxozgwu6rc', accountId: '123456789015', region: 'ca-central-1', deliveredAtMs: AT, identity: 'y' });
  const m = LAYOUT.exec(key);
  assert.ok(m, key);
  assert.equal(m[1], 'logs/ct');
  assert.equal(m[2], 'o-fxozgwu6rc');
  assert.equal(m[3], '123456789015');
  assert.ok(key.startsWith('logs/ct/AWSLogs/o-fxozgwu6rc/123456789015/CloudTrail/ca-central-1/2015/08/01/'));
  assert.equal(accountRoot('logs/ct', 'o-fxozgwu6rc', '123456789015'), 'logs/ct/AWSLogs/o-fxozgwu6rc/123456789015/');
  assert.equal(accountRoot(undefined, undefined, '123456789015'), 'AWSLogs/123456789015/');
});

test('folders and stamp are the UTC delivery time, across a day boundary', () => {
  const key = logFileKey({ accountId: '111122223333', region: 'eu-west-1', deliveredAtMs: Date.UTC(2024, 11, 31, 23, 59, 30), identity: 'z' });
  assert.match(key, /\/2024\/12\/31\/111122223333_CloudTrail_eu-west-1_20241231T2359Z_/);
});

test('the suffix is deterministic, alphanumeric and differs between batches', () => {
  assert.equal(uniqueSuffix('stream|41|111122223333|us-east-1'), uniqueSuffix('stream|41|111122223333|us-east-1'));
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const s = uniqueSuffix(`stream|${i}|111122223333|us-east-1`);
    assert.match(s, /^[A-Za-z0-9]{16}$/);
    seen.add(s);
  }
  assert.equal(seen.size, 10_000);
});
