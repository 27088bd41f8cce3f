/**
 * Event-selector evaluation (reference §6.4): whether a trail's basic or advanced selectors
 * select a record. Selectors are compiled once into a closure because delivery runs this for
 * every event against every trail; `selects` is the convenience form for one-off checks. They
 * read a record through `Selectable`: delivery's view of an event log entry answers the common
 * members from stored columns and parses the record only when a check needs more, so checks on
 * those members run first.
 *
 * Choices where AWS is silent: a record without `readOnly` (e.g. ConsoleLogin) counts as a write;
 * a record without `sessionCredentialFromConsole` has the value "false"; several operators in one
 * field selector mean (any positive matches, or none given) AND (no negative matches) (§14 item 13).
 */
import type { CloudTrailRecord, RecordResource } from '../recorder/record.js';
import type {
  AdvancedEventSelector,
  AdvancedFieldSelector,
  DataResource,
  EventSelector,
} from '../services/cloudtrail/generated/model.js';
import { dataResourceType, isTypeWideValue } from './data-resource-types.js';

export type TrailSelectors =
  | { kind: 'basic'; selectors: EventSelector[] }
  | { kind: 'advanced'; selectors: AdvancedEventSelector[] };

export type RecordPredicate = (record: CloudTrailRecord) => boolean;

/** A record as trail checks read it: these members cheaply, anything else through `record()`. */
export interface Selectable {
  /** recipientAccountId */
  readonly accountId: string;
  /** awsRegion */
  readonly region: string;
  /** eventCategoryOf(record) === 'Management' */
  readonly management: boolean;
  /** eventCategoryOf(record) */
  readonly category: string;
  readonly eventSource: string;
  /** readOnly !== true */
  readonly write: boolean;
  record(): CloudTrailRecord;
}

export type SelectablePredicate = (s: Selectable) => boolean;

/** A parsed record as a Selectable. */
export function selectable(record: CloudTrailRecord): Selectable {
  const category = eventCategoryOf(record);
  return {
    accountId: record.recipientAccountId,
    region: record.awsRegion,
    management: category === 'Management',
    category,
    eventSource: record.eventSource,
    write: isWrite(record),
    record: () => record,
  };
}

/** A fresh trail's selectors (§6.2). Frozen: callers copy before changing. */
export const DEFAULT_SELECTORS: TrailSelectors = deepFreeze({
  kind: 'basic',
  selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Record members selectors read that CloudTrailRecord does not declare. */
type SelectableRecord = CloudTrailRecord & { vpcEndpointId?: string };

/** The record's category; Insights records are recognised by either marker. */
export function eventCategoryOf(record: CloudTrailRecord): string {
  if (record.eventType === 'AwsCloudTrailInsight' || record.eventCategory === 'Insight') return 'Insight';
  if (record.managementEvent === true) return 'Management';
  return record.eventCategory;
}

const isWrite = (r: CloudTrailRecord): boolean => r.readOnly !== true;

/** ARNs of the record's resources of `type` (of every resource when undefined). */
function resourceArns(record: CloudTrailRecord, type: string | undefined): string[] {
  const out: string[] = [];
  for (const r of record.resources ?? []) {
    // List events carry `ARNPrefix` instead of `ARN` on their object resource.
    const arn = r.ARN ?? r.ARNPrefix;
    if (arn !== undefined && (type === undefined || r.type === type)) out.push(arn);
  }
  return out;
}

/** A multi-valued field matches if any value passes; with no value, as a missing field. */
function someValue(values: readonly (string | undefined)[], test: (v: string | undefined) => boolean): boolean {
  return values.length === 0 ? test(undefined) : values.some(test);
}

// ---- basic selectors ----

function compileDataResource(dr: DataResource): RecordPredicate {
  const t = dataResourceType(dr.Type ?? '');
  if (!t) return () => false;
  const values = dr.Values ?? [];
  if (values.some((v) => isTypeWideValue(t, v))) {
    return (r) => (r.resources ?? []).some((res) => res.type === t.type);
  }
  if (t.prefixMatch) return (r) => resourceArns(r, t.type).some((arn) => values.some((v) => arn.startsWith(v)));
  const exact = new Set(values);
  return (r) => resourceArns(r, t.type).some((arn) => exact.has(arn));
}

function compileBasic(s: EventSelector): SelectablePredicate {
  const rw = s.ReadWriteType ?? 'All';
  const management = s.IncludeManagementEvents ?? true;
  const excluded = new Set(s.ExcludeManagementEventSources ?? []);
  const data = (s.DataResources ?? []).map(compileDataResource);
  // Management events, then data events, then the read/write type: without data resources a
  // selector rejects a data event before reading anything else of it.
  return (r) => {
    if (r.management) {
      if (!management || excluded.has(r.eventSource)) return false;
    } else if (data.length === 0 || r.category !== 'Data') return false;
    if (rw === 'ReadOnly' && r.write) return false;
    if (rw === 'WriteOnly' && !r.write) return false;
    return r.management || data.some((d) => d(r.record()));
  };
}

// ---- advanced selectors ----

type ValueTest = (value: string | undefined) => boolean;

/** One field selector's operators as a test of one value (undefined = the record lacks the field). */
function compileCondition(f: AdvancedFieldSelector): ValueTest {
  const equals = new Set(f.Equals ?? []);
  const starts = f.StartsWith ?? [];
  const ends = f.EndsWith ?? [];
  const notEquals = new Set(f.NotEquals ?? []);
  const notStarts = f.NotStartsWith ?? [];
  const notEnds = f.NotEndsWith ?? [];
  const hasPositive = equals.size + starts.length + ends.length > 0;
  return (v) => {
    if (v === undefined) return !hasPositive;
    const positive =
      !hasPositive || equals.has(v) || starts.some((p) => v.startsWith(p)) || ends.some((s) => v.endsWith(s));
    if (!positive) return false;
    return !(notEquals.has(v) || notStarts.some((p) => v.startsWith(p)) || notEnds.some((s) => v.endsWith(s)));
  };
}

/** The record with the members selectors read that CloudTrailRecord does not declare. */
const full = (r: Selectable): SelectableRecord => r.record();

const SCALAR_FIELDS: Readonly<Record<string, (r: Selectable) => string | undefined>> = {
  eventCategory: (r) => r.category,
  readOnly: (r) => (r.write ? 'false' : 'true'),
  eventSource: (r) => r.eventSource,
  eventName: (r) => full(r).eventName,
  eventType: (r) => full(r).eventType,
  errorCode: (r) => full(r).errorCode,
  vpcEndpointId: (r) => full(r).vpcEndpointId,
  'userIdentity.arn': (r) => full(r).userIdentity.arn,
  sessionCredentialFromConsole: (r) => full(r).sessionCredentialFromConsole ?? 'false',
};

/** Fields an event log entry answers from its columns (management events at least: intake.ts). */
const CHEAP_FIELDS: ReadonlySet<string> = new Set(['eventCategory', 'readOnly', 'eventSource']);

function compileField(f: AdvancedFieldSelector, selectedType: string | undefined): SelectablePredicate {
  const test = compileCondition(f);
  if (f.Field === 'resources.type') return (r) => someValue((full(r).resources ?? []).map((res) => res.type), test);
  // An ARN condition is about the resources of the selector's own type (§6.4).
  if (f.Field === 'resources.ARN') return (r) => someValue(resourceArns(full(r), selectedType), test);
  const read = Object.hasOwn(SCALAR_FIELDS, f.Field) ? SCALAR_FIELDS[f.Field] : undefined;
  // Validation rejects unknown fields; a stored one (from an older version) selects nothing.
  if (!read) return () => false;
  return (r) => test(read(r));
}

function compileAdvanced(s: AdvancedEventSelector): SelectablePredicate {
  const selectedType = s.FieldSelectors.find((f) => f.Field === 'resources.type')?.Equals?.[0];
  // Every condition must hold, so their order is free: those needing no record go first.
  const cost = (f: AdvancedFieldSelector) => (CHEAP_FIELDS.has(f.Field) ? 0 : 1);
  const checks = [...s.FieldSelectors].sort((a, b) => cost(a) - cost(b)).map((f) => compileField(f, selectedType));
  return (r) => checks.every((c) => c(r));
}

// ---- public ----

/** Compiles a trail's selectors once; the returned predicate is pure and cheap per record. */
export function compileSelectable(sel: TrailSelectors): SelectablePredicate {
  const preds = sel.kind === 'basic' ? sel.selectors.map(compileBasic) : sel.selectors.map(compileAdvanced);
  // Insights last: a data event's category may need its record, and no basic selector takes one.
  return (r) => preds.some((p) => p(r)) && r.category !== 'Insight';
}

/** compileSelectable for parsed records. */
export function compileSelectors(sel: TrailSelectors): RecordPredicate {
  const selects = compileSelectable(sel);
  return (record) => selects(selectable(record));
}

/** Whether the selectors select the record (any selector matches). Compile once on hot paths. */
export function selects(sel: TrailSelectors, record: CloudTrailRecord): boolean {
  return compileSelectors(sel)(record);
}

/** Which management events (read, write) the selectors log; Insights and later issues depend on it. */
export function logsManagementEvents(sel: TrailSelectors): { read: boolean; write: boolean } {
  const out = { read: false, write: false };
  if (sel.kind === 'basic') {
    for (const s of sel.selectors) {
      if (s.IncludeManagementEvents === false) continue;
      const rw = s.ReadWriteType ?? 'All';
      out.read ||= rw !== 'WriteOnly';
      out.write ||= rw !== 'ReadOnly';
    }
    return out;
  }
  for (const s of sel.selectors) {
    const category = s.FieldSelectors.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) continue;
    const readOnly = s.FieldSelectors.find((f) => f.Field === 'readOnly');
    const values = readOnly?.Equals ?? ['true', 'false'];
    out.read ||= values.includes('true');
    out.write ||= values.includes('false');
  }
  return out;
}
