/**
 * IamDirectory: the in-memory view and the SQL each change hands over (reloadable), AWS's checks
 * (case-insensitive names, the two-key quota, delete conflicts), renames reaching credentials,
 * the credential cache following key status at once, rollback, and password hashing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import type { StateChange } from '../../src/store/state-change.js';
import { IdentityStore } from '../../src/identity/store.js';
import { IamDirectory, roleArn, userArn } from '../../src/identity/iam-directory.js';
import { hashPassword, verifyPassword } from '../../src/identity/password.js';
import type { Staged } from '../../src/trails/registry.js';
import { AwsError } from '../../src/aws/errors.js';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const NOW = 1_700_000_000_000;
const ALLOW_LOOKUP = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }],
});
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
});

/** Stands in for the event writer: runs a call's changes in one transaction. */
function commit(db: SqliteDatabase, staged: Staged | { staged: Staged }): void {
  const changes: StateChange[] = 'staged' in staged ? staged.staged.changes : staged.changes;
  db.transaction(() => {
    for (const c of changes) db.prepare(c.sql).run(...c.params);
  })();
}

function fresh() {
  const db = openDatabase(':memory:');
  const identity = new IdentityStore(db);
  identity.ensureAccount(ACCOUNT, NOW);
  identity.ensureAccount(OTHER, NOW);
  return { db, identity, iam: IamDirectory.load(db, identity) };
}

const newUser = (userName: string, accountId = ACCOUNT, path = '/') => ({ accountId, userName, path, createdAt: NOW, tags: [] });
const newRole = (roleName: string, trustPolicy = TRUST) => ({
  accountId: ACCOUNT,
  roleName,
  path: '/svc/',
  trustPolicy,
  maxSessionDuration: 3600,
  createdAt: NOW,
  tags: [],
});

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('IamDirectory users', () => {
  test('created users reload from their SQL; ids and ARNs look like AWS’s', () => {
    const { db, identity, iam } = fresh();
    const created = iam.createUser(newUser('Alice', ACCOUNT, '/team/'));
    assert.match(created.user.userId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(userArn(created.user), `arn:aws:iam::${ACCOUNT}:user/team/Alice`);
    assert.equal(db.prepare('SELECT count(*) FROM iam_users').pluck().get(), 0, 'the directory never writes itself');
    commit(db, created);
    const reloaded = IamDirectory.load(db, identity);
    assert.deepEqual(reloaded.getUser(ACCOUNT, 'alice'), created.user);
  });

  test('names are unique per account regardless of case, and per account only', () => {
    const { iam } = fresh();
    iam.createUser(newUser('Alice'));
    throwsCode(() => iam.createUser(newUser('ALICE')), 'EntityAlreadyExistsException', /^User with name ALICE already exists\.$/);
    iam.createUser(newUser('alice', OTHER));
    assert.equal(iam.getUser(ACCOUNT, 'aLiCe')?.userName, 'Alice');
    assert.deepEqual(
      iam.listUsers(ACCOUNT).map((u) => u.userName),
      ['Alice'],
    );
  });

  test('listUsers filters by path prefix and sorts by name regardless of case', () => {
    const { iam } = fresh();
    for (const [name, path] of [['bob', '/a/'], ['Carol', '/a/b/'], ['alice', '/'], ['Dave', '/x/']] as const) {
      iam.createUser(newUser(name, ACCOUNT, path));
    }
    assert.deepEqual(iam.listUsers(ACCOUNT).map((u) => u.userName), ['alice', 'bob', 'Carol', 'Dave']);
    assert.deepEqual(iam.listUsers(ACCOUNT, '/a/').map((u) => u.userName), ['bob', 'Carol']);
  });

  test('a rename moves the name key, refuses a taken name, and its keys authenticate as the new name', () => {
    const { db, identity, iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    iam.createUser(newUser('bob'));
    const { key, staged } = iam.createAccessKey(user, NOW);
    commit(db, staged);
    throwsCode(() => iam.updateUser(ACCOUNT, 'alice', { newUserName: 'BOB' }), 'EntityAlreadyExistsException');
    // A change of case only is the same user.
    iam.updateUser(ACCOUNT, 'alice', { newUserName: 'Alice' });
    const renamed = iam.updateUser(ACCOUNT, 'Alice', { newUserName: 'carol', newPath: '/ops/' });
    assert.equal(iam.getUser(ACCOUNT, 'alice'), undefined);
    assert.equal(iam.getUser(ACCOUNT, 'carol')?.userId, user.userId);
    const principal = identity.lookup(key.accessKeyId)?.principal;
    assert.deepEqual(principal, {
      type: 'IAMUser',
      accountId: ACCOUNT,
      accessKeyId: key.accessKeyId,
      userId: user.userId,
      userName: 'carol',
      path: '/ops/',
    });
    commit(db, renamed);
    // After a restart (fresh cache) the stored principal says the same.
    assert.deepEqual(new IdentityStore(db).lookup(key.accessKeyId)?.principal, principal);
    assert.equal(IamDirectory.load(db, identity).getUser(ACCOUNT, 'carol')?.path, '/ops/');
  });

  test('rollback of a rename restores the name and the credential', () => {
    const { db, identity, iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    const { key, staged } = iam.createAccessKey(user, NOW);
    commit(db, staged);
    iam.updateUser(ACCOUNT, 'alice', { newUserName: 'carol' }).rollback();
    assert.equal(iam.getUser(ACCOUNT, 'alice')?.userId, user.userId);
    assert.equal(iam.getUser(ACCOUNT, 'carol'), undefined);
    const p = identity.lookup(key.accessKeyId)?.principal;
    assert.equal(p?.type === 'IAMUser' && p.userName, 'alice');
  });

  test('DeleteUser conflicts while the user has keys, inline policies or a login profile', () => {
    const { iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    const { key } = iam.createAccessKey(user, NOW);
    throwsCode(() => iam.deleteUser(ACCOUNT, 'alice'), 'DeleteConflictException', /must delete access keys first\.$/);
    iam.deleteAccessKey(user, key.accessKeyId);
    iam.putPolicy(user.userId, 'p', ALLOW_LOOKUP);
    throwsCode(() => iam.deleteUser(ACCOUNT, 'alice'), 'DeleteConflictException', /must delete policies first\.$/);
    iam.deletePolicy(user.userId, 'p');
    iam.createLoginProfile(user, 'hash', false, NOW);
    throwsCode(() => iam.deleteUser(ACCOUNT, 'alice'), 'DeleteConflictException', /must delete login profile first\.$/);
    iam.deleteLoginProfile(user);
    const deleted = iam.deleteUser(ACCOUNT, 'ALICE');
    assert.equal(iam.getUser(ACCOUNT, 'alice'), undefined);
    deleted.rollback();
    assert.equal(iam.getUser(ACCOUNT, 'alice')?.userId, user.userId);
    throwsCode(() => iam.deleteUser(ACCOUNT, 'nobody'), 'NoSuchEntityException', /^The user with name nobody cannot be found\.$/);
  });
});

describe('IamDirectory access keys', () => {
  test('at most two keys per user; a third is LimitExceeded', () => {
    const { iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    const a = iam.createAccessKey(user, NOW).key;
    iam.createAccessKey(user, NOW + 1);
    assert.match(a.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(a.secretAccessKey.length, 40);
    throwsCode(() => iam.createAccessKey(user, NOW), 'LimitExceededException', /^Cannot exceed quota for AccessKeysPerUser: 2$/);
    assert.equal(iam.accessKeys(user).length, 2);
    assert.ok(iam.accessKeys(user).every((k) => !('secretAccessKey' in k)), 'listing never carries the secret');
  });

  test('a key authenticates at once, stops at once when Inactive or deleted, and rollbacks restore each step', () => {
    const { db, identity, iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    const created = iam.createAccessKey(user, NOW);
    const id = created.key.accessKeyId;
    assert.equal(identity.lookup(id)?.secretAccessKey, created.key.secretAccessKey, 'usable before its commit');
    commit(db, created);
    const off = iam.updateAccessKey(user, id, 'Inactive');
    assert.equal(identity.lookup(id), undefined, 'refused from the next request on');
    off.rollback();
    assert.ok(identity.lookup(id), 'a failed deactivation leaves the key working');
    commit(db, iam.updateAccessKey(user, id, 'Inactive'));
    assert.equal(new IdentityStore(db).lookup(id), undefined, 'stored Inactive');
    const on = iam.updateAccessKey(user, id, 'Active');
    assert.ok(identity.lookup(id), 'active again before the commit');
    commit(db, on);
    assert.ok(new IdentityStore(db).lookup(id));
    const gone = iam.deleteAccessKey(user, id);
    assert.equal(identity.lookup(id), undefined);
    gone.rollback();
    assert.ok(identity.lookup(id));
    commit(db, iam.deleteAccessKey(user, id));
    assert.equal(new IdentityStore(db).lookup(id), undefined);
    throwsCode(() => iam.deleteAccessKey(user, id), 'NoSuchEntityException', new RegExp(`^The Access Key with id ${id} cannot be found\\.$`));
  });

  test('a rolled-back CreateAccessKey leaves no credential behind', () => {
    const { identity, iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    const created = iam.createAccessKey(user, NOW);
    created.staged.rollback();
    assert.equal(identity.lookup(created.key.accessKeyId), undefined);
    assert.equal(iam.accessKeys(user).length, 0);
  });
});

describe('IamDirectory policies and roles', () => {
  test('inline policies parse, refuse a Principal, reload, and reach identityPolicies by principal id', () => {
    const { db, identity, iam } = fresh();
    const { user } = iam.createUser(newUser('alice'));
    throwsCode(() => iam.putPolicy(user.userId, 'p', TRUST), 'MalformedPolicyDocumentException', /should not specify a principal/);
    throwsCode(() => iam.putPolicy(user.userId, 'p', 'nope'), 'MalformedPolicyDocumentException');
    commit(db, iam.putPolicy(user.userId, 'p', ALLOW_LOOKUP));
    const principal = { type: 'IAMUser' as const, accountId: ACCOUNT, accessKeyId: 'AKIAX', userId: user.userId, userName: 'alice', path: '/' };
    const reloaded = IamDirectory.load(db, identity);
    assert.deepEqual(reloaded.policyNames(user.userId), ['p']);
    assert.equal(reloaded.policyDocument(user.userId, 'p'), ALLOW_LOOKUP);
    assert.deepEqual(reloaded.identityPolicies(principal)[0]?.statements[0]?.action, ['cloudtrail:LookupEvents']);
    assert.deepEqual(reloaded.identityPolicies({ type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAR' }), []);
  });

  test('roles: trust policy required to have a Principal and no Resource; roleByArn checks the path', () => {
    const { db, identity, iam } = fresh();
    throwsCode(() => iam.createRole(newRole('r', ALLOW_LOOKUP)), 'MalformedPolicyDocumentException', /Has prohibited field Resource/);
    const noPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    throwsCode(() => iam.createRole(newRole('r', noPrincipal)), 'MalformedPolicyDocumentException', /Principal/);
    const { role, staged } = iam.createRole(newRole('Deployer'));
    assert.match(role.roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(roleArn(role), `arn:aws:iam::${ACCOUNT}:role/svc/Deployer`);
    assert.deepEqual(role.trust.statements[0]?.principal, { AWS: [`arn:aws:iam::${ACCOUNT}:root`] });
    throwsCode(() => iam.createRole(newRole('deployer')), 'EntityAlreadyExistsException', /^Role with name deployer already exists\.$/);
    commit(db, staged);
    const reloaded = IamDirectory.load(db, identity);
    assert.equal(reloaded.roleByArn(`arn:aws:iam::${ACCOUNT}:role/svc/Deployer`)?.roleId, role.roleId);
    assert.equal(reloaded.roleByArn(`arn:aws:iam::${ACCOUNT}:role/Deployer`), undefined, 'wrong path');
    assert.equal(reloaded.roleByArn(`arn:aws:iam::${OTHER}:role/svc/Deployer`), undefined, 'other account');
    commit(db, reloaded.putPolicy(role.roleId, 'rp', ALLOW_LOOKUP));
    const assumed = {
      type: 'AssumedRole' as const,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAX',
      roleId: role.roleId,
      roleName: 'Deployer',
      rolePath: '/svc/',
      sessionName: 's',
      sessionCreatedAt: NOW,
      mfaAuthenticated: false,
    };
    assert.equal(reloaded.identityPolicies(assumed).length, 1);
    throwsCode(() => reloaded.deleteRole(ACCOUNT, 'deployer'), 'DeleteConflictException', /must delete policies first/);
  });

  test('UpdateAssumeRolePolicy replaces the trust policy; rollback restores it', () => {
    const { iam } = fresh();
    iam.createRole(newRole('r'));
    const other = TRUST.replace(`${ACCOUNT}:root`, `${OTHER}:root`);
    const staged = iam.updateTrustPolicy(ACCOUNT, 'R', other);
    assert.equal(iam.getRole(ACCOUNT, 'r')?.trustPolicy, other);
    staged.rollback();
    assert.equal(iam.getRole(ACCOUNT, 'r')?.trustPolicy, TRUST);
  });
});

describe('IamDirectory login profiles, aliases and passwords', () => {
  test('passwords are hashed with a random salt and verified; the hash never holds the password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.notEqual(a, b);
    assert.ok(!a.includes('correct'));
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct hors', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
  });

  test('login profile lifecycle and verifyPassword through the directory', async () => {
    const { db, identity, iam } = fresh();
    const created = iam.createUser(newUser('alice'));
    const { user } = created;
    commit(db, created);
    commit(db, iam.createLoginProfile(user, await hashPassword('s3cret-pass'), true, NOW));
    throwsCode(() => iam.createLoginProfile(user, 'h', false, NOW), 'EntityAlreadyExistsException', /^Login Profile for user alice already exists\.$/);
    const reloaded = IamDirectory.load(db, identity);
    assert.deepEqual(reloaded.loginProfile(user), { userId: user.userId, passwordResetRequired: true, createdAt: NOW });
    assert.equal(await reloaded.verifyPassword(ACCOUNT, 'ALICE', 's3cret-pass'), true);
    assert.equal(await reloaded.verifyPassword(ACCOUNT, 'alice', 'wrong-pass'), false);
    assert.equal(await reloaded.verifyPassword(ACCOUNT, 'nobody', 's3cret-pass'), false);
    assert.ok(!JSON.stringify(db.prepare('SELECT * FROM iam_login_profiles').all()).includes('s3cret-pass'));
    reloaded.deleteLoginProfile(user);
    throwsCode(() => reloaded.updateLoginProfile(user, {}), 'NoSuchEntityException', /^Login Profile for User alice cannot be found\.$/);
  });

  test('aliases: unique across accounts, replaced on create, root principals follow at once', () => {
    const { db, identity, iam } = fresh();
    identity.putAccessKey({ type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAROOT0000000000001' }, 'secret', NOW);
    assert.equal(identity.lookup('AKIAROOT0000000000001')?.principal.type, 'Root');
    commit(db, iam.createAccountAlias(ACCOUNT, 'first'));
    const root = identity.lookup('AKIAROOT0000000000001')?.principal;
    assert.equal(root?.type === 'Root' && root.accountAlias, 'first');
    throwsCode(() => iam.createAccountAlias(OTHER, 'first'), 'EntityAlreadyExistsException', /^The account alias first already exists\.$/);
    const replaced = iam.createAccountAlias(ACCOUNT, 'second');
    assert.deepEqual(iam.accountAliases(ACCOUNT), ['second']);
    replaced.rollback();
    assert.deepEqual(iam.accountAliases(ACCOUNT), ['first']);
    throwsCode(() => iam.deleteAccountAlias(ACCOUNT, 'second'), 'NoSuchEntityException');
    commit(db, iam.deleteAccountAlias(ACCOUNT, 'first'));
    const after = identity.lookup('AKIAROOT0000000000001')?.principal;
    assert.equal(after?.type === 'Root' && after.accountAlias, undefined);
    assert.deepEqual(new IdentityStore(db).getAccount(ACCOUNT)?.alias, undefined);
  });
});
