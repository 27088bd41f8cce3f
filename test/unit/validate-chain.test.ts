/**
 * validate-logs beyond single tampered files: chain starts and gaps, the time range and the
 * listing marker, a chain moving between buckets, backfill digests, runs that cannot proceed,
 * OpenTrail's extra checks (previous-digest hash and signature, unlisted log files) and the
 * JSON report.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateLogsCommand, type ValidateLogsFlags } from '../../src/cli/validate-logs.js';
import type { ValidateSources } from '../../src/validate/validator.js';
import { HOUR, T0, TrailFixture, captureIO } from '../helpers/validate-fixture.js';

const START = '2026-01-01T00:00:00Z';
const END = '2026-01-01T06:00:00Z';
const EXTRA = ' (checked by OpenTrail, not by the AWS CLI)';

async function run(t: TrailFixture, extra: Partial<ValidateLogsFlags> = {}, sources: ValidateSources = t.sources()) {
  const io = captureIO(sources);
  const code = await validateLogsCommand({ trailArn: t.trailArn, startTime: START, endTime: END, s3Bucket: t.bucket, ...extra }, io);
  return { code, out: io.out(), err: io.err() };
}

const line = (kind: string, bucket: string, key: string, status: string) => `${kind}\ts3://${bucket}/${key}\t${status}`;

describe('chains', () => {
  test('a chain that starts after a pause: gap message, every digest still valid, exit 0', async () => {
    const t = new TrailFixture();
    t.chain(T0, 2, 1);
    t.chain(T0 + 4 * HOUR, 2, 1, { chainStart: true });
    const { code, out, err } = await run(t);
    assert.equal(err, 'No log files were delivered by CloudTrail between 2026-01-01T02:01:31Z and 2026-01-01T04:01:31Z\n\n');
    assert.ok(out.endsWith(`Results found for 2026-01-01T00:01:31Z to ${END}:\n\n4/4 digest files valid\n4/4 log files valid\n`), out);
    assert.equal(code, 0);
  });

  test('only digests of the range: listing from the key of start - 1 minute, walk stops before start', async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 10, 2);
    const { code, out } = await run(t, { startTime: '2026-01-01 04:00', verbose: true });
    assert.deepEqual(t.objects.listCalls, [
      {
        bucket: t.bucket,
        prefix: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1',
        marker: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20260101T035900Z.json.gz',
      },
      // The unlisted-file search lists the log folder of the covered days.
      { bucket: t.bucket, prefix: 'AWSLogs/111122223333/CloudTrail/us-east-1/', marker: 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/' },
    ]);
    const digests = out.split('\n').filter((l) => l.startsWith('Digest file'));
    assert.deepEqual(digests, [5, 4, 3].map((i) => line('Digest file', t.bucket, chain[i]!.key, 'valid')));
    assert.ok(out.endsWith(`Results found for 2026-01-01T04:00:00Z to ${END}:\n\n3/3 digest files valid\n6/6 log files valid\n`), out);
    assert.equal(code, 0);
  });

  test('a previous digest in another bucket: the chain is followed there', async () => {
    const t = new TrailFixture('old-bucket');
    const [first] = t.chain(T0, 1, 1);
    const logs = [t.log(T0 + HOUR + 600_000)];
    const second = t.digest(T0 + HOUR, T0 + 2 * HOUR, logs, { bucket: 'new-bucket' });
    const { code, out } = await run(t, { s3Bucket: 'new-bucket', verbose: true });
    assert.deepEqual(
      out.split('\n').filter((l) => l.startsWith('Digest file')),
      [line('Digest file', 'new-bucket', second.key, 'valid'), line('Digest file', 'old-bucket', first!.key, 'valid')],
    );
    assert.deepEqual(t.objects.listCalls.slice(0, 2).map((c) => c.bucket), ['new-bucket', 'old-bucket']);
    assert.equal(code, 0);
  });

  test('backfill digests are validated after the chain, with their own prefix and summary line', async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 1, 1);
    const logs = [t.log(T0 + 2 * HOUR + 600_000)];
    const backfill = t.digest(T0 + 2 * HOUR, T0 + 3 * HOUR, logs, { backfill: true, chainStart: true });
    const { code, out } = await run(t, { verbose: true });
    assert.ok(
      out.includes(
        `${line('Digest file', t.bucket, d1!.key, 'valid')}\n${line('Log file', t.bucket, d1!.logs[0]!.s3Object, 'valid')}\n` +
          `(backfill) ${line('Digest file', t.bucket, backfill.key, 'valid')}\n${line('Log file', t.bucket, logs[0]!.s3Object, 'valid')}\n`,
      ),
      out,
    );
    assert.ok(out.endsWith('\n1/1 digest files valid\n1/1 backfill digest files valid\n2/2 log files valid\n'), out);
    assert.equal(code, 0);
  });
});

describe('runs that cannot proceed exit 255 with the AWS CLI message', () => {
  test('no public keys for the range (after the first line)', async () => {
    const t = new TrailFixture();
    t.chain(T0, 1, 1);
    const { code, out, err } = await run(t, {}, t.sources({ publicKeys: { list: async () => [] } }));
    assert.equal(out, `Validating log files for trail ${t.trailArn} between ${START} and ${END}\n\n`);
    assert.equal(err, '\nNo public keys found between 2026-01-01T00:00:00Z and 2026-01-01T08:00:00Z\n');
    assert.equal(code, 255);
  });

  test('bad arguments and an unknown trail', async () => {
    const t = new TrailFixture();
    for (const [flags, message] of [
      [{ trailArn: 'arn:aws:s3:::bucket' }, 'Invalid trail ARN provided: arn:aws:s3:::bucket'],
      [{ startTime: '2026-01-02', endTime: '2026-01-01' }, 'Invalid time range specified: start-time must occur before end-time'],
      [{ startTime: 'yesterday' }, 'Unable to parse date value: yesterday'],
      [{ trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/other', s3Bucket: undefined }, 'A trail could not be found for arn:aws:cloudtrail:us-east-1:111122223333:trail/other'],
    ] as [Partial<ValidateLogsFlags>, string][]) {
      const { code, out, err } = await run(t, flags);
      assert.deepEqual({ code, out, err }, { code: 255, out: '', err: `\n${message}\n` });
    }
  });

  test('without --s3-bucket the trail comes from DescribeTrails, prefix included', async () => {
    const t = new TrailFixture('described-bucket', 'logs/ct');
    t.chain(T0, 2, 1);
    const { code, out } = await run(t, { s3Bucket: undefined });
    assert.equal(t.objects.listCalls[0]?.prefix, 'logs/ct/AWSLogs/111122223333/CloudTrail-Digest/us-east-1');
    assert.ok(out.endsWith('\n2/2 digest files valid\n2/2 log files valid\n'), out);
    assert.equal(code, 0);
  });
});

describe("OpenTrail's extra checks", () => {
  test("previous digest's hash differs from previousDigestHashValue", async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 1, 1);
    const d2 = t.digest(T0 + HOUR, T0 + 2 * HOUR, [], { previous: { hash: 'ab'.repeat(32) } });
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Digest file', t.bucket, d1!.key, `INVALID: SHA-256 differs from previousDigestHashValue in s3://${t.bucket}/${d2.key}${EXTRA}`)}\n\n`);
    // The AWS CLI's own counts are unchanged; the extra finding has its own line.
    assert.ok(out.endsWith(`\n2/2 digest files valid\n1/1 log files valid\n1/1 previous-digest links INVALID${EXTRA}\n`), out);
    assert.equal(code, 1);
  });

  test("previous digest's signature differs from previousDigestSignature", async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 2, 1);
    const d3 = t.digest(T0 + 2 * HOUR, T0 + 3 * HOUR, [], { previous: { signature: '00'.repeat(256) } });
    const { code, out, err } = await run(t, { verbose: true });
    const d2 = t.digestKey(T0 + 2 * HOUR);
    assert.equal(err, `\n${line('Digest file', t.bucket, d2, `INVALID: signature differs from previousDigestSignature in s3://${t.bucket}/${d3.key}${EXTRA}`)}\n\n`);
    assert.ok(out.includes(`${line('Digest file', t.bucket, d2, 'valid')}\n`));
    assert.ok(out.includes(`${line('Digest file', t.bucket, d1!.key, 'valid')}\n`));
    assert.ok(out.endsWith(`\n3/3 digest files valid\n2/2 log files valid\n1/2 previous-digest links INVALID${EXTRA}\n`), out);
    assert.equal(code, 1);
  });

  test('a log file no digest lists, inside the covered period; none outside it', async () => {
    const t = new TrailFixture();
    t.chain(T0, 3, 1);
    const stray = t.log(T0 + HOUR + 30 * 60_000);
    t.log(T0 + 3 * HOUR + 10 * 60_000); // after the newest digest: rightly in none yet
    t.log(T0 - 10 * 60_000); // before the first digest
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Log file', t.bucket, stray.s3Object, `INVALID: not listed in any digest of this trail${EXTRA}`)}\n\n`);
    assert.ok(out.endsWith(`\n3/3 digest files valid\n3/3 log files valid\n1 log files INVALID: not listed in any digest of this trail${EXTRA}\n`), out);
    assert.equal(code, 1);
  });
});

describe('--output json', () => {
  test('every digest and log file with status and message, gaps, findings, counts', async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 1, 2);
    t.objects.take(t.bucket, d1!.logs[1]!.s3Object);
    const d2 = t.digest(T0 + 3 * HOUR, T0 + 4 * HOUR, [], { chainStart: true });
    const stray = t.log(T0 + 3 * HOUR + 60_000);
    const { code, out, err } = await run(t, { output: 'json' });
    assert.equal(err, '');
    assert.equal(code, 1);
    const report = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(report, {
      trailArn: t.trailArn,
      bucket: t.bucket,
      prefix: null,
      accountId: '111122223333',
      region: 'us-east-1',
      requested: { start: START, end: END },
      found: { start: '2026-01-01T00:01:31Z', end: '2026-01-01T04:01:31Z' },
      valid: false,
      summary: {
        digestFiles: { valid: 2, invalid: 0 },
        backfillDigestFiles: { valid: 0, invalid: 0 },
        logFiles: { valid: 1, invalid: 1 },
        previousDigestLinks: { valid: 0, invalid: 0 },
        unlistedLogFiles: 1,
      },
      digests: [
        { bucket: t.bucket, key: d2.key, status: 'valid', message: 'valid', backfill: false, digestStartTime: '2026-01-01T03:01:31Z', digestEndTime: '2026-01-01T04:01:31Z', logFiles: [] },
        {
          bucket: t.bucket,
          key: d1!.key,
          status: 'valid',
          message: 'valid',
          backfill: false,
          digestStartTime: '2026-01-01T00:01:31Z',
          digestEndTime: '2026-01-01T01:01:31Z',
          logFiles: [
            { bucket: t.bucket, key: d1!.logs[0]!.s3Object, status: 'valid', message: 'valid' },
            { bucket: t.bucket, key: d1!.logs[1]!.s3Object, status: 'INVALID', message: 'INVALID: not found' },
          ],
        },
      ],
      gaps: [{ backfill: false, from: '2026-01-01T01:01:31Z', to: '2026-01-01T03:01:31Z' }],
      extraFindings: [{ check: 'unlistedLogFile', bucket: t.bucket, key: stray.s3Object, message: 'not listed in any digest of this trail' }],
    });
  });
});
