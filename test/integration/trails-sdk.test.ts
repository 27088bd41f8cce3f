/**
 * Trail lifecycle through the official SDK against a real server: CreateTrail's answer and
 * defaults, every setting and how UpdateTrail changes or clears it, StartLogging/StopLogging and
 * GetTrailStatus, DeleteTrail, each validation error as the SDK's typed exception with AWS's
 * message, and the records the calls leave in event history.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudTrailARNInvalidException,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  InsightNotEnabledException,
  InsufficientS3BucketPolicyException,
  InvalidCloudWatchLogsLogGroupArnException,
  InvalidCloudWatchLogsRoleArnException,
  InvalidKmsKeyIdException,
  InvalidParameterCombinationException,
  InvalidS3BucketNameException,
  InvalidS3PrefixException,
  InvalidSnsTopicNameException,
  InvalidTagParameterException,
  InvalidTrailNameException,
  LookupEventsCommand,
  OrganizationsNotInUseException,
  S3BucketDoesNotExistException,
  StartLoggingCommand,
  StopLoggingCommand,
  TagsLimitExceededException,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  UpdateTrailCommand,
  type CloudTrailClient,
  type CreateTrailCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../../src/lib/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeBucket, rejectsWith } from '../helpers/trails.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
let server: TestServer;
let ct: CloudTrailClient;
let acct: string;
const clock = new ManualClock(Date.now());

before(async () => {
  server = await startTestServer({ clock });
  ct = server.cloudtrail('us-east-1');
  acct = server.accountId;
  await makeBucket(server, 'trail-logs');
  await makeBucket(server, 'prefixed-logs', { prefix: 'logs' });
  await makeBucket(server, 'no-policy', { policy: false });
});
after(async () => server.stop());

const arn = (name: string, region = 'us-east-1') => `arn:aws:cloudtrail:${region}:${acct}:trail/${name}`;
const create = (input: CreateTrailCommandInput) => ct.send(new CreateTrailCommand(input));
const strip = <T extends { $metadata?: unknown }>(out: T): Omit<T, '$metadata'> => {
  const { $metadata: _, ...rest } = out;
  return rest;
};

test('CreateTrail answers AWS members with AWS defaults, and the read operations agree', async () => {
  const out = await create({ Name: 'defaults', S3BucketName: 'trail-logs' });
  assert.deepEqual(strip(out), {
    Name: 'defaults',
    S3BucketName: 'trail-logs',
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    TrailARN: arn('defaults'),
    LogFileValidationEnabled: false,
    IsOrganizationTrail: false,
  });
  const { Trail } = await ct.send(new GetTrailCommand({ Name: 'defaults' }));
  assert.deepEqual(Trail, {
    Name: 'defaults',
    S3BucketName: 'trail-logs',
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    HomeRegion: 'us-east-1',
    TrailARN: arn('defaults'),
    LogFileValidationEnabled: false,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  });
  const selectors = await ct.send(new GetEventSelectorsCommand({ TrailName: arn('defaults') }));
  assert.deepEqual(strip(selectors), {
    TrailARN: arn('defaults'),
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
  });
  const status = await ct.send(new GetTrailStatusCommand({ Name: 'defaults' }));
  assert.deepEqual(strip(status), {
    IsLogging: false,
    LatestDeliveryAttemptTime: '',
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    LatestDeliveryAttemptSucceeded: '',
    TimeLoggingStarted: '',
    TimeLoggingStopped: '',
  });
  await rejectsWith(
    ct.send(new GetInsightSelectorsCommand({ TrailName: 'defaults' })),
    InsightNotEnabledException,
    'Trail defaults does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.',
  );
  await ct.send(new DeleteTrailCommand({ Name: 'defaults' }));
  await rejectsWith(
    ct.send(new GetTrailCommand({ Name: 'defaults' })),
    TrailNotFoundException,
    `Unknown trail: ${arn('defaults')} for the user: ${acct}`,
  );
});

test('every setting is stored and answered; UpdateTrail changes only what it is given and "" clears', async () => {
  const out = await create({
    Name: 'full',
    S3BucketName: 'prefixed-logs',
    S3KeyPrefix: 'logs',
    SnsTopicName: 'trail-topic',
    EnableLogFileValidation: true,
    CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${acct}:log-group:trail-group:*`,
    CloudWatchLogsRoleArn: `arn:aws:iam::${acct}:role/CloudTrailToLogs`,
    KmsKeyId: KEY_ID,
  });
  assert.equal(out.S3KeyPrefix, 'logs');
  assert.equal(out.SnsTopicName, 'trail-topic');
  assert.equal(out.SnsTopicARN, `arn:aws:sns:us-east-1:${acct}:trail-topic`);
  assert.equal(out.KmsKeyId, `arn:aws:kms:us-east-1:${acct}:key/${KEY_ID}`);
  assert.equal(out.LogFileValidationEnabled, true);
  assert.equal(out.CloudWatchLogsRoleArn, `arn:aws:iam::${acct}:role/CloudTrailToLogs`);
  assert.ok(!('HomeRegion' in out), 'no HomeRegion in the create answer');

  // A changed prefix must pass the bucket policy again: prefixed-logs only lets CloudTrail write under logs/.
  await rejectsWith(
    ct.send(new UpdateTrailCommand({ Name: 'full', S3KeyPrefix: 'elsewhere' })),
    InsufficientS3BucketPolicyException,
    'Incorrect S3 bucket policy is detected for bucket: prefixed-logs',
  );
  await rejectsWith(
    ct.send(new UpdateTrailCommand({ Name: 'full', CloudWatchLogsRoleArn: '' })),
    InvalidCloudWatchLogsRoleArnException,
  );
  const cleared = await ct.send(
    new UpdateTrailCommand({
      Name: arn('full'),
      S3BucketName: 'trail-logs',
      S3KeyPrefix: '',
      SnsTopicName: '',
      KmsKeyId: '',
      CloudWatchLogsLogGroupArn: '',
      CloudWatchLogsRoleArn: '',
    }),
  );
  assert.deepEqual(strip(cleared), {
    Name: 'full',
    S3BucketName: 'trail-logs',
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    TrailARN: arn('full'),
    LogFileValidationEnabled: true,
    IsOrganizationTrail: false,
  });
  const alias = await ct.send(new UpdateTrailCommand({ Name: 'full', KmsKeyId: 'alias/trail-key', SnsTopicName: `arn:aws:sns:us-west-2:${acct}:elsewhere` }));
  assert.equal(alias.KmsKeyId, `arn:aws:kms:us-east-1:${acct}:alias/trail-key`);
  assert.equal(alias.SnsTopicName, 'elsewhere');
  assert.equal(alias.SnsTopicARN, `arn:aws:sns:us-west-2:${acct}:elsewhere`);
  assert.equal(alias.LogFileValidationEnabled, true);
  await rejectsWith(
    ct.send(new UpdateTrailCommand({ Name: 'full', S3BucketName: 'no-policy' })),
    InsufficientS3BucketPolicyException,
    'Incorrect S3 bucket policy is detected for bucket: no-policy',
  );
  await rejectsWith(
    ct.send(new UpdateTrailCommand({ Name: 'full', S3BucketName: 'not-there' })),
    S3BucketDoesNotExistException,
    'S3 bucket not-there does not exist.',
  );
  await rejectsWith(ct.send(new UpdateTrailCommand({ Name: 'missing', EnableLogFileValidation: false })), TrailNotFoundException);
  await ct.send(new DeleteTrailCommand({ Name: 'full' }));
});

test('invalid trail names answer AWS messages', async () => {
  const cases: [string, string][] = [
    ['', 'Trail name cannot be blank!'],
    ['ab', 'Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters.'],
    ['a'.repeat(129), 'Trail name too long. Maximum allowed length: 128 characters. Specified name length: 129 characters.'],
    ['-trail', 'Trail name must starts with a letter or number.'],
    ['trail!', 'Trail name must ends with a letter or number.'],
    ['my#trail', 'Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).'],
    ['my-_trail', 'Trail name or ARN cannot have adjacent periods (.), hyphens (-), or underscores (_).'],
    ['192.168.5.4', 'Trail names must not be formatted as an IP address.'],
  ];
  for (const [name, message] of cases) {
    await rejectsWith(create({ Name: name, S3BucketName: 'trail-logs' }), InvalidTrailNameException, message);
  }
  await rejectsWith(ct.send(new GetTrailCommand({ Name: 'x y z' })), InvalidTrailNameException);
});

test('invalid settings answer their modeled exceptions and create nothing', async () => {
  const base = { Name: 'invalid', S3BucketName: 'trail-logs' };
  await rejectsWith(create({ ...base, S3BucketName: 'Bad_Bucket' }), InvalidS3BucketNameException, 'Bucket name should not contain uppercase characters');
  await rejectsWith(create({ ...base, S3BucketName: 'bad_bucket' }), InvalidS3BucketNameException, "Bucket name should not contain '_'");
  await rejectsWith(create({ ...base, S3BucketName: 'not-there' }), S3BucketDoesNotExistException, 'S3 bucket not-there does not exist.');
  await rejectsWith(
    create({ ...base, S3BucketName: 'no-policy' }),
    InsufficientS3BucketPolicyException,
    'Incorrect S3 bucket policy is detected for bucket: no-policy',
  );
  await rejectsWith(create({ ...base, S3KeyPrefix: 'p'.repeat(201) }), InvalidS3PrefixException);
  await rejectsWith(create({ ...base, SnsTopicName: 'bad topic' }), InvalidSnsTopicNameException);
  await rejectsWith(create({ ...base, KmsKeyId: 'not a key' }), InvalidKmsKeyIdException);
  const group = `arn:aws:logs:us-east-1:${acct}:log-group:g:*`;
  await rejectsWith(create({ ...base, CloudWatchLogsLogGroupArn: group }), InvalidCloudWatchLogsRoleArnException);
  await rejectsWith(create({ ...base, CloudWatchLogsRoleArn: `arn:aws:iam::${acct}:role/r` }), InvalidCloudWatchLogsLogGroupArnException);
  await rejectsWith(
    create({ ...base, CloudWatchLogsLogGroupArn: 'arn:aws:s3:::nope', CloudWatchLogsRoleArn: `arn:aws:iam::${acct}:role/r` }),
    InvalidCloudWatchLogsLogGroupArnException,
  );
  await rejectsWith(
    create({ ...base, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false }),
    InvalidParameterCombinationException,
    'Multi-Region trail must include global service events.',
  );
  await rejectsWith(create({ ...base, IsOrganizationTrail: true }), OrganizationsNotInUseException);
  const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejectsWith(create({ ...base, TagsList: many }), TagsLimitExceededException);
  await rejectsWith(create({ ...base, TagsList: [{ Key: 'a' }, { Key: 'a', Value: 'b' }] }), InvalidTagParameterException);
  await rejectsWith(create({ ...base, TagsList: [{ Key: 'aws:reserved' }] }), InvalidTagParameterException);
  await rejectsWith(ct.send(new GetTrailCommand({ Name: 'invalid' })), TrailNotFoundException);
});

test('a name is unique in its region; ARNs must be well formed and the caller’s', async () => {
  await create({ Name: 'taken', S3BucketName: 'trail-logs' });
  await rejectsWith(
    create({ Name: 'taken', S3BucketName: 'trail-logs' }),
    TrailAlreadyExistsException,
    `Trail taken already exists for customer: ${acct}`,
  );
  await rejectsWith(ct.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:us-east-1:123:trail/taken' })), CloudTrailARNInvalidException);
  await rejectsWith(ct.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:us-east-1' })), CloudTrailARNInvalidException);
  await rejectsWith(
    ct.send(new GetTrailCommand({ Name: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/taken' })),
    CloudTrailARNInvalidException,
    `AccountID in ARN is wrong, you can only access resources with AccountID ${acct}.`,
  );
  const { Trail } = await ct.send(new GetTrailCommand({ Name: arn('taken') }));
  assert.equal(Trail?.Name, 'taken');
  await ct.send(new DeleteTrailCommand({ Name: arn('taken') }));
});

test('StartLogging and StopLogging change status only on a real transition', async () => {
  await create({ Name: 'logger', S3BucketName: 'trail-logs' });
  const t0 = Math.floor(clock.now() / 1000) * 1000 + 1000;
  clock.set(t0);
  await ct.send(new StartLoggingCommand({ Name: 'logger' }));
  clock.advance(5000);
  await ct.send(new StartLoggingCommand({ Name: arn('logger') }));
  let status = await ct.send(new GetTrailStatusCommand({ Name: 'logger' }));
  assert.equal(status.IsLogging, true);
  assert.equal(status.StartLoggingTime?.getTime(), t0, 'a second StartLogging keeps the first start time');
  assert.equal(status.StopLoggingTime, undefined);
  assert.equal(status.TimeLoggingStarted, new Date(t0).toISOString().replace('.000Z', 'Z'));
  assert.equal(status.TimeLoggingStopped, '');

  clock.advance(5000);
  await ct.send(new StopLoggingCommand({ Name: 'logger' }));
  clock.advance(5000);
  await ct.send(new StopLoggingCommand({ Name: 'logger' }));
  status = await ct.send(new GetTrailStatusCommand({ Name: 'logger' }));
  assert.equal(status.IsLogging, false);
  assert.equal(status.StartLoggingTime?.getTime(), t0);
  assert.equal(status.StopLoggingTime?.getTime(), t0 + 10_000);
  assert.equal(status.TimeLoggingStopped, new Date(t0 + 10_000).toISOString().replace('.000Z', 'Z'));

  // UpdateTrail never changes the logging state.
  await ct.send(new StartLoggingCommand({ Name: 'logger' }));
  await ct.send(new UpdateTrailCommand({ Name: 'logger', EnableLogFileValidation: true }));
  assert.equal((await ct.send(new GetTrailStatusCommand({ Name: 'logger' }))).IsLogging, true);
  await rejectsWith(ct.send(new StartLoggingCommand({ Name: 'nope' })), TrailNotFoundException);
  await ct.send(new DeleteTrailCommand({ Name: 'logger' }));
});

async function recordOf(eventName: string, requestId: string | undefined): Promise<Record<string, unknown>> {
  const { Events = [] } = await ct.send(
    new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }] }),
  );
  const found = Events.map((e) => JSON.parse(e.CloudTrailEvent!) as Record<string, unknown>).find((r) => r.requestID === requestId);
  assert.ok(found, `no ${eventName} record for request ${requestId}`);
  return found;
}

test('each call leaves its record in event history with AWS parameters and elements', async () => {
  const created = await create({ Name: 'recorded', S3BucketName: 'trail-logs', TagsList: [{ Key: 'team', Value: 'sec' }] });
  const r = await recordOf('CreateTrail', created.$metadata.requestId);
  assert.equal(r.eventSource, 'cloudtrail.amazonaws.com');
  assert.equal(r.readOnly, false);
  assert.deepEqual(r.requestParameters, { name: 'recorded', s3BucketName: 'trail-logs', tagsList: [{ key: 'team', value: 'sec' }] });
  assert.deepEqual(r.responseElements, {
    name: 'recorded',
    s3BucketName: 'trail-logs',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: false,
    trailARN: arn('recorded'),
    logFileValidationEnabled: false,
    isOrganizationTrail: false,
  });

  const started = await ct.send(new StartLoggingCommand({ Name: 'recorded' }));
  const s = await recordOf('StartLogging', started.$metadata.requestId);
  assert.deepEqual(s.requestParameters, { name: 'recorded' });
  assert.equal(s.responseElements, null);

  const { Events = [] } = await ct.send(
    new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arn('recorded') }] }),
  );
  assert.deepEqual(
    Events.map((e) => e.EventName),
    ['StartLogging', 'CreateTrail'],
    'the trail is a resource of the calls that name it',
  );

  for (const [name, send] of [
    ['StopLogging', () => ct.send(new StopLoggingCommand({ Name: 'recorded' }))],
    ['UpdateTrail', () => ct.send(new UpdateTrailCommand({ Name: 'recorded', EnableLogFileValidation: true }))],
    ['DeleteTrail', () => ct.send(new DeleteTrailCommand({ Name: 'recorded' }))],
  ] as const) {
    const out = await send();
    const rec = await recordOf(name, out.$metadata.requestId);
    assert.equal(rec.errorCode, undefined);
    assert.equal((rec.requestParameters as { name?: string }).name, 'recorded');
  }

  const failed = await rejectsWith(ct.send(new GetTrailCommand({ Name: 'recorded' })), TrailNotFoundException);
  const f = await recordOf('GetTrail', (failed as { $metadata?: { requestId?: string } }).$metadata?.requestId);
  assert.equal(f.errorCode, 'TrailNotFoundException');
  assert.equal(f.errorMessage, `Unknown trail: ${arn('recorded')} for the user: ${acct}`);
  assert.equal(f.readOnly, true);
});
