import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudTrailBucketPolicy, cloudTrailCanDeliver, type DeliveryTarget } from '../../src/trails/bucket-policy.js';

const ACCT = '123456789012';
const TRAIL = `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/main`;
const target: DeliveryTarget = { bucket: 'trail-logs', accountId: ACCT, trailArn: TRAIL };
const CT = { Service: 'cloudtrail.amazonaws.com' };

const aclCheck = (extra: object = {}) => ({ Effect: 'Allow', Principal: CT, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::trail-logs', ...extra });
const write = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: CT,
  Action: 's3:PutObject',
  Resource: `arn:aws:s3:::trail-logs/AWSLogs/${ACCT}/*`,
  Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
  ...extra,
});
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('cloudTrailBucketPolicy', () => {
  test('is the documented policy, with SourceArn conditions only when a trail ARN is given', () => {
    assert.deepEqual(cloudTrailBucketPolicy({ bucket: 'b', prefix: 'p', accountId: ACCT, trailArn: TRAIL }), {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AWSCloudTrailAclCheck20150319', Effect: 'Allow', Principal: CT, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::b',
          Condition: { StringEquals: { 'aws:SourceArn': TRAIL } } },
        { Sid: 'AWSCloudTrailWrite20150319', Effect: 'Allow', Principal: CT, Action: 's3:PutObject', Resource: `arn:aws:s3:::b/p/AWSLogs/${ACCT}/*`,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL } } },
      ],
    });
    const plain = cloudTrailBucketPolicy({ bucket: 'b', accountId: ACCT, region: 'eu-west-1' }) as { Statement: Record<string, unknown>[] };
    assert.equal(plain.Statement[0]?.Condition, undefined);
    assert.deepEqual(plain.Statement[1]?.Condition, { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } });
    assert.equal(plain.Statement[1]?.Resource, `arn:aws:s3:::b/AWSLogs/${ACCT}/*`);
    const org = cloudTrailBucketPolicy({ bucket: 'b', accountId: ACCT, orgId: 'o-abc123' }) as { Statement: Record<string, unknown>[] };
    assert.equal(org.Statement[2]?.Sid, 'AWSCloudTrailOrganizationWrite20150319');
    assert.equal(org.Statement[2]?.Resource, 'arn:aws:s3:::b/AWSLogs/o-abc123/*');
  });

  test('the generated policy passes the delivery check in every variant', () => {
    const variants: DeliveryTarget[] = [
      target,
      { ...target, prefix: 'cloudtrail' },
      { ...target, prefix: 'a/b' },
      { ...target, orgId: 'o-abc123' },
    ];
    for (const t of variants) {
      assert.ok(cloudTrailCanDeliver(JSON.stringify(cloudTrailBucketPolicy(t)), t), JSON.stringify(t));
      const { trailArn: _omit, ...withoutArn } = t;
      assert.ok(cloudTrailCanDeliver(JSON.stringify(cloudTrailBucketPolicy(withoutArn)), t), `without ARN ${JSON.stringify(t)}`);
    }
  });
});

describe('cloudTrailCanDeliver', () => {
  const cases: [string, string | undefined, DeliveryTarget, boolean][] = [
    ['minimal policy', policy(aclCheck(), write()), target, true],
    ['no policy', undefined, target, false],
    ['malformed policy', '{"Statement": ', target, false],
    ['no ACL check statement', policy(write()), target, false],
    ['no write statement', policy(aclCheck()), target, false],
    ['wrong account in resource', policy(aclCheck(), write({ Resource: 'arn:aws:s3:::trail-logs/AWSLogs/999999999999/*' })), target, false],
    ['wrong bucket', policy(aclCheck({ Resource: 'arn:aws:s3:::other' }), write()), target, false],
    ['policy without prefix, trail with prefix', policy(aclCheck(), write()), { ...target, prefix: 'logs' }, false],
    ['prefix in policy and trail', policy(aclCheck(), write({ Resource: `arn:aws:s3:::trail-logs/logs/AWSLogs/${ACCT}/*` })), { ...target, prefix: 'logs' }, true],
    ['policy for another prefix', policy(aclCheck(), write({ Resource: `arn:aws:s3:::trail-logs/old/AWSLogs/${ACCT}/*` })), { ...target, prefix: 'new' }, false],
    ['acl value mismatch', policy(aclCheck(), write({ Condition: { StringEquals: { 's3:x-amz-acl': 'private' } } })), target, false],
    ['no acl condition', policy(aclCheck(), write({ Condition: undefined })), target, true],
    ['SourceArn of this trail', policy(aclCheck(), write({ Condition: { StringEquals: { 'aws:SourceArn': TRAIL } } })), target, true],
    ['SourceArn of another trail', policy(aclCheck({ Condition: { StringEquals: { 'aws:SourceArn': `${TRAIL}2` } } }), write()), target, false],
    ['SourceArn pattern', policy(aclCheck({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCT}:trail/*` } } }), write()), target, true],
    ['SourceAccount', policy(aclCheck({ Condition: { StringEquals: { 'aws:SourceAccount': ACCT } } }), write()), target, true],
    ['SourceAccount of another account', policy(aclCheck(), write({ Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } })), target, false],
    ['explicit Deny on writes', policy(aclCheck(), write(), { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::trail-logs/*' }), target, false],
    ['Deny on the ACL check', policy(aclCheck(), write(), { Effect: 'Deny', Principal: CT, Action: 's3:Get*', Resource: '*' }), target, false],
    ['principal * allows CloudTrail', policy(aclCheck({ Principal: '*' }), write({ Principal: '*' })), target, true],
    ['account principal is not CloudTrail', policy(aclCheck({ Principal: { AWS: ACCT } }), write({ Principal: { AWS: ACCT } })), target, false],
    ['wildcards', policy({ Effect: 'Allow', Principal: CT, Action: 's3:*', Resource: 'arn:aws:s3:::trail-logs*' }), target, true],
    ['org trail without org statement', policy(aclCheck(), write()), { ...target, orgId: 'o-abc123' }, false],
    ['org trail with org statement', policy(aclCheck(), write(), write({ Resource: 'arn:aws:s3:::trail-logs/AWSLogs/o-abc123/*' })), { ...target, orgId: 'o-abc123' }, true],
  ];
  for (const [name, text, t, want] of cases) test(name, () => assert.equal(cloudTrailCanDeliver(text, t), want));
});
