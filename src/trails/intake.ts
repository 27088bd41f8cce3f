/**
 * Which records a trail takes: its account's, in regions it covers (scope.ts), selected by its
 * selectors, and never the writes its own delivery makes to its bucket (reference §4.4: AWS
 * records them, and a trail logging data events on its own bucket would otherwise receive one
 * new record per log file it writes, forever). Other trails still get those records.
 *
 * Delivery asks this of every event log entry for every trail, so it decides on the entry's
 * stored columns where it can (`compileIntake`) and parses the record only when a check needs
 * more of it: data resources, most advanced-selector fields, data events' source and read-only
 * flag, STS and sign-in calls in us-east-1 for some trails, and S3 data events (own delivery).
 */
import type { CloudTrailRecord } from '../recorder/record.js';
import type { LogEntry } from '../store/event-log.js';
import { trailCovers } from './scope.js';
import { compileSelectable, selectable, type RecordPredicate, type Selectable, type SelectablePredicate } from './selectors.js';
import type { Trail } from './trail.js';

/** The identity delivery acts as when it writes to a bucket. */
export const CLOUDTRAIL_SERVICE = 'cloudtrail.amazonaws.com';

export type EntryPredicate = (entry: LogEntry) => boolean;

/** Delivery's writes are PutObject data events (delivery/self-record.ts): never a management event. */
function isOwnDelivery(trail: Trail, s: Selectable): boolean {
  if (s.management || s.eventSource !== 's3.amazonaws.com') return false;
  const record = s.record();
  if (record.userIdentity.invokedBy !== CLOUDTRAIL_SERVICE) return false;
  const params = record.requestParameters;
  if (params?.bucketName !== trail.s3BucketName) return false;
  const key = params.key;
  return typeof key === 'string' && key.startsWith(`${trail.s3KeyPrefix ? `${trail.s3KeyPrefix}/` : ''}AWSLogs/`);
}

/** All checks must hold, so their order is free: the selectors first, as they reject the most. */
function takes(trail: Trail, selects: SelectablePredicate, s: Selectable): boolean {
  return s.accountId === trail.accountId && selects(s) && trailCovers(trail, s) && !isOwnDelivery(trail, s);
}

export function trailTakes(trail: Trail, selects: RecordPredicate, record: CloudTrailRecord): boolean {
  return takes(trail, (s) => selects(s.record()), selectable(record));
}

/** trailTakes for event log entries, with the trail's selectors compiled once. */
export function compileIntake(trail: Trail): EntryPredicate {
  const selects = compileSelectable(trail.selectors);
  return (entry) => takes(trail, selects, new EntryView(entry));
}

/**
 * An entry as a Selectable: what the event log keeps in columns (LogEntry; its category is
 * 'management' exactly for management events) from there, the rest from the parsed record.
 */
class EntryView implements Selectable {
  private parsed: Selectable | undefined;

  constructor(private readonly entry: LogEntry) {}

  get accountId(): string {
    return this.entry.accountId;
  }

  get region(): string {
    return this.entry.region;
  }

  get management(): boolean {
    return this.entry.category === 'management';
  }

  get category(): string {
    return this.management ? 'Management' : this.full().category;
  }

  get eventSource(): string {
    return this.entry.eventSource ?? this.full().eventSource;
  }

  get write(): boolean {
    return this.entry.eventSource === undefined ? this.full().write : this.entry.readOnly !== true;
  }

  record(): CloudTrailRecord {
    return this.entry.record();
  }

  private full(): Selectable {
    return (this.parsed ??= selectable(this.entry.record()));
  }
}
