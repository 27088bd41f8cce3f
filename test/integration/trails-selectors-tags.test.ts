/**
 * Event selectors, Insights selectors and tags through the official SDK: basic and advanced
 * selectors replace each other, the derived HasCustomEventSelectors/HasInsightSelectors flags,
 * Insights' dependency on logged management events, tags added, overwritten, removed and
 * limited, and every error as the SDK's typed exception.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsCommand,
  CloudTrailARNInvalidException,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  InsightNotEnabledException,
  InvalidEventSelectorsException,
  InvalidInsightSelectorsException,
  InvalidParameterCombinationException,
  InvalidTagParameterException,
  ListTagsCommand,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
  RemoveTagsCommand,
  ResourceNotFoundException,
  ResourceTypeNotSupportedException,
  TagsLimitExceededException,
  TrailNotFoundException,
  type CloudTrailClient,
  type ReadWriteType,
} from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeBucket, rejectsWith } from '../helpers/trails.js';

let server: TestServer;
let ct: CloudTrailClient;
let acct: string;
let trailArn: string;

before(async () => {
  server = await startTestServer();
  ct = server.cloudtrail('us-east-1');
  acct = server.accountId;
  await makeBucket(server, 'selector-logs');
  trailArn = (await ct.send(new CreateTrailCommand({ Name: 'sel', S3BucketName: 'selector-logs', TagsList: [{ Key: 'a', Value: '1' }] }))).TrailARN!;
});
after(async () => server.stop());

const dataSelector = {
  ReadWriteType: 'ReadOnly' as ReadWriteType,
  IncludeManagementEvents: true,
  DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::selector-logs/'] }],
  ExcludeManagementEventSources: [],
};
const advanced = [
  { Name: 'writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] },
];
const dataOnly = [
  { Name: 'objects', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
];

test('PutEventSelectors stores basic or advanced selectors, each replacing the other', async () => {
  const put = await ct.send(new PutEventSelectorsCommand({ TrailName: 'sel', EventSelectors: [dataSelector] }));
  assert.deepEqual(put.EventSelectors, [dataSelector]);
  assert.equal(put.AdvancedEventSelectors, undefined);
  assert.equal(put.TrailARN, trailArn);
  assert.deepEqual((await ct.send(new GetEventSelectorsCommand({ TrailName: 'sel' }))).EventSelectors, [dataSelector]);
  assert.equal((await ct.send(new GetTrailCommand({ Name: 'sel' }))).Trail?.HasCustomEventSelectors, true);

  const adv = await ct.send(new PutEventSelectorsCommand({ TrailName: trailArn, AdvancedEventSelectors: advanced }));
  assert.deepEqual(adv.AdvancedEventSelectors, advanced);
  const got = await ct.send(new GetEventSelectorsCommand({ TrailName: 'sel' }));
  assert.deepEqual(got.AdvancedEventSelectors, advanced);
  assert.equal(got.EventSelectors, undefined);

  await rejectsWith(
    ct.send(new PutEventSelectorsCommand({ TrailName: 'sel', EventSelectors: [dataSelector], AdvancedEventSelectors: advanced })),
    InvalidEventSelectorsException,
  );
  await rejectsWith(
    ct.send(new PutEventSelectorsCommand({ TrailName: 'sel', EventSelectors: [{ ReadWriteType: 'Sometimes' as ReadWriteType }] })),
    InvalidEventSelectorsException,
  );
  await rejectsWith(ct.send(new PutEventSelectorsCommand({ TrailName: 'sel' })), InvalidEventSelectorsException);
  await rejectsWith(
    ct.send(new PutEventSelectorsCommand({ TrailName: 'nope', EventSelectors: [dataSelector] })),
    TrailNotFoundException,
  );
  assert.deepEqual((await ct.send(new GetEventSelectorsCommand({ TrailName: 'sel' }))).AdvancedEventSelectors, advanced, 'failed puts change nothing');
});

test('Insights selectors need the management events they watch; [] turns Insights off', async () => {
  // The trail logs management writes only (advanced selectors of the previous test).
  await rejectsWith(
    ct.send(new PutInsightSelectorsCommand({ TrailName: 'sel', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }], EventDataStore: 'eds-1234' })),
    InvalidParameterCombinationException,
  );
  await rejectsWith(
    ct.send(new PutInsightSelectorsCommand({ TrailName: 'sel', InsightSelectors: [{ InsightType: 'Sometimes' as 'ApiCallRateInsight' }] })),
    InvalidInsightSelectorsException,
  );
  const put = await ct.send(new PutInsightSelectorsCommand({ TrailName: 'sel', InsightSelectors: [{ InsightType: 'ApiCallRateInsight' }] }));
  assert.deepEqual(put.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);
  assert.equal(put.TrailARN, trailArn);
  const got = await ct.send(new GetInsightSelectorsCommand({ TrailName: trailArn }));
  assert.deepEqual(got.InsightSelectors, [{ InsightType: 'ApiCallRateInsight' }]);
  assert.equal((await ct.send(new GetTrailCommand({ Name: 'sel' }))).Trail?.HasInsightSelectors, true);

  await ct.send(new PutEventSelectorsCommand({ TrailName: 'sel', AdvancedEventSelectors: dataOnly }));
  await rejectsWith(
    ct.send(new PutInsightSelectorsCommand({ TrailName: 'sel', InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }] })),
    InvalidInsightSelectorsException,
  );
  await ct.send(new PutInsightSelectorsCommand({ TrailName: 'sel', InsightSelectors: [] }));
  await rejectsWith(ct.send(new GetInsightSelectorsCommand({ TrailName: 'sel' })), InsightNotEnabledException);
  assert.equal((await ct.send(new GetTrailCommand({ Name: 'sel' }))).Trail?.HasInsightSelectors, false);
});

const tagsOf = async (arn: string) =>
  (await ct.send(new ListTagsCommand({ ResourceIdList: [arn] }))).ResourceTagList?.[0]?.TagsList;

test('AddTags overwrites by key, RemoveTags removes by key, at most 50 tags', async () => {
  await ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'a', Value: '2' }, { Key: 'b' }] }));
  assert.deepEqual(await tagsOf(trailArn), [{ Key: 'a', Value: '2' }, { Key: 'b' }]);
  await ct.send(new RemoveTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'a', Value: 'ignored' }, { Key: 'absent' }] }));
  assert.deepEqual(await tagsOf(trailArn), [{ Key: 'b' }]);

  const fortyNine = Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
  await ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: fortyNine }));
  assert.equal((await tagsOf(trailArn))?.length, 50);
  await ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'k0', Value: 'replaced' }] }));
  await rejectsWith(
    ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'one-too-many' }] })),
    TagsLimitExceededException,
    'The number of tags per trail has exceeded the permitted amount. Currently, the limit is 50.',
  );
  await rejectsWith(ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'bad\u0000key' }] })), InvalidTagParameterException);
  await rejectsWith(ct.send(new AddTagsCommand({ ResourceId: trailArn, TagsList: [{ Key: 'x', Value: 'v'.repeat(257) }] })), InvalidTagParameterException);
  assert.equal((await tagsOf(trailArn))?.find((t) => t.Key === 'k0')?.Value, 'replaced');
});

test('tag operations name trails by ARN of this region and account', async () => {
  await rejectsWith(ct.send(new ListTagsCommand({ ResourceIdList: ['sel'] })), CloudTrailARNInvalidException);
  await rejectsWith(ct.send(new ListTagsCommand({ ResourceIdList: ['arn:aws:s3:::selector-logs'] })), ResourceTypeNotSupportedException);
  await rejectsWith(
    ct.send(new AddTagsCommand({ ResourceId: `arn:aws:cloudtrail:us-east-1:${acct}:trail/none`, TagsList: [{ Key: 'k' }] })),
    ResourceNotFoundException,
  );
  await rejectsWith(
    ct.send(new ListTagsCommand({ ResourceIdList: [`arn:aws:cloudtrail:us-east-1:${acct}:eventdatastore/0b2c7c4e-3d2a-4f5b-9c1d-2e3f4a5b6c7d`] })),
    ResourceNotFoundException,
  );
  await rejectsWith(
    ct.send(new RemoveTagsCommand({ ResourceId: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/sel', TagsList: [{ Key: 'b' }] })),
    CloudTrailARNInvalidException,
    `AccountID in ARN is wrong, you can only access resources with AccountID ${acct}.`,
  );
  await rejectsWith(
    ct.send(new ListTagsCommand({ ResourceIdList: Array.from({ length: 21 }, () => trailArn) })),
    'InvalidParameterException',
  );
});

test('tags and selectors go with the trail: a new trail of the same name starts fresh', async () => {
  await ct.send(new DeleteTrailCommand({ Name: 'sel' }));
  await ct.send(new CreateTrailCommand({ Name: 'sel', S3BucketName: 'selector-logs' }));
  assert.deepEqual(await tagsOf(trailArn), []);
  const selectors = await ct.send(new GetEventSelectorsCommand({ TrailName: 'sel' }));
  assert.equal(selectors.EventSelectors?.[0]?.IncludeManagementEvents, true);
  assert.equal((await ct.send(new GetTrailCommand({ Name: 'sel' }))).Trail?.HasCustomEventSelectors, false);
});
