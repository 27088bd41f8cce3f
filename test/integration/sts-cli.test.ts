/**
 * STS end to end with the unchanged AWS CLI v1: GetCallerIdentity for root, an IAM user and a
 * role session; AssumeRole through the role's trust policy (untrusted callers refused, duration
 * limits); the temporary credentials authenticating on STS and CloudTrail and recorded as
 * AssumedRole with the role as session issuer (in us-east-1 although the CLI used eu-west-1);
 * GetSessionToken sessions recorded as the user's own; wrong and expired tokens refused in each
 * protocol's words; sessions surviving a restart; no secret in any record.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cliEnv } from '../helpers/aws-cli.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { Staged } from '../../src/trails/registry.js';
import type { IamUser } from '../../src/identity/iam-directory.js';

const run = promisify(execFile);
const MINUTE = 60_000;
/** The CLI signs with the real time: the server's clock stays within SigV4's 15-minute window. */
const clock = new ManualClock(Date.now());
const at = (offsetMs = 0) => clock.set(Date.now() + offsetMs);

let server: TestServer;

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface StsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

before(async () => {
  server = await startTestServer({ clock });
});
after(async () => server.stop());

function env(keys: Keys): NodeJS.ProcessEnv {
  return {
    ...cliEnv(server, { region: 'eu-west-1' }),
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** Runs the CLI; resolves to its JSON output or rejects with its stderr. */
async function aws(keys: Keys, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('aws', ['--endpoint-url', server.endpoint, '--output', 'json', ...args], { env: env(keys) });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

async function awsFails(keys: Keys, ...args: string[]): Promise<string> {
  const err = await aws(keys, ...args).then(
    () => assert.fail(`aws ${args.join(' ')} should have failed`),
    (e: { stderr: string }) => e,
  );
  return err.stderr;
}

const temporary = (c: StsCredentials): Keys => ({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });

/** Commits a directory change the way a recorded call would (tests set up IAM state directly). */
async function commit(staged: Staged): Promise<void> {
  await server.app.context.eventLog.append([], staged.changes);
}

async function userWithKey(name: string, policy: object): Promise<{ user: IamUser; keys: Keys }> {
  const iam = server.app.context.iam;
  const { user, staged } = iam.createUser({ accountId: server.accountId, userName: name, path: '/', createdAt: clock.now(), tags: [] });
  await commit(staged);
  await commit(iam.putPolicy(user.userId, 'p', JSON.stringify({ Version: '2012-10-17', Statement: [policy] })));
  const { key, staged: keyStaged } = iam.createAccessKey(user, clock.now());
  await commit(keyStaged);
  return { user, keys: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } };
}

/** The newest event-history record of `eventName` in `region` (looked up as root). */
// any: records are read field by field and compared with literals.
async function lastRecord(eventName: string, region = 'us-east-1'): Promise<Record<string, any>> {
  const out = await server.cloudtrail(region).send(
    new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], MaxResults: 1 }),
  );
  const event = out.Events?.[0];
  assert.ok(event?.CloudTrailEvent, `a ${eventName} event in ${region}`);
  return JSON.parse(event.CloudTrailEvent) as Record<string, any>; // any: see above
}

const ASSUME_ROLE_ANY = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' };

test('AssumeRole end to end: trusted user, temporary credentials, records, expiry', async () => {
  at();
  const root = server.credentials;
  const rootId = await aws(root, 'sts', 'get-caller-identity');
  assert.deepEqual(rootId, { UserId: server.accountId, Account: server.accountId, Arn: `arn:aws:iam::${server.accountId}:root` });

  const alice = await userWithKey('alice', ASSUME_ROLE_ANY);
  const bob = await userWithKey('bob', ASSUME_ROLE_ANY);
  const aliceArn = `arn:aws:iam::${server.accountId}:user/alice`;
  const iam = server.app.context.iam;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'sts:AssumeRole' }] };
  const { role, staged } = iam.createRole({
    accountId: server.accountId,
    roleName: 'Deployer',
    path: '/ops/',
    trustPolicy: JSON.stringify(trust),
    maxSessionDuration: 3600,
    createdAt: clock.now(),
    tags: [],
  });
  await commit(staged);
  await commit(iam.putPolicy(role.roleId, 'read', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 's3:ListAllMyBuckets'], Resource: '*' }] })));
  const roleArn = `arn:aws:iam::${server.accountId}:role/ops/Deployer`;

  // Issued 10 minutes "ago" for 15 minutes: valid now, expired once the clock moves 6 minutes on.
  at(-10 * MINUTE);
  const assumed = await aws(alice.keys, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'deploy-1', '--duration-seconds', '900');
  const creds = assumed.Credentials as StsCredentials;
  assert.match(creds.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.equal(creds.SecretAccessKey.length, 40);
  assert.ok(creds.SessionToken.length > 300);
  assert.equal(Date.parse(creds.Expiration), Math.floor((clock.now() + 900_000) / 1000) * 1000);
  const sessionArn = `arn:aws:sts::${server.accountId}:assumed-role/Deployer/deploy-1`;
  assert.deepEqual(assumed.AssumedRoleUser, { AssumedRoleId: `${role.roleId}:deploy-1`, Arn: sessionArn });

  at();
  const sessionKeys = temporary(creds);
  const who = await aws(sessionKeys, 'sts', 'get-caller-identity');
  assert.deepEqual(who, { UserId: `${role.roleId}:deploy-1`, Account: server.accountId, Arn: sessionArn });
  await aws(sessionKeys, 'cloudtrail', 'lookup-events', '--max-items', '1');
  // And on the bucket store, through the SDK (S3's own wire rules).
  await server.s3('us-east-1', sessionKeys).send(new ListBucketsCommand({}));

  const record = await lastRecord('AssumeRole');
  assert.equal(record.eventSource, 'sts.amazonaws.com');
  assert.equal(record.awsRegion, 'us-east-1', 'a global service records in us-east-1');
  assert.equal(record.userIdentity.type, 'IAMUser');
  assert.equal(record.userIdentity.arn, aliceArn);
  assert.deepEqual(record.requestParameters, { roleArn, roleSessionName: 'deploy-1', durationSeconds: 900 });
  assert.deepEqual(Object.keys(record.responseElements.credentials).sort(), ['accessKeyId', 'expiration']);
  assert.equal(record.responseElements.credentials.accessKeyId, creds.AccessKeyId);
  assert.deepEqual(record.responseElements.assumedRoleUser, { assumedRoleId: `${role.roleId}:deploy-1`, arn: sessionArn });
  assert.deepEqual(record.resources, [{ ARN: roleArn, accountId: server.accountId, type: 'AWS::IAM::Role' }]);
  assert.equal(record.readOnly, false);

  const used = await lastRecord('LookupEvents', 'eu-west-1');
  assert.equal(used.userIdentity.type, 'AssumedRole');
  assert.equal(used.userIdentity.arn, sessionArn);
  assert.equal(used.userIdentity.principalId, `${role.roleId}:deploy-1`);
  assert.equal(used.userIdentity.accessKeyId, creds.AccessKeyId);
  assert.deepEqual(used.userIdentity.sessionContext.sessionIssuer, {
    type: 'Role',
    principalId: role.roleId,
    arn: roleArn,
    accountId: server.accountId,
    userName: 'Deployer',
  });
  assert.equal(used.awsRegion, 'eu-west-1');
  const listed = await lastRecord('ListBuckets');
  assert.equal(listed.userIdentity.type, 'AssumedRole');
  assert.equal(listed.userIdentity.accessKeyId, creds.AccessKeyId);

  // Wrong token: refused in each protocol's words.
  const forged = { ...sessionKeys, sessionToken: `${creds.SessionToken.slice(0, -4)}AAAA` };
  assert.match(await awsFails(forged, 'sts', 'get-caller-identity'), /InvalidClientTokenId/);
  assert.match(await awsFails(forged, 'cloudtrail', 'lookup-events', '--max-items', '1'), /UnrecognizedClientException/);

  // Bob is allowed sts:AssumeRole by his own policy, but the role does not trust him.
  const denied = await awsFails(bob.keys, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'x1');
  assert.match(denied, /AccessDenied/);
  assert.ok(denied.includes(`User: arn:aws:iam::${server.accountId}:user/bob is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`), denied);
  const tooLong = await awsFails(alice.keys, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'x2', '--duration-seconds', '7200');
  assert.match(tooLong, /ValidationError.*The requested DurationSeconds exceeds the MaxSessionDuration set for this role\./s);

  // Sessions survive a restart.
  await server.stop(true);
  server = await startTestServer({ clock, dataDir: server.dataDir });
  assert.equal((await aws(sessionKeys, 'sts', 'get-caller-identity')).Arn, sessionArn);

  at(6 * MINUTE);
  assert.match(await awsFails(sessionKeys, 'sts', 'get-caller-identity'), /ExpiredToken\b.*The security token included in the request is expired/s);
  assert.match(await awsFails(sessionKeys, 'cloudtrail', 'lookup-events', '--max-items', '1'), /ExpiredTokenException/);
  await assert.rejects(server.s3('us-east-1', sessionKeys).send(new ListBucketsCommand({})), { name: 'ExpiredToken' });
  at();

  // No secret of the session reaches any record.
  const all = await server.app.context.eventLog.lookup({
    accountId: server.accountId, region: 'us-east-1', category: 'management', startTimeMs: 0, endTimeMs: Date.now() + 1e9, limit: 1000,
  });
  const text = JSON.stringify(all.events);
  assert.ok(!text.includes(creds.SecretAccessKey) && !text.includes(creds.SessionToken));
});

test('GetSessionToken: the user\'s own session, recorded as the user; refused with session credentials', async () => {
  at();
  const carol = await userWithKey('carol', { Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' });
  const out = await aws(carol.keys, 'sts', 'get-session-token', '--duration-seconds', '900');
  const creds = out.Credentials as StsCredentials;
  assert.match(creds.AccessKeyId, /^ASIA/);
  const keys = temporary(creds);
  await aws(keys, 'cloudtrail', 'lookup-events', '--max-items', '1');
  const used = await lastRecord('LookupEvents', 'eu-west-1');
  assert.equal(used.userIdentity.type, 'IAMUser');
  assert.equal(used.userIdentity.userName, 'carol');
  assert.equal(used.userIdentity.accessKeyId, creds.AccessKeyId);
  assert.deepEqual(used.userIdentity.sessionContext.sessionIssuer, {});
  assert.equal(used.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
  const issued = await lastRecord('GetSessionToken');
  assert.deepEqual(issued.requestParameters, { durationSeconds: 900 });
  assert.deepEqual(Object.keys(issued.responseElements.credentials).sort(), ['accessKeyId', 'expiration']);
  const again = await awsFails(keys, 'sts', 'get-session-token');
  assert.match(again, /AccessDenied.*Cannot call GetSessionToken with session credentials/s);
});
