/**
 * Delivery's intake (trails/intake.ts compileIntake) decides on event log entries, mostly from
 * their stored columns; it must decide exactly as the record predicate (trailTakes) does, and as
 * the rules themselves (`expected`: reference §4.4, §7.1, §7.2 restated on the parsed record, with
 * the selectors pinned by trail-selectors.test.ts). Varied records go through a real SQLite event
 * log and every entry is checked against every trail.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import type { AdvancedFieldSelector, EventSelector } from '../../src/services/cloudtrail/generated/model.js';
import type { LogEntry, NewEvent, StoredEvent } from '../../src/store/event-log.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { CLOUDTRAIL_SERVICE, compileIntake, trailTakes } from '../../src/trails/intake.js';
import { GLOBAL_EVENT_REGION, isGlobalServiceEvent } from '../../src/trails/scope.js';
import { compileSelectors, DEFAULT_SELECTORS, eventCategoryOf, type TrailSelectors } from '../../src/trails/selectors.js';
import { newTrail, type Trail } from '../../src/trails/trail.js';
import { ACCOUNT, dataEvent, record, s3Object } from '../helpers/records.js';

const OTHER = '210987654321';
const BUCKET = 'logs-bucket';
const LAMBDA = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f`;

/** A PutObject delivery makes into `bucket` under `key`. */
const delivered = (bucket: string, key: string, over: Partial<CloudTrailRecord> = {}): CloudTrailRecord =>
  s3Object(bucket, key, 'PutObject', {
    userIdentity: { type: 'AWSService', invokedBy: CLOUDTRAIL_SERVICE },
    requestParameters: { bucketName: bucket, key },
    ...over,
  });

const host = (h: string): Partial<CloudTrailRecord> => ({ tlsDetails: { clientProvidedHostHeader: h } });

const BASES: CloudTrailRecord[] = [
  record(),
  record({ eventName: 'DescribeInstances', readOnly: true, errorCode: 'AccessDenied' }),
  record({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true }),
  record({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }),
  record({ eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', readOnly: true }),
  record({ eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', ...host('sts.us-east-1.amazonaws.com') }),
  record({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', ...host('sts.amazonaws.com') }),
  record({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', readOnly: undefined, eventType: 'AwsConsoleSignIn' }),
  record({ eventSource: 's3.amazonaws.com', eventName: 'CreateBucket', requestParameters: { bucketName: BUCKET } }),
  // Shaped like an own delivery, but a management event: delivery's writes are data events.
  record({ ...delivered(BUCKET, 'AWSLogs/x.json.gz'), managementEvent: true, eventCategory: 'Management' }),
  s3Object(BUCKET, 'AWSLogs/a.txt'),
  s3Object('other-bucket', 'data/b.txt', 'PutObject'),
  delivered(BUCKET, 'AWSLogs/123/CloudTrail/f.json.gz'),
  delivered(BUCKET, 'p/AWSLogs/123/CloudTrail/f.json.gz'),
  delivered('other-bucket', 'AWSLogs/123/CloudTrail/f.json.gz'),
  dataEvent('AWS::Lambda::Function', LAMBDA, 'Invoke', false),
  record({ eventSource: 'kms.amazonaws.com', eventName: 'ListKeys', eventType: 'AwsVpceEvent', eventCategory: 'NetworkActivity', managementEvent: false }),
  record({ eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', managementEvent: undefined }),
];

/** Every base record in each account and region, with each read-only value. */
function records(): CloudTrailRecord[] {
  const out: CloudTrailRecord[] = [];
  for (const base of BASES) {
    for (const recipientAccountId of [ACCOUNT, OTHER]) {
      for (const awsRegion of ['us-east-1', 'eu-west-1']) {
        for (const readOnly of [base.readOnly, !base.readOnly]) out.push({ ...base, recipientAccountId, awsRegion, readOnly });
      }
    }
  }
  return out;
}

/** The event the recorder would append for `r` (event-log.ts NewEvent: category from the record). */
function eventOf(r: CloudTrailRecord, i: number): NewEvent {
  const category = eventCategoryOf(r);
  return {
    record: { ...r, eventID: `evt-${i}` },
    eventTimeMs: 1_700_000_000_000 + i,
    accountId: r.recipientAccountId,
    region: r.awsRegion,
    category: category === 'Management' ? 'management' : category === 'Insight' ? 'insight' : 'data',
    lookupResources: [],
  };
}

const basic = (...selectors: EventSelector[]): TrailSelectors => ({ kind: 'basic', selectors });
const advanced = (...selectors: AdvancedFieldSelector[][]): TrailSelectors => ({
  kind: 'advanced',
  selectors: selectors.map((FieldSelectors) => ({ FieldSelectors })),
});
const management: AdvancedFieldSelector = { Field: 'eventCategory', Equals: ['Management'] };
const s3Data = (...values: string[]): EventSelector => ({ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: values }] });

const SELECTORS: [string, TrailSelectors][] = [
  ['default', DEFAULT_SELECTORS],
  ['read only', basic({ ReadWriteType: 'ReadOnly' })],
  ['write only, no KMS', basic({ ReadWriteType: 'WriteOnly', ExcludeManagementEventSources: ['kms.amazonaws.com'] })],
  ['no management', basic({ IncludeManagementEvents: false })],
  ['S3 data of the bucket', basic(s3Data(`arn:aws:s3:::${BUCKET}/`))],
  ['S3 data reads', basic({ ...s3Data('arn:aws:s3'), ReadWriteType: 'ReadOnly' })],
  ['management + all S3 and Lambda data', basic({}, s3Data('arn:aws:s3'), { DataResources: [{ Type: 'AWS::Lambda::Function', Values: [LAMBDA] }] })],
  ['advanced: management', advanced([management])],
  ['advanced: management reads', advanced([management, { Field: 'readOnly', Equals: ['true'] }])],
  ['advanced: management not sts', advanced([management, { Field: 'eventSource', NotEquals: ['sts.amazonaws.com'] }])],
  ['advanced: by event name', advanced([management, { Field: 'eventName', StartsWith: ['Describe', 'Assume'] }])],
  [
    'advanced: S3 PutObject + network activity',
    advanced(
      [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }, { Field: 'eventName', Equals: ['PutObject'] }],
      [{ Field: 'eventCategory', Equals: ['NetworkActivity'] }, { Field: 'eventSource', Equals: ['kms.amazonaws.com'] }],
    ),
  ],
  ['advanced: any event source', advanced([{ Field: 'eventSource', NotStartsWith: ['x'] }])],
  ['advanced: any write', advanced([{ Field: 'readOnly', Equals: ['false'] }])],
];

function trails(): Trail[] {
  const out: Trail[] = [];
  for (const [name, selectors] of SELECTORS) {
    for (const homeRegion of ['us-east-1', 'eu-west-1']) {
      for (const isMultiRegionTrail of [false, true]) {
        for (const includeGlobalServiceEvents of [false, true]) {
          for (const s3KeyPrefix of [undefined, 'p']) {
            const identity = { accountId: ACCOUNT, name, homeRegion, arn: `arn:${name}`, createdAtMs: 0 };
            const settings = {
              s3BucketName: BUCKET,
              ...(s3KeyPrefix ? { s3KeyPrefix } : {}),
              includeGlobalServiceEvents,
              isMultiRegionTrail,
              logFileValidationEnabled: false,
              isOrganizationTrail: false,
            };
            out.push({ ...newTrail(identity, settings, []), selectors });
          }
        }
      }
    }
  }
  return out;
}

/** Whether `trail` takes `r`, straight from the rules. */
function expected(trail: Trail, r: CloudTrailRecord): boolean {
  const covered = isGlobalServiceEvent(r)
    ? trail.includeGlobalServiceEvents && (trail.isMultiRegionTrail || trail.homeRegion === GLOBAL_EVENT_REGION)
    : trail.isMultiRegionTrail || r.awsRegion === trail.homeRegion;
  const key = r.requestParameters?.key;
  const ownDelivery =
    eventCategoryOf(r) !== 'Management' &&
    r.userIdentity.invokedBy === CLOUDTRAIL_SERVICE &&
    r.eventSource === 's3.amazonaws.com' &&
    r.requestParameters?.bucketName === trail.s3BucketName &&
    typeof key === 'string' &&
    key.startsWith(`${trail.s3KeyPrefix ? `${trail.s3KeyPrefix}/` : ''}AWSLogs/`);
  return r.recipientAccountId === trail.accountId && covered && !ownDelivery && compileSelectors(trail.selectors)(r);
}

const common = (e: LogEntry | StoredEvent) =>
  ({ seq: e.seq, eventTimeMs: e.eventTimeMs, accountId: e.accountId, region: e.region, category: e.category });

/** The entries of `recs`, appended to and read back from a fresh in-memory event log. */
async function entriesOf(recs: CloudTrailRecord[]): Promise<LogEntry[]> {
  const log = new SqliteEventLog(openDatabase(':memory:'), { ownsDatabase: true });
  try {
    await log.append(recs.map(eventOf));
    const entries = await log.entriesAfter(0, recs.length + 1);
    assert.equal(entries.length, recs.length);
    assert.deepEqual(await log.entriesAfter(entries[2]!.seq, 2), entries.slice(3, 5));
    // The same events as readAfter, their columns true to the record.
    const stored = await log.readAfter(0, recs.length + 1);
    for (const [i, entry] of entries.entries()) {
      const ev = stored[i]!;
      assert.deepEqual(common(entry), common(ev));
      assert.ok(entry.recordBytes.equals(Buffer.from(ev.recordJson)), 'entry bytes are the stored text');
      assert.deepEqual(entry.record(), ev.record);
      const kept = ev.category !== 'data';
      assert.equal(entry.eventSource, kept ? ev.record.eventSource : undefined);
      assert.equal(entry.readOnly, kept ? ev.record.readOnly : undefined);
    }
    return entries;
  } finally {
    await log.close();
  }
}

/** `entry` counting how often its record is asked for. */
function counting(entry: LogEntry, count: { parsed: number }): LogEntry {
  return { ...entry, record: () => (count.parsed++, entry.record()) };
}

describe('delivery intake on event log entries', () => {
  test('decides every entry exactly as the record predicate', async () => {
    const entries = await entriesOf(records());
    let taken = 0;
    let checked = 0;
    for (const trail of trails()) {
      const intake = compileIntake(trail);
      const selects = compileSelectors(trail.selectors);
      for (const entry of entries) {
        const text = entry.recordBytes.toString();
        const record = JSON.parse(text) as CloudTrailRecord;
        const want = expected(trail, record);
        const about = `${trail.name} ${JSON.stringify(trail, ['homeRegion', 'isMultiRegionTrail', 'includeGlobalServiceEvents', 's3KeyPrefix'])}: ${text}`;
        assert.equal(trailTakes(trail, selects, record), want, `record: ${about}`);
        assert.equal(intake(entry), want, `entry: ${about}`);
        if (want) taken++;
        checked++;
      }
    }
    // Both answers occur plenty (a vacuous comparison would pass too).
    assert.ok(taken > checked / 10 && taken < checked * 0.9, `${taken} of ${checked} taken`);
  });

  test('a multi-region trail with default selectors decides every entry without its record', async () => {
    const entries = await entriesOf(records());
    const intake = compileIntake(trails().find((t) => t.name === 'default' && t.isMultiRegionTrail && t.includeGlobalServiceEvents)!);
    const count = { parsed: 0 };
    for (const entry of entries) intake(counting(entry, count));
    assert.equal(count.parsed, 0);
  });
});
