/**
 * Digest files (reference §5, issue 5) with the SDK against a real server on a ManualClock: hourly
 * digests per region chained to each other and signed with a key ListPublicKeys publishes; every
 * delivered log file listed by exactly one digest with the hash of its bytes; empty digests for
 * hours without files; a final digest on StopLogging and DeleteTrail and a new chain after
 * StartLogging or re-enabling validation; a failing bucket and a restart leave no gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import {
  DeleteTrailCommand,
  GetTrailStatusCommand,
  ListPublicKeysCommand,
  ListTrailsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { sha256Hex, stringToSign, verifyDigest } from '../../src/delivery/digest.js';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import {
  deliveredDigests,
  logFileTexts,
  loggingTrail,
  startDeliveryServer,
  INTERVAL_S,
  type DeliveredDigest,
  type DeliveryServer,
} from '../helpers/delivery.js';
import { ManualClock } from '../../src/lib/clock.js';
import { tempDir } from '../helpers/server.js';

const HOUR_S = 3600;

/** `keep`: stop without deleting the data dir (a restart follows). */
async function withServer(fn: (s: DeliveryServer) => Promise<void>, config = {}, opts: { dataDir?: string; clock?: ManualClock; keep?: boolean } = {}): Promise<void> {
  const s = await startDeliveryServer(config, opts);
  try {
    await fn(s);
  } finally {
    await s.stop(opts.keep);
  }
}

/** Runs delivery every interval for `minutes`, making a ListTrails call every `callEvery` passes (0: none). */
async function run(s: DeliveryServer, minutes: number, callEvery = 5, region = 'us-east-1'): Promise<void> {
  const ct = s.cloudtrail(region);
  for (let i = 0; i < (minutes * 60) / INTERVAL_S; i++) {
    if (callEvery > 0 && i % callEvery === 0) await ct.send(new ListTrailsCommand({}));
    await s.deliver();
  }
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Checks every digest's signature against the region's published keys and its metadata. */
async function assertSigned(s: DeliveryServer, digests: DeliveredDigest[], region: string): Promise<void> {
  const { PublicKeyList } = await s.cloudtrail(region).send(
    new ListPublicKeysCommand({ StartTime: new Date(s.clock.now() - 30 * HOUR_S * 1000), EndTime: new Date(s.clock.now()) }),
  );
  const keys = new Map(PublicKeyList!.map((k) => [k.Fingerprint!, createPublicKey({ key: Buffer.from(k.Value!), format: 'der', type: 'pkcs1' })]));
  for (const d of digests) {
    assert.equal(d.metadata['signature-algorithm'], 'SHA256withRSA');
    assert.match(d.metadata.signature ?? '', /^[0-9a-f]{512}$/);
    const key = keys.get(d.digest.digestPublicKeyFingerprint);
    assert.ok(key, `the key of ${d.key} is published in ${region}`);
    const text = stringToSign(d.digest.digestEndTime, d.digest.digestS3Bucket, d.digest.digestS3Object, sha256Hex(d.json), d.digest.previousDigestSignature);
    assert.ok(verifyDigest(text, d.metadata.signature!, key), `${d.key} verifies`);
  }
}

/** Checks the chain links of consecutive digests of one chain. */
function assertChained(chain: DeliveredDigest[], bucket: string): void {
  const [first, ...rest] = chain;
  assert.equal(first!.digest.previousDigestS3Object, null, 'a chain starts with a starting digest');
  assert.equal(first!.digest.previousDigestSignature, null);
  rest.forEach((d, i) => {
    const prev = chain[i]!;
    assert.equal(d.digest.digestStartTime, prev.digest.digestEndTime, 'windows follow each other');
    assert.equal(d.digest.previousDigestS3Bucket, bucket);
    assert.equal(d.digest.previousDigestS3Object, prev.key);
    assert.equal(d.digest.previousDigestHashValue, sha256Hex(prev.json));
    assert.equal(d.digest.previousDigestHashAlgorithm, 'SHA-256');
    assert.equal(d.digest.previousDigestSignature, prev.metadata.signature);
  });
}

/** Every log file of the bucket is listed exactly once, with the SHA-256 of its uncompressed bytes. */
async function assertListedOnce(s: DeliveryServer, bucket: string, digests: DeliveredDigest[]): Promise<number> {
  const listed = new Map<string, string>();
  for (const d of digests) {
    for (const f of d.digest.logFiles) {
      assert.ok(!listed.has(f.s3Object), `${f.s3Object} listed once`);
      listed.set(f.s3Object, f.hashValue);
      assert.equal(f.s3Bucket, bucket);
      assert.equal(f.hashAlgorithm, 'SHA-256');
      assert.ok(f.oldestEventTime <= f.newestEventTime);
    }
  }
  let files = 0;
  for await (const f of logFileTexts(s, bucket)) {
    files++;
    assert.equal(listed.get(f.key), sha256Hex(f.json), `${f.key} is listed with its hash`);
    const times = (JSON.parse(f.json.toString('utf8')) as { Records: { eventTime: string }[] }).Records.map((r) => r.eventTime).sort();
    const entry = digests.flatMap((d) => d.digest.logFiles).find((e) => e.s3Object === f.key)!;
    assert.equal(entry.oldestEventTime, times[0]);
    assert.equal(entry.newestEventTime, times.at(-1));
  }
  assert.equal(listed.size, files, 'no digest lists a file that is not there');
  return files;
}

test('hourly digests: AWS layout and fields, chained, signed, every log file listed once, empty hours too', () =>
  withServer(async (s) => {
    const { bucket, arn } = await loggingTrail(s, 'audited', { validation: true });
    const startedS = Math.floor(s.clock.now() / 1000);
    await run(s, 60); // calls all hour
    await run(s, 60, 0); // an hour without calls: its digest is empty
    await run(s, 70);
    // Stopping delivers the final digest: every file delivered is then listed.
    await s.cloudtrail().send(new StopLoggingCommand({ Name: 'audited' }));
    await s.app.delivery.runOnce();
    const digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 4, digests.map((d) => d.key).join('\n'));
    const acct = s.accountId;
    for (const d of digests) {
      const stamp = d.digest.digestEndTime.replace(/[-:]/g, '');
      const [y, m, day] = [stamp.slice(0, 4), stamp.slice(4, 6), stamp.slice(6, 8)];
      assert.equal(d.key, `AWSLogs/${acct}/CloudTrail-Digest/us-east-1/${y}/${m}/${day}/${acct}_CloudTrail-Digest_us-east-1_audited_us-east-1_${stamp}.json.gz`);
      assert.deepEqual(Object.keys(d.digest), [
        'awsAccountId', 'digestStartTime', 'digestEndTime', 'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint',
        'digestSignatureAlgorithm', 'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object',
        'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles',
      ]);
      assert.equal(d.digest.awsAccountId, acct);
      assert.equal(d.digest.digestS3Bucket, bucket);
      assert.equal(d.digest.digestS3Object, d.key);
      assert.equal(d.digest.digestSignatureAlgorithm, 'SHA256withRSA');
    }
    for (const d of digests.slice(0, 3)) assert.equal(seconds(d.digest.digestEndTime) - seconds(d.digest.digestStartTime), HOUR_S);
    assert.equal(seconds(digests[0]!.digest.digestStartTime), startedS, 'the first window starts when logging started');
    assertChained(digests, bucket);
    await assertSigned(s, digests, 'us-east-1');
    assert.ok(digests[0]!.digest.logFiles.length > 0);
    const empty = digests[1]!.digest;
    // The second hour holds at most the file delivered right after its start (the last calls of hour one).
    assert.ok(empty.logFiles.length <= 1, JSON.stringify(empty.logFiles));
    assert.ok(await assertListedOnce(s, bucket, digests) > 10);

    const status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: arn }));
    assert.ok(status.LatestDigestDeliveryTime, 'GetTrailStatus reports the latest digest');
    assert.equal(status.LatestDigestDeliveryError, undefined);
  }));

test('StopLogging delivers a final digest listing the last file; StartLogging starts a new chain', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'stops', { validation: true });
    const ct = s.cloudtrail();
    await run(s, 65);
    await ct.send(new ListTrailsCommand({}));
    s.clock.advance(10_000);
    await ct.send(new StopLoggingCommand({ Name: 'stops' }));
    const stoppedS = Math.ceil(s.clock.now() / 1000);
    await s.app.delivery.runOnce();
    let digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 2, 'the hourly digest and the final one');
    const final = digests[1]!;
    assert.equal(seconds(final.digest.digestEndTime), stoppedS, 'the final digest ends when logging stopped');
    const finalFile = final.digest.logFiles.at(-1)!;
    const last = [];
    for await (const f of logFileTexts(s, bucket)) if (f.key === finalFile.s3Object) last.push(f);
    const names = (JSON.parse(last[0]!.json.toString('utf8')) as { Records: { eventName: string }[] }).Records.map((r) => r.eventName);
    assert.equal(names.at(-1), 'StopLogging', 'the final file ends with StopLogging and is in the final digest');
    await run(s, 180, 0);
    assert.equal((await deliveredDigests(s, bucket)).length, 2, 'no digests while not logging');

    await ct.send(new StartLoggingCommand({ Name: 'stops' }));
    await run(s, 61);
    digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 3);
    assert.equal(digests[2]!.digest.previousDigestS3Object, null, 'a new chain after StartLogging');
    assertChained(digests.slice(0, 2), bucket);
    await ct.send(new StopLoggingCommand({ Name: 'stops' }));
    await s.app.delivery.runOnce();
    digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 4);
    assertChained(digests.slice(2), bucket);
    await assertSigned(s, digests, 'us-east-1');
    await assertListedOnce(s, bucket, digests);
  }));

test('validation switched off ends the chain; on again starts a new one; DeleteTrail delivers the final digest', () =>
  withServer(async (s) => {
    const { bucket } = await loggingTrail(s, 'toggles', { validation: true });
    const ct = s.cloudtrail();
    await run(s, 61);
    await ct.send(new UpdateTrailCommand({ Name: 'toggles', EnableLogFileValidation: false }));
    await run(s, 130);
    let digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 2, 'the hourly digest and the final one, then none');
    await ct.send(new UpdateTrailCommand({ Name: 'toggles', EnableLogFileValidation: true }));
    await run(s, 61);
    digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 3);
    assert.equal(digests[2]!.digest.previousDigestS3Object, null, 'a new chain once re-enabled');
    const listed = new Set(digests.flatMap((d) => d.digest.logFiles.map((f) => f.s3Object)));
    let unlisted = 0;
    for await (const f of logFileTexts(s, bucket)) if (!listed.has(f.key)) unlisted++;
    assert.ok(unlisted > 0, 'files delivered while validation was off are in no digest');

    await ct.send(new DeleteTrailCommand({ Name: 'toggles' }));
    await s.app.delivery.runOnce();
    digests = await deliveredDigests(s, bucket);
    assert.equal(digests.length, 4, 'DeleteTrail: a final digest');
    assertChained(digests.slice(2), bucket);
    await assertSigned(s, digests, 'us-east-1');
  }));

test('multi-region: a chain per region, each signed with its region key', () =>
  withServer(
    async (s) => {
      const { bucket } = await loggingTrail(s, 'everywhere', { validation: true, multiRegion: true });
      await run(s, 61, 5, 'us-west-2');
      const digests = await deliveredDigests(s, bucket);
      const regions = digests.map((d) => d.key.split('/')[3]).sort();
      assert.deepEqual(regions, ['eu-west-1', 'us-east-1', 'us-west-2']);
      const quiet = digests.find((d) => d.key.includes('/eu-west-1/'))!.digest;
      assert.deepEqual([quiet.logFiles, quiet.newestEventTime, quiet.oldestEventTime], [[], null, null], 'a region without files has an empty digest');
      for (const region of regions) await assertSigned(s, digests.filter((d) => d.key.split('/')[3] === region), region);
      const west = digests.find((d) => d.key.includes('/us-west-2/'))!;
      assert.ok(west.digest.logFiles.length > 0 && west.digest.logFiles.every((f) => f.s3Object.includes('/CloudTrail/us-west-2/')));
      assert.ok(west.key.endsWith(`_everywhere_us-east-1_${west.digest.digestEndTime.replace(/[-:]/g, '')}.json.gz`), 'named with the home region');
      assert.notEqual(digests[0]!.digest.digestPublicKeyFingerprint, west.digest.digestPublicKeyFingerprint);
    },
    { regions: ['us-east-1', 'us-west-2', 'eu-west-1'] },
  ));

test('a bucket refusing CloudTrail delays digests without a gap; a restart continues the chain', async () => {
  // The restarted server goes on from the same data dir and the same time.
  const opts = { dataDir: tempDir('opentrail-digests-'), clock: new ManualClock(Date.now()) };
  let bucket = '';
  await withServer(
    async (s) => {
      ({ bucket } = await loggingTrail(s, 'resilient', { validation: true }));
      await run(s, 61);
      const s3 = s.s3();
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      await run(s, 60);
      const status = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'resilient' }));
      assert.equal(status.LatestDigestDeliveryError, 'AccessDenied');
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(cloudTrailBucketPolicy({ bucket, accountId: s.accountId })) }));
      await run(s, 10);
      const after = await s.cloudtrail().send(new GetTrailStatusCommand({ Name: 'resilient' }));
      assert.equal(after.LatestDigestDeliveryError, undefined, 'cleared by the next success');
      assert.equal((await deliveredDigests(s, bucket)).length, 2);
    },
    {},
    { ...opts, keep: true },
  );
  await withServer(
    async (s) => {
      await run(s, 61);
      await s.cloudtrail().send(new StopLoggingCommand({ Name: 'resilient' }));
      await s.app.delivery.runOnce();
      const digests = await deliveredDigests(s, bucket);
      assert.equal(digests.length, 4, 'the chain goes on after a restart');
      assertChained(digests, bucket);
      await assertSigned(s, digests, 'us-east-1');
      await assertListedOnce(s, bucket, digests);
    },
    {},
    opts,
  );
});
