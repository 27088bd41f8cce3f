/**
 * `opentrail validate-logs` and the unchanged AWS CLI on the same bucket of a real server:
 * synthetic log files and digests, signed with the server's own digest key (so both read it
 * through ListPublicKeys), are uploaded with the S3 API, then each tool validates them. Every
 * scenario must produce the same stdout, stderr and exit status, byte for byte. Only the v1 CLI
 * takes part: Debian's v2 (2.9.19) predates AWS_ENDPOINT_URL_S3, and its validate-logs never
 * sends S3 calls anywhere but AWS (the command ignores --endpoint-url for S3).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AWS_CLIS, cliEnv } from '../helpers/aws-cli.js';
import { HOUR, TrailFixture } from '../helpers/validate-fixture.js';
import { digestTime } from '../../src/delivery/digest.js';

const run = promisify(execFile);
const AWS_CLI_V1 = AWS_CLIS.find((c) => c.name === 'v1')!;
let server: TestServer;
let signingKey: { privateKey: import('node:crypto').KeyObject; publicDer: Buffer };

before(async () => {
  server = await startTestServer();
  signingKey = await server.app.context.signingKeys.keyFor('us-east-1', Date.now());
});
after(async () => server.stop());

async function upload(t: TrailFixture): Promise<void> {
  const s3 = server.s3();
  const buckets = new Set([...t.objects.objects.keys()].map((k) => k.slice(0, k.indexOf('/'))));
  for (const bucket of buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [path, o] of t.objects.objects) {
    const slash = path.indexOf('/');
    await s3.send(new PutObjectCommand({ Bucket: path.slice(0, slash), Key: path.slice(slash + 1), Body: o.body, Metadata: o.metadata }));
  }
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(bin: string, args: string[]): Promise<Result> {
  const endpoint = server.endpoint;
  const env = { ...cliEnv(server), AWS_ENDPOINT_URL: endpoint, AWS_ENDPOINT_URL_S3: endpoint, AWS_ENDPOINT_URL_CLOUDTRAIL: endpoint };
  try {
    const { stdout, stderr } = await run(bin, args, { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Runs every tool on the fixture's bucket and checks they agree; returns our result. */
async function compare(t: TrailFixture, startMs: number, endMs: number): Promise<Result> {
  const args = ['--trail-arn', t.trailArn, '--start-time', digestTime(startMs), '--end-time', digestTime(endMs), '--s3-bucket', t.bucket, '--verbose'];
  if (t.prefix) args.push('--s3-prefix', t.prefix);
  const ours = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate-logs', ...args]);
  const theirs = await exec(AWS_CLI_V1.bin, ['cloudtrail', 'validate-logs', ...args]);
  assert.deepEqual(ours, theirs);
  return ours;
}

/**
 * Digests of the last hours. The server's key is valid from its start on, so each range ends
 * late enough for [start, end + 2h] (what ListPublicKeys is asked for) to reach it.
 */
const base = () => Math.floor(Date.now() / HOUR) * HOUR - 8 * HOUR + 91_000;

test('an untouched chain: identical output, exit 0', async () => {
  const t = new TrailFixture('validate-clean', undefined, signingKey);
  const from = base();
  t.chain(from, 3, 2);
  await upload(t);
  const result = await compare(t, from - HOUR, from + 7 * HOUR);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /3\/3 digest files valid\n6\/6 log files valid\n$/);
});

test('tampering and a gap: identical messages, stdout/stderr split and exit 1', async () => {
  const t = new TrailFixture('validate-tampered', 'audit', signingKey);
  const from = base();
  const first = t.chain(from, 3, 2);
  const second = t.chain(from + 4 * HOUR, 3, 2, { chainStart: true });
  t.objects.put(t.bucket, first[0]!.logs[0]!.s3Object, gzipSync('{"Records":[]}'));
  t.objects.take(t.bucket, first[1]!.logs[1]!.s3Object);
  t.objects.take(t.bucket, second[1]!.key);
  const changed = t.objects.take(t.bucket, first[2]!.key);
  t.objects.put(t.bucket, first[2]!.key, gzipSync('{"digestS3Bucket":"elsewhere"}'), changed.metadata);
  await upload(t);
  const result = await compare(t, from, from + 7 * HOUR + 30_000);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /No log files were delivered by CloudTrail between/);
  assert.match(result.stderr, /INVALID: not found/);
  assert.match(result.stderr, /INVALID: hash value doesn't match/);
  assert.match(result.stderr, /INVALID: invalid format/);
});
