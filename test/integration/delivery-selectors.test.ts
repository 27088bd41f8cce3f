/**
 * Issue 4's acceptance for what each trail's log files hold (reference §6, §7.1-§7.3), through
 * the official SDK against a server on a manual clock: basic and advanced data-event selectors,
 * read/write filters, single- vs multi-region trails, global service events, and the logging
 * window. Every check compares the exact set of `<eventName> <requestID>` a trail delivered.
 */
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  type PutEventSelectorsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { isoSeconds } from '../../src/recorder/recorder.js';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import {
  deliveredFiles,
  deliveredRecords,
  logFileKeyPattern,
  loggingTrail,
  startDeliveryServer,
  type DeliveredFile,
  type DeliveryServer,
} from '../helpers/delivery.js';
import { makeBucket } from '../helpers/trails.js';
import { record } from '../helpers/records.js';

let server: DeliveryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(): Promise<DeliveryServer> {
  server = await startDeliveryServer();
  return server;
}

/** `<eventName> <requestID>` of a call the test made: what its record must be delivered as. */
const call = (eventName: string, out: { $metadata: { requestId?: string } }): string => {
  assert.ok(out.$metadata.requestId, `${eventName} answered with a request id`);
  return `${eventName} ${out.$metadata.requestId}`;
};

const idsOf = (records: readonly CloudTrailRecord[]): string[] => records.map((r) => `${r.eventName} ${r.requestID}`).sort();

/** The trail's delivered records, as sorted `<eventName> <requestID>`. */
async function delivered(s: DeliveryServer, bucket: string): Promise<string[]> {
  return idsOf(await deliveredRecords(s, bucket));
}

async function startLogging(s: DeliveryServer, name: string, region?: string): Promise<string> {
  return call('StartLogging', await s.cloudtrail(region).send(new StartLoggingCommand({ Name: name })));
}

/** A trail (not yet logging) whose selectors are set before anything is logged. */
async function selectingTrail(s: DeliveryServer, name: string, selectors: Omit<PutEventSelectorsCommandInput, 'TrailName'>) {
  const trail = await loggingTrail(s, name, { start: false });
  await s.cloudtrail().send(new PutEventSelectorsCommand({ TrailName: name, ...selectors }));
  return trail;
}

/** Files by the region in their key; each file's records must all be of that region. */
function byRegion(acct: string, files: readonly DeliveredFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const region = logFileKeyPattern(acct).exec(f.key)?.[1];
    assert.ok(region, `${f.key} is a log file key`);
    for (const r of f.records) assert.equal(r.awsRegion, region, `${r.eventName} in ${f.key}`);
    out.set(region, [...(out.get(region) ?? []), ...idsOf(f.records)].sort());
  }
  return out;
}

/**
 * A trail taking every S3 object call (IncludeManagementEvents false). Data events are kept only
 * when some logging trail selects them, so with this one logging every object call is in the
 * event log, and what another trail lacks was filtered out by its own selectors.
 */
async function allObjectsTrail(s: DeliveryServer) {
  const trail = await selectingTrail(s, 'all-objects', {
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
  });
  await startLogging(s, 'all-objects');
  return {
    /** Its delivered records but CloudTrail's own log file writes (the other trails' deliveries). */
    async calls(): Promise<string[]> {
      const records = await deliveredRecords(s, trail.bucket);
      return idsOf(records.filter((r) => r.userIdentity.invokedBy !== 'cloudtrail.amazonaws.com'));
    },
  };
}

/** Object calls on `data-bucket` and `other-bucket`, under `in/` and elsewhere. */
async function objectCalls(s: DeliveryServer) {
  const s3 = s.s3();
  const body = 'log me';
  const put = async (bucket: string, key: string) => call('PutObject', await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })));
  const get = async (bucket: string, key: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await out.Body?.transformToString();
    return call('GetObject', out);
  };
  const del = async (bucket: string, key: string) => call('DeleteObject', await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
  const inside = [await put('data-bucket', 'in/a.txt'), await get('data-bucket', 'in/a.txt'), await del('data-bucket', 'in/a.txt')];
  const outside = [
    await put('data-bucket', 'out/b.txt'),
    await get('data-bucket', 'out/b.txt'),
    await put('data-bucket', 'inbox.txt'),
    await put('other-bucket', 'in/a.txt'),
    await get('other-bucket', 'in/a.txt'),
    await del('other-bucket', 'in/a.txt'),
  ];
  return { inside, outside };
}

describe('S3 data events', () => {
  test('a basic selector for a bucket prefix gets exactly the object calls under it; a default trail only bucket calls', async () => {
    const s = await start();
    const objects = await selectingTrail(s, 'objects', {
      EventSelectors: [
        { ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data-bucket/in/'] }] },
      ],
    });
    const mgmt = await loggingTrail(s, 'mgmt', { start: false });
    const all = await allObjectsTrail(s);
    const starts = [await startLogging(s, 'objects'), await startLogging(s, 'mgmt')];

    const s3 = s.s3();
    const bucketCalls = [
      call('CreateBucket', await s3.send(new CreateBucketCommand({ Bucket: 'data-bucket' }))),
      call('CreateBucket', await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }))),
    ];
    const { inside, outside } = await objectCalls(s);
    bucketCalls.push(
      call('ListBuckets', await s3.send(new ListBucketsCommand({}))),
      call('HeadBucket', await s3.send(new HeadBucketCommand({ Bucket: 'data-bucket' }))),
      call('GetBucketLocation', await s3.send(new GetBucketLocationCommand({ Bucket: 'data-bucket' }))),
    );
    await s.deliver();

    assert.deepEqual(await all.calls(), [...inside, ...outside].sort());
    assert.deepEqual(await delivered(s, objects.bucket), inside.sort());
    // StartLogging of `objects` came before `mgmt` logged; its own is the first thing it got.
    assert.deepEqual(await delivered(s, mgmt.bucket), [starts[1]!, ...bucketCalls].sort());
  });

  test('advanced selectors: object writes under a prefix and management reads, nothing else', async () => {
    const s = await start();
    const adv = await selectingTrail(s, 'advanced', {
      AdvancedEventSelectors: [
        {
          Name: 'object writes under in/',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'readOnly', Equals: ['false'] },
            { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::data-bucket/in/'] },
          ],
        },
        { Name: 'management reads', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] },
      ],
    });
    const all = await allObjectsTrail(s);
    await startLogging(s, 'advanced');

    const s3 = s.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'data-bucket' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
    const { inside, outside } = await objectCalls(s);
    const reads = [
      call('ListBuckets', await s3.send(new ListBucketsCommand({}))),
      call('ListTrails', await s.cloudtrail().send(new ListTrailsCommand({}))),
    ];
    await s.deliver();

    assert.deepEqual(await all.calls(), [...inside, ...outside].sort());
    const [put, , del] = inside;
    assert.deepEqual(await delivered(s, adv.bucket), [put!, del!, ...reads].sort());
  });
});

describe('read/write selection', () => {
  test('a WriteOnly trail gets no read events and a ReadOnly trail nothing else', async () => {
    const s = await start();
    const writes = await selectingTrail(s, 'writes', { EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] });
    const reads = await selectingTrail(s, 'reads', { EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] });
    await makeBucket(s, 'extra-logs');
    const ct = s.cloudtrail();
    const s3 = s.s3();
    const writeCalls = [await startLogging(s, 'writes'), await startLogging(s, 'reads')];

    const readCalls = [
      call('ListTrails', await ct.send(new ListTrailsCommand({}))),
      call('DescribeTrails', await ct.send(new DescribeTrailsCommand({}))),
      call('GetTrailStatus', await ct.send(new GetTrailStatusCommand({ Name: 'writes' }))),
    ];
    writeCalls.push(
      call('CreateTrail', await ct.send(new CreateTrailCommand({ Name: 'extra', S3BucketName: 'extra-logs' }))),
      call('PutEventSelectors', await ct.send(new PutEventSelectorsCommand({ TrailName: 'extra', EventSelectors: [{ ReadWriteType: 'WriteOnly' }] }))),
      call('CreateBucket', await s3.send(new CreateBucketCommand({ Bucket: 'some-bucket' }))),
    );
    readCalls.push(
      call('GetEventSelectors', await ct.send(new GetEventSelectorsCommand({ TrailName: 'extra' }))),
      call('ListBuckets', await s3.send(new ListBucketsCommand({}))),
    );
    await s.deliver();

    assert.deepEqual(await delivered(s, writes.bucket), writeCalls.sort());
    assert.deepEqual(await delivered(s, reads.bucket), readCalls.sort());
  });
});

describe('selector changes', () => {
  // Reference §7.5: trail updates take effect for new events. Events recorded before a change
  // were selected by the selectors of their time, even if their file is written after it.
  test('PutEventSelectors applies to calls after it, not to calls already recorded but not yet delivered', async () => {
    const s = await start();
    const { bucket } = await selectingTrail(s, 'changing', {
      EventSelectors: [
        { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data-bucket/'] }] },
      ],
    });
    const ct = s.cloudtrail();
    const s3 = s.s3();
    const before = [
      await startLogging(s, 'changing'),
      call('CreateBucket', await s3.send(new CreateBucketCommand({ Bucket: 'data-bucket' }))),
      call('PutObject', await s3.send(new PutObjectCommand({ Bucket: 'data-bucket', Key: 'k', Body: 'v' }))),
      call('ListTrails', await ct.send(new ListTrailsCommand({}))),
    ];
    const change = call(
      'PutEventSelectors',
      await ct.send(new PutEventSelectorsCommand({ TrailName: 'changing', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] })),
    );
    await ct.send(new DescribeTrailsCommand({}));
    await s3.send(new PutObjectCommand({ Bucket: 'data-bucket', Key: 'k2', Body: 'v' }));
    const afterChange = [call('CreateBucket', await s3.send(new CreateBucketCommand({ Bucket: 'later-bucket' })))];
    await s.deliver();

    assert.deepEqual(await delivered(s, bucket), [...before, change, ...afterChange].sort());
  });
});

describe('regions', () => {
  test('a single-region trail gets only its home region; a multi-region trail every region, one file per region', async () => {
    const s = await start();
    const home = await loggingTrail(s, 'home', { start: false });
    const everywhere = await loggingTrail(s, 'everywhere', { start: false, multiRegion: true });
    const [startHome, startEverywhere] = [await startLogging(s, 'home'), await startLogging(s, 'everywhere')];

    const east = s.cloudtrail('us-east-1');
    const west = s.cloudtrail('us-west-2');
    const eastCalls = [call('ListTrails', await east.send(new ListTrailsCommand({})))];
    const westCalls = [
      call('ListTrails', await west.send(new ListTrailsCommand({}))),
      call('DescribeTrails', await west.send(new DescribeTrailsCommand({}))),
      call('GetTrailStatus', await west.send(new GetTrailStatusCommand({ Name: everywhere.arn }))),
    ];
    await s.deliver();

    const acct = s.accountId;
    assert.deepEqual(byRegion(acct, await deliveredFiles(s, home.bucket)), new Map([['us-east-1', [startHome, startEverywhere, ...eastCalls].sort()]]));
    const files = await deliveredFiles(s, everywhere.bucket);
    assert.equal(files.length, 2, 'one file per region');
    assert.deepEqual(
      byRegion(acct, files),
      new Map([
        ['us-east-1', [startEverywhere, ...eastCalls].sort()],
        ['us-west-2', westCalls.sort()],
      ]),
    );
    assert.ok(files.some((f) => f.key.includes('/CloudTrail/us-west-2/') && f.key.includes(`/${acct}_CloudTrail_us-west-2_`)));
  });

  test('global service events go once to trails that include them, from us-east-1 or multi-region', async () => {
    const s = await start();
    const withGlobal = await loggingTrail(s, 'with-global', { start: false });
    const noGlobal = await loggingTrail(s, 'no-global', { start: false, includeGlobalServiceEvents: false });
    const multi = await loggingTrail(s, 'multi', { start: false, multiRegion: true });
    const westHome = await loggingTrail(s, 'west-home', { start: false, region: 'us-west-2' });
    const [sWith, sNo, sMulti] = [await startLogging(s, 'with-global'), await startLogging(s, 'no-global'), await startLogging(s, 'multi')];
    const sWest = await startLogging(s, 'west-home', 'us-west-2');

    // IAM and STS are not served yet: record their calls as the recorder would.
    const now = s.clock.now();
    const global = (eventSource: string, eventName: string, readOnly: boolean): CloudTrailRecord =>
      record({
        eventSource,
        eventName,
        readOnly,
        awsRegion: 'us-east-1',
        eventTime: isoSeconds(now),
        requestID: randomUUID(),
        eventID: randomUUID(),
        recipientAccountId: s.accountId,
      });
    const globals = [global('iam.amazonaws.com', 'CreateUser', false), global('sts.amazonaws.com', 'GetCallerIdentity', true)];
    await s.app.context.eventLog.append(
      globals.map((r) => ({ record: r, eventTimeMs: now, accountId: s.accountId, region: 'us-east-1', category: 'management', lookupResources: [] })),
    );
    const globalIds = idsOf(globals);
    await s.deliver();

    const acct = s.accountId;
    assert.deepEqual(await delivered(s, withGlobal.bucket), [sWith, sNo, sMulti, ...globalIds].sort());
    assert.deepEqual(await delivered(s, noGlobal.bucket), [sNo, sMulti].sort());
    assert.deepEqual(await delivered(s, westHome.bucket), [sWest]);
    assert.deepEqual(
      byRegion(acct, await deliveredFiles(s, multi.bucket)),
      new Map([
        ['us-east-1', [sMulti, ...globalIds].sort()],
        ['us-west-2', [sWest]],
      ]),
    );
  });
});

describe('logging window', () => {
  test('only calls from StartLogging through StopLogging are delivered, both of those included', async () => {
    const s = await start();
    const { bucket } = await loggingTrail(s, 'window', { start: false });
    const ct = s.cloudtrail();
    await ct.send(new ListTrailsCommand({}));
    const first = [await startLogging(s, 'window')];
    first.push(
      call('DescribeTrails', await ct.send(new DescribeTrailsCommand({}))),
      call('StopLogging', await ct.send(new StopLoggingCommand({ Name: 'window' }))),
    );
    await ct.send(new GetTrailStatusCommand({ Name: 'window' }));
    await s.deliver();
    assert.deepEqual(await delivered(s, bucket), first.sort());

    await ct.send(new DescribeTrailsCommand({}));
    const second = [await startLogging(s, 'window'), call('ListTrails', await ct.send(new ListTrailsCommand({})))];
    await s.deliver();
    // Keys sort by delivery time: the first window's file, then the second's.
    const files = await deliveredFiles(s, bucket);
    assert.deepEqual(files.map((f) => idsOf(f.records)), [first.sort(), second.sort()]);
  });

  test('the first interval after StartLogging delivers, even when no delivery pass ran before the clock moved', async () => {
    const s = await start();
    // Only the test runs passes, so none sees the trail before the clock moves.
    await s.app.delivery.stop();
    const { bucket } = await loggingTrail(s, 'prompt', { start: false });
    const calls = [await startLogging(s, 'prompt'), call('ListTrails', await s.cloudtrail().send(new ListTrailsCommand({})))];
    await s.deliver();
    assert.deepEqual(await delivered(s, bucket), calls.sort());
  });
});
