/** The bucket store options: embedded by default, an S3 endpoint on request, secrets never echoed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';

test('the embedded store is the default', () => {
  const c = loadConfig({}, {});
  assert.equal(c.objectStore, 'embedded');
  assert.equal(c.s3Region, 'us-east-1');
  assert.equal(c.s3ForcePathStyle, true);
  assert.equal(c.s3Endpoint, undefined);
});

test('an external S3 store from the environment; flags win', () => {
  const env = {
    OPENTRAIL_OBJECT_STORE: 's3',
    OPENTRAIL_S3_ENDPOINT: 'http://127.0.0.1:9000',
    OPENTRAIL_S3_REGION: 'eu-west-1',
    OPENTRAIL_S3_ACCESS_KEY_ID: 'minioadmin',
    OPENTRAIL_S3_SECRET_ACCESS_KEY: 'minio-secret-value',
    OPENTRAIL_S3_FORCE_PATH_STYLE: 'false',
  };
  const c = loadConfig({}, env);
  assert.deepEqual(
    [c.objectStore, c.s3Endpoint, c.s3Region, c.s3AccessKeyId, c.s3SecretAccessKey, c.s3ForcePathStyle],
    ['s3', 'http://127.0.0.1:9000', 'eu-west-1', 'minioadmin', 'minio-secret-value', false],
  );
  assert.equal(loadConfig({ s3ForcePathStyle: 'yes', s3Region: 'ap-south-1' }, env).s3ForcePathStyle, true);
  assert.equal(loadConfig({ s3Region: 'ap-south-1' }, env).s3Region, 'ap-south-1');
});

test('s3 without endpoint or keys is refused, naming the variables and never the secret', () => {
  assert.throws(
    () => loadConfig({}, { OPENTRAIL_OBJECT_STORE: 's3', OPENTRAIL_S3_SECRET_ACCESS_KEY: 'do-not-print-me' }),
    (e: Error) =>
      e instanceof ConfigError &&
      /OPENTRAIL_S3_ENDPOINT, OPENTRAIL_S3_ACCESS_KEY_ID and OPENTRAIL_S3_SECRET_ACCESS_KEY/.test(e.message) &&
      !e.message.includes('do-not-print-me'),
  );
  assert.throws(() => loadConfig({ objectStore: 'ftp' }, {}), /objectStore \(OPENTRAIL_OBJECT_STORE\)/);
  assert.throws(() => loadConfig({ s3Endpoint: 'not a url' }, {}), /s3Endpoint \(OPENTRAIL_S3_ENDPOINT\): must be a URL/);
  assert.throws(() => loadConfig({ s3ForcePathStyle: 'maybe' }, {}), /s3ForcePathStyle.*must be true or false/);
});
