/**
 * Log file delivery to the external object store (`objectStore: 's3'`) on a real S3-compatible
 * server, moto_server: the bucket is made through OpenTrail's S3 API (so it lives in moto), and
 * what delivery wrote is read back by an S3 client talking to moto directly — keys in AWS's layout,
 * the records as recorded, gzip, SSE-S3. A missing moto_server fails the test (helpers/moto.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { CreateTrailCommand, GetTrailStatusCommand, ListTrailsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { MOTO_CREDENTIALS, startMoto } from '../helpers/moto.js';

const BUCKET = 'trail-logs-in-moto';

/** ListTrails `n` times in `region`; resolves to the request ids the client saw. */
async function listTrails(s: DeliveryServer, n: number, region: string): Promise<string[]> {
  const ct = s.cloudtrail(region);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await ct.send(new ListTrailsCommand({}))).$metadata.requestId!);
  return ids;
}

/** `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<16>.json.gz` */
function keyPattern(accountId: string, region: string, deliveredAtMs: number): RegExp {
  const [date, time] = new Date(deliveredAtMs).toISOString().split('T') as [string, string];
  const [y, m, d] = date.split('-');
  const stamp = `${y}${m}${d}T${time.slice(0, 2)}${time.slice(3, 5)}Z`;
  return new RegExp(`^AWSLogs/${accountId}/CloudTrail/${region}/${y}/${m}/${d}/${accountId}_CloudTrail_${region}_${stamp}_[A-Za-z0-9]{16}\\.json\\.gz$`);
}

test('a multi-region trail delivers gzipped, SSE-S3 log files into a bucket on moto_server', async () => {
  const moto = await startMoto();
  const direct = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: MOTO_CREDENTIALS, forcePathStyle: true });
  let s: DeliveryServer | undefined;
  try {
    s = await startDeliveryServer({
      objectStore: 's3',
      s3Endpoint: moto.endpoint,
      s3AccessKeyId: MOTO_CREDENTIALS.accessKeyId,
      s3SecretAccessKey: MOTO_CREDENTIALS.secretAccessKey,
      s3ForcePathStyle: true,
    });
    const s3 = s.s3();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const policy = cloudTrailBucketPolicy({ bucket: BUCKET, accountId: s.accountId });
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(policy) }));
    const ct = s.cloudtrail();
    await ct.send(new CreateTrailCommand({ Name: 'to-moto', S3BucketName: BUCKET, IsMultiRegionTrail: true }));
    const started = await ct.send(new StartLoggingCommand({ Name: 'to-moto' }));
    const east = await listTrails(s, 3, 'us-east-1');
    const west = await listTrails(s, 2, 'us-west-2');
    await s.deliver();
    const deliveredAt = s.clock.now();

    const listed = await direct.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    assert.equal(keys.length, 2, `one file per region, nothing else in the bucket: ${keys.join(', ')}`);
    const [eastKey, westKey] = keys as [string, string];
    assert.match(eastKey, keyPattern(s.accountId, 'us-east-1', deliveredAt));
    assert.match(westKey, keyPattern(s.accountId, 'us-west-2', deliveredAt));

    const records = new Map<string, CloudTrailRecord[]>();
    for (const key of keys) {
      const head = await direct.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      assert.equal(head.ContentType, 'application/json', key);
      assert.equal(head.ContentEncoding, 'gzip', key);
      assert.equal(head.ServerSideEncryption, 'AES256', key);
      const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      records.set(key, (JSON.parse(gunzipSync(body).toString('utf8')) as { Records: CloudTrailRecord[] }).Records);
      // OpenTrail's own S3 API serves the very bytes moto holds.
      const viaOpenTrail = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      assert.deepEqual(Buffer.from(await viaOpenTrail.Body!.transformToByteArray()), body);
    }
    const eastRecords = records.get(eastKey)!;
    assert.deepEqual(eastRecords.map((r) => r.eventName), ['StartLogging', 'ListTrails', 'ListTrails', 'ListTrails']);
    assert.deepEqual(eastRecords.map((r) => r.requestID), [started.$metadata.requestId, ...east]);
    assert.deepEqual(records.get(westKey)!.map((r) => r.requestID), west);
    for (const [key, list] of records) {
      for (const r of list) {
        assert.equal(r.recipientAccountId, s.accountId, key);
        assert.ok(key.includes(`/CloudTrail/${r.awsRegion}/`), `${r.awsRegion} record in ${key}`);
      }
    }

    const status = await ct.send(new GetTrailStatusCommand({ Name: 'to-moto' }));
    assert.equal(status.LatestDeliveryTime?.getTime(), deliveredAt);
    assert.equal(status.LatestDeliveryError, undefined);
  } finally {
    direct.destroy();
    await s?.stop();
    moto.proc.kill('SIGTERM');
  }
});
