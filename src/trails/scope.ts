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
import { selectable, type Selectable } from './selectors.js';

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
  return trailCovers(trail, selectable(record), sources);
}

/**
 * trailCoversRecord on a Selectable. Whether the record is a global service event is asked only
 * when the answer depends on it, and reads the record only for STS or sign-in calls in us-east-1.
 */
export function trailCovers(
  trail: TrailScope,
  s: Selectable,
  sources: GlobalServiceSources = DEFAULT_GLOBAL_SERVICE_SOURCES,
): boolean {
  const ifGlobal = trail.includeGlobalServiceEvents && (trail.isMultiRegionTrail || trail.homeRegion === GLOBAL_EVENT_REGION);
  const ifRegional = trail.isMultiRegionTrail || s.region === trail.homeRegion;
  if (ifGlobal === ifRegional) return ifGlobal;
  return isGlobal(s, sources) ? ifGlobal : ifRegional;
}

/**
 * isGlobalServiceEvent, asking for the record only when its answer depends on more than the
 * source and region: a leader-region service called in GLOBAL_EVENT_REGION (the host header).
 */
function isGlobal(s: Selectable, sources: GlobalServiceSources): boolean {
  const byHost = sources.globalInLeaderRegion.has(s.eventSource) && s.region === GLOBAL_EVENT_REGION;
  return byHost ? isGlobalServiceEvent(s.record(), sources) : sources.global.has(s.eventSource);
}
