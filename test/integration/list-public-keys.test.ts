/**
 * ListPublicKeys (reference §2.14) on a real server, through the JS SDK and the unchanged AWS CLI
 * v1: the current key is made on first call and published as single-base64 DER PKCS#1 whose MD5
 * is its Fingerprint; after the rotation period a new key follows the old one and a window
 * returns every key overlapping it; keys are per region; the modeled errors. A child server run
 * at trace level never writes the private key to its output.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudTrailClient, ListPublicKeysCommand, type PublicKey } from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../../src/lib/clock.js';
import { SigningKeys } from '../../src/delivery/signing-keys.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { cliEnv } from '../helpers/aws-cli.js';
import { ROOT_KEYS, startChildServer, waitExit } from '../helpers/child.js';
import { startDeliveryServer } from '../helpers/delivery.js';
import { tempDir } from '../helpers/server.js';

const run = promisify(execFile);
const HOUR = 3_600_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const b64 = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('base64');
const fingerprints = (keys: PublicKey[] | undefined) => (keys ?? []).map((k) => k.Fingerprint);

async function list(ct: CloudTrailClient, start?: number, end?: number): Promise<PublicKey[]> {
  const out = await ct.send(
    new ListPublicKeysCommand({
      ...(start !== undefined ? { StartTime: new Date(start) } : {}),
      ...(end !== undefined ? { EndTime: new Date(end) } : {}),
    }),
  );
  assert.equal(out.NextToken, undefined);
  return out.PublicKeyList ?? [];
}

test('keys are made when first asked for, rotate, are listed by overlap, per region, and the AWS CLI reads them', async () => {
  // Starts over an hour in the past so that, once rotated, the server's clock is real time
  // again and the AWS CLI (which signs with real time) is within the allowed skew.
  const clock = new ManualClock(Date.now() - HOUR - 120_000);
  const server = await startDeliveryServer({ digestKeyRotationDays: 1 / 24 }, { clock });
  try {
    const t0 = clock.now();
    const [first, ...more] = await list(server.cloudtrail('us-east-1'));
    assert.equal(more.length, 0, 'one key valid now');
    const der = first!.Value!;
    assert.equal(der.length, 270);
    assert.ok(b64(der).startsWith('MIIBCgKCAQEA'), 'DER PKCS#1 RSAPublicKey');
    assert.equal(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(first!.Fingerprint, md5(der));
    const from = first!.ValidityStartTime!.getTime();
    const to = first!.ValidityEndTime!.getTime();
    assert.ok(from <= t0 && t0 < to, 'valid now');
    assert.equal(to - from, HOUR, 'the configured rotation period');
    assert.deepEqual(fingerprints(await list(server.cloudtrail('us-east-1'))), [first!.Fingerprint], 'asking again makes no other key');

    clock.set(Date.now());
    const ct = server.cloudtrail('us-east-1');
    const [second, ...none] = await list(ct);
    assert.equal(none.length, 0);
    assert.notEqual(second!.Fingerprint, first!.Fingerprint, 'rotated');
    assert.equal(second!.ValidityStartTime!.getTime(), to, 'the next key starts where the first ended');
    assert.deepEqual(fingerprints(await list(ct, from, clock.now())), [first!.Fingerprint, second!.Fingerprint], 'both, oldest first');
    assert.deepEqual(fingerprints(await list(ct, from, from + 60_000)), [first!.Fingerprint], 'a window inside the first key');
    assert.deepEqual(fingerprints(await list(ct, to + 1000)), [second!.Fingerprint], 'from a time to now');
    // validate-logs asks for (start, end + 2 hours): a key overlapping the window at all is listed.
    assert.deepEqual(fingerprints(await list(ct, from - 5 * HOUR, from + 1)), [first!.Fingerprint]);
    assert.deepEqual(await list(ct, from - 5 * HOUR, from - HOUR), [], 'no key before the first');

    const [other, ...rest] = await list(server.cloudtrail('eu-west-1'));
    assert.equal(rest.length, 0);
    assert.ok(![first!.Fingerprint, second!.Fingerprint].includes(other!.Fingerprint), 'keys are per region');
    assert.deepEqual(fingerprints(await list(server.cloudtrail('eu-west-1'), from, clock.now())), [other!.Fingerprint]);

    const iso = (ms: number) => new Date(ms).toISOString();
    const { stdout } = await run('aws', ['--output', 'json', 'cloudtrail', 'list-public-keys', '--start-time', iso(from), '--end-time', iso(clock.now())], {
      env: { ...cliEnv(server), AWS_ENDPOINT_URL: server.endpoint },
    });
    const cli = (JSON.parse(stdout) as { PublicKeyList: { Value: string; Fingerprint: string }[] }).PublicKeyList;
    assert.deepEqual(
      cli.map((k) => [k.Value, k.Fingerprint]),
      [first!, second!].map((k) => [b64(k.Value), k.Fingerprint]),
      'the CLI gets the same single-base64 DER and fingerprints',
    );
  } finally {
    await server.stop();
  }
});

test('InvalidTimeRangeException when StartTime is after EndTime; InvalidTokenException for any NextToken', async () => {
  const server = await startDeliveryServer();
  try {
    const ct = server.cloudtrail();
    const now = server.clock.now();
    await assert.rejects(ct.send(new ListPublicKeysCommand({ StartTime: new Date(now), EndTime: new Date(now - 1000) })), (e: Error & { $metadata: { httpStatusCode?: number } }) => {
      assert.equal(e.name, 'InvalidTimeRangeException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
    await assert.rejects(ct.send(new ListPublicKeysCommand({ EndTime: new Date(now - HOUR) })), { name: 'InvalidTimeRangeException' }, 'StartTime defaults to now');
    await assert.rejects(ct.send(new ListPublicKeysCommand({ NextToken: 'abc' })), { name: 'InvalidTokenException' });
  } finally {
    await server.stop();
  }
});

test('the private key never appears in the server output, even at trace level', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const child = await startChildServer(dataDir, ['--log-level', 'trace', '--digest-key-rotation-days', '0.5']);
  const ct = new CloudTrailClient({ endpoint: child.endpoint, region: 'us-east-1', credentials: ROOT_KEYS, maxAttempts: 1 });
  let key: PublicKey | undefined;
  try {
    [key] = await list(ct);
    assert.equal(key!.ValidityEndTime!.getTime() - key!.ValidityStartTime!.getTime(), HOUR * 12, '--digest-key-rotation-days');
  } finally {
    ct.destroy();
    child.proc.kill('SIGTERM');
    await waitExit(child.proc);
  }
  const log = SqliteEventLog.open(join(dataDir, 'opentrail.db'), { writer: 'inline' });
  try {
    const secret = Buffer.from(readFileSync(join(dataDir, 'signing.key'), 'utf8').trim(), 'base64');
    const keys = new SigningKeys(log.db, log, { secret, rotationMs: 12 * HOUR });
    const signing = await keys.keyFor('us-east-1', key!.ValidityStartTime!.getTime());
    assert.equal(signing.fingerprint, key!.Fingerprint);
    const output = child.output();
    for (const text of privateEncodings(signing.privateKey)) assert.ok(!output.includes(text), 'private key in the output');
  } finally {
    await log.close();
  }
});

/** Recognizable runs of the private key as it could be printed: PEM/base64 and hex of its DER forms. */
function privateEncodings(key: KeyObject): string[] {
  const ders = [key.export({ type: 'pkcs8', format: 'der' }), key.export({ type: 'pkcs1', format: 'der' })];
  return ['PRIVATE KEY', ...ders.flatMap((d) => [d.toString('base64').slice(100, 164), d.subarray(100, 132).toString('hex')])];
}
