/**
 * A trail as OpenTrail keeps it (reference §2.1, §2.6, §6.2, §7): configuration, selectors,
 * Insights selectors, tags and status, owned by one account and homed in one region. Values are
 * treated as immutable: a change builds a new Trail that the registry swaps in, so undoing a
 * change is putting the old object back.
 */
import type { InsightSelector, Tag } from '../services/cloudtrail/generated/model.js';
import { DEFAULT_SELECTORS, type TrailSelectors } from './selectors.js';

/** What one region's copy of a trail last delivered (GetTrailStatus is answered per region). */
export interface RegionDeliveryStatus {
  latestDeliveryTimeMs?: number;
  latestDeliveryAttemptTimeMs?: number;
  latestDeliveryError?: string;
  latestNotificationTimeMs?: number;
  latestNotificationAttemptTimeMs?: number;
  latestNotificationError?: string;
  latestCloudWatchLogsDeliveryTimeMs?: number;
  latestCloudWatchLogsDeliveryError?: string;
  latestDigestDeliveryTimeMs?: number;
  latestDigestDeliveryError?: string;
}

export interface TrailStatus {
  isLogging: boolean;
  startLoggingTimeMs?: number;
  stopLoggingTimeMs?: number;
  /** By region name; a region without deliveries has no entry. */
  delivery: Readonly<Record<string, RegionDeliveryStatus>>;
}

/** The settings CreateTrail/UpdateTrail manage. Optional strings are absent when not configured. */
export interface TrailSettings {
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicName?: string;
  snsTopicArn?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  /** Always a full ARN (reference §2.1). */
  kmsKeyId?: string;
  isOrganizationTrail: boolean;
}

export interface Trail extends TrailSettings {
  accountId: string;
  name: string;
  homeRegion: string;
  arn: string;
  createdAtMs: number;
  selectors: TrailSelectors;
  /** True once PutEventSelectors has been called (reference §6.2). */
  hasCustomEventSelectors: boolean;
  /** Empty when Insights are off. */
  insightSelectors: InsightSelector[];
  tags: Tag[];
  status: TrailStatus;
}

/** A new trail: AWS's defaults for everything CreateTrail does not set (reference §2.1, §6.2). */
export function newTrail(
  identity: { accountId: string; name: string; homeRegion: string; arn: string; createdAtMs: number },
  settings: TrailSettings,
  tags: Tag[],
): Trail {
  return {
    ...identity,
    ...settings,
    selectors: DEFAULT_SELECTORS,
    hasCustomEventSelectors: false,
    insightSelectors: [],
    tags,
    status: { isLogging: false, delivery: {} },
  };
}

/** Settings CreateTrail/UpdateTrail may leave unset (absent rather than empty). */
const OPTIONAL_SETTINGS = [
  's3KeyPrefix',
  'snsTopicName',
  'snsTopicArn',
  'cloudWatchLogsLogGroupArn',
  'cloudWatchLogsRoleArn',
  'kmsKeyId',
] as const satisfies ReadonlyArray<keyof TrailSettings>;

/** The trail with `settings` in place of its own (a setting absent from `settings` is removed). */
export function withSettings(trail: Trail, settings: TrailSettings): Trail {
  const next = { ...trail };
  for (const key of OPTIONAL_SETTINGS) delete next[key];
  return { ...next, ...settings };
}

/** True when the trail has a copy (home or shadow) in `region` (reference §7.1). */
export function visibleIn(trail: Trail, region: string): boolean {
  return trail.homeRegion === region || trail.isMultiRegionTrail;
}
