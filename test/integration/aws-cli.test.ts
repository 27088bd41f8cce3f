/**
 * The AWS CLI, unchanged, against a real server: v1 (pyenv's `aws`) and v2 (Debian's
 * /usr/bin/aws). Both must be installed: CI installs them (.ci/run), and a missing CLI fails here
 * rather than skipping.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AWS_CLIS, cliEnv } from '../helpers/aws-cli.js';

const run = promisify(execFile);
let server: TestServer;


before(async () => {
  server = await startTestServer();
});
after(async () => server.stop());

const env = (region?: string) => cliEnv(server, region ? { region } : {});

for (const cli of AWS_CLIS) {
  test(`AWS CLI ${cli.name}: lookup-events lists earlier calls`, async () => {
    assert.ok(cli.bin === 'aws' || existsSync(cli.bin), `${cli.bin} must be installed (see .ci/run)`);
    const { stdout: ver, stderr: verErr } = await run(cli.bin, ['--version'], { env: env() });
    assert.match((ver || verErr).trim(), cli.version);
    const args = ['--endpoint-url', server.endpoint, 'cloudtrail', 'lookup-events', '--output', 'json'];
    await run(cli.bin, [...args, '--max-items', '1'], { env: env() });
    const { stdout } = await run(
      cli.bin,
      [...args, '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=LookupEvents'],
      { env: env() },
    );
    const events = (JSON.parse(stdout) as { Events: { EventName: string; CloudTrailEvent: string; Username: string }[] }).Events;
    assert.ok(events.length >= 1, 'earlier call listed');
    const record = JSON.parse(events[0]!.CloudTrailEvent);
    assert.equal(events[0]!.EventName, 'LookupEvents');
    assert.equal(events[0]!.Username, 'root');
    assert.match(record.userAgent, cli.name === 'v1' ? /^aws-cli\/1\./ : /^aws-cli\/2\./);
  });

  test(`AWS CLI ${cli.name}: errors surface with AWS's code`, async () => {
    const err = await run(
      cli.bin,
      ['--endpoint-url', server.endpoint, 'cloudtrail', 'lookup-events', '--max-results', '51'],
      { env: env() },
    ).catch((e: { stderr: string; code: number }) => e);
    assert.ok('code' in err && err.code !== 0);
    assert.match((err as { stderr: string }).stderr, /InvalidMaxResultsException/);
  });

  test(`AWS CLI ${cli.name}: paginates with --page-size`, async () => {
    const sdk = server.cloudtrail();
    for (let i = 0; i < 6; i++) await sdk.send(new LookupEventsCommand({ MaxResults: 1 }));
    const { stdout } = await run(
      cli.bin,
      ['--endpoint-url', server.endpoint, 'cloudtrail', 'lookup-events', '--page-size', '2', '--max-items', '5', '--output', 'json'],
      { env: env() },
    );
    const out = JSON.parse(stdout) as { Events: unknown[]; NextToken?: string };
    assert.equal(out.Events.length, 5);
  });
}

test('AWS_ENDPOINT_URL sends the CLI to OpenTrail', async () => {
  const { stdout } = await run('aws', ['cloudtrail', 'lookup-events', '--max-items', '1', '--output', 'json'], {
    env: { ...env(), AWS_ENDPOINT_URL: server.endpoint },
  });
  assert.equal((JSON.parse(stdout) as { Events: unknown[] }).Events.length, 1);
});
