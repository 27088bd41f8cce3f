/**
 * The CloudTrail calls the trails pages make, with the wire shapes they read (member names as the
 * CloudTrail API spells them). The generated server model types timestamps as Date; on the
 * awsJson wire they are epoch seconds, so the browser keeps its own small view of each shape.
 */
import { cloudtrail } from '../api.js';

export interface Trail {
  Name: string;
  TrailARN: string;
  HomeRegion: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  IsMultiRegionTrail?: boolean;
  IncludeGlobalServiceEvents?: boolean;
  LogFileValidationEnabled?: boolean;
  KmsKeyId?: string;
  IsOrganizationTrail?: boolean;
  HasCustomEventSelectors?: boolean;
}

export interface TrailStatus {
  IsLogging?: boolean;
  /** Epoch seconds. */
  LatestDeliveryTime?: number;
  LatestDeliveryError?: string;
  LatestDigestDeliveryTime?: number;
  LatestDigestDeliveryError?: string;
  StartLoggingTime?: number;
  StopLoggingTime?: number;
}

export type ReadWriteType = 'ReadOnly' | 'WriteOnly' | 'All';

export interface DataResource {
  Type: string;
  Values: string[];
}

export interface EventSelector {
  ReadWriteType?: ReadWriteType;
  IncludeManagementEvents?: boolean;
  DataResources?: DataResource[];
  ExcludeManagementEventSources?: string[];
}

export const OPERATORS = ['Equals', 'NotEquals', 'StartsWith', 'NotStartsWith', 'EndsWith', 'NotEndsWith'] as const;
export type Operator = (typeof OPERATORS)[number];

export type FieldSelector = { Field: string } & Partial<Record<Operator, string[]>>;

export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors: FieldSelector[];
}

export interface Selectors {
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}

export interface TrailWithStatus {
  trail: Trail;
  /** Undefined when GetTrailStatus failed (e.g. the caller may describe but not read status). */
  status?: TrailStatus;
  statusError?: string;
}

/** DescribeTrails, then GetTrailStatus for each trail (by ARN: shadow trails live elsewhere). */
export async function trailsWithStatus(region: string): Promise<TrailWithStatus[]> {
  const { trailList = [] } = await cloudtrail<{ trailList?: Trail[] }>('DescribeTrails', {}, region);
  return Promise.all(
    trailList.map(async (trail) => {
      try {
        return { trail, status: await cloudtrail<TrailStatus>('GetTrailStatus', { Name: trail.TrailARN }, region) };
      } catch (e) {
        return { trail, statusError: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

export interface TrailDetails {
  trail: Trail;
  status: TrailStatus;
  selectors: Selectors;
}

export async function trailDetails(name: string, region: string): Promise<TrailDetails> {
  const [{ Trail: trail }, status, selectors] = await Promise.all([
    cloudtrail<{ Trail: Trail }>('GetTrail', { Name: name }, region),
    cloudtrail<TrailStatus>('GetTrailStatus', { Name: name }, region),
    cloudtrail<Selectors>('GetEventSelectors', { TrailName: name }, region),
  ]);
  return { trail, status, selectors };
}

/** A trail's ARN as CloudTrail builds it, for the bucket policy's aws:SourceArn before it exists. */
export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}
