/**
 * The durable event log (DESIGN "store/"): every recorded call, in commit order. Event history
 * (LookupEvents) reads it by account, region and one lookup attribute; delivery (a later issue)
 * reads it in `seq` order through per-trail cursors. Implementations: sqlite/ (embedded),
 * postgres/ (later). A shared contract suite runs against each.
 */
import type { CloudTrailRecord } from '../recorder/record.js';
import type { StateChange } from './state-change.js';

/** A resource as LookupEvents shows it: `{ResourceType, ResourceName}`. */
export interface LookupResource {
  type: string;
  name: string;
}

/** What gets appended: the record plus the values LookupEvents filters on. */
export interface NewEvent {
  record: CloudTrailRecord;
  /** ms since epoch, full precision (the record's eventTime is truncated to seconds). */
  eventTimeMs: number;
  /** Event history account: the record's recipientAccountId. */
  accountId: string;
  /** Event history region: the record's awsRegion. */
  region: string;
  /**
   * 'management' events appear in event history; 'data' do not; 'insight' only on request.
   * 'management' exactly when the record is a management event (trails/selectors.ts
   * eventCategoryOf says 'Management'): delivery decides on this without parsing the record.
   */
  category: 'management' | 'data' | 'insight';
  /** LookupEvents `Username` (see lookupUsername). Absent for events with no user. */
  username?: string;
  lookupResources: LookupResource[];
}

/** A committed event. */
export interface StoredEvent extends NewEvent {
  /** Commit order; strictly increasing. */
  seq: number;
  /**
   * The record's JSON text exactly as stored at append time: LookupEvents' CloudTrailEvent and
   * delivered log files use these bytes rather than re-serializing `record`.
   */
  recordJson: string;
}

/**
 * A committed event as delivery reads it: what the log keeps beside the record, and the record's
 * text, parsed only when `record()` is called (a trail's intake mostly decides without it).
 */
export interface LogEntry {
  seq: number;
  eventTimeMs: number;
  /** The record's recipientAccountId and awsRegion (NewEvent). */
  accountId: string;
  region: string;
  category: NewEvent['category'];
  /**
   * The record's eventSource and readOnly (undefined when it has none), kept outside the record
   * for management and Insights events only: both undefined for data events.
   */
  eventSource: string | undefined;
  readOnly: boolean | undefined;
  /**
   * The record's stored JSON as UTF-8 bytes: what a log file holds. Delivery never needs the
   * text as a JS string, so the event log hands over bytes (no decoding to UTF-16 and encoding back).
   */
  recordBytes: Buffer;
  /** The parsed record (parsed once). */
  record(): CloudTrailRecord;
}

export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

/** Position after which a page continues: newest first, ties broken by seq descending. */
export interface LookupCursor {
  eventTimeMs: number;
  seq: number;
}

export interface LookupQuery {
  accountId: string;
  region: string;
  category: 'management' | 'insight';
  attribute?: { key: LookupAttributeKey; value: string };
  /** Inclusive bounds, ms since epoch. */
  startTimeMs: number;
  endTimeMs: number;
  limit: number;
  /** Continue strictly after this position. */
  after?: LookupCursor;
}

export interface LookupPage {
  events: StoredEvent[];
  /** Set when more events may follow; pass as `after` to continue. */
  next?: LookupCursor;
}

/** Figures over one account's and region's event history (the console's dashboard). */
export interface ActivityQuery {
  accountId: string;
  region: string;
  category: 'management' | 'insight';
  /** Inclusive bounds, ms since epoch. */
  startTimeMs: number;
  endTimeMs: number;
  /** Events are counted per bucket of this length from startTimeMs. */
  bucketMs: number;
  /** How many event names and user names to rank. */
  top: number;
}

export interface ActivitySummary {
  /** Buckets that have events, oldest first; `errors` counts records with an errorCode. */
  buckets: Array<{ startMs: number; events: number; errors: number }>;
  /** Most frequent first, ties by name. */
  topEventNames: Array<{ name: string; count: number }>;
  topUsers: Array<{ name: string; count: number }>;
}

export interface EventLog {
  /**
   * Appends events; resolves only once they are durably committed (group commit: concurrent
   * appends share one transaction and one fsync). `changes` (state the recorded calls made)
   * commit in the same transaction as the events, or not at all (DESIGN invariant 1).
   */
  append(events: NewEvent[], changes?: StateChange[]): Promise<void>;
  lookup(query: LookupQuery): Promise<LookupPage>;
  /**
   * Up to `limit` committed events with seq > `seq`, in seq order, every category (delivery
   * reads through per-trail cursors and applies the trail's selectors itself).
   */
  readAfter(seq: number, limit: number): Promise<StoredEvent[]>;
  /** The same events as readAfter, as delivery reads them: records left unparsed. */
  entriesAfter(seq: number, limit: number): Promise<LogEntry[]>;
  /** Per-bucket counts and the most frequent event and user names in a time range. */
  summarize(query: ActivityQuery): Promise<ActivitySummary>;
  /** Deletes events older than `beforeMs`; resolves to how many were deleted. */
  purgeOlderThan(beforeMs: number): Promise<number>;
  /** Commits what is pending and releases the database. */
  close(): Promise<void>;
}
