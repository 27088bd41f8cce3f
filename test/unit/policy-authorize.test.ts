import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { principalArn, type AssumedRolePrincipal, type IamUserPrincipal, type Principal, type RootPrincipal } from '../../src/aws/principal.js';
import { AwsError } from '../../src/aws/errors.js';
import { ManualClock } from '../../src/lib/clock.js';
import { ObjectStoreError } from '../../src/objects/object-store.js';
import {
  decide,
  denialMessage,
  globalContext,
  type CallFacts,
  type Decision,
  type DecisionInput,
} from '../../src/policy/authorize.js';
import { Authorizer } from '../../src/policy/authorizer.js';
import { parsePolicyDocument, type PolicyDocument } from '../../src/policy/document.js';

const ACCT = '123456789012';
const ROOT: RootPrincipal = { type: 'Root', accountId: ACCT, accessKeyId: 'AKIAROOT' };
const ALICE: IamUserPrincipal = { type: 'IAMUser', accountId: ACCT, accessKeyId: 'AKIAALICE', userId: 'AIDAALICE', userName: 'alice', path: '/team/' };
const SESSION: AssumedRolePrincipal = {
  type: 'AssumedRole', accountId: ACCT, accessKeyId: 'ASIASESSION', roleId: 'AROAROLE', roleName: 'auditor', rolePath: '/',
  sessionName: 'sess', sessionCreatedAt: 0, mfaAuthenticated: false,
};
const ALICE_ARN = `arn:aws:iam::${ACCT}:user/team/alice`;
const ROLE_ARN = `arn:aws:iam::${ACCT}:role/auditor`;
const SESSION_ARN = `arn:aws:sts::${ACCT}:assumed-role/auditor/sess`;
const ACCOUNT_ARN = `arn:aws:iam::${ACCT}:root`;
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/t1`;
const OBJECT = 'arn:aws:s3:::bkt/reports/a.txt';
const FACTS: CallFacts = { sourceIp: '192.0.2.10', secureTransport: false, region: 'eu-west-1', nowMs: Date.UTC(2026, 0, 15, 12) };

function policy(statements: object[], principal: 'required' | 'forbidden'): PolicyDocument {
  const r = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { principal });
  if (!r.ok) assert.fail(r.message);
  return r.doc;
}
const identity = (...s: object[]) => policy(s, 'forbidden');
const bucket = (...s: object[]) => policy(s, 'required');

const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };

function run(p: Principal, opts: Partial<DecisionInput> = {}): Decision {
  return decide({
    principal: p,
    action: 'cloudtrail:CreateTrail',
    resource: TRAIL,
    context: globalContext(p, FACTS),
    identityPolicies: [],
    ...opts,
  });
}
const ALLOW: Decision = { allowed: true };
const IMPLICIT: Decision = { allowed: false, reason: 'implicit' };
const IDENTITY_DENY: Decision = { allowed: false, reason: 'identity-deny' };
const RESOURCE_DENY: Decision = { allowed: false, reason: 'resource-deny' };

describe('decide: Effect, Action/NotAction, Resource/NotResource in identity policies', () => {
  const cases: [string, object[], string, string, Decision][] = [
    ['no policy is an implicit deny', [], 'cloudtrail:CreateTrail', TRAIL, IMPLICIT],
    ['Allow *', [allowAll], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
    ['exact action', [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }], 'cloudtrail:LookupEvents', '*', ALLOW],
    ['another action', [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, IMPLICIT],
    ['action case-insensitive', [{ Effect: 'Allow', Action: 'CloudTrail:lookupevents', Resource: '*' }], 'cloudtrail:LookupEvents', '*', ALLOW],
    ['service wildcard', [{ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }], 'cloudtrail:StopLogging', TRAIL, ALLOW],
    ['prefix wildcard', [{ Effect: 'Allow', Action: 'cloudtrail:Get*', Resource: '*' }], 'cloudtrail:GetTrailStatus', TRAIL, ALLOW],
    ['prefix wildcard miss', [{ Effect: 'Allow', Action: 'cloudtrail:Get*', Resource: '*' }], 'cloudtrail:PutEventSelectors', TRAIL, IMPLICIT],
    ['? wildcard', [{ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' }], 's3:GetObject', OBJECT, ALLOW],
    ['action list', [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' }], 's3:GetObject', OBJECT, ALLOW],
    ['NotAction allows the others', [{ Effect: 'Allow', NotAction: 'cloudtrail:Delete*', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
    ['NotAction excludes its own', [{ Effect: 'Allow', NotAction: 'cloudtrail:Delete*', Resource: '*' }], 'cloudtrail:DeleteTrail', TRAIL, IMPLICIT],
    ['other service', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, IMPLICIT],
    ['resource exact', [{ Effect: 'Allow', Action: '*', Resource: TRAIL }], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
    ['resource wildcard', [{ Effect: 'Allow', Action: '*', Resource: `arn:aws:cloudtrail:*:${ACCT}:trail/t*` }], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
    ['resource other trail', [{ Effect: 'Allow', Action: '*', Resource: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/other` }], 'cloudtrail:CreateTrail', TRAIL, IMPLICIT],
    ['resource case-sensitive', [{ Effect: 'Allow', Action: '*', Resource: TRAIL.toUpperCase().replace('ARN:AWS', 'arn:aws') }], 'cloudtrail:CreateTrail', TRAIL, IMPLICIT],
    ['a named resource does not cover *', [{ Effect: 'Allow', Action: '*', Resource: TRAIL }], 'cloudtrail:ListTrails', '*', IMPLICIT],
    ['NotResource', [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::secret/*' }], 's3:GetObject', OBJECT, ALLOW],
    ['NotResource excludes', [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::bkt/*' }], 's3:GetObject', OBJECT, IMPLICIT],
    ['explicit Deny beats Allow', [allowAll, { Effect: 'Deny', Action: 'cloudtrail:CreateTrail', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, IDENTITY_DENY],
    ['Deny first, Allow after', [{ Effect: 'Deny', Action: 'cloudtrail:Create*', Resource: TRAIL }, allowAll], 'cloudtrail:CreateTrail', TRAIL, IDENTITY_DENY],
    ['Deny of another action', [allowAll, { Effect: 'Deny', Action: 'cloudtrail:DeleteTrail', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
    ['Deny with NotAction', [allowAll, { Effect: 'Deny', NotAction: 'cloudtrail:LookupEvents', Resource: '*' }], 'cloudtrail:CreateTrail', TRAIL, IDENTITY_DENY],
    ['Deny with NotResource', [allowAll, { Effect: 'Deny', Action: '*', NotResource: TRAIL }], 'cloudtrail:CreateTrail', TRAIL, ALLOW],
  ];
  for (const [name, statements, action, resource, want] of cases) {
    test(name, () => {
      const identityPolicies = statements.length ? [identity(...statements)] : [];
      assert.deepEqual(run(ALICE, { action, resource, identityPolicies }), want);
    });
  }

  test('sts:GetCallerIdentity needs no permission and cannot be denied', () => {
    const identityPolicies = [identity({ Effect: 'Deny', Action: '*', Resource: '*' })];
    assert.deepEqual(run(ALICE, { action: 'sts:GetCallerIdentity', resource: '*', identityPolicies }), ALLOW);
    assert.deepEqual(run(SESSION, { action: 'sts:GetCallerIdentity', resource: '*' }), ALLOW);
  });

  test('a Deny in one policy beats an Allow in another', () => {
    const identityPolicies = [identity(allowAll), identity({ Effect: 'Deny', Action: 'cloudtrail:*', Resource: '*' })];
    assert.deepEqual(run(ALICE, { identityPolicies }), IDENTITY_DENY);
    assert.deepEqual(run(SESSION, { identityPolicies }), IDENTITY_DENY);
  });
});

describe('decide: root', () => {
  test('root is allowed with no policy at all', () => assert.deepEqual(run(ROOT), ALLOW));
  test('identity policies do not apply to root', () => {
    assert.deepEqual(run(ROOT, { identityPolicies: [identity({ Effect: 'Deny', Action: '*', Resource: '*' })] }), ALLOW);
  });
  const denies: [string, unknown][] = [['*', '*'], ['the account id', { AWS: ACCT }], ['the account ARN', { AWS: ACCOUNT_ARN }]];
  for (const [name, principal] of denies) {
    test(`a bucket policy Deny naming ${name} denies root`, () => {
      const resourcePolicy = bucket({ Effect: 'Deny', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' });
      assert.deepEqual(run(ROOT, { action: 's3:GetObject', resource: OBJECT, resourcePolicy }), RESOURCE_DENY);
    });
  }
  test('a bucket policy Deny naming a user leaves root alone', () => {
    const resourcePolicy = bucket({ Effect: 'Deny', Principal: { AWS: ALICE_ARN }, Action: '*', Resource: 'arn:aws:s3:::bkt/*' });
    assert.deepEqual(run(ROOT, { action: 's3:GetObject', resource: OBJECT, resourcePolicy }), ALLOW);
  });
});

describe('decide: bucket policy combined with identity policies', () => {
  const getObject = { Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' };
  const allowIdentity = identity({ Effect: 'Allow', ...getObject });
  const denyIdentity = identity({ Effect: 'Deny', ...getObject });
  const allowBucket = (principal: unknown) => bucket({ Effect: 'Allow', Principal: principal, ...getObject });
  const denyBucket = (principal: unknown) => bucket({ Effect: 'Deny', Principal: principal, ...getObject });
  // [name, principal, identity policies, bucket policy, decision]
  const matrix: [string, Principal, PolicyDocument[], PolicyDocument | undefined, Decision][] = [
    ['neither', ALICE, [], undefined, IMPLICIT],
    ['identity Allow only', ALICE, [allowIdentity], undefined, ALLOW],
    ['bucket Allow naming the user only', ALICE, [], allowBucket({ AWS: ALICE_ARN }), ALLOW],
    ['bucket Allow to everyone', ALICE, [], allowBucket('*'), ALLOW],
    ['bucket Allow with AWS: *', ALICE, [], allowBucket({ AWS: '*' }), ALLOW],
    ['bucket Allow naming another user', ALICE, [], allowBucket({ AWS: `arn:aws:iam::${ACCT}:user/bob` }), IMPLICIT],
    // Naming the account delegates to the account's identity policies.
    ['bucket Allow naming the account, no identity policy', ALICE, [], allowBucket({ AWS: ACCT }), IMPLICIT],
    ['bucket Allow naming the account + identity Allow', ALICE, [allowIdentity], allowBucket({ AWS: ACCT }), ALLOW],
    ['bucket Allow for a service only', ALICE, [], allowBucket({ Service: 'cloudtrail.amazonaws.com' }), IMPLICIT],
    ['identity Allow + bucket Deny naming the user', ALICE, [allowIdentity], denyBucket({ AWS: ALICE_ARN }), RESOURCE_DENY],
    ['identity Allow + bucket Deny naming the account', ALICE, [allowIdentity], denyBucket({ AWS: ACCOUNT_ARN }), RESOURCE_DENY],
    ['identity Allow + bucket Deny to everyone', ALICE, [allowIdentity], denyBucket('*'), RESOURCE_DENY],
    ['identity Allow + bucket Deny naming another user', ALICE, [allowIdentity], denyBucket({ AWS: `arn:aws:iam::${ACCT}:user/bob` }), ALLOW],
    ['identity Deny + bucket Allow naming the user', ALICE, [denyIdentity], allowBucket({ AWS: ALICE_ARN }), IDENTITY_DENY],
    ['role session: bucket Allow naming the role', SESSION, [], allowBucket({ AWS: ROLE_ARN }), ALLOW],
    ['role session: bucket Allow naming the session', SESSION, [], allowBucket({ AWS: SESSION_ARN }), ALLOW],
    ['role session: bucket Allow naming another session', SESSION, [], allowBucket({ AWS: `arn:aws:sts::${ACCT}:assumed-role/auditor/x` }), IMPLICIT],
    ['role session: identity Allow', SESSION, [allowIdentity], undefined, ALLOW],
    ['role session: bucket Deny naming the role', SESSION, [allowIdentity], denyBucket({ AWS: ROLE_ARN }), RESOURCE_DENY],
  ];
  for (const [name, who, identityPolicies, resourcePolicy, want] of matrix) {
    test(name, () => {
      const got = run(who, { action: 's3:GetObject', resource: OBJECT, identityPolicies, ...(resourcePolicy ? { resourcePolicy } : {}) });
      assert.deepEqual(got, want);
    });
  }

  test('bucket policy NotPrincipal: Deny everyone but the named user', () => {
    const resourcePolicy = bucket({ Effect: 'Deny', NotPrincipal: { AWS: [ALICE_ARN] }, ...getObject });
    const bob: IamUserPrincipal = { ...ALICE, userName: 'bob', userId: 'AIDABOB' };
    assert.deepEqual(run(ALICE, { action: 's3:GetObject', resource: OBJECT, identityPolicies: [allowIdentity], resourcePolicy }), ALLOW);
    assert.deepEqual(run(bob, { action: 's3:GetObject', resource: OBJECT, identityPolicies: [allowIdentity], resourcePolicy }), RESOURCE_DENY);
  });

  test('a Deny NotPrincipal naming the account exempts its users; its Allow still grants', () => {
    const resourcePolicy = bucket(
      { Effect: 'Deny', NotPrincipal: { AWS: ACCT }, ...getObject },
      { Effect: 'Allow', Principal: { AWS: ALICE_ARN }, ...getObject },
    );
    assert.deepEqual(run(ALICE, { action: 's3:GetObject', resource: OBJECT, resourcePolicy }), ALLOW);
  });

  test('a bucket policy about other objects or actions does not decide', () => {
    const resourcePolicy = bucket({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bkt/*' });
    assert.deepEqual(run(ALICE, { action: 's3:GetObject', resource: OBJECT, identityPolicies: [allowIdentity], resourcePolicy }), ALLOW);
  });
});

describe('globalContext', () => {
  test('keys for each principal type', () => {
    const common = {
      'aws:PrincipalAccount': ACCT,
      'aws:SourceIp': '192.0.2.10',
      'aws:SecureTransport': 'false',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:CurrentTime': '2026-01-15T12:00:00Z',
      'aws:EpochTime': String(Date.UTC(2026, 0, 15, 12) / 1000),
    };
    assert.deepEqual(globalContext(ROOT, FACTS), { ...common, 'aws:PrincipalType': 'Account', 'aws:userid': ACCT, 'aws:PrincipalArn': ACCOUNT_ARN });
    assert.deepEqual(globalContext(ALICE, FACTS), {
      ...common, 'aws:PrincipalType': 'User', 'aws:userid': 'AIDAALICE', 'aws:username': 'alice', 'aws:PrincipalArn': ALICE_ARN,
    });
    // A role session's aws:PrincipalArn is its role's ARN (what policies name), userid role:session.
    assert.deepEqual(globalContext(SESSION, FACTS), {
      ...common, 'aws:PrincipalType': 'AssumedRole', 'aws:userid': 'AROAROLE:sess', 'aws:PrincipalArn': ROLE_ARN,
    });
  });

  test('principal ARNs', () => {
    assert.equal(principalArn(ROOT), ACCOUNT_ARN);
    assert.equal(principalArn(ALICE), ALICE_ARN);
    assert.equal(principalArn(SESSION), SESSION_ARN);
  });

  // Each operator family against a global key, through the whole decision.
  const conditions: [string, object, Partial<CallFacts>, Principal, boolean][] = [
    ['IpAddress v4 CIDR', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, {}, ALICE, true],
    ['IpAddress v4 CIDR miss', { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, {}, ALICE, false],
    ['IpAddress v6 CIDR', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { sourceIp: '2001:db8::5' }, ALICE, true],
    ['IpAddress v6 CIDR miss', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, { sourceIp: '2001:db9::5' }, ALICE, false],
    ['IpAddress loopback v4 vs v6 list', { IpAddress: { 'aws:SourceIp': ['::1/128', '127.0.0.0/8'] } }, { sourceIp: '127.0.0.1' }, ALICE, true],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, {}, ALICE, true],
    ['Bool SecureTransport true wanted', { Bool: { 'aws:SecureTransport': 'true' } }, {}, ALICE, false],
    ['Bool SecureTransport over TLS', { Bool: { 'aws:SecureTransport': true } }, { secureTransport: true }, ALICE, true],
    ['DateLessThan CurrentTime', { DateLessThan: { 'aws:CurrentTime': '2026-02-01T00:00:00Z' } }, {}, ALICE, true],
    ['DateLessThan CurrentTime past', { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, {}, ALICE, false],
    ['DateGreaterThan CurrentTime', { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, {}, ALICE, true],
    ['DateGreaterThanEquals exact', { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-01-15T12:00:00Z' } }, {}, ALICE, true],
    ['DateLessThanEquals exact', { DateLessThanEquals: { 'aws:CurrentTime': '2026-01-15T12:00:00Z' } }, {}, ALICE, true],
    ['DateLessThan epoch value', { DateLessThan: { 'aws:EpochTime': String(Date.UTC(2026, 0, 16) / 1000) } }, {}, ALICE, true],
    ['NumericLessThan EpochTime', { NumericLessThan: { 'aws:EpochTime': Date.UTC(2026, 0, 15) / 1000 } }, {}, ALICE, false],
    ['NumericGreaterThanEquals EpochTime', { NumericGreaterThanEquals: { 'aws:EpochTime': Date.UTC(2026, 0, 15) / 1000 } }, {}, ALICE, true],
    ['StringEquals username', { StringEquals: { 'aws:username': 'alice' } }, {}, ALICE, true],
    ['StringEquals username on a role session (absent)', { StringEquals: { 'aws:username': 'alice' } }, {}, SESSION, false],
    ['StringEqualsIfExists username on a role session', { StringEqualsIfExists: { 'aws:username': 'alice' } }, {}, SESSION, true],
    ['Null username true on a role session', { Null: { 'aws:username': 'true' } }, {}, SESSION, true],
    ['Null username true on a user', { Null: { 'aws:username': 'true' } }, {}, ALICE, false],
    ['StringLike userid', { StringLike: { 'aws:userid': 'AROAROLE:*' } }, {}, SESSION, true],
    ['StringNotEquals PrincipalType', { StringNotEquals: { 'aws:PrincipalType': 'User' } }, {}, ALICE, false],
    ['ArnLike PrincipalArn role', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/aud*` } }, {}, SESSION, true],
    ['ArnEquals PrincipalArn user', { ArnEquals: { 'aws:PrincipalArn': ALICE_ARN } }, {}, ALICE, true],
    ['ArnNotLike PrincipalArn', { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } }, {}, ALICE, false],
    ['StringEquals PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ACCT } }, {}, ALICE, true],
    ['StringEquals RequestedRegion', { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } }, {}, ALICE, true],
    ['StringEqualsIgnoreCase RequestedRegion', { StringEqualsIgnoreCase: { 'aws:RequestedRegion': 'EU-WEST-1' } }, {}, ALICE, true],
    ['ForAnyValue over a single-valued key', { 'ForAnyValue:StringEquals': { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }, {}, ALICE, true],
    ['ForAllValues over an absent key', { 'ForAllValues:StringEquals': { 'aws:username': 'x' } }, {}, SESSION, true],
    ['keys ANDed', { StringEquals: { 'aws:username': 'alice' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, ALICE, false],
  ];
  for (const [name, condition, facts, who, allowed] of conditions) {
    test(`condition: ${name}`, () => {
      const identityPolicies = [identity({ ...allowAll, Condition: condition })];
      const got = run(who, { identityPolicies, context: globalContext(who, { ...FACTS, ...facts }) });
      assert.deepEqual(got, allowed ? ALLOW : IMPLICIT);
    });
  }

  test('Deny unless over TLS (a common bucket policy) denies plain HTTP, also for root', () => {
    const resourcePolicy = bucket({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bkt/*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    for (const who of [ROOT, ALICE]) {
      const ask = (secureTransport: boolean) =>
        run(who, { action: 's3:GetObject', resource: OBJECT, identityPolicies: [identity(allowAll)], resourcePolicy, context: globalContext(who, { ...FACTS, secureTransport }) });
      assert.deepEqual(ask(false), RESOURCE_DENY, who.type);
      assert.deepEqual(ask(true), ALLOW, who.type);
    }
  });
});

describe('policy variables', () => {
  const home = (version: string) => {
    const r = parsePolicyDocument(JSON.stringify({
      Version: version,
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/home/${aws:username}/*' },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bkt', Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } },
      ],
    }));
    if (!r.ok) assert.fail(r.message);
    return r.doc;
  };
  const ask = (who: Principal, action: string, resource: string, version = '2012-10-17', prefix?: string) =>
    run(who, { action, resource, identityPolicies: [home(version)], context: { ...globalContext(who, FACTS), 's3:prefix': prefix } });
  const cases: [string, Principal, string, string, string | undefined, string, Decision][] = [
    ['own home', ALICE, 's3:GetObject', 'arn:aws:s3:::bkt/home/alice/x', undefined, '2012-10-17', ALLOW],
    ["another's home", ALICE, 's3:GetObject', 'arn:aws:s3:::bkt/home/bob/x', undefined, '2012-10-17', IMPLICIT],
    ['no username (role session) matches nothing', SESSION, 's3:GetObject', 'arn:aws:s3:::bkt/home//x', undefined, '2012-10-17', IMPLICIT],
    ['literal in the 2008 language', ALICE, 's3:GetObject', 'arn:aws:s3:::bkt/home/alice/x', undefined, '2008-10-17', IMPLICIT],
    ['condition value, own prefix', ALICE, 's3:ListBucket', 'arn:aws:s3:::bkt', 'home/alice/docs', '2012-10-17', ALLOW],
    ['condition value, other prefix', ALICE, 's3:ListBucket', 'arn:aws:s3:::bkt', 'home/bob/docs', '2012-10-17', IMPLICIT],
  ];
  for (const [name, who, action, resource, prefix, version, want] of cases) {
    test(name, () => assert.deepEqual(ask(who, action, resource, version, prefix), want));
  }
});

describe('denialMessage', () => {
  test("AWS's wording for each reason", () => {
    assert.equal(
      denialMessage(ALICE, 'cloudtrail:CreateTrail', TRAIL, 'implicit'),
      `User: ${ALICE_ARN} is not authorized to perform: cloudtrail:CreateTrail on resource: ${TRAIL} because no identity-based policy allows the cloudtrail:CreateTrail action`,
    );
    assert.equal(
      denialMessage(SESSION, 's3:GetObject', OBJECT, 'identity-deny'),
      `User: ${SESSION_ARN} is not authorized to perform: s3:GetObject on resource: ${OBJECT} with an explicit deny in an identity-based policy`,
    );
    assert.equal(
      denialMessage(ROOT, 's3:GetObject', OBJECT, 'resource-deny'),
      `User: ${ACCOUNT_ARN} is not authorized to perform: s3:GetObject on resource: ${OBJECT} with an explicit deny in a resource-based policy`,
    );
    assert.equal(
      denialMessage(ALICE, 'cloudtrail:ListTrails', '*', 'implicit'),
      `User: ${ALICE_ARN} is not authorized to perform: cloudtrail:ListTrails because no identity-based policy allows the cloudtrail:ListTrails action`,
    );
  });
});

describe('Authorizer', () => {
  function setup(policies: Record<string, string>, identityPolicies: PolicyDocument[] = []) {
    const reads: string[] = [];
    const clock = new ManualClock(Date.UTC(2026, 0, 15));
    const objects = {
      async getBucketPolicy(b: string): Promise<string> {
        reads.push(b);
        const text = policies[b];
        if (b === 'gone') throw new ObjectStoreError('NoSuchBucket', 'The specified bucket does not exist');
        if (b === 'broken') throw new Error('disk on fire');
        if (text === undefined) throw new ObjectStoreError('NoSuchBucketPolicy', 'The bucket policy does not exist');
        return text;
      },
    };
    const authorizer = new Authorizer({ identityPolicies: { identityPolicies: () => identityPolicies }, objects, clock });
    return { reads, clock, policies, authorize: (p: Principal) => authorizer.forCall(p, { sourceIp: '192.0.2.10', secureTransport: false, region: 'us-east-1' }) };
  }
  const get = (b: string) => ({ action: 's3:GetObject', resource: `arn:aws:s3:::${b}/k`, bucket: b });

  test('a denial is AccessDenied (403) with the message; an allowed call resolves', async () => {
    const { authorize } = setup({});
    await authorize(ROOT)(get('bkt'));
    const err = await authorize(ALICE)(get('bkt')).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, 'AccessDenied');
    assert.equal(err.status, 403);
    assert.equal(err.message, denialMessage(ALICE, 's3:GetObject', 'arn:aws:s3:::bkt/k', 'implicit'));
  });

  test('the bucket policy is read once per call (another node may change it between calls)', async () => {
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE_ARN }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*' }] });
    const { authorize, reads, policies } = setup({ bkt: text });
    const first = authorize(ALICE);
    await first(get('bkt'));
    await first(get('bkt'));
    await authorize(ALICE)(get('bkt'));
    assert.deepEqual(reads, ['bkt', 'bkt']);
    delete policies.bkt;
    await assert.rejects(authorize(ALICE)(get('bkt')), { code: 'AccessDenied' });
  });

  test('no bucket or no policy: identity policies decide; other store failures propagate', async () => {
    const { authorize } = setup({}, [identity(allowAll)]);
    await authorize(ALICE)(get('gone'));
    await authorize(ALICE)(get('none'));
    await assert.rejects(authorize(ALICE)(get('broken')), /disk on fire/);
  });

  test('requests without a bucket read no policy; aws:CurrentTime follows the clock', async () => {
    const until = identity({ ...allowAll, Condition: { DateLessThan: { 'aws:CurrentTime': '2026-01-16T00:00:00Z' } } });
    const { authorize, reads, clock } = setup({}, [until]);
    await authorize(ALICE)({ action: 'cloudtrail:LookupEvents', resource: '*' });
    clock.advance(86_400_000);
    await assert.rejects(authorize(ALICE)({ action: 'cloudtrail:LookupEvents', resource: '*' }), { code: 'AccessDenied' });
    assert.deepEqual(reads, []);
  });

  test('service condition keys from the request join the global ones', async () => {
    const onlyLogs = identity({ ...allowAll, Condition: { StringLike: { 's3:prefix': 'AWSLogs/*' } } });
    const { authorize } = setup({}, [onlyLogs]);
    const list = (prefix?: string) => ({ action: 's3:ListBucket', resource: 'arn:aws:s3:::bkt', bucket: 'bkt', context: { 's3:prefix': prefix } });
    await authorize(ALICE)(list('AWSLogs/123/'));
    await assert.rejects(authorize(ALICE)(list('private/')), { code: 'AccessDenied' });
    await assert.rejects(authorize(ALICE)(list()), { code: 'AccessDenied' });
  });
});
