/**
 * The AWS CLI, unchanged, against the bucket store: v1 (pyenv's `aws`) and v2 (Debian's
 * /usr/bin/aws) each make a bucket, copy a small and a >8 MiB file (multipart) up and down,
 * list recursively, put and get a bucket policy, remove objects and the bucket. Every command's
 * output is checked.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AWS_CLIS, cliEnv } from '../helpers/aws-cli.js';

const run = promisify(execFile);
let server: TestServer;


before(async () => {
  server = await startTestServer();
  // Path-style addressing: a loopback endpoint has no <bucket>.<host> names.
  writeFileSync(join(server.dataDir, 'aws-config'), '[default]\ns3 =\n  addressing_style = path\n');
});
after(async () => server.stop());

const env = () => cliEnv(server, { configFile: join(server.dataDir, 'aws-config') });

async function aws(bin: string, args: string[]): Promise<string> {
  const { stdout } = await run(bin, ['--endpoint-url', server.endpoint, ...args], { env: env(), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

for (const cli of AWS_CLIS) {
  test(`AWS CLI ${cli.name}: mb, cp up and down (multipart above 8 MiB), ls, bucket policy, rm, rb`, async () => {
    assert.ok(cli.bin === 'aws' || existsSync(cli.bin), `${cli.bin} must be installed (see .ci/run)`);
    const bucket = `cli-${cli.name}-bucket`;
    const dir = server.dataDir;
    const small = join(dir, `${cli.name}-small.txt`);
    const large = join(dir, `${cli.name}-large.bin`);
    writeFileSync(small, 'small file from the CLI\n');
    const largeBytes = Buffer.alloc(9 * 1024 * 1024 + 123);
    for (let i = 0; i < largeBytes.length; i += 4096) largeBytes[i] = (i / 4096) & 0xff;
    writeFileSync(large, largeBytes);

    assert.equal((await aws(cli.bin, ['s3', 'mb', `s3://${bucket}`])).trim(), `make_bucket: ${bucket}`);
    assert.match(await aws(cli.bin, ['s3', 'cp', small, `s3://${bucket}/docs/small.txt`, '--no-progress']), new RegExp(`^upload: .*small.txt to s3://${bucket}/docs/small.txt`, 'm'));
    assert.match(await aws(cli.bin, ['s3', 'cp', large, `s3://${bucket}/blobs/large.bin`, '--no-progress']), new RegExp(`^upload: .*large.bin to s3://${bucket}/blobs/large.bin`, 'm'));
    const head = await server.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: 'blobs/large.bin' }));
    assert.match(head.ETag ?? '', /-2"$/, 'the CLI used a multipart upload');
    assert.equal(head.ContentLength, largeBytes.length);

    const listing = (await aws(cli.bin, ['s3', 'ls', `s3://${bucket}`, '--recursive'])).trim().split('\n');
    assert.equal(listing.length, 2);
    assert.match(listing[0]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +${largeBytes.length} blobs/large.bin$`));
    assert.match(listing[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +24 docs\/small.txt$/);
    assert.match(await aws(cli.bin, ['s3', 'ls']), new RegExp(` ${bucket}$`, 'm'));

    const back = join(dir, `${cli.name}-large.back`);
    assert.match(await aws(cli.bin, ['s3', 'cp', `s3://${bucket}/blobs/large.bin`, back, '--no-progress']), /^download: s3:\/\/.*large.bin to /m);
    assert.equal(md5(readFileSync(back)), md5(largeBytes));
    const smallBack = join(dir, `${cli.name}-small.back`);
    await aws(cli.bin, ['s3', 'cp', `s3://${bucket}/docs/small.txt`, smallBack, '--no-progress']);
    assert.equal(readFileSync(smallBack, 'utf8'), 'small file from the CLI\n');

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/AWSLogs/*` }],
    });
    assert.equal(await aws(cli.bin, ['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy]), '');
    const got = JSON.parse(await aws(cli.bin, ['s3api', 'get-bucket-policy', '--bucket', bucket, '--output', 'json'])) as { Policy: string };
    assert.equal(got.Policy, policy);

    assert.equal((await aws(cli.bin, ['s3', 'rm', `s3://${bucket}/docs/small.txt`])).trim(), `delete: s3://${bucket}/docs/small.txt`);
    assert.match(await aws(cli.bin, ['s3', 'rm', `s3://${bucket}`, '--recursive']), new RegExp(`^delete: s3://${bucket}/blobs/large.bin$`, 'm'));
    assert.equal((await aws(cli.bin, ['s3', 'ls', `s3://${bucket}`, '--recursive'])).trim(), '');
    assert.equal((await aws(cli.bin, ['s3', 'rb', `s3://${bucket}`])).trim(), `remove_bucket: ${bucket}`);
  });

  test(`AWS CLI ${cli.name}: errors surface with S3's code`, async () => {
    const err = await aws(cli.bin, ['s3api', 'get-bucket-policy', '--bucket', 'no-such-cli-bucket']).catch((e: { stderr: string; code: number }) => e);
    assert.ok(typeof err === 'object' && err.code !== 0);
    assert.match(err.stderr, /NoSuchBucket/);
  });
}
