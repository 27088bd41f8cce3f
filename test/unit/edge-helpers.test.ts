import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceIp } from '../../src/http/source-ip.js';
import { issueToken, openToken, paramsDigest } from '../../src/services/cloudtrail/next-token.js';
import { isoSeconds, truncateUtf8 } from '../../src/recorder/recorder.js';
import { isReadOnlyByName } from '../../src/recorder/classify.js';

test('sourceIp trusts X-Forwarded-For only from configured proxies', () => {
  assert.equal(sourceIp('::ffff:127.0.0.1', '1.2.3.4', []), '127.0.0.1');
  assert.equal(sourceIp('10.0.0.1', '1.2.3.4', []), '10.0.0.1');
  assert.equal(sourceIp('10.0.0.1', '1.2.3.4', ['10.0.0.1']), '1.2.3.4');
  assert.equal(sourceIp('10.0.0.1', '9.9.9.9, 1.2.3.4, 10.0.0.2', ['10.0.0.1', '10.0.0.2']), '1.2.3.4');
  assert.equal(sourceIp('10.0.0.1', 'garbage', ['10.0.0.1']), '10.0.0.1');
  assert.equal(sourceIp('::1', undefined, ['::1']), '::1');
});

test('next tokens round-trip and refuse tampering or other parameters', () => {
  const key = Buffer.alloc(32, 7);
  const d = paramsDigest({ a: 1, b: 'x' });
  assert.equal(paramsDigest({ b: 'x', a: 1 }), d, 'order-independent');
  const t = issueToken(key, d, { eventTimeMs: 1700000000123, seq: 42 });
  assert.deepEqual(openToken(key, d, t), { eventTimeMs: 1700000000123, seq: 42 });
  assert.equal(openToken(key, paramsDigest({ a: 2, b: 'x' }), t), undefined);
  assert.equal(openToken(Buffer.alloc(32, 8), d, t), undefined);
  assert.equal(openToken(key, d, t.slice(0, -2) + (t.endsWith('A') ? 'BB' : 'AA')), undefined);
  for (const bad of ['', '.', 'abc', 'a.b', `${t}x`, 'x'.repeat(10_000)]) assert.equal(openToken(key, d, bad), undefined);
});

test('record helpers: second-precision times, byte-safe truncation, verb classification', () => {
  assert.equal(isoSeconds(Date.UTC(2019, 5, 19, 0, 18, 31, 999)), '2019-06-19T00:18:31Z');
  assert.equal(truncateUtf8('abc', 10), 'abc');
  assert.equal(truncateUtf8('é'.repeat(10), 5), 'éé');
  assert.ok(isReadOnlyByName('LookupEvents') && isReadOnlyByName('DescribeTrails') && isReadOnlyByName('GetTrail'));
  assert.ok(!isReadOnlyByName('CreateTrail') && !isReadOnlyByName('StartLogging') && !isReadOnlyByName('PutEventSelectors'));
});
