/**
 * Console session pieces that the integration test cannot reach from loopback: the Secure flag
 * rule per host, cookie parsing, CSRF comparison, expiry on the injected clock, what reaches
 * `console_sessions` (hashes, never cookies; expired rows forgotten), and how a console AWS
 * call's URL and headers become the RawRequest the service sees.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, test } from 'node:test';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../src/lib/clock.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { ConsoleSessions, cookieValue, csrfMatches, isLoopbackHost, setCookie } from '../../src/console/sessions.js';
import { consoleRawRequest, splitAwsPath } from '../../src/console/aws-call.js';

test('Secure only where browsers send it back: TLS is decided by the caller, loopback hosts here', () => {
  for (const host of ['localhost', 'localhost:4599', 'LOCALHOST:1', '127.0.0.1', '127.0.0.1:4599', '127.1.2.3:80', '[::1]', '[::1]:4599']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['192.168.1.5:4599', '10.0.0.1', 'opentrail.internal', 'localhost.evil.example', '127.0.0.1.evil.example', '[::2]:1', '']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
  assert.equal(setCookie('abc', 60, true), 'opentrail-console=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
  assert.equal(setCookie('', 0, false), 'opentrail-console=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0');
});

test('the console cookie is found among others, and only by its exact name', () => {
  assert.equal(cookieValue('a=1; opentrail-console=xyz; b=2'), 'xyz');
  assert.equal(cookieValue('opentrail-console-other=1'), undefined);
  assert.equal(cookieValue('opentrail-console='), undefined);
  assert.equal(cookieValue(undefined), undefined);
});

test('sessions: live until expiresAt on the clock, then reported expired once and forgotten', async () => {
  const clock = new ManualClock(1_000_000);
  const log = new SqliteEventLog(openDatabase(':memory:'), { ownsDatabase: true });
  after(() => log.close());
  const sessions = new ConsoleSessions(clock, log);
  const { cookie, session } = sessions.create('ASIAEXAMPLE', 1_060_000);
  assert.match(cookie, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(cookie, session.csrfToken);
  const found = sessions.find(`opentrail-console=${cookie}`);
  assert.equal(found.state, 'live');
  assert.equal(sessions.find('opentrail-console=forged').state, 'expired');
  assert.equal(sessions.find(undefined).state, 'none');
  assert.ok(csrfMatches(session, session.csrfToken));
  assert.ok(!csrfMatches(session, undefined));
  assert.ok(!csrfMatches(session, session.csrfToken.slice(1)));
  assert.ok(!csrfMatches(session, `${session.csrfToken.slice(0, -1)}${session.csrfToken.endsWith('A') ? 'B' : 'A'}`));
  clock.set(1_060_000);
  assert.equal(sessions.find(`opentrail-console=${cookie}`).state, 'expired');
  clock.set(1_000_000);
  assert.equal(sessions.find(`opentrail-console=${cookie}`).state, 'expired', 'forgotten, even if the clock went back');
});

test('console_sessions: rows hold the cookie hash only, load back live, and sign-out and expiry remove them', async () => {
  const clock = new ManualClock(1_000_000);
  const db = openDatabase(':memory:');
  const log = new SqliteEventLog(db, { ownsDatabase: true });
  after(() => log.close());
  const sessions = new ConsoleSessions(clock, log);
  const kept = sessions.create('ASIAKEPT', 1_060_000);
  const ended = sessions.create('ASIAENDED', 1_060_000);
  const short = sessions.create('ASIASHORT', 1_010_000);
  const failed = sessions.create('ASIAFAILED', 1_060_000);
  for (const s of [kept, ended, short]) await log.append([], s.staged.changes);
  failed.staged.rollback();
  assert.equal(sessions.find(`opentrail-console=${failed.cookie}`).state, 'expired', 'a rolled-back session is gone');

  const rows = () => db.prepare('SELECT * FROM console_sessions ORDER BY access_key_id').all() as Array<Record<string, unknown>>;
  const sha = (c: string) => createHash('sha256').update(c).digest('base64url');
  assert.deepEqual(rows(), [
    { token_hash: sha(ended.cookie), access_key_id: 'ASIAENDED', csrf_token: ended.session.csrfToken, expires_at: 1_060_000 },
    { token_hash: sha(kept.cookie), access_key_id: 'ASIAKEPT', csrf_token: kept.session.csrfToken, expires_at: 1_060_000 },
    { token_hash: sha(short.cookie), access_key_id: 'ASIASHORT', csrf_token: short.session.csrfToken, expires_at: 1_010_000 },
  ]);
  const everything = JSON.stringify(rows());
  for (const s of [kept, ended, short]) assert.ok(!everything.includes(s.cookie), 'no cookie value is stored');

  await sessions.delete(ended.cookie);
  assert.deepEqual(rows().map((r) => r.access_key_id), ['ASIAKEPT', 'ASIASHORT'], 'sign-out deleted its row before resolving');

  // A restart after the short session expired loads only the live one, CSRF token included.
  clock.set(1_010_000);
  const reloaded = ConsoleSessions.load(db, clock, log);
  const found = reloaded.find(`opentrail-console=${kept.cookie}`);
  assert.equal(found.state, 'live');
  assert.ok(found.state === 'live' && csrfMatches(found.session, kept.session.csrfToken));
  assert.equal(reloaded.find(`opentrail-console=${short.cookie}`).state, 'expired');
  assert.equal(reloaded.find(`opentrail-console=${ended.cookie}`).state, 'expired');
  // The next session's changes also forget the expired row.
  await log.append([], reloaded.create('ASIANEXT', 1_070_000).staged.changes);
  assert.deepEqual(rows().map((r) => r.access_key_id), ['ASIAKEPT', 'ASIANEXT']);
});

test('a console AWS call becomes the service request: path as sent, no credentials or framing headers', () => {
  assert.deepEqual(splitAwsPath('/console/api/aws/cloudtrail/'), { service: 'cloudtrail', target: '/' });
  assert.deepEqual(splitAwsPath('/console/api/aws/cloudtrail'), { service: 'cloudtrail', target: '/' });
  assert.deepEqual(splitAwsPath('/console/api/aws/s3/b/a%20b/c?list-type=2'), { service: 's3', target: '/b/a%20b/c?list-type=2' });
  assert.deepEqual(splitAwsPath('/console/api/aws/s3?x=1'), { service: 's3', target: '/?x=1' });
  assert.equal(splitAwsPath('/console/api/aws/'), undefined);
  assert.equal(splitAwsPath('/console/api/aws/S3/'), undefined);
  const req = {
    method: 'PUT',
    headersDistinct: {
      host: ['127.0.0.1:4599'],
      cookie: ['opentrail-console=secret'],
      authorization: ['AWS4-HMAC-SHA256 Credential=AKIA/…'],
      'x-amz-security-token': ['token'],
      'x-amz-date': ['20260101T000000Z'],
      'x-amz-content-sha256': ['UNSIGNED-PAYLOAD'],
      'x-csrf-token': ['csrf'],
      'x-opentrail-region': ['eu-west-1'],
      'transfer-encoding': ['chunked'],
      'content-length': ['999'],
      'content-type': ['application/json'],
      'x-amz-target': ['T.Op'],
      'user-agent': ['Mozilla/5.0'],
      range: ['bytes=0-1'],
    },
  } as unknown as IncomingMessage;
  const raw = consoleRawRequest(req, '/b/k', Buffer.from('{}'));
  assert.deepEqual(raw.headers, {
    host: ['127.0.0.1:4599'],
    'content-type': ['application/json'],
    'x-amz-target': ['T.Op'],
    'user-agent': ['Mozilla/5.0'],
    range: ['bytes=0-1'],
    'content-length': ['2'],
  });
  assert.equal(raw.url, '/b/k');
  assert.equal(raw.method, 'PUT');
});
