/**
 * IAM with the unchanged AWS CLI v1 against a real server, the CLI set to eu-west-1: users (with
 * paging), access keys (quota, deactivation refusing the key at once), inline user and role
 * policies (documents round-trip through URL encoding), roles with trust policies, login
 * profiles, account aliases, AWS's errors, an operation OpenTrail does not implement; then the
 * calls in us-east-1's event history (global service), with no secret key or password in any
 * record; and the same state after a restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cliEnv } from '../helpers/aws-cli.js';

const run = promisify(execFile);
let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

async function aws(args: string[], opts: { creds?: Creds; region?: string } = {}): Promise<Record<string, unknown>> {
  const creds = opts.creds ?? server.credentials;
  const env = {
    ...cliEnv(server, { region: opts.region ?? 'eu-west-1' }),
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
  };
  try {
    const { stdout } = await run('aws', ['--endpoint-url', server.endpoint, '--output', 'json', ...args], { env, maxBuffer: 16 << 20 });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`aws ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
  }
}

/** The CLI's error line for a call that must fail, e.g. `(NoSuchEntity) when calling ...: message`. */
async function fails(args: string[], opts: { creds?: Creds } = {}): Promise<string> {
  const message = await aws(args, opts).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.ok(message !== undefined, `expected aws ${args.join(' ')} to fail`);
  return message;
}

const LOOKUP_ONLY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }] };
const PASSWORD = 'Correct-Horse-Battery-9';
const NEW_PASSWORD = 'Another-Staple-42';

test('AWS CLI v1: IAM users, keys, policies, roles, login profiles and aliases, recorded in us-east-1', async () => {
  const acct = server.accountId;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }] };

  // --- users ---
  const alice = (await aws(['iam', 'create-user', '--user-name', 'Alice', '--path', '/team/'])).User as Record<string, string>;
  assert.equal(alice.Arn, `arn:aws:iam::${acct}:user/team/Alice`);
  assert.match(alice.UserId!, /^AIDA[A-Z2-7]{17}$/);
  assert.match(await fails(['iam', 'create-user', '--user-name', 'alice']), /\(EntityAlreadyExists\).*User with name alice already exists\./);
  await aws(['iam', 'create-user', '--user-name', 'Bob']);
  await aws(['iam', 'create-user', '--user-name', 'carol']);
  // One user per page: the CLI follows IsTruncated/Marker through every page.
  const listed = (await aws(['iam', 'list-users', '--page-size', '1'])).Users as { UserName: string }[];
  assert.deepEqual(listed.map((u) => u.UserName), ['Alice', 'Bob', 'carol']);
  await aws(['iam', 'update-user', '--user-name', 'bob', '--new-user-name', 'Robert', '--new-path', '/ops/']);
  const robert = (await aws(['iam', 'get-user', '--user-name', 'robert'])).User as Record<string, string>;
  assert.equal(robert.Arn, `arn:aws:iam::${acct}:user/ops/Robert`);
  assert.match(await fails(['iam', 'get-user', '--user-name', 'Bob']), /\(NoSuchEntity\).*The user with name Bob cannot be found\./);
  const root = (await aws(['iam', 'get-user'])).User as Record<string, string>;
  assert.deepEqual([root.UserId, root.Arn, root.UserName], [acct, `arn:aws:iam::${acct}:root`, undefined]);
  await aws(['iam', 'delete-user', '--user-name', 'CAROL']);

  // --- access keys ---
  const key1 = (await aws(['iam', 'create-access-key', '--user-name', 'Alice'])).AccessKey as Record<string, string>;
  assert.match(key1.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(key1.SecretAccessKey!.length, 40);
  const key2 = (await aws(['iam', 'create-access-key', '--user-name', 'Alice'])).AccessKey as Record<string, string>;
  assert.match(
    await fails(['iam', 'create-access-key', '--user-name', 'Alice']),
    /\(LimitExceeded\).*Cannot exceed quota for AccessKeysPerUser: 2/,
  );
  // --- inline user policies ---
  // Alice may look at herself and her keys (policy evaluation uses the user ARN each call names).
  const selfService = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListAccessKeys'], Resource: alice.Arn }],
  };
  await aws(['iam', 'put-user-policy', '--user-name', 'Alice', '--policy-name', 'self', '--policy-document', JSON.stringify(selfService)]);
  const withPrincipal = { Version: '2012-10-17', Statement: [{ ...LOOKUP_ONLY.Statement[0], Principal: '*' }] };
  assert.match(
    await fails(['iam', 'put-user-policy', '--user-name', 'Alice', '--policy-name', 'bad', '--policy-document', JSON.stringify(withPrincipal)]),
    /\(MalformedPolicyDocument\).*should not specify a principal/,
  );
  // The CLI URL-decodes and parses the document AWS answers URL-encoded.
  const got = await aws(['iam', 'get-user-policy', '--user-name', 'alice', '--policy-name', 'self']);
  assert.deepEqual(got.PolicyDocument, selfService);
  assert.deepEqual((await aws(['iam', 'list-user-policies', '--user-name', 'Alice'])).PolicyNames, ['self']);

  const asAlice = { accessKeyId: key1.AccessKeyId!, secretAccessKey: key1.SecretAccessKey! };
  const self = (await aws(['iam', 'get-user'], { creds: asAlice })).User as Record<string, string>;
  assert.equal(self.UserName, 'Alice', 'GetUser without a name answers the calling IAM user');
  const own = (await aws(['iam', 'list-access-keys'], { creds: asAlice })).AccessKeyMetadata as Record<string, string>[];
  assert.deepEqual(own.map((k) => k.AccessKeyId).sort(), [key1.AccessKeyId, key2.AccessKeyId].sort());
  await aws(['iam', 'update-access-key', '--user-name', 'Alice', '--access-key-id', key1.AccessKeyId!, '--status', 'Inactive']);
  assert.match(await fails(['iam', 'get-user'], { creds: asAlice }), /InvalidClientTokenId/, 'an Inactive key is refused at once');
  const statuses = (await aws(['iam', 'list-access-keys', '--user-name', 'Alice'])).AccessKeyMetadata as Record<string, string>[];
  assert.deepEqual(
    Object.fromEntries(statuses.map((k) => [k.AccessKeyId, k.Status])),
    { [key1.AccessKeyId!]: 'Inactive', [key2.AccessKeyId!]: 'Active' },
  );
  assert.match(
    await fails(['iam', 'delete-user', '--user-name', 'Alice']),
    /\(DeleteConflict\).*Cannot delete entity, must delete access keys first\./,
  );

  // --- roles ---
  const role = (
    await aws(['iam', 'create-role', '--role-name', 'Deployer', '--assume-role-policy-document', JSON.stringify(trust), '--max-session-duration', '7200'])
  ).Role as Record<string, unknown>;
  assert.match(String(role.RoleId), /^AROA[A-Z2-7]{17}$/);
  assert.match(
    await fails(['iam', 'create-role', '--role-name', 'Short', '--assume-role-policy-document', JSON.stringify(trust), '--max-session-duration', '43201']),
    /\(ValidationError\)/,
  );
  const fetched = (await aws(['iam', 'get-role', '--role-name', 'deployer'])).Role as Record<string, unknown>;
  assert.deepEqual(fetched.AssumeRolePolicyDocument, trust);
  assert.equal(fetched.MaxSessionDuration, 7200);
  await aws(['iam', 'put-role-policy', '--role-name', 'Deployer', '--policy-name', 'rp', '--policy-document', JSON.stringify(LOOKUP_ONLY)]);
  assert.match(await fails(['iam', 'delete-role', '--role-name', 'Deployer']), /\(DeleteConflict\).*must delete policies first\./);
  const narrowed = { ...trust, Statement: [{ ...trust.Statement[0], Principal: { AWS: alice.Arn } }] };
  await aws(['iam', 'update-assume-role-policy', '--role-name', 'Deployer', '--policy-document', JSON.stringify(narrowed)]);
  const roles = (await aws(['iam', 'list-roles'])).Roles as Record<string, unknown>[];
  assert.deepEqual(roles.map((r) => [r.RoleName, r.AssumeRolePolicyDocument]), [['Deployer', narrowed]]);

  // --- login profiles ---
  assert.match(
    await fails(['iam', 'create-login-profile', '--user-name', 'Robert', '--password', 'short']),
    /\(PasswordPolicyViolation\).*minimum length of 8/,
  );
  await aws(['iam', 'create-login-profile', '--user-name', 'Robert', '--password', PASSWORD, '--password-reset-required']);
  const profile = (await aws(['iam', 'get-login-profile', '--user-name', 'Robert'])).LoginProfile as Record<string, unknown>;
  assert.equal(profile.PasswordResetRequired, true);
  await aws(['iam', 'update-login-profile', '--user-name', 'Robert', '--password', NEW_PASSWORD, '--no-password-reset-required']);
  assert.equal(await server.app.context.iam.verifyPassword(acct, 'Robert', NEW_PASSWORD), true);
  await aws(['iam', 'delete-login-profile', '--user-name', 'Robert']);
  assert.match(await fails(['iam', 'delete-login-profile', '--user-name', 'Robert']), /\(NoSuchEntity\).*Login Profile for User Robert cannot be found\./);

  // --- account alias: root's records carry it while it is set ---
  await aws(['iam', 'create-account-alias', '--account-alias', 'example-corp']);
  assert.deepEqual((await aws(['iam', 'list-account-aliases'])).AccountAliases, ['example-corp']);
  await aws(['iam', 'delete-account-alias', '--account-alias', 'example-corp']);

  // --- not implemented ---
  assert.match(await fails(['iam', 'list-groups']), /\(NotImplemented\).*ListGroups/);

  // --- event history: us-east-1 has every IAM call, eu-west-1 none ---
  const history = await aws(
    ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=iam.amazonaws.com'],
    { region: 'us-east-1' },
  );
  const events = history.Events as { EventName: string; CloudTrailEvent: string; Resources?: { ResourceType: string; ResourceName: string }[] }[];
  const records = events.map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, unknown>);
  assert.ok(records.length >= 35, `expected the IAM calls in us-east-1, got ${records.length}`);
  assert.ok(records.every((r) => r.awsRegion === 'us-east-1' && r.eventSource === 'iam.amazonaws.com'));
  const names = new Set(events.map((e) => e.EventName));
  for (const op of ['CreateUser', 'UpdateUser', 'CreateAccessKey', 'UpdateAccessKey', 'PutUserPolicy', 'CreateRole', 'UpdateAssumeRolePolicy', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateAccountAlias', 'ListGroups']) {
    assert.ok(names.has(op), `${op} is in us-east-1's history`);
  }
  const duplicate = records.find((r) => r.eventName === 'CreateUser' && r.errorCode !== undefined);
  assert.equal(duplicate?.errorCode, 'EntityAlreadyExistsException');
  const createUser = events.find((e) => e.EventName === 'CreateUser' && JSON.parse(e.CloudTrailEvent).requestParameters?.userName === 'Alice');
  assert.deepEqual(createUser?.Resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'Alice' }]);
  const byAlice = records.find((r) => (r.userIdentity as Record<string, string>).type === 'IAMUser');
  assert.deepEqual(
    [(byAlice?.userIdentity as Record<string, string>).userName, (byAlice?.userIdentity as Record<string, string>).accessKeyId],
    ['Alice', key1.AccessKeyId],
  );
  const aliasDeleted = records.find((r) => r.eventName === 'DeleteAccountAlias');
  assert.equal((aliasDeleted?.userIdentity as Record<string, string>).userName, 'example-corp', 'root named by its alias');
  const text = JSON.stringify(history);
  for (const secret of [key1.SecretAccessKey!, key2.SecretAccessKey!, PASSWORD, NEW_PASSWORD, 'scrypt$']) {
    assert.ok(!text.includes(secret), 'no secret key, password or hash in any record');
  }
  const elsewhere = await aws(['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=EventSource,AttributeValue=iam.amazonaws.com']);
  assert.deepEqual(elsewhere.Events, [], 'nothing recorded in the region the CLI used');

  // --- everything above was committed with its event: a restart loads the same state ---
  const dataDir = server.dataDir;
  await server.stop(true);
  server = await startTestServer({ dataDir });
  const { iam, identity } = server.app.context;
  assert.equal(iam.getUser(acct, 'robert')?.path, '/ops/');
  assert.equal(iam.getUser(acct, 'carol'), undefined);
  assert.equal(identity.lookup(key1.AccessKeyId!), undefined, 'still Inactive');
  assert.deepEqual(identity.lookup(key2.AccessKeyId!)?.principal, {
    type: 'IAMUser',
    accountId: acct,
    accessKeyId: key2.AccessKeyId,
    userId: alice.UserId,
    userName: 'Alice',
    path: '/team/',
  });
  assert.deepEqual(iam.roleByArn(`arn:aws:iam::${acct}:role/Deployer`)?.trust.statements[0]?.principal, { AWS: [alice.Arn] });
  assert.equal(iam.getRole(acct, 'Deployer')?.maxSessionDuration, 7200);
  assert.deepEqual(iam.accountAliases(acct), []);
});
