/**
 * Trails across regions through the official SDK: single-region trails exist only in their home
 * region, multi-region trails show a shadow in every region, reads by name or ARN as AWS allows
 * them, mutations only from the home region, the 5-trails-per-region quota (a multi-region trail
 * counting everywhere) on CreateTrail and UpdateTrail, and ListTrails' pages.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsCommand,
  CloudTrailARNInvalidException,
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  InvalidHomeRegionException,
  ListTrailsCommand,
  MaximumNumberOfTrailsExceededException,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  UpdateTrailCommand,
  type CloudTrailClient,
} from '@aws-sdk/client-cloudtrail';
import type { OperationContext } from '../../src/aws/service.js';
import { listTrailsOperationWith } from '../../src/services/cloudtrail/list-trails.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeBucket, rejectsWith } from '../helpers/trails.js';

let server: TestServer;
let acct: string;
const clients = new Map<string, CloudTrailClient>();
const ct = (region: string) => {
  let c = clients.get(region);
  if (!c) clients.set(region, (c = server.cloudtrail(region)));
  return c;
};

before(async () => {
  server = await startTestServer({ config: { regions: 'us-east-1,us-east-2,us-west-2,eu-west-1' } });
  acct = server.accountId;
  await makeBucket(server, 'region-logs');
});
after(async () => server.stop());

const arn = (name: string, region: string) => `arn:aws:cloudtrail:${region}:${acct}:trail/${name}`;
const create = (region: string, name: string, multi = false) =>
  ct(region).send(new CreateTrailCommand({ Name: name, S3BucketName: 'region-logs', IsMultiRegionTrail: multi }));
const remove = (region: string, name: string) => ct(region).send(new DeleteTrailCommand({ Name: name }));
const listed = async (region: string) =>
  ((await ct(region).send(new ListTrailsCommand({}))).Trails ?? []).map((t) => `${t.Name}@${t.HomeRegion}`);

test('single-region trails live in their home region; multi-region trails shadow every region', async () => {
  await create('us-east-1', 'solo');
  await create('us-east-2', 'everywhere', true);

  assert.deepEqual(await listed('us-east-1'), ['solo@us-east-1', 'everywhere@us-east-2']);
  assert.deepEqual(await listed('eu-west-1'), ['everywhere@us-east-2']);
  const eu = ct('eu-west-1');
  const described = await eu.send(new DescribeTrailsCommand({}));
  assert.deepEqual(described.trailList?.map((t) => [t.Name, t.HomeRegion, t.IsMultiRegionTrail]), [['everywhere', 'us-east-2', true]]);
  assert.deepEqual((await eu.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList, []);
  const byName = await eu.send(new DescribeTrailsCommand({ trailNameList: ['everywhere', 'solo', 'unknown', arn('solo', 'us-east-1')] }));
  assert.deepEqual(byName.trailList?.map((t) => t.TrailARN), [arn('everywhere', 'us-east-2'), arn('solo', 'us-east-1')]);

  // GetTrail finds a shadow by name; GetTrailStatus and GetEventSelectors need its ARN.
  assert.equal((await eu.send(new GetTrailCommand({ Name: 'everywhere' }))).Trail?.HomeRegion, 'us-east-2');
  await rejectsWith(eu.send(new GetTrailCommand({ Name: 'solo' })), TrailNotFoundException);
  await rejectsWith(eu.send(new GetTrailCommand({ Name: arn('solo', 'us-east-1') })), TrailNotFoundException);
  await rejectsWith(
    eu.send(new GetTrailStatusCommand({ Name: 'everywhere' })),
    TrailNotFoundException,
    `Unknown trail: ${arn('everywhere', 'eu-west-1')} for the user: ${acct}`,
  );
  await rejectsWith(eu.send(new GetEventSelectorsCommand({ TrailName: 'everywhere' })), TrailNotFoundException);
  assert.equal((await eu.send(new GetTrailStatusCommand({ Name: arn('everywhere', 'us-east-2') }))).IsLogging, false);
  const sel = await eu.send(new GetEventSelectorsCommand({ TrailName: arn('everywhere', 'us-east-2') }));
  assert.equal(sel.TrailARN, arn('everywhere', 'us-east-2'));

  // Names are unique where the trail is visible.
  await rejectsWith(create('eu-west-1', 'everywhere'), TrailAlreadyExistsException);
  await rejectsWith(create('us-west-2', 'solo', true), TrailAlreadyExistsException);
  // Changing it from a region where it has no copy is still a home-region error (by ARN).
  await rejectsWith(eu.send(new DeleteTrailCommand({ Name: arn('solo', 'us-east-1') })), InvalidHomeRegionException);
  await rejectsWith(eu.send(new DeleteTrailCommand({ Name: 'solo' })), TrailNotFoundException);
  await remove('us-east-1', 'solo');
});

test('a trail changes only from its home region', async () => {
  const eu = ct('eu-west-1');
  const shadow = arn('everywhere', 'us-east-2');
  for (const ref of ['everywhere', shadow]) {
    await rejectsWith(eu.send(new UpdateTrailCommand({ Name: ref, EnableLogFileValidation: true })), InvalidHomeRegionException);
    await rejectsWith(eu.send(new StartLoggingCommand({ Name: ref })), InvalidHomeRegionException);
    await rejectsWith(eu.send(new DeleteTrailCommand({ Name: ref })), InvalidHomeRegionException);
    await rejectsWith(
      eu.send(new PutEventSelectorsCommand({ TrailName: ref, EventSelectors: [{ ReadWriteType: 'WriteOnly' }] })),
      InvalidHomeRegionException,
    );
  }
  await rejectsWith(
    eu.send(new AddTagsCommand({ ResourceId: shadow, TagsList: [{ Key: 'k' }] })),
    CloudTrailARNInvalidException,
    'Region in ARN is wrong, you can only access resources in region eu-west-1.',
  );
  await ct('us-east-2').send(new StartLoggingCommand({ Name: 'everywhere' }));
  assert.equal((await eu.send(new GetTrailStatusCommand({ Name: shadow }))).IsLogging, true, 'logging covers every region');
});

test('turning multi-region off and on removes and restores shadows, with global service events', async () => {
  const home = ct('us-east-2');
  const single = await home.send(new UpdateTrailCommand({ Name: 'everywhere', IsMultiRegionTrail: false }));
  assert.equal(single.IsMultiRegionTrail, false);
  assert.equal(single.IncludeGlobalServiceEvents, false);
  assert.deepEqual(await listed('eu-west-1'), []);
  const multi = await home.send(new UpdateTrailCommand({ Name: 'everywhere', IsMultiRegionTrail: true }));
  assert.equal(multi.IncludeGlobalServiceEvents, true);
  assert.deepEqual(await listed('eu-west-1'), ['everywhere@us-east-2']);
  const kept = await home.send(new UpdateTrailCommand({ Name: 'everywhere', IsMultiRegionTrail: false, IncludeGlobalServiceEvents: true }));
  assert.equal(kept.IncludeGlobalServiceEvents, true);
  await remove('us-east-2', 'everywhere');
  assert.deepEqual(await listed('eu-west-1'), []);
});

test('at most 5 trails per region, a multi-region trail counting in every region', async () => {
  await create('us-east-1', 'mr1', true);
  for (const n of ['eu1', 'eu2', 'eu3', 'eu4']) await create('eu-west-1', n);
  await rejectsWith(
    create('eu-west-1', 'eu5'),
    MaximumNumberOfTrailsExceededException,
    `User: ${acct} already has 5 trails in eu-west-1.`,
  );
  await rejectsWith(create('us-west-2', 'mr2', true), MaximumNumberOfTrailsExceededException, /in eu-west-1\.$/);
  await create('us-west-2', 'uw1');
  // UpdateTrail to multi-region must fit too (AWS raises it though UpdateTrail does not model it).
  await rejectsWith(
    ct('us-west-2').send(new UpdateTrailCommand({ Name: 'uw1', IsMultiRegionTrail: true })),
    'MaximumNumberOfTrailsExceededException',
    `User: ${acct} already has 5 trails in eu-west-1.`,
  );
  await remove('eu-west-1', 'eu4');
  const updated = await ct('us-west-2').send(new UpdateTrailCommand({ Name: 'uw1', IsMultiRegionTrail: true }));
  assert.equal(updated.IsMultiRegionTrail, true);
  assert.deepEqual(await listed('eu-west-1'), ['eu1@eu-west-1', 'eu2@eu-west-1', 'eu3@eu-west-1', 'mr1@us-east-1', 'uw1@us-west-2']);
  assert.equal((await ct('eu-west-1').send(new ListTrailsCommand({}))).NextToken, undefined);
  for (const n of ['eu1', 'eu2', 'eu3']) await remove('eu-west-1', n);
  await remove('us-east-1', 'mr1');
  await remove('us-west-2', 'uw1');
});

test('ListTrails pages continue after the last ARN; tokens are sealed to account and region', async () => {
  for (const n of ['pg1', 'pg2', 'pg3', 'pg4', 'pg5']) await create('us-west-2', n);
  const base = { services: server.app.context, principal: undefined as never, accountId: acct, region: 'us-west-2', requestId: 'r', authorize: async () => undefined };
  const ctx: OperationContext = { ...base, stage: () => assert.fail('ListTrails changes nothing') };
  const list = listTrailsOperationWith(2).handler;
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await list(token === undefined ? {} : { NextToken: token }, ctx);
    pages.push((page.Trails ?? []).map((t) => t.Name!));
    token = page.NextToken;
    if (pages.length === 1) await remove('us-west-2', 'pg2'); // removing a listed trail shifts nothing
  } while (token !== undefined);
  assert.deepEqual(pages, [['pg1', 'pg2'], ['pg3', 'pg4'], ['pg5']]);

  const first = await list({}, ctx);
  await rejectsWith(list({ NextToken: first.NextToken! }, { ...ctx, region: 'us-east-1' }), 'InvalidNextTokenException');
  await rejectsWith(list({ NextToken: `${first.NextToken!}x` }, ctx), 'InvalidNextTokenException');
  await rejectsWith(ct('us-west-2').send(new ListTrailsCommand({ NextToken: 'garbage' })), 'InvalidNextTokenException');
  for (const n of ['pg1', 'pg3', 'pg4', 'pg5']) await remove('us-west-2', n);
});
