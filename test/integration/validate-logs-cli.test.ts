/**
 * Issue 5's acceptance with the unchanged AWS CLI: `aws cloudtrail validate-logs` against a
 * server that delivered several hours of activity reports every digest and log file valid (exit
 * 0), and reports each kind of tampering the way it always does (exit 1): a changed byte in a log
 * file, a deleted log file, a digest deleted from the middle of the chain, a digest whose JSON
 * was changed, a digest moved to another key, a digest without its signature metadata; and
 * `opentrail validate-logs` answers each case with the very same output and exit code.
 *
 * Only the AWS CLI v1 takes part: Debian's v2 (2.9) points its S3 client at AWS whatever the
 * endpoint settings (AWS_ENDPOINT_URL came in 2.13), so it cannot reach OpenTrail's buckets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { ManualClock } from '../../src/lib/clock.js';
import { cliEnv } from '../helpers/aws-cli.js';
import { deliveredDigests, logFileTexts, loggingTrail, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { ListTrailsCommand } from '@aws-sdk/client-cloudtrail';

const HOUR_MS = 3_600_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(s: DeliveryServer, bin: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { env: { ...cliEnv(s), AWS_ENDPOINT_URL: s.endpoint }, maxBuffer: 64 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The AWS CLI's validate-logs and OpenTrail's, same arguments: OpenTrail's must print the same
 * lines (its own extra checks find nothing to add on these cases) and exit the same way.
 */
async function validateBoth(s: DeliveryServer, args: string[]): Promise<Run> {
  const aws = await exec(s, 'aws', ['cloudtrail', 'validate-logs', ...args]);
  const ours = await exec(s, process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate-logs', ...args]);
  assert.deepEqual(ours, aws, 'opentrail validate-logs answers as the AWS CLI does');
  return aws;
}

/** An object's bytes and metadata, to put it back after tampering. */
async function snapshot(s: DeliveryServer, bucket: string, key: string) {
  const { body, meta } = await s.app.context.objects.getObject(bucket, key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return { key, body: Buffer.concat(chunks), metadata: meta.userMetadata };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

async function put(s: DeliveryServer, bucket: string, o: Snapshot): Promise<void> {
  await s.app.context.objects.putObject({
    bucket,
    key: o.key,
    body: Readable.from([o.body]),
    contentLength: o.body.length,
    contentType: 'application/json',
    contentEncoding: 'gzip',
    userMetadata: o.metadata,
  });
}

test('aws cloudtrail validate-logs: hours of delivered logs are valid; each tampering is caught', async () => {
  // The simulated hours end at real time: the CLI signs its requests with the real clock.
  const clock = new ManualClock(Date.now() - 3.5 * HOUR_MS);
  const s = await startDeliveryServer({}, { clock });
  try {
    const { bucket, arn } = await loggingTrail(s, 'checked', { validation: true });
    const start = new Date(clock.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const ct = s.cloudtrail();
    for (let i = 0; clock.now() < Date.now() - 5 * 60_000; i++) {
      if (i % 4 === 0) await ct.send(new ListTrailsCommand({}));
      await s.deliver();
    }
    clock.set(Date.now());
    await s.app.delivery.runOnce();
    const digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 3, 'three hours, three digests');
    const listed = digests.flatMap((d) => d.digest.logFiles.map((f) => f.s3Object));
    assert.ok(listed.length >= 30, `${listed.length} log files listed`);

    // An explicit end: both tools then ask for the same range whatever second each starts in.
    const end = new Date(clock.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const validate = () => validateBoth(s, ['--trail-arn', arn, '--start-time', start, '--end-time', end, '--verbose']);
    const ok = await validate();
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(ok.stdout.startsWith(`Validating log files for trail ${arn} between ${start} and ${end}\n\n`), ok.stdout);
    for (const d of digests) assert.ok(ok.stdout.includes(`Digest file\ts3://${bucket}/${d.key}\tvalid`), d.key);
    for (const key of listed) assert.ok(ok.stdout.includes(`Log file\ts3://${bucket}/${key}\tvalid`), key);
    assert.ok(ok.stdout.includes(`3/3 digest files valid`), ok.stdout);
    assert.ok(ok.stdout.includes(`${listed.length}/${listed.length} log files valid`), ok.stdout);
    assert.equal(ok.stderr, '');

    const middle = digests[1];
    const logKey = middle!.digest.logFiles[0]!.s3Object;
    const objects = s.app.context.objects;
    const invalid = async (what: string, tamper: () => Promise<void>, restore: () => Promise<void>, ...lines: string[]) => {
      await tamper();
      try {
        const r = await validate();
        assert.equal(r.code, 1, `${what}: exit 1\n${r.stdout}\n${r.stderr}`);
        for (const line of lines) assert.ok(r.stderr.includes(`${line}\n`), `${what}: reports "${line}"\n${r.stderr}`);
        assert.match(r.stdout, /files INVALID/, `${what}: the summary counts it`);
      } finally {
        await restore();
      }
    };
    const log = await snapshot(s, bucket, logKey);
    const mid = await snapshot(s, bucket, middle!.key);

    await invalid(
      'one byte of a log file changed',
      async () => {
        const json = gunzipSync(log.body);
        json[json.indexOf('ListTrails')] = 'l'.charCodeAt(0);
        await put(s, bucket, { ...log, body: gzipSync(json) });
      },
      () => put(s, bucket, log),
      `Log file\ts3://${bucket}/${logKey}\tINVALID: hash value doesn't match`,
    );
    await invalid(
      'a log file deleted',
      () => objects.deleteObject(bucket, logKey),
      () => put(s, bucket, log),
      `Log file\ts3://${bucket}/${logKey}\tINVALID: not found`,
    );
    await invalid(
      'a digest deleted from the middle of the chain',
      () => objects.deleteObject(bucket, middle!.key),
      () => put(s, bucket, mid),
      `Digest file\ts3://${bucket}/${middle!.key}\tINVALID: not found`,
    );
    await invalid(
      "a digest's JSON changed",
      async () => {
        const text = gunzipSync(mid.body).toString('utf8').replace(/"hashValue":"[0-9a-f]/, '"hashValue":"x');
        await put(s, bucket, { ...mid, body: gzipSync(text) });
      },
      () => put(s, bucket, mid),
      `Digest file\ts3://${bucket}/${middle!.key}\tINVALID: signature verification failed`,
    );
    // One second earlier in the name: the CLI, finding the chain's link gone, takes the next older
    // listed key, and that is where the digest went.
    const stamp = middle!.key.slice(-24, -8);
    const earlier = new Date(Date.parse(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`) - 1000);
    const movedKey = middle!.key.replace(stamp, earlier.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''));
    await invalid(
      'a digest moved to another key',
      async () => {
        await put(s, bucket, { ...mid, key: movedKey });
        await objects.deleteObject(bucket, middle!.key);
      },
      async () => {
        await objects.deleteObject(bucket, movedKey);
        await put(s, bucket, mid);
      },
      `Digest file\ts3://${bucket}/${middle!.key}\tINVALID: not found`,
      `Digest file\ts3://${bucket}/${movedKey}\tINVALID: has been moved from its original location`,
    );
    await invalid(
      'the signature metadata removed',
      () => put(s, bucket, { ...mid, metadata: { 'signature-algorithm': 'SHA256withRSA' } }),
      () => put(s, bucket, mid),
      `Digest file\ts3://${bucket}/${middle!.key}\tINVALID: signature verification failed`,
    );

    const again = await validate();
    assert.equal(again.code, 0, `restored: valid again\n${again.stderr}`);
  } finally {
    await s.stop();
  }
});
