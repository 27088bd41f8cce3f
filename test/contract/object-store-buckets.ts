/** Contract cases: buckets and bucket policies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectStore } from '../../src/objects/object-store.js';
import { OTHER_OWNER, OWNER, bodyOf, expectCode, uniqueBucket } from './object-store-helpers.js';

export function bucketCases(store: () => ObjectStore): void {
  test('createBucket / headBucket / listBuckets / deleteBucket', async () => {
    const name = uniqueBucket('life');
    const before = Date.now();
    const created = await store().createBucket(name, 'us-east-1', OWNER);
    assert.equal(created.name, name);
    assert.equal(created.region, 'us-east-1');
    const head = await store().headBucket(name);
    assert.ok(head);
    assert.equal(head.name, name);
    assert.equal(head.region, 'us-east-1');
    assert.equal(head.ownerAccountId, OWNER);
    // S3 reports creation time with second precision.
    assert.ok(Math.abs(head.creationDateMs - before) < 60_000, `creation date ${head.creationDateMs}`);
    const listed = await store().listBuckets(OWNER);
    assert.ok(listed.some((b) => b.name === name));
    await store().deleteBucket(name);
    assert.equal(await store().headBucket(name), undefined);
    assert.ok(!(await store().listBuckets(OWNER)).some((b) => b.name === name));
  });

  test('a bucket remembers its region', async () => {
    const name = uniqueBucket('region');
    await store().createBucket(name, 'eu-west-1', OWNER);
    assert.equal((await store().headBucket(name))?.region, 'eu-west-1');
    await store().deleteBucket(name);
  });

  test('creating an existing bucket: BucketAlreadyOwnedByYou / BucketAlreadyExists', async () => {
    const name = uniqueBucket('dup');
    await store().createBucket(name, 'us-east-1', OWNER);
    await expectCode(store().createBucket(name, 'us-east-1', OWNER), 'BucketAlreadyOwnedByYou');
    await expectCode(store().createBucket(name, 'us-east-1', OTHER_OWNER), 'BucketAlreadyExists');
    assert.equal((await store().headBucket(name))?.ownerAccountId, OWNER);
    await store().deleteBucket(name);
  });

  test('invalid bucket names are refused with InvalidBucketName', async () => {
    const bad = ['ab', 'a'.repeat(64), 'UpperCase', 'under_score', '-starts-dash', 'ends-dash-', 'two..dots', '192.168.5.4', 'xn--punycode', 'sp ace'];
    for (const name of bad) await expectCode(store().createBucket(name, 'us-east-1', OWNER), 'InvalidBucketName');
    const good = uniqueBucket('ok.with.dots');
    await store().createBucket(good, 'us-east-1', OWNER);
    await store().deleteBucket(good);
  });

  test('deleteBucket: NoSuchBucket, BucketNotEmpty', async () => {
    await expectCode(store().deleteBucket(uniqueBucket('missing')), 'NoSuchBucket');
    const name = uniqueBucket('full');
    await store().createBucket(name, 'us-east-1', OWNER);
    await store().putObject({ bucket: name, key: 'k', body: bodyOf('x') });
    await expectCode(store().deleteBucket(name), 'BucketNotEmpty');
    await store().deleteObject(name, 'k');
    await store().deleteBucket(name);
    assert.equal(await store().headBucket(name), undefined);
  });

  test('bucket policy round-trip', async () => {
    const name = uniqueBucket('policy');
    await store().createBucket(name, 'us-east-1', OWNER);
    await expectCode(store().getBucketPolicy(name), 'NoSuchBucketPolicy');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSCloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${name}/AWSLogs/${OWNER}/*`,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
      ],
    };
    await store().putBucketPolicy(name, JSON.stringify(policy));
    assert.deepEqual(JSON.parse(await store().getBucketPolicy(name)), policy);
    await store().deleteBucketPolicy(name);
    await expectCode(store().getBucketPolicy(name), 'NoSuchBucketPolicy');
    await store().deleteBucket(name);
    await expectCode(store().getBucketPolicy(name), 'NoSuchBucket');
    await expectCode(store().putBucketPolicy(name, JSON.stringify(policy)), 'NoSuchBucket');
  });
}
