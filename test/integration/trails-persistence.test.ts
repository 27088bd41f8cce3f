/**
 * Trails are durable: everything a trail call changed (settings, selectors, Insights, tags,
 * logging status, deletion) is still there after the server restarts on the same data dir,
 * because it commits with the call's event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  ListTrailsCommand,
  PutEventSelectorsCommand,
  PutInsightSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CloudTrailClient,
} from '@aws-sdk/client-cloudtrail';
import { startTestServer, tempDir } from '../helpers/server.js';
import { makeBucket } from '../helpers/trails.js';

async function snapshot(ct: CloudTrailClient, arn: string) {
  const strip = <T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T) => rest;
  return {
    trails: strip(await ct.send(new DescribeTrailsCommand({}))),
    list: strip(await ct.send(new ListTrailsCommand({}))),
    selectors: strip(await ct.send(new GetEventSelectorsCommand({ TrailName: arn }))),
    insights: strip(await ct.send(new GetInsightSelectorsCommand({ TrailName: arn }))),
    tags: strip(await ct.send(new ListTagsCommand({ ResourceIdList: [arn] }))),
    status: strip(await ct.send(new GetTrailStatusCommand({ Name: arn }))),
  };
}

test('every trail change survives a restart', async () => {
  const dataDir = tempDir();
  const first = await startTestServer({ dataDir, config: { regions: 'us-east-1,eu-west-1' } });
  const ct = first.cloudtrail('eu-west-1');
  await makeBucket(first, 'durable-logs');
  const { TrailARN: arn } = await ct.send(
    new CreateTrailCommand({ Name: 'durable', S3BucketName: 'durable-logs', KmsKeyId: 'alias/k', TagsList: [{ Key: 'team', Value: 'sec' }] }),
  );
  await ct.send(new CreateTrailCommand({ Name: 'doomed', S3BucketName: 'durable-logs' }));
  await ct.send(new UpdateTrailCommand({ Name: 'durable', IsMultiRegionTrail: true, KmsKeyId: '' }));
  await ct.send(
    new PutEventSelectorsCommand({
      TrailName: 'durable',
      EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::durable-logs/'] }] }],
    }),
  );
  await ct.send(new PutInsightSelectorsCommand({ TrailName: 'durable', InsightSelectors: [{ InsightType: 'ApiErrorRateInsight' }] }));
  await ct.send(new StartLoggingCommand({ Name: 'durable' }));
  await ct.send(new DeleteTrailCommand({ Name: 'doomed' }));
  const before = await snapshot(ct, arn!);
  assert.equal(before.trails.trailList?.length, 1);
  assert.equal(before.status.IsLogging, true);
  await first.stop(true);

  const second = await startTestServer({ dataDir, config: { regions: 'us-east-1,eu-west-1' } });
  try {
    const after = await snapshot(second.cloudtrail('eu-west-1'), arn!);
    assert.deepEqual(after, before);
    const shadow = await second.cloudtrail('us-east-1').send(new ListTrailsCommand({}));
    assert.deepEqual(shadow.Trails?.map((t) => t.TrailARN), [arn]);
  } finally {
    await second.stop();
  }
});
