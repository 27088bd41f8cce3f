/**
 * Start-up builds the bucket store the configuration names: the embedded one under the data dir
 * (with its key in a 0600 file, kept across restarts), or the external S3 one. An unreachable
 * external store fails calls with S3's 500 InternalError, leaking nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, tempDir } from '../helpers/server.js';
import { rejectsWith } from '../helpers/s3.js';

test('embedded by default: objects under the data dir, a 0600 key, contents survive a restart', async () => {
  const dataDir = tempDir();
  const first = await startTestServer({ dataDir });
  assert.equal(first.app.context.objects.kind, 'embedded');
  await first.s3().send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
  await first.s3().send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'k', Body: 'persisted' }));
  assert.ok(existsSync(join(dataDir, 'objects')));
  const keyFile = join(dataDir, 'objects.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const key = readFileSync(keyFile, 'utf8');
  await first.stop(true);

  const second = await startTestServer({ dataDir });
  try {
    assert.equal(readFileSync(keyFile, 'utf8'), key);
    const got = await second.s3().send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'k' }));
    assert.equal(await got.Body!.transformToString(), 'persisted');
  } finally {
    await second.stop();
  }
});

test('objectStore s3: calls go to the configured endpoint; when it is down, InternalError without details', async () => {
  const server = await startTestServer({
    config: { objectStore: 's3', s3Endpoint: 'http://127.0.0.1:9', s3AccessKeyId: 'backend-key', s3SecretAccessKey: 'backend-secret-value' },
  });
  try {
    assert.equal(server.app.context.objects.kind, 's3');
    const err = await rejectsWith(server.s3().send(new ListBucketsCommand({})), 'InternalError', 500);
    assert.equal(err.message, 'We encountered an internal error. Please try again.');
    assert.ok(!JSON.stringify(err).includes('backend-secret-value'));
  } finally {
    await server.stop();
  }
});
