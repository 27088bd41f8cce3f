/**
 * The web console's server side against a real server, with node's fetch playing the browser
 * (cookie jar, Origin, CSRF header, user agent): the app page and bundle with their security
 * headers; sign-in by password and by access key pair, and its failures, each recorded as AWS
 * records ConsoleLogin; console calls run through the pipeline as the session (recorded with
 * the ASIA key, the browser's user agent and sessionCredentialFromConsole, denied by the same
 * policies); cross-site and token-less requests refused; S3 through the console; the dashboard
 * figures; sign-out and session expiry on the injected clock; sessions that outlive a restart
 * (and signed-out ones that stay dead); the origin and Secure flag behind a TLS-terminating
 * trusted proxy (X-Forwarded-Proto), ignored from any other peer.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signedCall, type Creds } from '../helpers/raw.js';
import { ManualClock } from '../../src/lib/clock.js';
import { MAX_FAILURES, WINDOW_MS } from '../../src/console/signin-throttle.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

const PASSWORD = 'Correct-Horse-Battery-Staple-42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) OpenTrailConsoleTest/1.0';
const CT_TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';
const SESSION_SECONDS = 7200;

let s: TestServer;
let clock: ManualClock;

before(async () => {
  clock = new ManualClock(Date.now());
  s = await startTestServer({ clock, config: { consoleSessionSeconds: SESSION_SECONDS } });
});
after(async () => s.stop());

/** A browser tab: keeps the console cookie and CSRF token, sends its Origin and user agent. */
class Browser {
  cookie: string | undefined;
  csrf = '';
  lastSetCookie = '';

  constructor(
    private readonly ua = UA,
    /** The server this tab talks to (a restarted server listens on another port). */
    private readonly endpoint = (): string => s.endpoint,
  ) {}

  async fetch(path: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = {
      'user-agent': this.ua,
      // Browsers send Origin on every non-GET fetch, same-origin included.
      ...(method !== 'GET' && method !== 'HEAD' ? { origin: this.endpoint() } : {}),
      ...(this.cookie ? { cookie: `opentrail-console=${this.cookie}` } : {}),
      ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
      ...init.headers,
    };
    const res = await fetch(`${this.endpoint()}${path}`, { ...init, headers, redirect: 'manual' });
    const set = res.headers.getSetCookie()[0];
    if (set !== undefined) {
      this.lastSetCookie = set;
      const value = /^opentrail-console=([^;]*)/.exec(set)?.[1];
      this.cookie = value ? value : undefined;
    }
    return res;
  }

  async signIn(form: Record<string, string>): Promise<Response> {
    const res = await this.fetch('/console/api/signin', { method: 'POST', body: JSON.stringify(form), headers: { 'content-type': 'application/json' } });
    if (res.ok) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }

  cloudtrail(operation: string, input: object = {}, region?: string): Promise<Response> {
    return this.fetch('/console/api/aws/cloudtrail/', {
      method: 'POST',
      body: JSON.stringify(input),
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${CT_TARGET}.${operation}`,
        ...(region ? { 'x-opentrail-region': region } : {}),
      },
    });
  }
}

async function iam(params: Record<string, string>, creds: Creds = s.credentials): Promise<string> {
  const res = await signedCall(s.endpoint, creds, {
    service: 'iam',
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
  assert.equal(res.status, 200, res.text);
  return res.text;
}

/** Management events of the account in a region, newest first, parsed. */
async function history(region: string, attribute?: { AttributeKey: 'EventName' | 'Username' | 'AccessKeyId'; AttributeValue: string }): Promise<CloudTrailRecord[]> {
  const out = await s.cloudtrail(region).send(new LookupEventsCommand({ ...(attribute ? { LookupAttributes: [attribute] } : {}), MaxResults: 50 }));
  return (out.Events ?? []).map((e: Event) => JSON.parse(e.CloudTrailEvent ?? '{}') as CloudTrailRecord);
}

/** alice's userIdentity in a ConsoleLogin record: no access key (a password is not one). */
const aliceSignInIdentity = () => ({
  type: 'IAMUser',
  principalId: alice.userId,
  arn: `arn:aws:iam::${s.accountId}:user/alice`,
  accountId: s.accountId,
  accessKeyId: '',
  userName: 'alice',
});
const rootKeys = (): Record<string, string> => ({ accessKeyId: s.credentials.accessKeyId, secretAccessKey: s.credentials.secretAccessKey });

// --- the app itself -----------------------------------------------------------------------

test('/console redirects to /console/, which serves the app page with the security headers', async () => {
  const b = new Browser();
  const redirect = await b.fetch('/console');
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), '/console/');
  const page = await b.fetch('/console/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.equal(
    page.headers.get('content-security-policy'),
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
  );
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), 'same-origin');
  const html = await page.text();
  assert.match(html, /<div id="app">/);
  assert.match(html, /<script type="module" src="\/console\/assets\/app\.js">/);
  assert.match(html, /<link rel="stylesheet" href="\/console\/assets\/app\.css">/);
  assert.doesNotMatch(html, /https?:\/\//, 'nothing external');
});

test('the bundle is built from the web sources: JavaScript and CSS, nothing fetched from elsewhere', async () => {
  const b = new Browser();
  const js = await b.fetch('/console/assets/app.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  const code = await js.text();
  assert.ok(code.length > 1000, 'a bundled app, preact included');
  assert.doesNotMatch(code, /^import .* from ["']https?:/m, 'no imports from a CDN');
  const css = await b.fetch('/console/assets/app.css');
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  assert.equal((await b.fetch('/console/assets/other.js')).status, 404);
  assert.equal((await b.fetch('/console/nothing-here')).status, 404);
  assert.equal((await b.fetch('/console/', { method: 'POST' })).status, 405);
});

test('paths outside /console still reach the AWS pipeline', async () => {
  const res = await fetch(`${s.endpoint}/consoleX`, { method: 'GET' });
  // S3 answers an unsigned request for a bucket named consoleX: not the console's 404 page.
  assert.match(res.headers.get('content-type') ?? '', /xml/);
});

// --- sign-in ------------------------------------------------------------------------------

let alice: { userId: string };

test('an IAM user with a login profile signs in with account, user name and password', async () => {
  const created = await iam({ Action: 'CreateUser', UserName: 'alice' });
  alice = { userId: /<UserId>([^<]+)<\/UserId>/.exec(created)![1]! };
  await iam({ Action: 'CreateLoginProfile', UserName: 'alice', Password: PASSWORD });
  const denyCreateTrail = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails'], Resource: '*' },
      { Effect: 'Deny', Action: 'cloudtrail:CreateTrail', Resource: '*' },
    ],
  };
  await iam({ Action: 'PutUserPolicy', UserName: 'alice', PolicyName: 'no-trails', PolicyDocument: JSON.stringify(denyCreateTrail) });

  const b = new Browser();
  const before = clock.now();
  const res = await b.signIn({ account: s.accountId, userName: 'alice', password: PASSWORD });
  assert.equal(res.status, 200);
  const info = (await res.json()) as Record<string, unknown> & { identity: Record<string, string> };
  assert.match(info.identity.accessKeyId!, /^ASIA[A-Z2-7]{16}$/);
  assert.deepEqual({ ...info.identity, accessKeyId: 'x' }, {
    type: 'IAMUser',
    arn: `arn:aws:iam::${s.accountId}:user/alice`,
    accountId: s.accountId,
    userName: 'alice',
    accessKeyId: 'x',
  });
  assert.equal(info.region, 'us-east-1');
  assert.ok(Array.isArray(info.regions) && info.regions.includes('eu-west-1'));
  assert.equal(info.expiresAt, Math.floor(before / 1000) * 1000 + SESSION_SECONDS * 1000);
  assert.match(String(info.csrfToken), /^[A-Za-z0-9_-]{43}$/);

  // The cookie: 32 random bytes, HttpOnly, SameSite=Strict, /console only, Secure on loopback.
  assert.match(b.lastSetCookie, /^opentrail-console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=7200; Secure$/);

  const session = await b.fetch('/console/api/session');
  assert.equal(session.status, 200);
  assert.deepEqual(await session.json(), info);

  // Recorded as AWS records a console sign-in.
  const [login] = await history('us-east-1', { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' });
  assert.ok(login);
  assert.deepEqual(login.userIdentity, aliceSignInIdentity());
  assert.equal(login.eventSource, 'signin.amazonaws.com');
  assert.equal(login.eventName, 'ConsoleLogin');
  assert.equal(login.eventType, 'AwsConsoleSignIn');
  assert.equal(login.awsRegion, 'us-east-1');
  assert.equal(login.sourceIPAddress, '127.0.0.1');
  assert.equal(login.userAgent, UA);
  assert.equal(login.requestParameters, null);
  assert.deepEqual(login.responseElements, { ConsoleLogin: 'Success' });
  assert.deepEqual(login.additionalEventData, { LoginTo: `${s.endpoint}/console/`, MobileVersion: 'No', MFAUsed: 'No' });
  assert.equal(login.readOnly, false);
  assert.equal(login.managementEvent, true);
  assert.equal(login.eventCategory, 'Management');
  assert.equal(login.recipientAccountId, s.accountId);
  assert.ok(!('requestID' in login), 'sign-in events carry no requestID');
  assert.ok(!('errorCode' in login) && !('errorMessage' in login));
  assert.ok(!('sessionCredentialFromConsole' in login));
  assert.ok(!JSON.stringify(login).includes(PASSWORD));
});

test('root signs in with its bootstrap access key pair', async () => {
  const b = new Browser();
  const res = await b.signIn(rootKeys());
  assert.equal(res.status, 200);
  const info = (await res.json()) as { identity: Record<string, string> };
  assert.equal(info.identity.type, 'Root');
  assert.equal(info.identity.arn, `arn:aws:iam::${s.accountId}:root`);
  assert.equal(info.identity.userName, undefined);
  const logins = await history('us-east-1', { AttributeKey: 'Username', AttributeValue: 'root' });
  const login = logins.find((r) => r.eventName === 'ConsoleLogin');
  assert.ok(login);
  assert.deepEqual(login.userIdentity, {
    type: 'Root',
    principalId: s.accountId,
    arn: `arn:aws:iam::${s.accountId}:root`,
    accountId: s.accountId,
    accessKeyId: '',
  });
  assert.deepEqual(login.responseElements, { ConsoleLogin: 'Success' });
  assert.ok(!JSON.stringify(login).includes(s.credentials.secretAccessKey));
});

test("an IAM user's active access key pair signs in; once inactive it is refused", async () => {
  const xml = await iam({ Action: 'CreateAccessKey', UserName: 'alice' });
  const key = {
    accessKeyId: /<AccessKeyId>([^<]+)</.exec(xml)![1]!,
    secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(xml)![1]!,
  };
  const b = new Browser();
  const res = await b.signIn(key);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { identity: { userName: string } }).identity.userName, 'alice');
  await iam({ Action: 'UpdateAccessKey', UserName: 'alice', AccessKeyId: key.accessKeyId, Status: 'Inactive' });
  assert.equal((await new Browser().signIn(key)).status, 401);
  // A session's own temporary key cannot start another session.
  const session = (await (await b.fetch('/console/api/session')).json()) as { identity: { accessKeyId: string } };
  assert.equal((await new Browser().signIn({ accessKeyId: session.identity.accessKeyId, secretAccessKey: 'x'.repeat(40) })).status, 401);
});

test('failed sign-ins: 401 that names no part, recorded as Failure in the account they name', async () => {
  const expectFailure = async (form: Record<string, string>) => {
    const b = new Browser();
    const res = await b.signIn(form);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      code: 'AuthenticationFailed',
      message: 'Your authentication information is incorrect. Please try again.',
    });
    assert.equal(b.cookie, undefined);
  };
  const failuresBefore = (await history('us-east-1', { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' })).length;
  await expectFailure({ account: s.accountId, userName: 'alice', password: 'wrong-password-1' });
  await expectFailure({ account: s.accountId, userName: 'nobody', password: 'wrong-password-2' });
  const secret = s.credentials.secretAccessKey;
  await expectFailure({ accessKeyId: s.credentials.accessKeyId, secretAccessKey: `${secret.slice(0, -1)}${secret.endsWith('X') ? 'Y' : 'X'}` });
  // Nothing to record these in: no such account, no such key.
  await expectFailure({ account: '999999999999', userName: 'alice', password: PASSWORD });
  await expectFailure({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever-secret-0123456789' });

  const logins = await history('us-east-1', { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' });
  assert.equal(logins.length, failuresBefore + 3);
  const [rootFailure, hidden, wrongPassword] = logins;
  for (const r of [rootFailure!, hidden!, wrongPassword!]) {
    assert.deepEqual(r.responseElements, { ConsoleLogin: 'Failure' });
    assert.equal(r.errorMessage, 'Failed authentication');
    assert.ok(!('errorCode' in r));
    assert.equal(r.eventType, 'AwsConsoleSignIn');
    assert.ok(!('requestID' in r));
    assert.equal(r.userAgent, UA);
  }
  assert.deepEqual(wrongPassword!.userIdentity, aliceSignInIdentity());
  assert.deepEqual(hidden!.userIdentity, { type: 'IAMUser', accountId: s.accountId, accessKeyId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' });
  assert.equal(rootFailure!.userIdentity.type, 'Root');
  const text = JSON.stringify(logins);
  for (const secret of ['wrong-password-1', 'wrong-password-2', s.credentials.secretAccessKey.slice(0, 20)]) assert.ok(!text.includes(secret));
});

test('malformed sign-in requests are 400 JSON, never 500', async () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${s.endpoint}/console/api/signin`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  for (const body of ['{', 'null', '[]', '{"account":"1"}', '{"accessKeyId":5,"secretAccessKey":"x"}', 'x'.repeat(17 * 1024)]) {
    const res = await post(body);
    assert.equal(res.status, 400, body.slice(0, 40));
    const json = (await res.json()) as { code: string; message: string };
    assert.equal(typeof json.code, 'string');
  }
  assert.equal((await fetch(`${s.endpoint}/console/api/signin`)).status, 405);
  assert.equal((await fetch(`${s.endpoint}/console/api/nothing`)).status, 404);
  assert.equal((await fetch(`${s.endpoint}/console/api/aws/dynamodb/`, { method: 'POST' })).status, 404);
});

// --- console calls ------------------------------------------------------------------------

test('console calls run as the session: recorded with the ASIA key, the browser UA and sessionCredentialFromConsole', async () => {
  const b = new Browser();
  const info = (await (await b.signIn(rootKeys())).json()) as { identity: { accessKeyId: string } };
  const lookup = await b.cloudtrail('LookupEvents', { MaxResults: 1 });
  assert.equal(lookup.status, 200, await lookup.clone().text());
  const created = await b.cloudtrail('CreateTrail', { Name: 'console-trail', S3BucketName: 'no-such-bucket-for-console' });
  // The service's own error answer, unchanged (no such bucket here).
  assert.equal(created.status, 400);
  assert.equal(((await created.json()) as { __type: string }).__type.split('#').pop(), 'S3BucketDoesNotExistException');

  const records = await history('us-east-1', { AttributeKey: 'AccessKeyId', AttributeValue: info.identity.accessKeyId });
  const names = records.map((r) => r.eventName);
  assert.ok(names.includes('LookupEvents') && names.includes('CreateTrail'), names.join());
  for (const r of records) {
    assert.equal(r.userAgent, UA);
    assert.equal(r.sessionCredentialFromConsole, 'true');
    assert.equal(Object.keys(r).at(-1), 'sessionCredentialFromConsole', 'the last field, as AWS');
    assert.ok(!('tlsDetails' in r));
    assert.equal(r.userIdentity.type, 'Root');
    assert.equal(r.userIdentity.accessKeyId, info.identity.accessKeyId);
    assert.equal(r.userIdentity.sessionContext?.attributes.mfaAuthenticated, 'false');
    assert.equal(r.eventType, 'AwsApiCall');
    assert.match(r.requestID ?? '', /^[0-9a-f-]{36}$/);
  }
});

test('a user whose policy denies CreateTrail gets AccessDeniedException from a console call', async () => {
  const b = new Browser();
  assert.equal((await b.signIn({ account: s.accountId, userName: 'alice', password: PASSWORD })).status, 200);
  const res = await b.cloudtrail('CreateTrail', { Name: 'alice-trail', S3BucketName: 'console-logs' });
  assert.equal(res.status, 400 <= res.status && res.status < 500 ? res.status : -1);
  const body = (await res.json()) as { __type: string; message?: string; Message?: string };
  assert.equal(body.__type.split('#').pop(), 'AccessDeniedException');
  assert.match(body.message ?? body.Message ?? '', /alice is not authorized to perform: cloudtrail:CreateTrail/);
  const allowed = await b.cloudtrail('DescribeTrails');
  assert.equal(allowed.status, 200);
  const [denied] = await history('us-east-1', { AttributeKey: 'Username', AttributeValue: 'alice' }).then((rs) => rs.filter((r) => r.eventName === 'CreateTrail'));
  assert.equal(denied?.errorCode, 'AccessDenied');
  assert.equal(denied?.sessionCredentialFromConsole, 'true');
});

test('cross-site and token-less requests are refused and change nothing', async () => {
  const b = new Browser();
  await b.signIn(rootKeys());
  const forged = await b.fetch('/console/api/aws/cloudtrail/', {
    method: 'POST',
    body: JSON.stringify({ Name: 'forged-trail', S3BucketName: 'console-logs' }),
    headers: { origin: 'http://evil.example', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${CT_TARGET}.CreateTrail` },
  });
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as { code: string }).code, 'CrossOriginRequest');
  const forgedSignIn = await fetch(`${s.endpoint}/console/api/signin`, {
    method: 'POST',
    body: JSON.stringify(rootKeys()),
    headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
  });
  assert.equal(forgedSignIn.status, 403);

  const csrf = b.csrf;
  b.csrf = '';
  const noToken = await b.cloudtrail('CreateTrail', { Name: 'forged-trail', S3BucketName: 'console-logs' });
  assert.equal(noToken.status, 403);
  assert.equal(((await noToken.json()) as { code: string }).code, 'InvalidCsrfToken');
  b.csrf = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`;
  assert.equal((await b.cloudtrail('CreateTrail', { Name: 'forged-trail', S3BucketName: 'console-logs' })).status, 403);
  assert.equal((await b.fetch('/console/api/signout', { method: 'POST' })).status, 403, 'sign-out needs the token too');
  b.csrf = csrf;

  const trails = (await (await b.cloudtrail('DescribeTrails')).json()) as { trailList: { Name: string }[] };
  assert.ok(!trails.trailList.some((t) => t.Name === 'forged-trail'));
  // A body over the edge's limit is refused before the call runs.
  const huge = await b.fetch('/console/api/aws/cloudtrail/', {
    method: 'POST',
    body: 'x'.repeat(1024 * 1024 + 1),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${CT_TARGET}.CreateTrail` },
  });
  assert.equal(huge.status, 413);
  assert.equal(((await huge.json()) as { code: string }).code, 'RequestEntityTooLarge');
  const anonymous = await fetch(`${s.endpoint}/console/api/aws/cloudtrail/`, { method: 'POST', body: '{}' });
  assert.equal(anonymous.status, 401);
  assert.equal(((await anonymous.json()) as { code: string }).code, 'NotSignedIn');
});

test('S3 through the console: create a bucket, put its policy, list, put and get an object', async () => {
  const b = new Browser();
  await b.signIn(rootKeys());
  const bucket = 'console-s3-bucket';
  const created = await b.fetch(`/console/api/aws/s3/${bucket}`, { method: 'PUT' });
  assert.equal(created.status, 200, await created.clone().text());
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` }],
  };
  const put = await b.fetch(`/console/api/aws/s3/${bucket}?policy`, { method: 'PUT', body: JSON.stringify(policy) });
  assert.equal(put.status, 204, await put.clone().text());
  const got = await b.fetch(`/console/api/aws/s3/${bucket}?policy`);
  assert.deepEqual(JSON.parse(await got.text()), policy);
  const list = await b.fetch('/console/api/aws/s3/');
  assert.match(await list.text(), new RegExp(`<Name>${bucket}</Name>`));

  const key = 'AWSLogs/dir one/file+1.json';
  const path = `/console/api/aws/s3/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const body = JSON.stringify({ Records: [{ eventName: 'X' }] }).repeat(200);
  const upload = await b.fetch(path, { method: 'PUT', body, headers: { 'content-type': 'application/json' } });
  assert.equal(upload.status, 200, await upload.clone().text());
  const listed = await b.fetch(`/console/api/aws/s3/${bucket}?list-type=2&prefix=${encodeURIComponent('AWSLogs/')}`);
  assert.match(await listed.text(), /<Key>AWSLogs\/dir one\/file\+1\.json<\/Key>/);
  const head = await b.fetch(path, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(body.length));
  const object = await b.fetch(path);
  assert.equal(object.status, 200);
  assert.equal(await object.text(), body);
  const range = await b.fetch(path, { headers: { range: 'bytes=0-9' } });
  assert.equal(range.status, 206);
  assert.equal(await range.text(), body.slice(0, 10));
  const missing = await b.fetch(`/console/api/aws/s3/${bucket}/nope`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
});

// --- dashboard, sign-out, expiry (these move the clock: signed SDK calls come before) ---------

test('stats: per-hour events and errors, top names and users, in the asked region', async () => {
  const region = 'eu-west-2';
  const b = new Browser();
  await b.signIn(rootKeys());
  const a = new Browser();
  await a.signIn({ account: s.accountId, userName: 'alice', password: PASSWORD });
  for (const call of [() => b.cloudtrail('DescribeTrails', {}, region), () => b.cloudtrail('DescribeTrails', {}, region), () => b.cloudtrail('GetTrail', { Name: 'nope' }, region)]) {
    await call();
  }
  // Into the next clock hour (the session lasts two).
  clock.advance(3_600_000 - (clock.now() % 3_600_000) + 1);
  await a.cloudtrail('DescribeTrails', {}, region);
  await a.cloudtrail('CreateTrail', { Name: 'x', S3BucketName: 'console-logs' }, region);

  const res = await b.fetch('/console/api/stats?hours=2', { headers: { 'x-opentrail-region': region } });
  assert.equal(res.status, 200, await res.clone().text());
  const stats = (await res.json()) as {
    hours: { start: number; events: number; errors: number }[];
    topEventNames: { name: string; count: number }[];
    topUsers: { name: string; count: number }[];
    total: number;
    errors: number;
  };
  const hour = Math.floor(clock.now() / 3_600_000) * 3_600_000;
  assert.deepEqual(stats.hours, [
    { start: hour - 3_600_000, events: 3, errors: 1 },
    { start: hour, events: 2, errors: 1 },
  ]);
  assert.equal(stats.total, 5);
  assert.equal(stats.errors, 2);
  assert.deepEqual(stats.topEventNames, [
    { name: 'DescribeTrails', count: 3 },
    { name: 'CreateTrail', count: 1 },
    { name: 'GetTrail', count: 1 },
  ]);
  assert.deepEqual(stats.topUsers, [
    { name: 'root', count: 3 },
    { name: 'alice', count: 2 },
  ]);
  const day = (await (await b.fetch('/console/api/stats', { headers: { 'x-opentrail-region': region } })).json()) as { hours: unknown[]; total: number };
  assert.equal(day.hours.length, 24);
  assert.equal(day.total, 5);
  const csrf = b.csrf;
  b.csrf = '';
  assert.equal((await b.fetch('/console/api/stats')).status, 403, 'the CSRF token is required');
  b.csrf = csrf;
  for (const bad of ['0', '169', 'x', '1.5']) assert.equal((await b.fetch(`/console/api/stats?hours=${bad}`)).status, 400);
});

test('stats need cloudtrail:LookupEvents', async () => {
  await iam({ Action: 'CreateUser', UserName: 'bob' }, s.credentials).catch(() => undefined);
  const denyLookup = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' }] };
  // Signed calls are checked against real time: the server clock moved an hour, so use the console.
  const root = new Browser();
  await root.signIn(rootKeys());
  const form = (params: Record<string, string>) =>
    root.fetch('/console/api/aws/iam/', {
      method: 'POST',
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
  await form({ Action: 'CreateUser', UserName: 'carol' });
  await form({ Action: 'CreateLoginProfile', UserName: 'carol', Password: PASSWORD });
  assert.equal((await form({ Action: 'PutUserPolicy', UserName: 'carol', PolicyName: 'p', PolicyDocument: JSON.stringify(denyLookup) })).status, 200);
  const c = new Browser();
  assert.equal((await c.signIn({ account: s.accountId, userName: 'carol', password: PASSWORD })).status, 200);
  const res = await c.fetch('/console/api/stats');
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { code: string }).code, 'AccessDenied');
});

test('sign-out ends the session and clears the cookie', async () => {
  const b = new Browser();
  await b.signIn(rootKeys());
  const cookie = b.cookie;
  const out = await b.fetch('/console/api/signout', { method: 'POST' });
  assert.equal(out.status, 204);
  assert.match(b.lastSetCookie, /^opentrail-console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0/);
  b.cookie = cookie;
  const after = await b.fetch('/console/api/session');
  assert.equal(after.status, 401);
  assert.equal(((await after.json()) as { code: string }).code, 'SessionExpired');
  assert.equal((await b.cloudtrail('DescribeTrails')).status, 401);
});

test('a session past consoleSessionSeconds is expired: 401 SessionExpired, then forgotten', async () => {
  const b = new Browser();
  await b.signIn(rootKeys());
  assert.equal((await b.fetch('/console/api/session')).status, 200);
  const cookie = b.cookie;
  clock.advance(SESSION_SECONDS * 1000 + 1000);
  const expired = await b.cloudtrail('DescribeTrails');
  assert.equal(expired.status, 401);
  assert.equal(((await expired.json()) as { code: string }).code, 'SessionExpired');
  b.cookie = cookie;
  const session = await b.fetch('/console/api/session');
  assert.equal(session.status, 401);
  assert.equal(((await session.json()) as { code: string }).code, 'SessionExpired');
  assert.equal((await new Browser().fetch('/console/api/session')).status, 401);
});

test('repeated failed sign-ins from one address are throttled (429, Retry-After), not checked and not recorded', async () => {
  clock.advance(WINDOW_MS); // earlier tests' failures are out of the window
  // Read from the store: the SDK's own clock no longer agrees with the moved server clock.
  const consoleLogins = async () => (await s.app.context.eventLog.readAfter(0, 100_000)).filter((e) => e.record.eventName === 'ConsoleLogin').length;
  const before = await consoleLogins();
  const wrong = { accessKeyId: s.credentials.accessKeyId, secretAccessKey: 'not-the-secret-0123456789abcdef' };
  for (let i = 0; i < MAX_FAILURES; i++) assert.equal((await new Browser().signIn(wrong)).status, 401);
  const held = await new Browser().signIn(rootKeys());
  assert.equal(held.status, 429, 'even the right pair waits');
  assert.equal(((await held.json()) as { code: string }).code, 'TooManyRequests');
  assert.equal(held.headers.get('retry-after'), String(WINDOW_MS / 1000));
  assert.equal(await consoleLogins(), before + MAX_FAILURES, 'the refused attempt is not recorded');
  clock.advance(WINDOW_MS);
  assert.equal((await new Browser().signIn(rootKeys())).status, 200, 'after the window the address may sign in again');
});

// --- sessions across a restart ------------------------------------------------------------

test('a console session outlives a restart on the same data dir; a signed-out one stays dead', async () => {
  const restartClock = new ManualClock(Date.now());
  const first = await startTestServer({ clock: restartClock });
  const { dataDir } = first;
  let server = first;
  const keys = { accessKeyId: first.credentials.accessKeyId, secretAccessKey: first.credentials.secretAccessKey };
  try {
    const kept = new Browser(UA, () => server.endpoint);
    const ended = new Browser(UA, () => server.endpoint);
    assert.equal((await kept.signIn(keys)).status, 200);
    assert.equal((await ended.signIn(keys)).status, 200);
    const endedCookie = ended.cookie;
    assert.equal((await ended.fetch('/console/api/signout', { method: 'POST' })).status, 204);

    await server.stop(true);
    server = await startTestServer({ clock: restartClock, dataDir });

    const session = await kept.fetch('/console/api/session');
    assert.equal(session.status, 200, 'the cookie is still accepted');
    assert.equal(((await session.json()) as { csrfToken: string }).csrfToken, kept.csrf, 'with the same CSRF token');
    const call = await kept.cloudtrail('DescribeTrails');
    assert.equal(call.status, 200, 'and the CSRF token still admits a call');
    kept.csrf = 'not-the-token';
    assert.equal((await kept.cloudtrail('DescribeTrails')).status, 403, 'a wrong token is still refused');

    ended.cookie = endedCookie;
    const dead = await ended.fetch('/console/api/session');
    assert.equal(dead.status, 401);
    assert.equal(((await dead.json()) as { code: string }).code, 'SessionExpired');
  } finally {
    await server.stop();
  }
});

// --- behind a TLS-terminating proxy --------------------------------------------------------

interface ProxiedAnswer {
  status: number;
  code?: string;
  setCookie: string | undefined;
}

/**
 * A sign-in as a proxy for https://console.example.com passes it on: Host and Origin as the
 * browser sent them, X-Forwarded-Proto as the proxy adds it, from `localAddress`.
 */
function proxiedSignIn(server: TestServer, localAddress: string, origin: string, forwardedProto?: string): Promise<ProxiedAnswer> {
  const url = new URL(server.endpoint);
  const body = JSON.stringify({ accessKeyId: server.credentials.accessKeyId, secretAccessKey: server.credentials.secretAccessKey });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        localAddress,
        method: 'POST',
        path: '/console/api/signin',
        headers: {
          host: 'console.example.com',
          origin,
          'content-type': 'application/json',
          'user-agent': UA,
          ...(forwardedProto ? { 'x-forwarded-proto': forwardedProto } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: string };
          resolve({ status: res.statusCode ?? 0, ...(answer.code ? { code: answer.code } : {}), setCookie: res.headers['set-cookie']?.[0] });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('behind a trusted TLS-terminating proxy the console is https: its origin, LoginTo and a Secure cookie', async () => {
  const proxied = await startTestServer({ config: { trustedProxies: ['127.0.0.1'] } });
  try {
    const ok = await proxiedSignIn(proxied, '127.0.0.1', 'https://console.example.com', 'https');
    assert.equal(ok.status, 200, ok.code);
    assert.match(ok.setCookie ?? '', /^opentrail-console=[^;]+; .*; Secure$/, 'Secure although the proxy spoke plain http');
    const logins = (await proxied.app.context.eventLog.readAfter(0, 1000)).filter((e) => e.record.eventName === 'ConsoleLogin');
    assert.equal(logins.at(-1)?.record.additionalEventData?.LoginTo, 'https://console.example.com/console/');

    // The proxy says http: the page's origin is http, and the cookie is not Secure on a network host.
    const plain = await proxiedSignIn(proxied, '127.0.0.1', 'http://console.example.com', 'http');
    assert.equal(plain.status, 200, plain.code);
    assert.doesNotMatch(plain.setCookie ?? '', /Secure/);

    // From an address that is not a trusted proxy the header means nothing: https is another origin.
    const untrusted = await proxiedSignIn(proxied, '127.0.0.2', 'https://console.example.com', 'https');
    assert.equal(untrusted.status, 403);
    assert.equal(untrusted.code, 'CrossOriginRequest');
    assert.equal(untrusted.setCookie, undefined);
    const direct = await proxiedSignIn(proxied, '127.0.0.2', 'http://console.example.com', 'https');
    assert.equal(direct.status, 200, direct.code);
    assert.doesNotMatch(direct.setCookie ?? '', /Secure/, 'no Secure flag on the word of an untrusted peer');
  } finally {
    await proxied.stop();
  }
});
