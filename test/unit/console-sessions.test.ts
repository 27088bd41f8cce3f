/**
 * Console session pieces that the integration test cannot reach from loopback: the Secure flag
 * rule per host, cookie parsing, CSRF comparison, expiry on the injected clock, and how a
 * console AWS call's URL and headers become the RawRequest the service sees.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.js';
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

test('sessions: live until expiresAt on the clock, then reported expired once and forgotten', () => {
  const clock = new ManualClock(1_000_000);
  const sessions = new ConsoleSessions(clock);
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
