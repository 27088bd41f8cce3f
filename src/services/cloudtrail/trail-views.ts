/**
 * How a trail looks on the wire (reference §2 "Shared shapes", §2.1): the Trail structure of
 * GetTrail/DescribeTrails, the CreateTrail/UpdateTrail response (same members minus HomeRegion,
 * HasCustomEventSelectors and HasInsightSelectors) and ListTrails' TrailInfo. Optional strings
 * appear only when configured. Also the resources a trail call names in its record.
 */
import type { ResourceRefs } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import { bucketNameProblem } from '../../trails/settings-validation.js';
import type { Trail as TrailState } from '../../trails/trail.js';
import { isTrailRef } from '../../trails/trail-names.js';
import type { CreateTrailResponse, Trail, TrailInfo } from './generated/model.js';
import { arnFor } from './trail-lookup.js';

/** Members left undefined are not sent (the serializer drops them). */
export function trailResponse(t: TrailState): CreateTrailResponse {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicName,
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidationEnabled,
    CloudWatchLogsLogGroupArn: t.cloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn,
    KmsKeyId: t.kmsKeyId,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

export function trailView(t: TrailState): Trail {
  return {
    ...trailResponse(t),
    HomeRegion: t.homeRegion,
    HasCustomEventSelectors: t.hasCustomEventSelectors,
    HasInsightSelectors: t.insightSelectors.length > 0,
  };
}

export function trailInfo(t: TrailState): TrailInfo {
  return { TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion };
}

/** The trail (and bucket) a call names, as LookupEvents shows them; malformed names are left out. */
export function trailResources(ctx: OperationContext, nameOrArn: string | undefined, bucket?: string): ResourceRefs {
  const lookup = [];
  if (nameOrArn !== undefined && isTrailRef(nameOrArn)) lookup.push({ type: 'AWS::CloudTrail::Trail', name: arnFor(ctx, nameOrArn) });
  if (bucket !== undefined && bucketNameProblem(bucket) === undefined) lookup.push({ type: 'AWS::S3::Bucket', name: bucket });
  return { resources: [], lookup };
}
