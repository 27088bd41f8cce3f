/**
 * Issue 3's acceptance walk-through with the unchanged AWS CLI (v1 from pyenv, v2 from Debian:
 * both must be installed, see .ci/run) against a real server: make a bucket, give CloudTrail its
 * bucket policy (with `opentrail bucket-policy`), create single- and multi-region trails, look
 * at them from the home region and another, start logging, choose events with basic then
 * advanced selectors, update, copy objects up and down and list them, delete. Every output is
 * checked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AWS_CLIS, cliEnv } from '../helpers/aws-cli.js';
import { prng } from '../helpers/prng.js';

const run = promisify(execFile);
let server: TestServer;


before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());

const env = (region: string) => ({ ...cliEnv(server, { region }), AWS_ENDPOINT_URL: server.endpoint });

type Cli = (args: string[], region?: string) => Promise<string>;

function cliFor(bin: string): Cli {
  return async (args, region = 'us-east-1') => {
    try {
      // --endpoint-url rather than AWS_ENDPOINT_URL: Debian's CLI v2 predates that variable.
      const { stdout } = await run(bin, ['--endpoint-url', server.endpoint, ...args], { env: env(region), maxBuffer: 16 << 20 });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`aws ${args.join(' ')} failed: ${err.stderr ?? err.message}`);
    }
  };
}

async function fails(cli: Cli, args: string[], region = 'us-east-1'): Promise<string> {
  const err = await cli(args, region).then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.ok(err !== undefined, `expected aws ${args.join(' ')} to fail`);
  return err;
}

const json = async (p: Promise<string>) => JSON.parse(await p) as Record<string, unknown>;

/** `opentrail bucket-policy` as a user runs it (through tsx, as `npm run opentrail` does). */
async function opentrail(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, ...env('us-east-1') },
  });
  return stdout;
}

for (const { name, bin } of AWS_CLIS) {
  test(`AWS CLI ${name}: buckets, trails, selectors and objects end to end`, async () => {
    assert.ok(bin === 'aws' || existsSync(bin), `${bin} must be installed (see .ci/run)`);
    const aws = cliFor(bin);
    const bucket = `trail-logs-${name}`;
    const acct = server.accountId;
    const single = `single-${name}`;
    const multi = `multi-${name}`;

    assert.equal((await aws(['s3', 'mb', `s3://${bucket}`])).trim(), `make_bucket: ${bucket}`);

    // Without CloudTrail's bucket policy the trail is refused, exactly as AWS does.
    const refused = await fails(aws, ['cloudtrail', 'create-trail', '--name', single, '--s3-bucket-name', bucket]);
    assert.match(refused, /InsufficientS3BucketPolicyException/);
    assert.match(refused, new RegExp(`Incorrect S3 bucket policy is detected for bucket: ${bucket}`));
    assert.match(
      await fails(aws, ['cloudtrail', 'create-trail', '--name', single, '--s3-bucket-name', `${bucket}-missing`]),
      /S3BucketDoesNotExistException/,
    );

    const policy = await opentrail(['bucket-policy', bucket, '--account-id', acct]);
    assert.equal(await aws(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy]), '');
    const stored = await json(aws(['s3api', 'get-bucket-policy', '--bucket', bucket, '--output', 'json']));
    assert.deepEqual(JSON.parse(stored.Policy as string), JSON.parse(policy));

    const created = await json(aws(['cloudtrail', 'create-trail', '--name', single, '--s3-bucket-name', bucket, '--output', 'json']));
    assert.deepEqual(created, {
      Name: single,
      S3BucketName: bucket,
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      TrailARN: `arn:aws:cloudtrail:us-east-1:${acct}:trail/${single}`,
      LogFileValidationEnabled: false,
      IsOrganizationTrail: false,
    });
    const createdMulti = await json(
      aws(['cloudtrail', 'create-trail', '--name', multi, '--s3-bucket-name', bucket, '--is-multi-region-trail', '--output', 'json']),
    );
    assert.equal(createdMulti.IsMultiRegionTrail, true);
    assert.equal(createdMulti.IncludeGlobalServiceEvents, true);
    assert.match(
      await fails(aws, ['cloudtrail', 'create-trail', '--name', single, '--s3-bucket-name', bucket]),
      new RegExp(`TrailAlreadyExistsException.*Trail ${single} already exists for customer: ${acct}`),
    );

    // Home region: both trails; another region: only the multi-region trail's shadow.
    const home = (await json(aws(['cloudtrail', 'describe-trails', '--output', 'json']))).trailList as Record<string, unknown>[];
    const mine = home.filter((t) => t.Name === single || t.Name === multi).sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
    assert.deepEqual(
      mine.map((t) => [t.Name, t.HomeRegion, t.IsMultiRegionTrail, t.HasCustomEventSelectors, t.HasInsightSelectors]),
      [
        [multi, 'us-east-1', true, false, false],
        [single, 'us-east-1', false, false, false],
      ],
    );
    const away = (await json(aws(['cloudtrail', 'describe-trails', '--output', 'json'], 'eu-west-1'))).trailList as Record<string, unknown>[];
    assert.deepEqual(away.filter((t) => t.Name === single || t.Name === multi).map((t) => [t.Name, t.HomeRegion]), [[multi, 'us-east-1']]);
    const awayNoShadows = await json(aws(['cloudtrail', 'describe-trails', '--no-include-shadow-trails', '--output', 'json'], 'eu-west-1'));
    assert.deepEqual(
      (awayNoShadows.trailList as Record<string, unknown>[]).filter((t) => t.Name === multi),
      [],
    );

    const before = await json(aws(['cloudtrail', 'get-trail-status', '--name', single, '--output', 'json']));
    assert.equal(before.IsLogging, false);
    assert.equal(await aws(['cloudtrail', 'start-logging', '--name', single]), '');
    const status = await json(aws(['cloudtrail', 'get-trail-status', '--name', single, '--output', 'json']));
    assert.equal(status.IsLogging, true);
    assert.ok(status.StartLoggingTime !== undefined, 'StartLoggingTime set');
    assert.match(
      await fails(aws, ['cloudtrail', 'start-logging', '--name', `arn:aws:cloudtrail:us-east-1:${acct}:trail/${multi}`], 'eu-west-1'),
      /InvalidHomeRegionException/,
    );

    // Basic selectors: write-only management events plus every object of the bucket.
    const basic = [
      { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${bucket}/`] }], ExcludeManagementEventSources: [] },
    ];
    const put = await json(
      aws(['cloudtrail', 'put-event-selectors', '--trail-name', single, '--event-selectors', JSON.stringify(basic), '--output', 'json']),
    );
    assert.deepEqual(put, { TrailARN: created.TrailARN, EventSelectors: basic });
    assert.deepEqual(await json(aws(['cloudtrail', 'get-event-selectors', '--trail-name', single, '--output', 'json'])), put);
    assert.match(
      await fails(aws, ['cloudtrail', 'put-event-selectors', '--trail-name', single, '--event-selectors',
        JSON.stringify([{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::*'] }] }])]),
      /InvalidEventSelectorsException/,
    );

    // Objects up and down; the bucket's data events are now selected, so they are kept.
    const file = join(server.dataDir, `upload-${name}.bin`);
    const bytes = Buffer.from(Array.from({ length: 3 << 20 }, prng(7)).map((x) => Math.floor(x * 256)));
    writeFileSync(file, bytes);
    assert.match(await aws(['s3', 'cp', file, `s3://${bucket}/data/a/one.bin`]), /upload: .* to s3:\/\/.*\/data\/a\/one\.bin/);
    await aws(['s3', 'cp', file, `s3://${bucket}/data/two.bin`]);
    const down = join(server.dataDir, `download-${name}.bin`);
    assert.match(await aws(['s3', 'cp', `s3://${bucket}/data/a/one.bin`, down]), /download: s3:\/\//);
    assert.equal(createHash('md5').update(readFileSync(down)).digest('hex'), createHash('md5').update(bytes).digest('hex'));
    // Only data/: the bucket also receives the trail's log files under AWSLogs/.
    const listing = (await aws(['s3', 'ls', `s3://${bucket}/data/`, '--recursive'])).trim().split('\n');
    assert.deepEqual(
      listing.map((l) => l.trim().split(/\s+/).slice(2)),
      [
        [String(bytes.length), 'data/a/one.bin'],
        [String(bytes.length), 'data/two.bin'],
      ],
    );
    const kept = (await server.app.context.eventLog.readAfter(0, 100_000)).filter(
      (e) => e.category === 'data' && e.record.eventName === 'PutObject' && JSON.stringify(e.record.resources).includes(bucket),
    );
    assert.ok(kept.length >= 2, 'PutObject data events kept for the selecting trail');

    // Advanced selectors replace the basic ones.
    const advanced = [
      { Name: 'writes of the bucket', FieldSelectors: [
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        { Field: 'readOnly', Equals: ['false'] },
        { Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${bucket}/data/`] },
      ] },
      { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ];
    const putAdvanced = await json(
      aws(['cloudtrail', 'put-event-selectors', '--trail-name', single, '--advanced-event-selectors', JSON.stringify(advanced), '--output', 'json']),
    );
    assert.deepEqual(putAdvanced, { TrailARN: created.TrailARN, AdvancedEventSelectors: advanced });
    assert.deepEqual(await json(aws(['cloudtrail', 'get-event-selectors', '--trail-name', single, '--output', 'json'])), putAdvanced);

    // A new prefix needs a policy that covers it.
    assert.match(
      await fails(aws, ['cloudtrail', 'update-trail', '--name', single, '--s3-key-prefix', 'audit']),
      /InsufficientS3BucketPolicyException/,
    );
    const prefixed = await opentrail(['bucket-policy', bucket, '--account-id', acct, '--prefix', 'audit']);
    await aws(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', prefixed]);
    const updated = await json(
      aws(['cloudtrail', 'update-trail', '--name', single, '--s3-key-prefix', 'audit', '--enable-log-file-validation', '--output', 'json']),
    );
    assert.equal(updated.S3KeyPrefix, 'audit');
    assert.equal(updated.LogFileValidationEnabled, true);
    assert.equal(updated.IsMultiRegionTrail, false);
    const got = (await json(aws(['cloudtrail', 'get-trail', '--name', single, '--output', 'json']))).Trail as Record<string, unknown>;
    assert.equal(got.S3KeyPrefix, 'audit');
    assert.equal(got.HasCustomEventSelectors, true);

    // Deleting: only from the home region; afterwards the trail is gone everywhere.
    assert.match(await fails(aws, ['cloudtrail', 'delete-trail', '--name', created.TrailARN as string], 'eu-west-1'), /InvalidHomeRegionException/);
    assert.equal(await aws(['cloudtrail', 'delete-trail', '--name', single]), '');
    assert.equal(await aws(['cloudtrail', 'delete-trail', '--name', multi]), '');
    assert.match(await fails(aws, ['cloudtrail', 'get-trail', '--name', single]), /TrailNotFoundException/);
    const after = (await json(aws(['cloudtrail', 'list-trails', '--output', 'json']))).Trails as Record<string, unknown>[];
    assert.deepEqual(after.filter((t) => t.Name === single || t.Name === multi), []);
    assert.match(await aws(['s3', 'rm', `s3://${bucket}`, '--recursive']), /delete: s3:\/\//);
    assert.equal((await aws(['s3', 'rb', `s3://${bucket}`])).trim(), `remove_bucket: ${bucket}`);
  });
}

test('opentrail bucket-policy --apply puts the policy through the S3 API', async () => {
  const s3Bucket = 'applied-policy';
  await cliFor('aws')(['s3', 'mb', `s3://${s3Bucket}`]);
  const out = await opentrail(['bucket-policy', s3Bucket, '--apply', '--endpoint', server.endpoint]);
  assert.match(out, /Applied CloudTrail's bucket policy to s3:\/\/applied-policy/);
  const created = await json(
    cliFor('aws')(['cloudtrail', 'create-trail', '--name', 'applied', '--s3-bucket-name', s3Bucket, '--output', 'json']),
  );
  assert.equal(created.S3BucketName, s3Bucket);
});
