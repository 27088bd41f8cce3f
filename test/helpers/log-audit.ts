/**
 * Checking one trail's delivered log files against the calls a test made (DESIGN invariant 2):
 * every acknowledged call the trail selects appears exactly once, no event twice, nothing the
 * trail does not select, every key in AWS's layout (reference §4.1) in the region of its records.
 * What is absent is reported apart from what is wrong, so a caller can wait for delivery to catch
 * up before it asserts.
 */
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import { CLOUDTRAIL_SERVICE } from '../../src/trails/intake.js';
import type { AckedCall, CallFacts } from './crash-load.js';
import type { LogFile } from './log-bucket.js';

/** The facts a trail's selection depends on. */
export type SelectedFacts = Pick<CallFacts, 'region' | 'category' | 'readOnly' | 'objectArn'>;

export interface AuditedTrail {
  name: string;
  accountId: string;
  prefix?: string;
  maxRecords: number;
  /** The trail's selectors written out: whether it takes a call with these facts. */
  takes(facts: SelectedFacts): boolean;
  /** Index (CallLog order) of the StartLogging call: calls before it are not the trail's. */
  startIndex: number;
  /** Index of the StopLogging call, if it stopped: calls after it are not the trail's. */
  stopIndex?: number;
}

export interface Audit {
  /** Acknowledged calls the trail selects that are in none of its files (yet). */
  missing: string[];
  /** Violations that no amount of waiting fixes. */
  problems: string[];
  /** Records of the server's own writes of log files (reference §4.4). */
  deliveries: CloudTrailRecord[];
  /** Request ids of records made by calls the client never saw answered. */
  unacknowledged: Set<string>;
  records: number;
}

/** What a record says about the facts the test tracks for a call. */
export function factsOf(r: CloudTrailRecord): CallFacts {
  const objectArn = r.resources?.find((res) => res.type === 'AWS::S3::Object')?.ARN;
  return {
    eventName: r.eventName,
    region: r.awsRegion,
    category: r.eventCategory as CallFacts['category'],
    readOnly: r.readOnly === true,
    ...(objectArn !== undefined ? { objectArn } : {}),
    ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
  };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `[prefix/]AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<16>.json.gz` */
function keyPattern(t: AuditedTrail): RegExp {
  const root = `${t.prefix ? `${escape(t.prefix)}/` : ''}AWSLogs/${t.accountId}/CloudTrail`;
  return new RegExp(`^${root}/([a-z0-9-]+)/(\\d{4})/(\\d{2})/(\\d{2})/${t.accountId}_CloudTrail_\\1_\\2\\3\\4T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`);
}

export const isDeliveryRecord = (r: CloudTrailRecord) => r.userIdentity.invokedBy === CLOUDTRAIL_SERVICE && r.eventName === 'PutObject';

const sameFacts = (a: CallFacts, b: CallFacts) =>
  a.eventName === b.eventName &&
  a.region === b.region &&
  a.category === b.category &&
  a.readOnly === b.readOnly &&
  a.objectArn === b.objectArn &&
  a.errorCode === b.errorCode;

export function auditTrail(t: AuditedTrail, files: readonly LogFile[], calls: ReadonlyMap<string, AckedCall>): Audit {
  const audit: Audit = { missing: [], problems: [], deliveries: [], unacknowledged: new Set(), records: 0 };
  const problem = (what: string) => audit.problems.push(`${t.name}: ${what}`);
  const pattern = keyPattern(t);
  const timesSeen = new Map<string, number>();
  const eventIds = new Set<string>();
  const logged = (call: AckedCall) => call.index >= t.startIndex && call.index <= (t.stopIndex ?? Infinity);
  for (const file of files) {
    const region = pattern.exec(file.key)?.[1];
    if (!region) problem(`key outside the layout: ${file.key}`);
    if (file.records.length === 0 || file.records.length > t.maxRecords) problem(`${file.records.length} records in ${file.key}`);
    for (const r of file.records) {
      audit.records++;
      if (eventIds.has(r.eventID)) problem(`event ${r.eventID} (${r.eventName}) delivered twice`);
      eventIds.add(r.eventID);
      // Only console sign-in records lack a requestID; these trails record API calls.
      const requestId = r.requestID ?? '';
      timesSeen.set(requestId, (timesSeen.get(requestId) ?? 0) + 1);
      if (region && r.awsRegion !== region) problem(`${r.awsRegion} record in ${file.key}`);
      const facts = factsOf(r);
      if (!t.takes(facts)) problem(`record it does not select: ${JSON.stringify(facts)}`);
      const call = calls.get(requestId);
      if (call && !sameFacts(call, facts)) problem(`record of ${requestId} says ${JSON.stringify(facts)}, the call was ${JSON.stringify(call)}`);
      if (call && !logged(call)) problem(`${call.eventName} made while the trail was not logging delivered`);
      if (!call && isDeliveryRecord(r)) audit.deliveries.push(r);
      else if (!call) audit.unacknowledged.add(requestId);
    }
  }
  for (const [requestId, n] of timesSeen) if (n > 1) problem(`request ${requestId} delivered ${n} times`);
  for (const call of calls.values()) {
    if (logged(call) && t.takes(call) && !timesSeen.has(call.requestId)) audit.missing.push(`${t.name}: ${call.eventName} ${call.requestId}`);
  }
  return audit;
}
