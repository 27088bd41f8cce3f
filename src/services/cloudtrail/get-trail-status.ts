/**
 * GetTrailStatus (reference §2.6, §14 item 30): whether the trail logs, when logging last started
 * and stopped, and what the caller's region's copy last delivered. A shadow is named by ARN. The
 * legacy string members AWS still returns mirror the timestamps as ISO-8601 ("" when never).
 */
import type { JsonOperation } from '../../aws/json-service.js';
import type { OperationContext } from '../../aws/service.js';
import type { GetTrailStatusRequest, GetTrailStatusResponse } from './generated/model.js';
import { findTrail, trailAccess } from './trail-lookup.js';
import { trailResources } from './trail-views.js';

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
const legacy = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

async function getTrailStatus(input: GetTrailStatusRequest, ctx: OperationContext): Promise<GetTrailStatusResponse> {
  const { status } = findTrail(ctx, input.Name, 'home');
  const d = status.delivery[ctx.region] ?? {};
  return {
    IsLogging: status.isLogging,
    LatestDeliveryError: d.latestDeliveryError,
    LatestNotificationError: d.latestNotificationError,
    LatestDeliveryTime: date(d.latestDeliveryTimeMs),
    LatestNotificationTime: date(d.latestNotificationTimeMs),
    StartLoggingTime: date(status.startLoggingTimeMs),
    StopLoggingTime: date(status.stopLoggingTimeMs),
    LatestCloudWatchLogsDeliveryError: d.latestCloudWatchLogsDeliveryError,
    LatestCloudWatchLogsDeliveryTime: date(d.latestCloudWatchLogsDeliveryTimeMs),
    LatestDigestDeliveryTime: date(d.latestDigestDeliveryTimeMs),
    LatestDigestDeliveryError: d.latestDigestDeliveryError,
    LatestDeliveryAttemptTime: legacy(d.latestDeliveryAttemptTimeMs),
    LatestNotificationAttemptTime: legacy(d.latestNotificationAttemptTimeMs),
    LatestNotificationAttemptSucceeded: legacy(d.latestNotificationTimeMs),
    LatestDeliveryAttemptSucceeded: legacy(d.latestDeliveryTimeMs),
    TimeLoggingStarted: legacy(status.startLoggingTimeMs),
    TimeLoggingStopped: legacy(status.stopLoggingTimeMs),
  };
}

export const getTrailStatusOperation: JsonOperation<GetTrailStatusRequest, GetTrailStatusResponse> = {
  handler: getTrailStatus,
  access: (input, ctx) => trailAccess(ctx, 'GetTrailStatus', input.Name),
  resources: (input, _output, ctx) => trailResources(ctx, input.Name),
};
