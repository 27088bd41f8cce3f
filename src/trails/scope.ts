/**
 * Which trails receive a record by region (reference §7.1, §7.2): single-region trails get their
 * home region's events, multi-region trails every region's, and global service events go only to
 * trails that include them and are multi-region or live in us-east-1 (so each trail gets one copy).
 */
import type { CloudTrailRecord } from '../recorder/record.js';
import {
  DEFAULT_GLOBAL_SERVICE_SOURCES,
  GLOBAL_EVENT_REGION,
  isGlobalServiceEvent,
  type GlobalServiceSources,
} from './global-services.js';

export { GLOBAL_EVENT_REGION, isGlobalServiceEvent } from './global-services.js';

export interface TrailScope {
  homeRegion: string;
  isMultiRegionTrail: boolean;
  includeGlobalServiceEvents: boolean;
}

export function trailCoversRecord(
  trail: TrailScope,
  record: CloudTrailRecord,
  sources: GlobalServiceSources = DEFAULT_GLOBAL_SERVICE_SOURCES,
): boolean {
  if (isGlobalServiceEvent(record, sources)) {
    return trail.includeGlobalServiceEvents && (trail.isMultiRegionTrail || trail.homeRegion === GLOBAL_EVENT_REGION);
  }
  return trail.isMultiRegionTrail || record.awsRegion === trail.homeRegion;
}
