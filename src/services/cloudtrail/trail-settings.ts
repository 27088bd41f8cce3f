/**
 * The settings of CreateTrail and UpdateTrail (reference §2.1, §2.2, §14 items 10 and 34): the
 * request applied over the current settings (or AWS's defaults for a new trail). Only supplied
 * members change; an empty string removes an optional destination; turning multi-region on or
 * off turns global service events with it unless the request says otherwise.
 */
import { AwsError } from '../../aws/errors.js';
import type { TrailSettings } from '../../trails/trail.js';
import {
  assertBucketName,
  assertCloudWatchLogs,
  assertS3Prefix,
  kmsKeyArn,
  snsTopic,
} from '../../trails/settings-validation.js';
import type { UpdateTrailRequest } from './generated/model.js';

export type SettingsInput = Omit<UpdateTrailRequest, 'Name'>;

interface Owner {
  accountId: string;
  homeRegion: string;
}

/** "" removes, undefined keeps, anything else replaces with `accept(value)` (which validates). */
function optional(
  given: string | undefined,
  current: string | undefined,
  accept: (v: string) => string,
): string | undefined {
  if (given === undefined) return current;
  return given === '' ? undefined : accept(given);
}

const asIs = (v: string) => v;

function noOrganizations(accountId: string): AwsError {
  return new AwsError(
    'OrganizationsNotInUseException',
    `Account ${accountId} is not in an organization: OpenTrail does not support AWS Organizations yet, so organization trails cannot be created. Omit IsOrganizationTrail.`,
  );
}

function regionFlags(input: SettingsInput, current: TrailSettings | undefined) {
  const multi = input.IsMultiRegionTrail ?? current?.isMultiRegionTrail ?? false;
  if (multi && input.IncludeGlobalServiceEvents === false) {
    throw new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
  }
  const toggled = current !== undefined && input.IsMultiRegionTrail !== undefined && input.IsMultiRegionTrail !== current.isMultiRegionTrail;
  const global = input.IncludeGlobalServiceEvents ?? (toggled ? multi : current?.includeGlobalServiceEvents ?? true);
  return { isMultiRegionTrail: multi, includeGlobalServiceEvents: global };
}

function sns(input: SettingsInput, current: TrailSettings | undefined, owner: Owner) {
  if (input.SnsTopicName === undefined) return { snsTopicName: current?.snsTopicName, snsTopicArn: current?.snsTopicArn };
  if (input.SnsTopicName === '') return {};
  const topic = snsTopic(input.SnsTopicName, owner.homeRegion, owner.accountId);
  return { snsTopicName: topic.name, snsTopicArn: topic.arn };
}

/** The settings after `input` (validated); `current` is undefined for CreateTrail. */
export function applySettings(input: SettingsInput, current: TrailSettings | undefined, owner: Owner): TrailSettings {
  if (input.IsOrganizationTrail === true) throw noOrganizations(owner.accountId);
  const flags = regionFlags(input, current);
  if (input.S3BucketName !== undefined) assertBucketName(input.S3BucketName);
  const s3BucketName = input.S3BucketName ?? current?.s3BucketName;
  if (s3BucketName === undefined) throw new AwsError('InvalidS3BucketNameException', 'S3BucketName is required.');
  const s3KeyPrefix = optional(input.S3KeyPrefix, current?.s3KeyPrefix, (v) => (assertS3Prefix(v), v));
  const topic = sns(input, current, owner);
  const kmsKeyId = optional(input.KmsKeyId, current?.kmsKeyId, (v) => kmsKeyArn(v, owner.homeRegion, owner.accountId));
  const group = optional(input.CloudWatchLogsLogGroupArn, current?.cloudWatchLogsLogGroupArn, asIs);
  const role = optional(input.CloudWatchLogsRoleArn, current?.cloudWatchLogsRoleArn, asIs);
  assertCloudWatchLogs(group, role);
  return {
    s3BucketName,
    s3KeyPrefix,
    ...topic,
    ...flags,
    logFileValidationEnabled: input.EnableLogFileValidation ?? current?.logFileValidationEnabled ?? false,
    cloudWatchLogsLogGroupArn: group,
    cloudWatchLogsRoleArn: role,
    kmsKeyId,
    isOrganizationTrail: false,
  };
}
