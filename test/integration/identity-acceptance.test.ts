/**
 * Issue 6 acceptance, end to end with the unchanged AWS CLI v1 against a real server: root makes
 * a user with an access key, a login profile and an inline policy allowing only LookupEvents,
 * from a CLI configured for eu-west-1; the user's LookupEvents works and CreateTrail is denied,
 * both recorded as the IAMUser; the user assumes a role and the role session's calls are recorded
 * as AssumedRole with its session issuer; IAM and STS calls land in us-east-1's history only and
 * reach the trail that includes global service events, not the one that excludes them; and no
 * secret (root or user secret key, session secret or token, password) appears in any record, log
 * line or error message.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { cliEnv } from '../helpers/aws-cli.js';
import { deliveredRecords, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { createLogger } from '../../src/lib/logger.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';

const run = promisify(execFile);
const PASSWORD = 'Correct-Horse-Battery-Staple-42';

let s: DeliveryServer;
let logLines = '';
/** Every error message a CLI printed: secrets must not be in them either. */
const cliErrors: string[] = [];

before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines += chunk.toString();
      done();
    },
  });
  // Debug level: every log line the server can write is scanned for secrets.
  s = await startDeliveryServer({}, { logger: createLogger('debug', sink) });
});
after(async () => s.stop());

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

type Cli = (args: string[]) => Promise<Record<string, unknown>>;

/** The AWS CLI v1 with `keys`, configured for `region`, JSON output parsed ({} when empty). */
function cli(keys: Keys, region: string): Cli {
  const env = {
    ...cliEnv(s, { region }),
    AWS_ENDPOINT_URL: s.endpoint,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
  };
  return async (args) => {
    try {
      const { stdout } = await run('aws', [...args, '--output', 'json'], { env, maxBuffer: 16 << 20 });
      return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      cliErrors.push(err.stderr ?? err.message);
      throw new Error(`aws ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
    }
  };
}

async function refused(p: Promise<unknown>): Promise<string> {
  const message = await p.then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.ok(message !== undefined, 'expected the call to be refused');
  return message;
}

interface HistoryEvent {
  EventName: string;
  Username?: string;
  CloudTrailEvent: string;
}

/** Event history of `region` for one lookup attribute, as records. */
async function history(aws: Cli, region: string, key: string, value: string): Promise<CloudTrailRecord[]> {
  const out = await aws(['cloudtrail', 'lookup-events', '--region', region, '--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`]);
  return (out.Events as HistoryEvent[]).map((e) => JSON.parse(e.CloudTrailEvent) as CloudTrailRecord);
}

const named = (records: CloudTrailRecord[], name: string) => records.filter((r) => r.eventName === name);

test('users, policies, denied calls, assumed roles and global service events, as AWS records them', async () => {
  const acct = s.accountId;
  const withGlobal = await loggingTrail(s, 'with-global', { includeGlobalServiceEvents: true });
  const withoutGlobal = await loggingTrail(s, 'without-global', { includeGlobalServiceEvents: false });
  const root = cli(s.credentials, 'eu-west-1');

  // Root, from a CLI configured for eu-west-1.
  const user = (await root(['iam', 'create-user', '--user-name', 'alice'])).User as { Arn: string; UserId: string };
  assert.equal(user.Arn, `arn:aws:iam::${acct}:user/alice`);
  const created = (await root(['iam', 'create-access-key', '--user-name', 'alice'])).AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  const aliceKeys = { accessKeyId: created.AccessKeyId, secretAccessKey: created.SecretAccessKey };
  const lookupOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] };
  await root(['iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'lookup-only', '--policy-document', JSON.stringify(lookupOnly)]);
  await root(['iam', 'create-login-profile', '--user-name', 'alice', '--password', PASSWORD]);

  // As alice: LookupEvents is allowed, CreateTrail is not.
  const alice = cli(aliceKeys, 'us-east-1');
  await alice(['cloudtrail', 'lookup-events', '--max-results', '1']);
  const denied = await refused(alice(['cloudtrail', 'create-trail', '--name', 'not-allowed', '--s3-bucket-name', withGlobal.bucket]));
  assert.match(denied, /AccessDeniedException/);
  assert.match(denied, new RegExp(`User: arn:aws:iam::${acct}:user/alice is not authorized to perform: cloudtrail:CreateTrail`));

  const byAlice = await history(root, 'us-east-1', 'Username', 'alice');
  const [lookup] = named(byAlice, 'LookupEvents');
  const [createTrail] = named(byAlice, 'CreateTrail');
  for (const r of [lookup, createTrail]) {
    assert.ok(r, `alice's ${r === lookup ? 'LookupEvents' : 'CreateTrail'} is in event history`);
    assert.deepEqual(
      { type: r.userIdentity.type, userName: r.userIdentity.userName, accessKeyId: r.userIdentity.accessKeyId, arn: r.userIdentity.arn },
      { type: 'IAMUser', userName: 'alice', accessKeyId: aliceKeys.accessKeyId, arn: user.Arn },
    );
    assert.equal(r.userIdentity.principalId, user.UserId);
  }
  assert.equal(lookup!.errorCode, undefined);
  assert.equal(createTrail!.errorCode, 'AccessDenied');
  assert.match(createTrail!.errorMessage ?? '', /is not authorized to perform: cloudtrail:CreateTrail/);
  const byKey = await history(root, 'us-east-1', 'AccessKeyId', aliceKeys.accessKeyId);
  assert.deepEqual(new Set(byKey.map((r) => r.eventName)), new Set(['LookupEvents', 'CreateTrail']));

  // A role alice may assume; its session's calls are recorded as AssumedRole with the issuer.
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: user.Arn }, Action: 'sts:AssumeRole' }] };
  const role = (await root(['iam', 'create-role', '--role-name', 'auditor', '--assume-role-policy-document', JSON.stringify(trust)])).Role as { Arn: string; RoleId: string };
  await root(['iam', 'put-role-policy', '--role-name', 'auditor', '--policy-name', 'lookup', '--policy-document', JSON.stringify(lookupOnly)]);
  const assumed = await alice(['sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'alice-audit']);
  const c = assumed.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  const auditor = cli(session, 'us-east-1');
  const me = await auditor(['sts', 'get-caller-identity']);
  assert.equal(me.Arn, `arn:aws:sts::${acct}:assumed-role/auditor/alice-audit`);
  await auditor(['cloudtrail', 'lookup-events', '--max-results', '1']);
  assert.match(await refused(auditor(['cloudtrail', 'delete-trail', '--name', 'with-global'])), /AccessDeniedException/);
  // Without the token the session's key is no credential at all.
  await refused(cli({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }, 'us-east-1')(['sts', 'get-caller-identity']));

  const bySession = await history(root, 'us-east-1', 'AccessKeyId', session.accessKeyId);
  const [roleLookup] = named(bySession, 'LookupEvents');
  assert.ok(roleLookup, 'the role session\'s LookupEvents is in event history');
  const id = roleLookup.userIdentity;
  assert.equal(id.type, 'AssumedRole');
  assert.equal(id.arn, `arn:aws:sts::${acct}:assumed-role/auditor/alice-audit`);
  assert.equal(id.principalId, `${role.RoleId}:alice-audit`);
  assert.deepEqual(id.sessionContext?.sessionIssuer, { type: 'Role', principalId: role.RoleId, arn: role.Arn, accountId: acct, userName: 'auditor' });
  assert.equal(id.sessionContext?.attributes?.mfaAuthenticated, 'false');
  assert.equal(named(bySession, 'DeleteTrail')[0]?.errorCode, 'AccessDenied');

  // IAM and STS calls are global service events: us-east-1's history, whatever the CLI's region.
  const iamEast = await history(root, 'us-east-1', 'EventSource', 'iam.amazonaws.com');
  for (const name of ['CreateUser', 'CreateAccessKey', 'PutUserPolicy', 'CreateLoginProfile', 'CreateRole', 'PutRolePolicy']) {
    const [r] = named(iamEast, name);
    assert.ok(r, `${name} is in us-east-1's history`);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.userIdentity.type, 'Root');
  }
  assert.deepEqual(await history(root, 'eu-west-1', 'EventSource', 'iam.amazonaws.com'), []);
  const stsEast = await history(root, 'us-east-1', 'EventSource', 'sts.amazonaws.com');
  assert.ok(named(stsEast, 'AssumeRole').length === 1, 'AssumeRole is in us-east-1\'s history');

  // Delivered: the trail with global service events gets IAM and STS calls, the other does not.
  await s.deliver();
  const globalSources = new Set(['iam.amazonaws.com', 'sts.amazonaws.com']);
  const got = await deliveredRecords(s, withGlobal.bucket);
  for (const name of ['CreateUser', 'CreateAccessKey', 'PutUserPolicy', 'AssumeRole']) {
    assert.ok(got.some((r) => r.eventName === name && globalSources.has(r.eventSource)), `the global trail got ${name}`);
  }
  const notGot = await deliveredRecords(s, withoutGlobal.bucket);
  assert.ok(notGot.some((r) => r.eventName === 'CreateTrail' && r.errorCode === 'AccessDenied'), 'the other trail got the regional calls');
  assert.deepEqual(notGot.filter((r) => globalSources.has(r.eventSource)), [], 'and no global service event');

  // No secret anywhere: records (every region, every category), delivered files, logs, CLI errors.
  const secrets = {
    'root secret key': s.credentials.secretAccessKey,
    "alice's secret key": aliceKeys.secretAccessKey,
    'session secret key': session.secretAccessKey,
    'session token': session.sessionToken,
    password: PASSWORD,
  };
  const stored = (await s.app.context.eventLog.readAfter(0, 100_000)).map((e) => e.recordJson).join('\n');
  const delivered = JSON.stringify([...got, ...notGot]);
  assert.ok(logLines.length > 0, 'the server logged something to scan');
  for (const [what, secret] of Object.entries(secrets)) {
    for (const [where, text] of Object.entries({ 'event log': stored, 'delivered log files': delivered, 'server log': logLines, 'CLI errors': cliErrors.join('\n') })) {
      assert.ok(!text.includes(secret), `${what} appears in the ${where}`);
    }
  }
});
