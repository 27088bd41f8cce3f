/**
 * Trust policy decisions for AssumeRole (services/sts/trust.ts), table-driven: naming the caller
 * trusts it within the account, naming its account delegates to identity policies, a role
 * session matches through its role's ARN, explicit Deny wins, other accounts always delegate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/aws/principal.js';
import type { PolicyDocument } from '../../src/policy/document.js';
import { parseIdentityPolicy, parseTrustPolicy } from '../../src/identity/iam-policies.js';
import { identityDenies, trustOutcome, type TrustOutcome } from '../../src/services/sts/trust.js';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/Alice`;

const alice: Principal = { type: 'IAMUser', accountId: ACCOUNT, accessKeyId: 'AKIAALICE', userId: 'AIDAALICE', userName: 'Alice', path: '/' };
const bob: Principal = { type: 'IAMUser', accountId: ACCOUNT, accessKeyId: 'AKIABOB', userId: 'AIDABOB', userName: 'Bob', path: '/' };
const stranger: Principal = { type: 'IAMUser', accountId: OTHER, accessKeyId: 'AKIAX', userId: 'AIDAX', userName: 'Alice', path: '/' };
const builderSession: Principal = {
  type: 'AssumedRole',
  accountId: ACCOUNT,
  accessKeyId: 'ASIAB',
  roleId: 'AROABUILDER',
  roleName: 'Builder',
  rolePath: '/ci/',
  sessionName: 's1',
  sessionCreatedAt: 0,
  mfaAuthenticated: false,
};

const text = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
/** Parsed as IAM stores a role's trust policy (no Resource). */
const trustDoc = (statements: object[]): PolicyDocument => parseTrustPolicy(text(statements));
const identityDoc = (statements: object[]): PolicyDocument => parseIdentityPolicy(text(statements));

const allow = (aws: string | string[], extra: object = {}) => ({ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole', ...extra });

const cases: { name: string; trust: object[]; caller: Principal; expect: TrustOutcome }[] = [
  { name: 'the caller by ARN', trust: [allow(ALICE)], caller: alice, expect: 'trusted' },
  { name: 'someone else by ARN', trust: [allow(ALICE)], caller: bob, expect: 'denied' },
  { name: 'the account root ARN delegates', trust: [allow(`arn:aws:iam::${ACCOUNT}:root`)], caller: bob, expect: 'delegated' },
  { name: 'the bare account id delegates', trust: [allow(ACCOUNT)], caller: bob, expect: 'delegated' },
  { name: 'another account', trust: [allow(OTHER)], caller: alice, expect: 'denied' },
  { name: 'wildcard principal', trust: [allow('*')], caller: alice, expect: 'trusted' },
  { name: 'a role session through its role ARN', trust: [allow(`arn:aws:iam::${ACCOUNT}:role/ci/Builder`)], caller: builderSession, expect: 'trusted' },
  { name: 'a role session by its session ARN', trust: [allow(`arn:aws:sts::${ACCOUNT}:assumed-role/Builder/s1`)], caller: builderSession, expect: 'trusted' },
  { name: 'another action only', trust: [{ ...allow(ALICE), Action: 'sts:TagSession' }], caller: alice, expect: 'denied' },
  { name: 'action wildcard', trust: [{ ...allow(ALICE), Action: 'sts:*' }], caller: alice, expect: 'trusted' },
  {
    name: 'explicit deny of the caller beats the account allow',
    trust: [allow(ACCOUNT), { Effect: 'Deny', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
    caller: alice,
    expect: 'denied',
  },
  {
    name: 'explicit deny of the account covers everyone in it',
    trust: [allow(ALICE), { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }],
    caller: alice,
    expect: 'denied',
  },
  {
    name: 'a condition on the external id that matches',
    trust: [allow(ALICE, { Condition: { StringEquals: { 'sts:ExternalId': 'xyz' } } })],
    caller: alice,
    expect: 'trusted',
  },
  {
    name: 'a condition on the external id that does not',
    trust: [allow(ALICE, { Condition: { StringEquals: { 'sts:ExternalId': 'other' } } })],
    caller: alice,
    expect: 'denied',
  },
  { name: 'a caller of another account named by ARN still delegates', trust: [allow(`arn:aws:iam::${OTHER}:user/Alice`)], caller: stranger, expect: 'delegated' },
];

describe('trustOutcome', () => {
  for (const c of cases) {
    test(c.name, () => {
      const outcome = trustOutcome({
        trustPolicy: trustDoc(c.trust),
        caller: c.caller,
        roleArn: ROLE_ARN,
        roleAccountId: ACCOUNT,
        context: { 'sts:ExternalId': 'xyz' },
      });
      assert.equal(outcome, c.expect);
    });
  }
});

describe('identityDenies', () => {
  const q = { trustPolicy: trustDoc([allow(ALICE)]), caller: alice, roleArn: ROLE_ARN, roleAccountId: ACCOUNT, context: {} };
  test('an explicit Deny on the role denies', () => {
    const deny = identityDoc([{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: ROLE_ARN }]);
    assert.equal(identityDenies([deny], q), true);
  });
  test('a Deny on another role, or no policy, does not', () => {
    const other = identityDoc([{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/Other` }]);
    assert.equal(identityDenies([other], q), false);
    assert.equal(identityDenies([], q), false);
  });
});
