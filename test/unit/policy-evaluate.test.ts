import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicyDocument, type ParseOptions, type PolicyDocument } from '../../src/policy/document.js';
import { evaluatePolicy, type ContextValue, type PolicyRequest } from '../../src/policy/evaluate.js';
import { wildcardMatch } from '../../src/policy/wildcard.js';

const ACCT = '123456789012';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;

function parse(policy: unknown, options?: ParseOptions): PolicyDocument {
  const r = parsePolicyDocument(JSON.stringify(policy), options);
  if (!r.ok) assert.fail(r.message);
  return r.doc;
}

const doc = (...Statement: object[]) => parse({ Version: '2012-10-17', Statement });
const allow = (extra: object = {}) => ({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt/*', ...extra });
const req = (extra: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principal: { aws: [ALICE, `arn:aws:iam::${ACCT}:root`] },
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::bkt/a/b.txt',
  context: {},
  ...extra,
});

describe('parsePolicyDocument', () => {
  test('normalizes scalars to lists, condition values to strings, defaults the version', () => {
    const d = parse({
      Id: 'p1',
      Statement: { Sid: 'S1', Effect: 'Deny', NotPrincipal: { AWS: ACCT }, NotAction: 's3:*', NotResource: 'arn:aws:s3:::x',
        Condition: { NumericLessThan: { 's3:max-keys': 10 }, Bool: { 'aws:SecureTransport': [false] } } },
    });
    assert.deepEqual(d, {
      version: '2008-10-17',
      id: 'p1',
      statements: [{
        sid: 'S1', effect: 'Deny', notPrincipal: { AWS: [ACCT] }, notAction: ['s3:*'], notResource: ['arn:aws:s3:::x'],
        conditions: [
          { operator: 'NumericLessThan', key: 's3:max-keys', values: ['10'] },
          { operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] },
        ],
      }],
    });
  });

  const failures: [string, string, string, ParseOptions?][] = [
    ['empty', '', "Policies must be valid JSON and the first byte must be '{'"],
    ['not JSON', 'invalid json', "Policies must be valid JSON and the first byte must be '{'"],
    ['broken JSON', '{"Statement": [', "Policies must be valid JSON and the first byte must be '{'"],
    ['array', '[]', "Policies must be valid JSON and the first byte must be '{'"],
    ['no statement', '{}', 'Missing required field Statement'],
    ['empty statements', '{"Statement": []}', 'Missing required field Statement'],
    ['version', JSON.stringify({ Version: '2012-10-18', Statement: [allow()] }), 'The policy must contain a valid version string'],
    ['unknown top-level field', JSON.stringify({ Statment: [] }), 'Unknown field Statment'],
    ['unknown statement field', JSON.stringify({ Statement: [allow({ Actions: 's3:*' })] }), 'Unknown field Actions'],
    ['effect', JSON.stringify({ Statement: [allow({ Effect: 'hello' })] }), 'Invalid effect: hello'],
    ['effect case', JSON.stringify({ Statement: [allow({ Effect: 'allow' })] }), 'Invalid effect: allow'],
    ['no effect', JSON.stringify({ Statement: [{ Principal: '*', Action: 's3:*', Resource: '*' }] }), 'Missing required field Effect'],
    ['no action', JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Resource: '*' }] }), 'Missing required field Action'],
    ['no resource', JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*' }] }), 'Missing required field Resource'],
    ['action and notaction', JSON.stringify({ Statement: [allow({ NotAction: 's3:PutObject' })] }), 'Statement cannot contain both Action and NotAction'],
    ['invalid action', JSON.stringify({ Statement: [allow({ Action: 'invalid_action' })] }), 'Policy has invalid action'],
    ['null action (S3 answers this)', JSON.stringify({ Statement: [allow({ Action: null })] }), 'Invalid policy syntax.'],
    ['numeric action', JSON.stringify({ Statement: [allow({ Action: 5 })] }), 'Invalid policy syntax.'],
    ['invalid resource', JSON.stringify({ Statement: [allow({ Resource: 'bucket' })] }), 'Policy has invalid resource'],
    ['principal type', JSON.stringify({ Statement: [allow({ Principal: { User: 'x' } })] }), 'Invalid principal in policy'],
    ['principal value', JSON.stringify({ Statement: [allow({ Principal: { AWS: 'user' } })] }), 'Invalid principal in policy'],
    ['principal string', JSON.stringify({ Statement: [allow({ Principal: 'someone' })] }), 'Invalid principal in policy'],
    ['principal required', JSON.stringify({ Statement: [allow({ Principal: undefined })] }), 'Missing required field Principal', { principal: 'required' }],
    ['principal forbidden', JSON.stringify({ Statement: [allow()] }), 'Policy document should not specify a principal.', { principal: 'forbidden' }],
    ['condition operator', JSON.stringify({ Statement: [allow({ Condition: { StringEqualz: { k: 'v' } } })] }), 'Invalid Condition type : StringEqualz'],
    ['condition operator case', JSON.stringify({ Statement: [allow({ Condition: { stringequals: { k: 'v' } } })] }), 'Invalid Condition type : stringequals'],
    ['NullIfExists', JSON.stringify({ Statement: [allow({ Condition: { NullIfExists: { k: 'true' } } })] }), 'Invalid Condition type : NullIfExists'],
    ['condition value', JSON.stringify({ Statement: [allow({ Condition: { StringEquals: { k: { a: 1 } } } })] }), 'Invalid policy syntax.'],
  ];
  for (const [name, text, message, options] of failures) {
    test(`rejects ${name}`, () => assert.deepEqual(parsePolicyDocument(text, options), { ok: false, message }));
  }
});

describe('evaluatePolicy: statements', () => {
  test('Allow, NotApplicable, and explicit Deny wins in any order', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::bkt/a/*' };
    assert.equal(evaluatePolicy(doc(allow()), req()), 'Allow');
    assert.equal(evaluatePolicy(doc(allow()), req({ action: 's3:PutObject' })), 'NotApplicable');
    assert.equal(evaluatePolicy(doc(allow(), deny), req()), 'Deny');
    assert.equal(evaluatePolicy(doc(deny, allow()), req()), 'Deny');
    assert.equal(evaluatePolicy(doc(deny, allow()), req({ resource: 'arn:aws:s3:::bkt/z' })), 'Allow');
  });

  const matching: [string, object, Partial<PolicyRequest>, boolean][] = [
    ['action wildcard *', { Action: 's3:Get*' }, {}, true],
    ['action wildcard ?', { Action: 's3:?etObject' }, {}, true],
    ['action all', { Action: '*' }, {}, true],
    ['action case-insensitive', { Action: 'S3:getobject' }, {}, true],
    ['action list', { Action: ['s3:PutObject', 's3:GetObject'] }, {}, true],
    ['action mismatch', { Action: 's3:Get' }, {}, false],
    ['NotAction excludes', { Action: undefined, NotAction: 's3:Get*' }, {}, false],
    ['NotAction includes others', { Action: undefined, NotAction: 's3:Put*' }, {}, true],
    ['resource * crosses /', { Resource: 'arn:aws:s3:::bkt*' }, {}, true],
    ['resource ?', { Resource: 'arn:aws:s3:::bkt/a/b.tx?' }, {}, true],
    ['resource case-sensitive', { Resource: 'arn:aws:s3:::BKT/*' }, {}, false],
    ['resource *', { Resource: '*' }, {}, true],
    ['NotResource', { Resource: undefined, NotResource: 'arn:aws:s3:::bkt/a/*' }, {}, false],
    ['NotResource other', { Resource: undefined, NotResource: 'arn:aws:s3:::other/*' }, {}, true],
    ['principal * and anonymous', {}, { principal: undefined }, true],
    ['principal AWS *', { Principal: { AWS: '*' } }, {}, true],
    ['principal account id = root', { Principal: { AWS: ACCT } }, {}, true],
    ['principal root ARN', { Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }, {}, true],
    ['principal user ARN', { Principal: { AWS: [ALICE] } }, {}, true],
    ['principal other account', { Principal: { AWS: '999999999999' } }, {}, false],
    ['principal other account, anonymous', { Principal: { AWS: ACCT } }, { principal: undefined }, false],
    ['service principal', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, { principal: { service: 'cloudtrail.amazonaws.com' } }, true],
    ['service principal, user caller', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, {}, false],
    ['NotPrincipal excludes', { Principal: undefined, NotPrincipal: { AWS: ALICE } }, {}, false],
    ['NotPrincipal others', { Principal: undefined, NotPrincipal: { AWS: '999999999999' } }, {}, true],
  ];
  for (const [name, overrides, request, want] of matching) {
    test(name, () => assert.equal(evaluatePolicy(doc(allow(overrides)), req(request)), want ? 'Allow' : 'NotApplicable'));
  }

  test('a statement without principal (identity policy) applies to the caller', () => {
    const identity = parse({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }, { principal: 'forbidden' });
    assert.equal(evaluatePolicy(identity, req()), 'Allow');
  });
});

describe('evaluatePolicy: conditions', () => {
  /** Allow-statement with one condition; true when the request is allowed. */
  function holds(operator: string, values: unknown, value: ContextValue, key = 'k:key'): boolean {
    const d = doc(allow({ Condition: { [operator]: { [key]: values } } }));
    return evaluatePolicy(d, req({ context: { 'k:key': value } })) === 'Allow';
  }

  const cases: [string, unknown, ContextValue, boolean][] = [
    ['StringEquals', 'abc', 'abc', true],
    ['StringEquals', 'abc', 'ABC', false],
    ['StringEquals', ['x', 'abc'], 'abc', true],
    ['StringNotEquals', 'abc', 'abd', true],
    ['StringNotEquals', ['x', 'abc'], 'abc', false],
    ['StringEqualsIgnoreCase', 'abc', 'ABC', true],
    ['StringNotEqualsIgnoreCase', 'abc', 'ABC', false],
    ['StringLike', 'a*c?', 'abbbcd', true],
    ['StringLike', 'a*c', 'abd', false],
    ['StringNotLike', 'a*', 'abc', false],
    ['StringNotLike', 'a*', 'xbc', true],
    ['ArnEquals', `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/t`, `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/t`, true],
    ['ArnLike', `arn:aws:cloudtrail:*:${ACCT}:trail/*`, `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/t`, true],
    // Components compare separately: a wildcard in the region does not swallow the account.
    ['ArnLike', 'arn:aws:cloudtrail:*:trail/*', `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/t`, true],
    ['ArnLike', `arn:aws:cloudtrail:*:999999999999:trail/*`, `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/t`, false],
    ['ArnLike', `arn:aws:cloudtrail:us-?ast-1:${ACCT}:trail/*`, `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/a:b`, true],
    ['ArnNotEquals', `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/t`, `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/u`, true],
    ['ArnNotLike', `arn:aws:cloudtrail:*:${ACCT}:trail/*`, `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/t`, false],
    ['NumericEquals', 10, '10.0', true],
    ['NumericEquals', '10', 'ten', false],
    ['NumericNotEquals', 10, '11', true],
    ['NumericLessThan', 10, '9', true],
    ['NumericLessThan', 10, '10', false],
    ['NumericLessThanEquals', 10, '10', true],
    ['NumericGreaterThan', 10, '10', false],
    ['NumericGreaterThanEquals', 10, '10', true],
    ['DateEquals', '2024-01-01T00:00:00Z', '1704067200', true],
    ['DateNotEquals', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', true],
    ['DateLessThan', '2024-01-01T00:00:00Z', '2023-12-31T23:59:59Z', true],
    ['DateLessThanEquals', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', false],
    ['DateGreaterThan', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', true],
    ['DateGreaterThanEquals', '2024-01-01T00:00:00Z', 'not a date', false],
    ['Bool', true, 'true', true],
    ['Bool', 'false', 'true', false],
    ['BinaryEquals', 'QmluYXJ5', 'QmluYXJ5', true],
    ['IpAddress', '192.0.2.0/24', '192.0.2.77', true],
    ['IpAddress', '192.0.2.0/24', '198.51.100.1', false],
    ['IpAddress', '192.0.2.7', '192.0.2.7', true],
    ['IpAddress', '2001:db8::/32', '2001:db8::1', true],
    ['IpAddress', '192.0.2.0/24', 'not-an-ip', false],
    ['NotIpAddress', '192.0.2.0/24', '198.51.100.1', true],
    ['NotIpAddress', '192.0.2.0/24', '192.0.2.1', false],
    ['Null', 'true', undefined, true],
    ['Null', 'true', 'x', false],
    ['Null', 'false', 'x', true],
    ['Null', 'false', undefined, false],
  ];
  for (const [operator, values, value, want] of cases) {
    test(`${operator} ${JSON.stringify(values)} vs ${JSON.stringify(value)} → ${want}`, () => assert.equal(holds(operator, values, value), want));
  }

  test('a missing key fails positive operators and satisfies negated ones; IfExists passes', () => {
    const missing: [string, boolean][] = [
      ['StringEquals', false], ['StringLike', false], ['ArnLike', false], ['NumericLessThan', false], ['Bool', false], ['IpAddress', false],
      ['StringNotEquals', true], ['StringNotLike', true], ['ArnNotLike', true], ['NotIpAddress', true],
      ['StringEqualsIfExists', true], ['ArnLikeIfExists', true], ['NumericLessThanIfExists', true],
    ];
    for (const [op, want] of missing) assert.equal(holds(op, '1', undefined), want, op);
    // IfExists with the key present evaluates normally.
    assert.equal(holds('StringEqualsIfExists', 'a', 'b'), false);
    assert.equal(holds('StringEqualsIfExists', 'a', 'a'), true);
  });

  test('ForAnyValue and ForAllValues over multi-valued keys', () => {
    const cases: [string, string[], ContextValue, boolean][] = [
      ['ForAnyValue:StringEquals', ['a', 'b'], ['x', 'b'], true],
      ['ForAnyValue:StringEquals', ['a', 'b'], ['x', 'y'], false],
      ['ForAnyValue:StringEquals', ['a'], undefined, false],
      ['ForAnyValue:StringEquals', ['a'], [], false],
      ['ForAnyValue:StringEqualsIfExists', ['a'], undefined, true],
      ['ForAnyValue:StringNotEquals', ['a'], ['a', 'z'], true],
      ['ForAnyValue:StringNotEquals', ['a'], ['a'], false],
      ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'b'], true],
      ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], false],
      ['ForAllValues:StringEquals', ['a'], undefined, true],
      ['ForAllValues:StringLike', ['tag-*'], ['tag-1', 'tag-2'], true],
      ['ForAllValues:StringNotEquals', ['a'], ['b', 'c'], true],
      ['ForAllValues:StringNotEquals', ['a'], ['b', 'a'], false],
      // Without a qualifier a multi-valued key matches if any value does; negated if none does.
      ['StringEquals', ['a'], ['x', 'a'], true],
      ['StringNotEquals', ['a'], ['x', 'a'], false],
    ];
    for (const [op, values, value, want] of cases) assert.equal(holds(op, values, value), want, `${op} ${JSON.stringify(value)}`);
  });

  test('keys compare case-insensitively; keys and operators are ANDed, values ORed', () => {
    assert.equal(holds('StringEquals', 'v', 'v', 'K:KEY'), true);
    const d = doc(allow({ Condition: { StringEquals: { 'aws:SourceAccount': ACCT, 'aws:SourceArn': ['a', 'b'] }, Bool: { 'aws:SecureTransport': 'true' } } }));
    const ctx = (SourceArn: string, secure: string) => req({ context: { 'AWS:SOURCEACCOUNT': ACCT, 'aws:sourcearn': SourceArn, 'aws:SecureTransport': secure } });
    assert.equal(evaluatePolicy(d, ctx('b', 'true')), 'Allow');
    assert.equal(evaluatePolicy(d, ctx('c', 'true')), 'NotApplicable');
    assert.equal(evaluatePolicy(d, ctx('a', 'false')), 'NotApplicable');
  });

  test('a Deny with a negated condition denies requests lacking the key', () => {
    const d = doc(allow({ Action: 's3:*' }), { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } });
    assert.equal(evaluatePolicy(d, req()), 'Deny');
    assert.equal(evaluatePolicy(d, req({ context: { 's3:x-amz-acl': 'bucket-owner-full-control' } })), 'Allow');
  });
});

describe('wildcardMatch', () => {
  const cases: [string, string, boolean][] = [
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1///test///object.jpg', true],
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b//test/object.jpg', true],
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1/test/', true],
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1-test/object.jpg', false],
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/test/object.jpg', false],
    ['arn:aws:s3:::b/*/test/*', 'arn:aws:s3:::b/1/2/test.jpg', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a?c', 'ac', false],
    ['', '', true],
    ['*', '', true],
  ];
  for (const [pattern, text, want] of cases) test(`${pattern} ~ ${text}`, () => assert.equal(wildcardMatch(pattern, text), want));
});
