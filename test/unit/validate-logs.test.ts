/**
 * `opentrail validate-logs` against in-memory buckets: a valid chain prints exactly what the AWS
 * CLI prints, and each kind of tampering is reported with the CLI's message and exit status 1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { validateLogsCommand, type ValidateLogsFlags } from '../../src/cli/validate-logs.js';
import { HOUR, T0, TrailFixture, captureIO } from '../helpers/validate-fixture.js';

const START = '2026-01-01T00:00:00Z';
const END = '2026-01-01T06:00:00Z';
const HEAD = `Validating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail/main between ${START} and ${END}\n\n`;

async function run(t: TrailFixture, extra: Partial<ValidateLogsFlags> = {}) {
  const io = captureIO(t.sources());
  const code = await validateLogsCommand({ trailArn: t.trailArn, startTime: START, endTime: END, s3Bucket: t.bucket, ...extra }, io);
  return { code, out: io.out(), err: io.err() };
}

const line = (kind: string, bucket: string, key: string, status: string) => `${kind}\ts3://${bucket}/${key}\t${status}`;

describe('validate-logs on an untouched chain', () => {
  test('prints exactly the AWS CLI output (verbose), exit 0', async () => {
    const t = new TrailFixture();
    const [d1, d2] = t.chain(T0, 2, 1);
    const { code, out, err } = await run(t, { verbose: true });
    assert.equal(err, '');
    assert.equal(
      out,
      HEAD +
        `${line('Digest file', t.bucket, d2!.key, 'valid')}\n` +
        `${line('Log file', t.bucket, d2!.logs[0]!.s3Object, 'valid')}\n` +
        `${line('Digest file', t.bucket, d1!.key, 'valid')}\n` +
        `${line('Log file', t.bucket, d1!.logs[0]!.s3Object, 'valid')}\n` +
        '\n' +
        `Results requested for ${START} to ${END}\n` +
        'Results found for 2026-01-01T00:01:31Z to 2026-01-01T02:01:31Z:\n' +
        '\n2/2 digest files valid' +
        '\n2/2 log files valid' +
        '\n',
    );
    assert.equal(code, 0);
  });

  test('without --verbose only the first line and the summary; digests up to end + 1h; found range clipped to the request', async () => {
    const t = new TrailFixture();
    t.chain(T0, 8, 3);
    const { code, out, err } = await run(t);
    assert.equal(err, '');
    assert.equal(
      out,
      HEAD +
        `Results requested for ${START} to ${END}\n` +
        `Results found for 2026-01-01T00:01:31Z to ${END}:\n` +
        '\n6/6 digest files valid' +
        '\n18/18 log files valid' +
        '\n',
    );
    assert.equal(code, 0);
  });

  test('output order follows the chain and logFiles order, however reads finish', async () => {
    const t = new TrailFixture();
    t.chain(T0, 4, 6);
    const calm = await run(t, { verbose: true });
    t.objects.delayMs = () => Math.floor(Math.random() * 8);
    const shuffled = await run(t, { verbose: true });
    assert.equal(shuffled.out, calm.out);
    assert.equal(calm.out.split('\n').filter((l) => l.startsWith('Log file')).length, 24);
  });

  test('no digests at all', async () => {
    const t = new TrailFixture();
    const { code, out } = await run(t);
    assert.equal(out, HEAD + `Results requested for ${START} to ${END}\nNo digests found\n`);
    assert.equal(code, 0);
  });
});

describe('validate-logs reports tampering as the AWS CLI does', () => {
  test('one byte of a log file changed: hash mismatch, and the summary counts it', async () => {
    const t = new TrailFixture();
    const [, d2] = t.chain(T0, 2, 2);
    const target = d2!.logs[1]!.s3Object;
    const raw = Buffer.from(JSON.stringify({ Records: [{ eventName: 'Tampered' }] }));
    t.objects.put(t.bucket, target, gzipSync(raw));
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Log file', t.bucket, target, "INVALID: hash value doesn't match")}\n\n`);
    assert.equal(
      out,
      HEAD +
        `Results requested for ${START} to ${END}\n` +
        'Results found for 2026-01-01T00:01:31Z to 2026-01-01T02:01:31Z:\n' +
        '\n2/2 digest files valid' +
        '\n3/4 log files valid, 1/4 log files INVALID' +
        '\n',
    );
    assert.equal(code, 1);
  });

  test('a flipped byte in the compressed file is an invalid format', async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 1, 1);
    const key = d1!.logs[0]!.s3Object;
    const stored = t.objects.take(t.bucket, key);
    stored.body[stored.body.length - 12]! ^= 0x55;
    t.objects.put(t.bucket, key, stored.body);
    const { code, err } = await run(t);
    assert.equal(err, `${line('Log file', t.bucket, key, 'INVALID: invalid format')}\n\n`);
    assert.equal(code, 1);
  });

  test('data appended after the gzip stream', async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 1, 1);
    const key = d1!.logs[0]!.s3Object;
    const stored = t.objects.take(t.bucket, key);
    t.objects.put(t.bucket, key, Buffer.concat([stored.body, gzipSync('{"Records":[]}')]));
    const { code, err } = await run(t);
    assert.equal(err, `${line('Log file', t.bucket, key, 'INVALID: unexpected data after end of compressed stream')}\n\n`);
    assert.equal(code, 1);
  });

  test('a log file deleted: not found', async () => {
    const t = new TrailFixture();
    const [d1] = t.chain(T0, 2, 2);
    const key = d1!.logs[0]!.s3Object;
    t.objects.take(t.bucket, key);
    const { code, out, err } = await run(t, { verbose: true });
    // After a verbose line, an error line is preceded by a blank line.
    assert.ok(out.includes(`${line('Digest file', t.bucket, d1!.key, 'valid')}\n`));
    assert.equal(err, `\n${line('Log file', t.bucket, key, 'INVALID: not found')}\n\n`);
    assert.ok(out.endsWith('\n2/2 digest files valid\n3/4 log files valid, 1/4 log files INVALID\n'));
    assert.equal(code, 1);
  });

  test('a digest deleted from the middle of the chain: not found, then the next older digest', async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 4, 1);
    t.objects.take(t.bucket, chain[1]!.key);
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Digest file', t.bucket, chain[1]!.key, 'INVALID: not found')}\n\n`);
    assert.ok(out.endsWith('\n3/4 digest files valid, 1/4 digest files INVALID\n3/3 log files valid\n'), out);
    assert.equal(code, 1);
  });

  test("a digest's JSON changed: signature verification failed", async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 3, 1);
    const key = chain[1]!.key;
    const stored = t.objects.take(t.bucket, key);
    const doc = JSON.parse(gunzipSync(stored.body).toString('utf8')) as Record<string, unknown>;
    doc.logFiles = [];
    t.objects.put(t.bucket, key, gzipSync(JSON.stringify(doc)), stored.metadata);
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Digest file', t.bucket, key, 'INVALID: signature verification failed')}\n\n`);
    assert.ok(out.endsWith('\n2/3 digest files valid, 1/3 digest files INVALID\n2/2 log files valid\n'), out);
    assert.equal(code, 1);
  });

  test('a digest moved to another key: has been moved from its original location', async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 3, 1);
    const newest = chain[2]!.key;
    const moved = t.digestKey(T0 + 3 * HOUR + 5000);
    const stored = t.objects.take(t.bucket, newest);
    t.objects.put(t.bucket, moved, stored.body, stored.metadata);
    const { code, out, err } = await run(t);
    assert.equal(err, `${line('Digest file', t.bucket, moved, 'INVALID: has been moved from its original location')}\n\n`);
    assert.ok(out.endsWith('\n2/3 digest files valid, 1/3 digest files INVALID\n2/2 log files valid\n'), out);
    assert.equal(code, 1);
  });

  test('signature metadata removed: signature verification failed', async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 2, 1);
    const stored = t.objects.take(t.bucket, chain[1]!.key);
    t.objects.put(t.bucket, chain[1]!.key, stored.body, { 'signature-algorithm': 'SHA256withRSA' });
    const { code, err } = await run(t);
    assert.equal(err, `${line('Digest file', t.bucket, chain[1]!.key, 'INVALID: signature verification failed')}\n\n`);
    assert.equal(code, 1);
  });

  test('a digest signed by an unknown key, and one that is not gzip', async () => {
    const t = new TrailFixture();
    const chain = t.chain(T0, 2, 1);
    const other = new TrailFixture('trail-bucket', undefined, 'other');
    other.chain(T0 + 2 * HOUR, 1, 0);
    const stray = other.objects.take(other.bucket, other.digestKey(T0 + 3 * HOUR));
    t.objects.put(t.bucket, t.digestKey(T0 + 3 * HOUR), stray.body, stray.metadata);
    t.objects.put(t.bucket, chain[0]!.key, Buffer.from('not gzip'), { signature: 'ab', 'signature-algorithm': 'SHA256withRSA' });
    const { code, err } = await run(t);
    assert.equal(
      err,
      `${line('Digest file', t.bucket, t.digestKey(T0 + 3 * HOUR), `INVALID: public key not found in region us-east-1 for fingerprint ${other.fingerprint}`)}\n\n` +
        `${line('Digest file', t.bucket, chain[0]!.key, 'INVALID: invalid format')}\n\n`,
    );
    assert.equal(code, 1);
  });
});
