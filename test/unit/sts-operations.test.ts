/**
 * The STS handlers called as the protocol calls them (no HTTP): AssumeRole's refusals (root,
 * unknown role, untrusted caller, identity deny), duration limits (role maximum, role chaining),
 * cross-account delegation to identity policies, the session's principal; GetSessionToken's
 * durations (root capped at an hour) and refusal with session credentials; what is staged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { IdentityStore } from '../../src/identity/store.js';
import { IamDirectory } from '../../src/identity/iam-directory.js';
import { SessionStore } from '../../src/identity/sessions.js';
import { ManualClock } from '../../src/lib/clock.js';
import { AwsError } from '../../src/aws/errors.js';
import type { AccessRequest, OperationContext, ServiceContext } from '../../src/aws/service.js';
import type { IamUserPrincipal, Principal } from '../../src/aws/principal.js';
import type { StateChange } from '../../src/store/state-change.js';
import { assumeRoleOperation } from '../../src/services/sts/assume-role.js';
import { getSessionTokenOperation } from '../../src/services/sts/get-session-token.js';
import { getCallerIdentityOperation } from '../../src/services/sts/get-caller-identity.js';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const T0 = Date.UTC(2026, 5, 1, 12);

function world() {
  const db = openDatabase(':memory:');
  const identity = new IdentityStore(db);
  const iam = IamDirectory.load(db, identity);
  const sessions = SessionStore.load(db, T0);
  const clock = new ManualClock(T0);
  const services = { iam, sessions, clock } as unknown as ServiceContext; // only what STS reads
  const role = (name: string, trust: string | string[], maxSessionDuration = 3600, accountId = ACCOUNT) =>
    iam.createRole({
      accountId,
      roleName: name,
      path: '/',
      trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: trust } }] }),
      maxSessionDuration,
      createdAt: T0,
      tags: [],
    }).role;
  const user = (name: string, accountId = ACCOUNT): IamUserPrincipal => {
    const u = iam.createUser({ accountId, userName: name, path: '/', createdAt: T0, tags: [] }).user;
    return { type: 'IAMUser', accountId, accessKeyId: 'AKIAEXAMPLE', userId: u.userId, userName: name, path: '/' };
  };
  /** A context whose authorize answers as `allow` says and remembers what it was asked. */
  const context = (principal: Principal, allow = true) => {
    const staged: StateChange[] = [];
    const asked: AccessRequest[] = [];
    const ctx: OperationContext = {
      services,
      principal,
      accountId: principal.accountId,
      region: 'us-east-1',
      requestId: 'r',
      async authorize(req) {
        asked.push(req);
        if (!allow) throw new AwsError('AccessDenied', 'denied by identity policy', 403);
      },
      stage: (changes) => staged.push(...changes),
    };
    return { ctx, staged, asked };
  };
  return { iam, clock, role, user, context };
}

async function refusal(p: Promise<unknown>): Promise<AwsError> {
  const e = await p.then(() => assert.fail('expected a refusal'), (err: unknown) => err);
  assert.ok(e instanceof AwsError);
  return e;
}

describe('AssumeRole', () => {
  test('a trusted user gets a session of the role, staged with the call', async () => {
    const w = world();
    const alice = w.user('alice');
    const role = w.role('Deployer', `arn:aws:iam::${ACCOUNT}:user/alice`);
    const { ctx, staged } = w.context(alice);
    const out = await assumeRoleOperation.handler({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, RoleSessionName: 's1' }, ctx);
    assert.equal(out.Credentials?.Expiration.getTime(), T0 + 3600_000, 'an hour by default');
    assert.deepEqual(out.AssumedRoleUser, { AssumedRoleId: `${role.roleId}:s1`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1` });
    assert.ok(staged.some((c) => c.sql.includes('INSERT INTO sts_sessions')));
    const session = ctx.services.sessions.lookup(out.Credentials!.AccessKeyId);
    assert.deepEqual(session?.principal, {
      type: 'AssumedRole', accountId: ACCOUNT, accessKeyId: out.Credentials!.AccessKeyId, roleId: role.roleId, roleName: 'Deployer',
      rolePath: '/', sessionName: 's1', sessionCreatedAt: T0, mfaAuthenticated: false,
    });
    const who = await getCallerIdentityOperation.handler({}, { ...ctx, principal: session!.principal });
    assert.deepEqual(who, { UserId: `${role.roleId}:s1`, Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1` });
  });

  test('root, unknown roles and untrusted users are refused alike', async () => {
    const w = world();
    w.role('Deployer', `arn:aws:iam::${ACCOUNT}:user/alice`);
    const root: Principal = { type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAROOT' };
    const byRoot = await refusal(assumeRoleOperation.handler({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, RoleSessionName: 's' }, w.context(root).ctx));
    assert.equal(byRoot.message, 'Roles may not be assumed by root accounts.');
    const bob = w.user('bob');
    for (const arn of [`arn:aws:iam::${ACCOUNT}:role/Deployer`, `arn:aws:iam::${ACCOUNT}:role/Nope`, `arn:aws:iam::${ACCOUNT}:role/x/Deployer`]) {
      const e = await refusal(assumeRoleOperation.handler({ RoleArn: arn, RoleSessionName: 's' }, w.context(bob).ctx));
      assert.equal(e.code, 'AccessDenied');
      assert.equal(e.status, 403);
      assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:user/bob is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    }
  });

  test('a trust naming the account delegates to identity policies; naming the user does not', async () => {
    const w = world();
    const alice = w.user('alice');
    w.role('ByAccount', ACCOUNT);
    w.role('ByUser', `arn:aws:iam::${ACCOUNT}:user/alice`);
    const input = (name: string) => ({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`, RoleSessionName: 's' });
    const denied = await refusal(assumeRoleOperation.handler(input('ByAccount'), w.context(alice, false).ctx));
    assert.match(denied.message, /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/ByAccount$/);
    const allowed = w.context(alice, true);
    await assumeRoleOperation.handler(input('ByAccount'), allowed.ctx);
    assert.deepEqual(allowed.asked.map((r) => [r.action, r.resource]), [['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/ByAccount`]]);
    const trusted = w.context(alice, false);
    await assumeRoleOperation.handler(input('ByUser'), trusted.ctx);
    assert.deepEqual(trusted.asked, [], 'a trust naming the caller needs no identity policy');
  });

  test('an explicit Deny in the caller\'s identity policy beats a trust naming it', async () => {
    const w = world();
    const alice = w.user('alice');
    w.role('ByUser', `arn:aws:iam::${ACCOUNT}:user/alice`);
    w.iam.putPolicy(alice.userId, 'no', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:*', Resource: '*' }] }));
    const e = await refusal(assumeRoleOperation.handler({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/ByUser`, RoleSessionName: 's' }, w.context(alice).ctx));
    assert.equal(e.code, 'AccessDenied');
  });

  test('across accounts the trust must name the caller and identity policies must allow', async () => {
    const w = world();
    const stranger = w.user('eve', OTHER);
    w.role('Shared', `arn:aws:iam::${OTHER}:user/eve`);
    const input = { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Shared`, RoleSessionName: 's' };
    await refusal(assumeRoleOperation.handler(input, w.context(stranger, false).ctx));
    const ok = w.context(stranger, true);
    const out = await assumeRoleOperation.handler(input, ok.ctx);
    assert.equal(ok.asked.length, 1);
    const session = ok.ctx.services.sessions.lookup(out.Credentials!.AccessKeyId);
    assert.equal(session?.principal.accountId, ACCOUNT, 'the session belongs to the role\'s account');
  });

  test('DurationSeconds: up to the role maximum, and an hour when chaining', async () => {
    const w = world();
    const alice = w.user('alice');
    const role = w.role('Long', [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:role/Long`], 7200);
    const input = (d: number) => ({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/Long`, RoleSessionName: 's', DurationSeconds: d });
    const out = await assumeRoleOperation.handler(input(7200), w.context(alice).ctx);
    assert.equal(out.Credentials?.Expiration.getTime(), T0 + 7200_000);
    const over = await refusal(assumeRoleOperation.handler(input(7201), w.context(alice).ctx));
    assert.deepEqual([over.code, over.message], ['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.']);
    const session = w.context(alice).ctx.services.sessions.lookup(out.Credentials!.AccessKeyId)!.principal;
    assert.equal(session.type, 'AssumedRole');
    assert.equal((session as { roleId: string }).roleId, role.roleId);
    const chained = await refusal(assumeRoleOperation.handler(input(3601), w.context(session).ctx));
    assert.equal(chained.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const ok = await assumeRoleOperation.handler(input(3600), w.context(session).ctx);
    assert.equal(ok.Credentials?.Expiration.getTime(), T0 + 3600_000);
  });

  test('records the key id and expiry, never the secret or token, and the role as resource', async () => {
    const w = world();
    const alice = w.user('alice');
    w.role('Deployer', `arn:aws:iam::${ACCOUNT}:user/alice`);
    const { ctx } = w.context(alice);
    const input = { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, RoleSessionName: 's1' };
    const out = await assumeRoleOperation.handler(input, ctx);
    const recorded = assumeRoleOperation.responseElements!(out, input, ctx);
    assert.deepEqual(recorded, {
      credentials: { accessKeyId: out.Credentials!.AccessKeyId, expiration: 'Jun 1, 2026, 1:00:00 PM' },
      assumedRoleUser: { assumedRoleId: out.AssumedRoleUser!.AssumedRoleId, arn: out.AssumedRoleUser!.Arn },
    });
    const refs = assumeRoleOperation.resources!(input, out, ctx);
    assert.deepEqual(refs.resources, [{ ARN: input.RoleArn, accountId: ACCOUNT, type: 'AWS::IAM::Role' }]);
    assert.deepEqual(assumeRoleOperation.resources!({ ...input, RoleArn: 'not-an-arn-at-all-but-long' }, undefined, ctx).resources, []);
  });
});

describe('GetSessionToken', () => {
  test('IAM users get 12 hours by default; root is capped at one', async () => {
    const w = world();
    const alice = w.user('alice');
    const mine = await getSessionTokenOperation.handler({}, w.context(alice).ctx);
    assert.equal(mine.Credentials?.Expiration.getTime(), T0 + 43_200_000);
    const session = w.context(alice).ctx.services.sessions.lookup(mine.Credentials!.AccessKeyId)!.principal;
    assert.deepEqual(session, { ...alice, accessKeyId: mine.Credentials!.AccessKeyId, session: { createdAt: T0, mfaAuthenticated: false } });
    const root: Principal = { type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAROOT' };
    const rootOut = await getSessionTokenOperation.handler({ DurationSeconds: 129_600 }, w.context(root).ctx);
    assert.equal(rootOut.Credentials?.Expiration.getTime(), T0 + 3_600_000);
    const again = await refusal(getSessionTokenOperation.handler({}, w.context(session).ctx));
    assert.deepEqual([again.code, again.message], ['AccessDenied', 'Cannot call GetSessionToken with session credentials']);
  });

  test('role sessions are refused; records hold no secret', async () => {
    const w = world();
    const roleSession: Principal = {
      type: 'AssumedRole', accountId: ACCOUNT, accessKeyId: 'ASIAX', roleId: 'AROAX', roleName: 'R', rolePath: '/', sessionName: 's',
      sessionCreatedAt: T0, mfaAuthenticated: false,
    };
    await refusal(getSessionTokenOperation.handler({}, w.context(roleSession).ctx));
    const alice = w.user('alice');
    const { ctx } = w.context(alice);
    const out = await getSessionTokenOperation.handler({ DurationSeconds: 900 }, ctx);
    const recorded = getSessionTokenOperation.responseElements!(out, { DurationSeconds: 900 }, ctx);
    assert.deepEqual(recorded, { credentials: { accessKeyId: out.Credentials!.AccessKeyId, expiration: 'Jun 1, 2026, 12:15:00 PM' } });
  });
});
