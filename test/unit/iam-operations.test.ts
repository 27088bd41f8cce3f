/**
 * IAM operations called directly (handlers never see HTTP): the error catalogue against the
 * model, the caller as the default user, GetUser for root, Marker paging, and policy documents
 * answered URL-encoded.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { IdentityStore } from '../../src/identity/store.js';
import { IamDirectory } from '../../src/identity/iam-directory.js';
import type { OperationContext, ServiceContext } from '../../src/aws/service.js';
import type { Principal } from '../../src/aws/principal.js';
import { AwsError } from '../../src/aws/errors.js';
import { IamErrors } from '../../src/identity/iam-errors.js';
import { shapes } from '../../src/services/iam/generated/model.js';
import { paginate } from '../../src/services/iam/views.js';
import { createUserOperation, getUserOperation, listUsersOperation } from '../../src/services/iam/users.js';
import { createAccessKeyOperation } from '../../src/services/iam/access-keys.js';
import { getUserPolicyOperation, putUserPolicyOperation } from '../../src/services/iam/inline-policies.js';

const ACCOUNT = '123456789012';
const NOW = 1_700_000_000_000;

function context(principal: Principal = { type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIAROOT' }) {
  const db = openDatabase(':memory:');
  const identity = new IdentityStore(db);
  identity.ensureAccount(ACCOUNT, NOW);
  const iam = IamDirectory.load(db, identity);
  // Only what the IAM handlers read; the rest of the ServiceContext is never touched.
  const services = { iam, identity, clock: { now: () => NOW } } as unknown as ServiceContext;
  const ctx: OperationContext = {
    services,
    principal,
    accountId: ACCOUNT,
    region: 'us-east-1',
    requestId: 'r',
    authorize: async () => undefined,
    stage: () => undefined,
  };
  return { ctx, iam };
}

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AwsError && e.code === code && message.test(e.message));
}

describe('IAM operations', () => {
  test('every IAM error is a modeled exception answered with the model’s wire code and status', () => {
    const errors = [
      IamErrors.noSuchEntity('user', 'x'),
      IamErrors.alreadyExists('role', 'x'),
      IamErrors.accessKeyQuota(),
      IamErrors.deleteConflict('policies'),
      IamErrors.malformedPolicy('m'),
      IamErrors.passwordTooShort(8),
    ];
    const wire = errors.map((e) => {
      const shape = shapes[e.code];
      assert.ok(shape?.type === 'structure' && shape.exception, `${e.code} is modeled`);
      return [shape.error?.code, shape.error?.httpStatusCode, e.status];
    });
    assert.deepEqual(wire, [
      ['NoSuchEntity', 404, 404],
      ['EntityAlreadyExists', 409, 409],
      ['LimitExceeded', 409, 409],
      ['DeleteConflict', 409, 409],
      ['MalformedPolicyDocument', 400, 400],
      ['PasswordPolicyViolation', 400, 400],
    ]);
  });

  test('GetUser without a name: root as AWS answers it; an IAM user gets itself; a role session must name one', async () => {
    const { ctx } = context();
    const root = await getUserOperation.handler({}, ctx);
    assert.deepEqual(root.User, { UserId: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, CreateDate: new Date(NOW) });
    const created = (await createUserOperation.handler({ UserName: 'alice' }, ctx)).User!;
    const asUser = { ...ctx, principal: { type: 'IAMUser' as const, accountId: ACCOUNT, accessKeyId: 'AKIAX', userId: created.UserId, userName: 'alice', path: '/' } };
    assert.equal((await getUserOperation.handler({}, asUser)).User.UserName, 'alice');
    assert.equal(getUserOperation.access?.({}, asUser)?.resource, `arn:aws:iam::${ACCOUNT}:user/alice`);
    const asRole = {
      ...ctx,
      principal: { type: 'AssumedRole' as const, accountId: ACCOUNT, accessKeyId: 'ASIAX', roleId: 'AROAX', roleName: 'r', rolePath: '/', sessionName: 's', sessionCreatedAt: NOW, mfaAuthenticated: false },
    };
    await rejectsWith(createAccessKeyOperation.handler({}, asRole), 'ValidationError', /^Must specify userName when calling with non-User credentials$/);
  });

  test('ListUsers pages by Marker until IsTruncated is false', async () => {
    const { ctx } = context();
    for (const name of ['d', 'B', 'a', 'c', 'E']) await createUserOperation.handler({ UserName: name }, ctx);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listUsersOperation.handler({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }, ctx);
      seen.push(...page.Users.map((u) => u.UserName));
      if (!page.IsTruncated) break;
      marker = page.Marker;
    }
    assert.deepEqual(seen, ['a', 'B', 'c', 'd', 'E']);
    assert.doesNotThrow(() => paginate(['x'], (s) => s, 'not base64 at all!', 5), 'a foreign marker never fails');
  });

  test('inline policy documents are answered URL-encoded, exactly as stored', async () => {
    const { ctx } = context();
    await createUserOperation.handler({ UserName: 'alice' }, ctx);
    const doc = '{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/a b+c" } }';
    await putUserPolicyOperation.handler({ UserName: 'alice', PolicyName: 'p', PolicyDocument: doc }, ctx);
    const got = await getUserPolicyOperation.handler({ UserName: 'ALICE', PolicyName: 'p' }, ctx);
    assert.equal(got.UserName, 'alice', 'the stored name, whatever case the caller used');
    assert.equal(decodeURIComponent(got.PolicyDocument), doc);
    assert.ok(!/[ {}"]/.test(got.PolicyDocument));
    await rejectsWith(
      getUserPolicyOperation.handler({ UserName: 'alice', PolicyName: 'q' }, ctx),
      'NoSuchEntityException',
      /^The user policy with name q cannot be found\.$/,
    );
  });
});
