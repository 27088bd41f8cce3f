/**
 * LookupEvents through the official SDK against a real server: every parameter, pagination
 * across 1,000+ events, each error as the SDK's typed exception, and the recorded fields.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  LookupEventsCommand,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidTimeRangeException,
  InvalidNextTokenException,
  InvalidEventCategoryException,
  CloudTrailServiceException,
  type LookupEventsCommandInput,
  type CloudTrailClient,
  GetTrailCommand,
  TrailNotFoundException,
} from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let ct: CloudTrailClient;

before(async () => {
  server = await startTestServer();
  ct = server.cloudtrail('us-east-1');
});
after(async () => server.stop());

const lookup = (input: LookupEventsCommandInput = {}) => ct.send(new LookupEventsCommand(input));
const byName = (value: string, extra: LookupEventsCommandInput = {}) =>
  lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: value }], ...extra });

test('every call is recorded and found by EventName, newest first, with AWS fields', async () => {
  const first = await lookup({ MaxResults: 1 });
  const second = await lookup({ MaxResults: 2 });
  const { Events = [] } = await byName('LookupEvents');
  assert.ok(Events.length >= 2);
  const ids = Events.map((e) => JSON.parse(e.CloudTrailEvent!).requestID);
  assert.deepEqual(ids.slice(0, 2), [second.$metadata.requestId, first.$metadata.requestId]);
  const e = Events[0]!;
  assert.equal(e.EventName, 'LookupEvents');
  assert.equal(e.EventSource, 'cloudtrail.amazonaws.com');
  assert.equal(e.ReadOnly, 'true');
  assert.equal(e.Username, 'root');
  assert.equal(e.AccessKeyId, server.credentials.accessKeyId);
  assert.ok(e.EventTime instanceof Date);
  const r = JSON.parse(e.CloudTrailEvent!);
  assert.equal(r.eventVersion, '1.11');
  assert.deepEqual(r.userIdentity, {
    type: 'Root',
    principalId: server.accountId,
    arn: `arn:aws:iam::${server.accountId}:root`,
    accountId: server.accountId,
    accessKeyId: server.credentials.accessKeyId,
  });
  assert.match(r.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.awsRegion, 'us-east-1');
  assert.equal(r.sourceIPAddress, '127.0.0.1');
  assert.match(r.userAgent, /aws-sdk-js/);
  assert.deepEqual(r.requestParameters, { maxResults: 2 });
  assert.equal(r.responseElements, null);
  assert.equal(r.readOnly, true);
  assert.equal(r.eventType, 'AwsApiCall');
  assert.equal(r.managementEvent, true);
  assert.equal(r.recipientAccountId, server.accountId);
  assert.equal(r.eventCategory, 'Management');
  assert.match(r.eventID, /^[0-9a-f-]{36}$/);
  assert.equal(e.EventId, r.eventID);
});

test('failed calls are recorded with errorCode and errorMessage', async () => {
  await assert.rejects(ct.send(new GetTrailCommand({ Name: 'my-trail' })), TrailNotFoundException);
  const { Events = [] } = await byName('GetTrail');
  const r = JSON.parse(Events[0]!.CloudTrailEvent!);
  assert.equal(r.errorCode, 'TrailNotFoundException');
  assert.match(r.errorMessage, /^Unknown trail: arn:aws:cloudtrail:us-east-1:\d{12}:trail\/my-trail for the user: \d{12}$/);
  assert.deepEqual(r.requestParameters, { name: 'my-trail' });
  assert.equal(r.readOnly, true);
});

test('each lookup attribute filters exactly', async () => {
  const all = (await lookup({ MaxResults: 50 })).Events ?? [];
  const sample = all.find((e) => e.EventName === 'LookupEvents')!;
  const cases: [string, string][] = [
    ['EventId', sample.EventId!],
    ['EventName', 'GetTrail'],
    ['ReadOnly', 'true'],
    ['Username', 'root'],
    ['EventSource', 'cloudtrail.amazonaws.com'],
    ['AccessKeyId', server.credentials.accessKeyId],
  ];
  for (const [key, value] of cases) {
    const { Events = [] } = await lookup({ LookupAttributes: [{ AttributeKey: key as 'EventId', AttributeValue: value }] });
    assert.ok(Events.length > 0, `${key} finds events`);
    for (const e of Events) {
      const got = { EventId: e.EventId, EventName: e.EventName, ReadOnly: e.ReadOnly, Username: e.Username, EventSource: e.EventSource, AccessKeyId: e.AccessKeyId }[key];
      assert.equal(got, value, `${key} matches`);
    }
  }
  assert.deepEqual((await lookup({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] })).Events, []);
  assert.deepEqual((await byName('lookupevents')).Events, [], 'matching is case-sensitive');
  assert.deepEqual((await lookup({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: sample.EventId! }] })).Events?.length, 1);
});

test('ResourceType and ResourceName match any resource of an event', async () => {
  const now = Date.now();
  const base = JSON.parse((await lookup({ MaxResults: 1 })).Events![0]!.CloudTrailEvent!);
  await server.app.context.eventLog.append([
    {
      record: { ...base, eventID: 'res-event-1', eventName: 'CreateTrail', resources: [{ ARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/t1', accountId: server.accountId, type: 'AWS::CloudTrail::Trail' }] },
      eventTimeMs: now,
      accountId: server.accountId,
      region: 'us-east-1',
      category: 'management',
      username: 'root',
      lookupResources: [{ type: 'AWS::CloudTrail::Trail', name: 't1' }, { type: 'AWS::S3::Bucket', name: 'logs-bucket' }],
    },
  ]);
  for (const [key, value] of [['ResourceType', 'AWS::S3::Bucket'], ['ResourceName', 't1'], ['ResourceName', 'logs-bucket']] as const) {
    const { Events = [] } = await lookup({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] });
    assert.deepEqual(Events.map((e) => e.EventId), ['res-event-1'], `${key}=${value}`);
    assert.deepEqual(Events[0]!.Resources, [
      { ResourceType: 'AWS::CloudTrail::Trail', ResourceName: 't1' },
      { ResourceType: 'AWS::S3::Bucket', ResourceName: 'logs-bucket' },
    ]);
  }
});

test('StartTime and EndTime bound the results inclusively', async () => {
  const { Events = [] } = await lookup({ MaxResults: 5 });
  const t = Events[2]!.EventTime!;
  const upTo = (await lookup({ EndTime: t, MaxResults: 50 })).Events ?? [];
  assert.ok(upTo.every((e) => e.EventTime!.getTime() <= t.getTime()));
  const from = (await lookup({ StartTime: t, MaxResults: 50 })).Events ?? [];
  assert.ok(from.length >= 3 && from.every((e) => e.EventTime!.getTime() >= t.getTime()));
  const future = await lookup({ StartTime: new Date(Date.now() + 3_600_000), EndTime: new Date(Date.now() + 7_200_000) });
  assert.deepEqual(future.Events, []);
});

test('MaxResults defaults to 50 and is honoured', async () => {
  for (let i = 0; i < 55; i++) await lookup({ MaxResults: 1 });
  assert.equal((await lookup()).Events?.length, 50);
  assert.equal((await lookup({ MaxResults: 7 })).Events?.length, 7);
});

test('EventCategory insight is accepted and returns only Insights events', async () => {
  const { Events } = await lookup({ EventCategory: 'insight' });
  assert.deepEqual(Events, []);
});

test('errors arrive as the SDK typed exceptions', async () => {
  const two = lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] });
  await assert.rejects(two, InvalidLookupAttributesException);
  await assert.rejects(lookup({ LookupAttributes: [{ AttributeKey: 'Nope' as 'EventName', AttributeValue: 'a' }] }), InvalidLookupAttributesException);
  await assert.rejects(lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'HostName' }], EventCategory: 'insight' }), InvalidLookupAttributesException);
  await assert.rejects(byName('_'.repeat(1001)), InvalidLookupAttributesException);
  await assert.rejects(lookup({ MaxResults: 0 }), InvalidMaxResultsException);
  await assert.rejects(lookup({ MaxResults: 51 }), InvalidMaxResultsException);
  await assert.rejects(lookup({ StartTime: new Date(2_000_000_000_000), EndTime: new Date(1_000_000_000_000) }), InvalidTimeRangeException);
  await assert.rejects(lookup({ EventCategory: 'management' as 'insight' }), InvalidEventCategoryException);
  await assert.rejects(lookup({ NextToken: 'garbage' }), InvalidNextTokenException);
  const page = await lookup({ MaxResults: 2 });
  assert.ok(page.NextToken);
  const flipped = page.NextToken!.slice(0, 5) + (page.NextToken![5] === 'A' ? 'B' : 'A') + page.NextToken!.slice(6);
  await assert.rejects(lookup({ MaxResults: 2, NextToken: flipped }), InvalidNextTokenException);
  await assert.rejects(byName('LookupEvents', { NextToken: page.NextToken }), InvalidNextTokenException, 'other parameters');
  await assert.rejects(server.cloudtrail('us-west-2').send(new LookupEventsCommand({ MaxResults: 2, NextToken: page.NextToken })), InvalidNextTokenException, 'other region');
  const ok = await lookup({ MaxResults: 2, NextToken: page.NextToken });
  assert.equal(ok.Events?.length, 2);
  const err = await lookup({ MaxResults: 0 }).catch((e: unknown) => e);
  assert.ok(err instanceof CloudTrailServiceException);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.match(err.message, /MaxResults/);
});

test('events are per region', async () => {
  const west = server.cloudtrail('us-west-2');
  const call = await west.send(new LookupEventsCommand({ MaxResults: 3 }));
  const inWest = (await west.send(new LookupEventsCommand({}))).Events ?? [];
  assert.ok(inWest.some((e) => JSON.parse(e.CloudTrailEvent!).requestID === call.$metadata.requestId));
  assert.ok(inWest.every((e) => JSON.parse(e.CloudTrailEvent!).awsRegion === 'us-west-2'));
  const inEast = (await lookup({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: inWest[0]!.EventId! }] })).Events;
  assert.deepEqual(inEast, []);
});

test('pagination walks 1,000+ events without duplicates or gaps while new events arrive', async () => {
  const region = 'eu-west-1';
  const c = server.cloudtrail(region);
  const made: string[] = [];
  const batch = async (n: number) => {
    await Promise.all(
      Array.from({ length: n }, async () => {
        const out = await c.send(new LookupEventsCommand({ MaxResults: 1, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'none' }] }));
        made.push(out.$metadata.requestId!);
      }),
    );
  };
  for (let i = 0; i < 21; i++) await batch(50);
  const existing = new Set(made);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  const filter = { LookupAttributes: [{ AttributeKey: 'EventSource' as const, AttributeValue: 'cloudtrail.amazonaws.com' }] };
  do {
    const page = await c.send(new LookupEventsCommand({ ...filter, MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
    for (const e of page.Events ?? []) seen.push(JSON.parse(e.CloudTrailEvent!).requestID);
    token = page.NextToken;
    pages++;
    if (pages % 5 === 0) await batch(10); // new events arriving mid-walk
  } while (token);
  assert.equal(new Set(seen).size, seen.length, 'no duplicates');
  for (const id of existing) assert.ok(seen.includes(id), `event ${id} present`);
  assert.ok(pages >= 21);
});
