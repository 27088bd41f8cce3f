/**
 * Trail names and ARNs, destination shapes, and how CreateTrail/UpdateTrail settings combine
 * (defaults, "" clears, multi-region toggling global service events).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/aws/errors.js';
import { applySettings } from '../../src/services/cloudtrail/trail-settings.js';
import { bucketNameProblem, kmsKeyArn, snsTopic } from '../../src/trails/settings-validation.js';
import { isTrailRef, parseTrailArn, trailArn, trailNameProblem } from '../../src/trails/trail-names.js';
import type { TrailSettings } from '../../src/trails/trail.js';

const ACCT = '123456789012';
const owner = { accountId: ACCT, homeRegion: 'eu-west-1' };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AwsError ? e.code : String(e);
  }
  return 'no error';
};

describe('trail names and ARNs', () => {
  test('valid names pass; the first broken rule is reported', () => {
    for (const ok of ['abc', 'My.Trail_1-x', 'a'.repeat(128), '1.2.3.4.5']) assert.equal(trailNameProblem(ok), undefined, ok);
    assert.match(trailNameProblem('-a!')!, /must starts/);
    assert.match(trailNameProblem('a..b')!, /adjacent/);
    assert.match(trailNameProblem('10.0.0.1')!, /IP address/);
  });

  test('ARNs: partition follows the region; malformed ones are rejected', () => {
    assert.equal(trailArn('cn-north-1', ACCT, 't1x'), `arn:aws-cn:cloudtrail:cn-north-1:${ACCT}:trail/t1x`);
    assert.deepEqual(parseTrailArn(`arn:aws:cloudtrail:us-east-2:${ACCT}:trail/MyTrail`), {
      arn: `arn:aws:cloudtrail:us-east-2:${ACCT}:trail/MyTrail`,
      partition: 'aws',
      region: 'us-east-2',
      accountId: ACCT,
      name: 'MyTrail',
    });
    for (const bad of [`arn:aws:cloudtrail:us-east-2:${ACCT}:trail/a b`, 'arn:aws:cloudtrail:us-east-2:1:trail/abc', 'arn:aws:s3:::b']) {
      assert.equal(code(() => parseTrailArn(bad)), 'CloudTrailARNInvalidException', bad);
      assert.equal(isTrailRef(bad), false);
    }
    assert.equal(isTrailRef('good-name'), true);
  });
});

describe('destination shapes', () => {
  test('bucket names are checked in AWS order with its wording', () => {
    assert.equal(bucketNameProblem('my-bucket.logs'), undefined);
    assert.equal(bucketNameProblem('ab'), 'Bucket name should be between 3 and 63 characters long');
    assert.equal(bucketNameProblem('192.168.1.1'), 'Bucket name must not be formatted as an IP Address');
    assert.equal(bucketNameProblem('.abc'), 'Bucket name should not begin with a period');
    assert.equal(bucketNameProblem('a..b'), 'Bucket name should not contain two adjacent periods');
    assert.equal(bucketNameProblem('a.-b'), 'Bucket name should not contain dashes next to periods');
    assert.equal(bucketNameProblem('abc-'), "Bucket name should not end with a '-'");
    assert.equal(bucketNameProblem('a b'), 'Bucket name should not contain white space');
  });

  test('SNS topics and KMS keys become the ARNs AWS answers with', () => {
    assert.deepEqual(snsTopic('alerts', 'eu-west-1', ACCT), { name: 'alerts', arn: `arn:aws:sns:eu-west-1:${ACCT}:alerts` });
    assert.equal(code(() => snsTopic('arn:aws:sqs:eu-west-1:1:x', 'eu-west-1', ACCT)), 'InvalidSnsTopicNameException');
    const id = 'mrk-1234abcd12ab34cd56ef1234567890ab';
    assert.equal(kmsKeyArn(id, 'eu-west-1', ACCT), `arn:aws:kms:eu-west-1:${ACCT}:key/${id}`);
    const keyArn = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    assert.equal(kmsKeyArn(keyArn, 'eu-west-1', ACCT), keyArn);
    assert.equal(code(() => kmsKeyArn('alias/', 'eu-west-1', ACCT)), 'InvalidKmsKeyIdException');
  });
});

describe('applySettings', () => {
  const created = applySettings({ S3BucketName: 'logs-bucket' }, undefined, owner);

  test('a new trail gets AWS defaults', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(created)), {
      s3BucketName: 'logs-bucket',
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidationEnabled: false,
      isOrganizationTrail: false,
    });
  });

  test('multi-region on turns global service events on, off turns them off, unless told', () => {
    const single: TrailSettings = { ...created, includeGlobalServiceEvents: false };
    assert.equal(applySettings({ IsMultiRegionTrail: true }, single, owner).includeGlobalServiceEvents, true);
    const multi = applySettings({ IsMultiRegionTrail: true }, created, owner);
    assert.equal(applySettings({ IsMultiRegionTrail: false }, multi, owner).includeGlobalServiceEvents, false);
    assert.equal(applySettings({ IsMultiRegionTrail: false, IncludeGlobalServiceEvents: true }, multi, owner).includeGlobalServiceEvents, true);
    assert.equal(applySettings({ IsMultiRegionTrail: true }, multi, owner).includeGlobalServiceEvents, true);
    assert.equal(code(() => applySettings({ IncludeGlobalServiceEvents: false }, multi, owner)), 'InvalidParameterCombinationException');
  });

  test('"" clears an optional setting, absent keeps it, and both CloudWatch Logs members go together', () => {
    const full = applySettings(
      {
        S3KeyPrefix: 'p',
        SnsTopicName: 't',
        KmsKeyId: 'alias/k',
        CloudWatchLogsLogGroupArn: `arn:aws:logs:eu-west-1:${ACCT}:log-group:g:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${ACCT}:role/r`,
      },
      created,
      owner,
    );
    assert.equal(applySettings({}, full, owner).kmsKeyId, `arn:aws:kms:eu-west-1:${ACCT}:alias/k`);
    const cleared = applySettings({ S3KeyPrefix: '', SnsTopicName: '', KmsKeyId: '' }, full, owner);
    assert.equal(cleared.s3KeyPrefix, undefined);
    assert.equal(cleared.snsTopicArn, undefined);
    assert.equal(cleared.kmsKeyId, undefined);
    assert.equal(cleared.cloudWatchLogsRoleArn, full.cloudWatchLogsRoleArn);
    assert.equal(code(() => applySettings({ CloudWatchLogsLogGroupArn: '' }, full, owner)), 'InvalidCloudWatchLogsLogGroupArnException');
    assert.equal(code(() => applySettings({ S3BucketName: '' }, full, owner)), 'InvalidS3BucketNameException');
  });
});
