/**
 * Global service events (reference §7.2): which records belong to a global service and so are
 * delivered only to trails that include global service events, as if recorded in us-east-1.
 *
 * Decision (AWS documents the behaviour, not a record marker): a record is global when its
 * eventSource is in `global`, or in `globalInLeaderRegion` and recorded in us-east-1. The second
 * set holds services that also have regional endpoints (STS, console sign-in); a call to such a
 * service in us-east-1 is taken to be a global-endpoint call unless the record's
 * `tlsDetails.clientProvidedHostHeader` names a regional endpoint (e.g. `sts.us-east-1.amazonaws.com`).
 */
import type { CloudTrailRecord } from '../recorder/record.js';

/** The region whose copy of a trail records global service events (partition `aws`). */
export const GLOBAL_EVENT_REGION = 'us-east-1';

export interface GlobalServiceSources {
  /** Services with only a global endpoint: always global. */
  global: ReadonlySet<string>;
  /** Services with a global endpoint and regional ones: global only in GLOBAL_EVENT_REGION. */
  globalInLeaderRegion: ReadonlySet<string>;
}

export const DEFAULT_GLOBAL_SERVICE_SOURCES: GlobalServiceSources = {
  global: new Set([
    'iam.amazonaws.com',
    'cloudfront.amazonaws.com',
    'route53.amazonaws.com',
    'route53domains.amazonaws.com',
    'waf.amazonaws.com',
    'organizations.amazonaws.com',
    'shield.amazonaws.com',
  ]),
  globalInLeaderRegion: new Set(['sts.amazonaws.com', 'signin.amazonaws.com']),
};

export function isGlobalServiceEvent(record: CloudTrailRecord, sources: GlobalServiceSources = DEFAULT_GLOBAL_SERVICE_SOURCES): boolean {
  if (sources.global.has(record.eventSource)) return true;
  if (!sources.globalInLeaderRegion.has(record.eventSource) || record.awsRegion !== GLOBAL_EVENT_REGION) return false;
  const host = record.tlsDetails?.clientProvidedHostHeader;
  return host === undefined || !host.includes(`.${GLOBAL_EVENT_REGION}.`);
}
