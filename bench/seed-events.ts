/**
 * Fills an event log quickly with realistic, varied events for benchmarks: mainly one account
 * and region, ~40 event names over 8 sources with skewed popularity, 50 users with 100 access
 * keys, ~60% read-only, resources on ~30%, a little data and insight traffic, times spread over
 * the last 89 days. Deterministic for a given `seed`. Writes in large batches (one transaction
 * each) through the log's normal append path.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../src/store/event-log.js';
import type { CloudTrailRecord } from '../src/recorder/record.js';
import { SqliteEventLog } from '../src/store/sqlite/event-log.js';
import type { SqliteDatabase } from '../src/store/sqlite/database.js';
import { prng } from '../test/helpers/prng.js';

export interface SeedOptions {
  /** The main account; default 111122223333. */
  accountId?: string;
  /** The main region; default us-east-1. */
  region?: string;
  /** Newest possible event time; default Date.now(). */
  nowMs?: number;
  /** Events spread over this many days before nowMs; default 89. */
  days?: number;
  /** Events per transaction; default 20,000. */
  batchSize?: number;
  /** PRNG seed; default 1. */
  seed?: number;
  /**
   * Drop the events table's secondary indexes while seeding and rebuild them at the end
   * (sort-based builds are several times faster than maintaining them row by row). Default true.
   */
  rebuildIndexes?: boolean;
}

/** What was generated, so benchmarks can pick realistic common and rare values. */
export const SEED_CATALOG = buildCatalog();

interface Catalog {
  sources: { source: string; weight: number; reads: string[]; writes: string[] }[];
  users: string[];
  accessKeys: string[];
  resourceTypes: { type: string; prefix: string }[];
  otherAccounts: string[];
}

function buildCatalog(): Catalog {
  const svc = (source: string, weight: number, reads: string[], writes: string[]) => ({
    source: `${source}.amazonaws.com`, weight, reads, writes,
  });
  return {
    sources: [
      svc('ec2', 25, ['DescribeInstances', 'DescribeVolumes', 'DescribeSecurityGroups'],
        ['RunInstances', 'TerminateInstances', 'CreateTags']),
      svc('cloudtrail', 20, ['LookupEvents', 'DescribeTrails', 'GetTrailStatus'], ['CreateTrail', 'StartLogging']),
      svc('s3', 15, ['ListBuckets', 'GetBucketPolicy', 'GetBucketAcl'], ['CreateBucket', 'PutBucketPolicy', 'DeleteBucket']),
      svc('iam', 12, ['GetUser', 'ListRoles', 'GetRole', 'ListPolicies'],
        ['CreateRole', 'AttachRolePolicy', 'CreateAccessKey']),
      svc('sts', 10, ['GetCallerIdentity'], ['AssumeRole', 'GetSessionToken']),
      svc('kms', 8, ['DescribeKey', 'ListKeys', 'ListAliases'], ['CreateKey', 'ScheduleKeyDeletion']),
      svc('lambda', 6, ['GetFunction', 'ListFunctions20150331'],
        ['CreateFunction20150331', 'UpdateFunctionCode20150331v2']),
      svc('dynamodb', 4, ['DescribeTable', 'ListTables'], ['CreateTable', 'DeleteTable', 'UpdateTable']),
    ],
    users: Array.from({ length: 50 }, (_, i) => `user-${String(i).padStart(2, '0')}`),
    accessKeys: Array.from({ length: 100 }, (_, i) => `AKIA${String(i).padStart(16, 'Q')}`),
    resourceTypes: [
      { type: 'AWS::EC2::Instance', prefix: 'i-0' },
      { type: 'AWS::S3::Bucket', prefix: 'bucket-' },
      { type: 'AWS::IAM::Role', prefix: 'role-' },
      { type: 'AWS::KMS::Key', prefix: 'key-' },
      { type: 'AWS::Lambda::Function', prefix: 'fn-' },
    ],
    otherAccounts: ['444455556666', '777788889999'],
  };
}


/** Index skewed toward 0 (roughly Zipf-like): a few very common values, a long rare tail. */
function skewed(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * rand() ** 2.5));
}

function weighted<T extends { weight: number }>(rand: () => number, items: T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let x = rand() * total;
  for (const item of items) if ((x -= item.weight) < 0) return item;
  return items[items.length - 1]!;
}

const USER_AGENT =
  'aws-cli/2.15.0 md/awscrt#0.19.19 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython ' +
  'cfg/retry-mode#standard md/installer#exe';

/** One realistic event at `eventTimeMs`. */
export function makeEvent(
  rand: () => number,
  o: { accountId: string; region: string },
  eventTimeMs: number,
): NewEvent {
  const c = SEED_CATALOG;
  const svc = weighted(rand, c.sources);
  const readOnly = rand() < 0.6;
  const names = readOnly ? svc.reads : svc.writes;
  const eventName = names[skewed(rand, names.length)]!;
  const r = rand();
  const accountId = r < 0.9 ? o.accountId : c.otherAccounts[r < 0.95 ? 0 : 1]!;
  const region = rand() < 0.85 ? o.region : 'eu-west-1';
  const category = r > 0.99 ? 'insight' : r > 0.97 ? 'data' : 'management';
  const service = rand() < 0.05;
  const u = skewed(rand, c.users.length);
  const userName = c.users[u]!;
  const accessKeyId = c.accessKeys[u * 2 + (rand() < 0.5 ? 0 : 1)]!;
  const withResource = rand() < 0.3;
  const rt = c.resourceTypes[skewed(rand, c.resourceTypes.length)]!;
  const resourceName = `${rt.prefix}${Math.floor(rand() * 20_000).toString(16).padStart(8, '0')}`;
  const record: CloudTrailRecord = {
    eventVersion: '1.11',
    userIdentity: service
      ? { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' }
      : { type: 'IAMUser', principalId: `AIDA${u}EXAMPLE`, arn: `arn:aws:iam::${accountId}:user/${userName}`,
          accountId, accessKeyId, userName },
    eventTime: new Date(eventTimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: svc.source,
    eventName,
    awsRegion: region,
    sourceIPAddress: service ? 'cloudformation.amazonaws.com' : `203.0.113.${u}`,
    userAgent: USER_AGENT,
    requestParameters: withResource ? { resourceName, filter: { maxResults: 50 } } : null,
    responseElements: readOnly ? null : { requestId: randomUUID(), status: 'ok' },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: category !== 'data',
    recipientAccountId: accountId,
    eventCategory: category === 'data' ? 'Data' : category === 'insight' ? 'Insight' : 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${svc.source.split('.')[0]}.${region}.amazonaws.com`,
    },
  };
  if (withResource) record.resources = [{ ARN: `arn:aws:${rt.type}:${resourceName}`, accountId, type: rt.type }];
  const event: NewEvent = {
    record, eventTimeMs, accountId, region, category,
    lookupResources: withResource ? [{ type: rt.type, name: resourceName }] : [],
  };
  if (!service) event.username = userName;
  return event;
}

type Generation = Required<Omit<SeedOptions, 'rebuildIndexes'>>;

/** Appends `count` generated events in batches; resolves with the elapsed seconds. */
export async function seedEvents(
  target: SqliteEventLog | SqliteDatabase,
  count: number,
  options: SeedOptions = {},
): Promise<{ seconds: number }> {
  const o: Generation = {
    accountId: options.accountId ?? '111122223333',
    region: options.region ?? 'us-east-1',
    nowMs: options.nowMs ?? Date.now(),
    days: options.days ?? 89,
    batchSize: options.batchSize ?? 20_000,
    seed: options.seed ?? 1,
  };
  const log = target instanceof SqliteEventLog ? target : new SqliteEventLog(target);
  const started = performance.now();
  const indexes = options.rebuildIndexes === false ? [] : dropIndexes(log.db);
  await appendGenerated(log, count, o);
  for (const sql of indexes) log.db.exec(sql);
  return { seconds: (performance.now() - started) / 1000 };
}

/** Drops the events table's secondary indexes; returns the statements that recreate them. */
function dropIndexes(db: SqliteDatabase): string[] {
  const rows = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql NOT NULL")
    .all() as { name: string; sql: string }[];
  for (const r of rows) db.exec(`DROP INDEX "${r.name}"`);
  return rows.map((r) => r.sql);
}

async function appendGenerated(log: SqliteEventLog, count: number, o: Generation): Promise<void> {
  const rand = prng(o.seed);
  const span = o.days * 86_400_000;
  // One batch in flight while the next is generated: with the worker writer, generation and
  // serialization (this thread) overlap the inserts (writer thread).
  let inFlight: Promise<void> | undefined;
  for (let done = 0; done < count; ) {
    const n = Math.min(o.batchSize, count - done);
    // Times rise with the index, as real traffic arrives (seq order ≈ time order), with jitter
    // so events are not evenly spaced and some share a millisecond.
    const batch = Array.from({ length: n }, (_, i) => {
      const at = o.nowMs - span + Math.floor(((done + i + rand()) / count) * span);
      return makeEvent(rand, o, Math.min(at, o.nowMs));
    });
    await inFlight;
    inFlight = log.append(batch);
    done += n;
  }
  await inFlight;
}
