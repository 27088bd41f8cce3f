/**
 * Shape rules for the destinations a trail names (reference §2.1): S3 bucket name and key prefix,
 * SNS topic, KMS key and the CloudWatch Logs pair. Only the form is checked here; whether the
 * bucket exists and lets CloudTrail write is checked against the object store by the handlers.
 * OpenTrail has no SNS, KMS or CloudWatch Logs service yet, so a well-formed value is accepted as
 * it is (a KMS key id or alias is expanded to the ARN AWS would answer with).
 */
import { AwsError } from '../aws/errors.js';
import { partitionOf } from './trail-names.js';

const MAX_PREFIX = 200;
const PARTITION = 'aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const SNS_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const SNS_ARN = new RegExp(`^arn:${PARTITION}:sns:${REGION}:\\d{12}:([A-Za-z0-9_-]{1,256})$`);
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS_NAME = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const KMS_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:\\d{12}:(?:key/([0-9a-f-]{36}|mrk-[0-9a-f]{32})|(alias/[A-Za-z0-9/_-]{1,250}))$`);
const LOG_GROUP_ARN = new RegExp(`^arn:${PARTITION}:logs:${REGION}:\\d{12}:log-group:[A-Za-z0-9._/#-]{1,512}(?::\\*)?$`);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Why `name` is not a valid S3 bucket name, in the words (and order) AWS's Java bucket-name check
 * uses, which CloudTrail answers with (e.g. "Bucket name should not contain '_'").
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket name should be between 3 and 63 characters long';
  if (IPV4.test(name)) return 'Bucket name must not be formatted as an IP Address';
  let previous: string | undefined;
  for (const c of name) {
    if (c === '.') {
      if (previous === undefined) return 'Bucket name should not begin with a period';
      if (previous === '.') return 'Bucket name should not contain two adjacent periods';
      if (previous === '-') return 'Bucket name should not contain dashes next to periods';
    } else if (c === '-') {
      if (previous === '.') return 'Bucket name should not contain dashes next to periods';
      if (previous === undefined) return "Bucket name should not begin with a '-'";
    } else if (c >= 'A' && c <= 'Z') {
      return 'Bucket name should not contain uppercase characters';
    } else if (/\s/.test(c)) {
      return 'Bucket name should not contain white space';
    } else if (!/[a-z0-9]/.test(c)) {
      return `Bucket name should not contain '${c}'`;
    }
    previous = c;
  }
  if (previous === '.') return 'Bucket name should not end with a period';
  if (previous === '-') return "Bucket name should not end with a '-'";
  return undefined;
}

export function assertBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem !== undefined) throw new AwsError('InvalidS3BucketNameException', problem);
}

export function assertS3Prefix(prefix: string): void {
  if (prefix.length > MAX_PREFIX) {
    throw new AwsError(
      'InvalidS3PrefixException',
      `S3KeyPrefix is ${prefix.length} characters long; the maximum is ${MAX_PREFIX}.`,
    );
  }
}

/** A topic given by name or ARN, as the trail reports it: its name and its ARN. */
export function snsTopic(value: string, homeRegion: string, accountId: string): { name: string; arn: string } {
  if (SNS_NAME.test(value)) {
    return { name: value, arn: `arn:${partitionOf(homeRegion)}:sns:${homeRegion}:${accountId}:${value}` };
  }
  const m = SNS_ARN.exec(value);
  if (m) return { name: m[1]!, arn: value };
  throw new AwsError(
    'InvalidSnsTopicNameException',
    `${value.slice(0, 300)} is not a valid SNS topic name or ARN. A topic name has 1 to 256 letters, numbers, hyphens (-) and underscores (_).`,
  );
}

/**
 * The full ARN for a KMS key id, key ARN, alias name or alias ARN. Without a KMS service an alias
 * cannot be resolved to its key, so an alias answers with the alias ARN.
 */
export function kmsKeyArn(value: string, homeRegion: string, accountId: string): string {
  if (KMS_ARN.test(value)) return value;
  const prefix = `arn:${partitionOf(homeRegion)}:kms:${homeRegion}:${accountId}`;
  if (KEY_ID.test(value)) return `${prefix}:key/${value}`;
  if (ALIAS_NAME.test(value)) return `${prefix}:${value}`;
  throw new AwsError(
    'InvalidKmsKeyIdException',
    `KmsKeyId ${value.slice(0, 300)} is not valid. Use a key ID, key ARN, alias name (alias/...) or alias ARN.`,
  );
}

/** Both CloudWatch Logs members or neither, each of the right shape (reference §2.1). */
export function assertCloudWatchLogs(groupArn: string | undefined, roleArn: string | undefined): void {
  if (groupArn !== undefined && !LOG_GROUP_ARN.test(groupArn)) {
    throw new AwsError(
      'InvalidCloudWatchLogsLogGroupArnException',
      `CloudWatchLogsLogGroupArn ${groupArn.slice(0, 600)} is not a log group ARN (arn:aws:logs:<region>:<account-id>:log-group:<name>:*).`,
    );
  }
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    throw new AwsError(
      'InvalidCloudWatchLogsRoleArnException',
      `CloudWatchLogsRoleArn ${roleArn.slice(0, 600)} is not an IAM role ARN (arn:aws:iam::<account-id>:role/<name>).`,
    );
  }
  if (groupArn !== undefined && roleArn === undefined) {
    throw new AwsError(
      'InvalidCloudWatchLogsRoleArnException',
      'CloudWatchLogsRoleArn is required when CloudWatchLogsLogGroupArn is set: CloudTrail assumes that role to write to the log group.',
    );
  }
  if (roleArn !== undefined && groupArn === undefined) {
    throw new AwsError(
      'InvalidCloudWatchLogsLogGroupArnException',
      'CloudWatchLogsLogGroupArn is required when CloudWatchLogsRoleArn is set.',
    );
  }
}
