import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_REGIONS, loadConfig } from '../../src/config.js';
import { parseUpstreams } from '../../src/gateway/proxy.js';

test('defaults match the README', () => {
  const c = loadConfig({}, {});
  assert.equal(c.port, 4599);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, './data');
  assert.equal(c.accountId, '123456789012');
  assert.deepEqual(c.regions, [...DEFAULT_REGIONS]);
  assert.equal(c.retentionDays, 90);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.maxBodyBytes, 1048576);
  assert.deepEqual(c.trustedProxies, []);
  assert.ok(Object.isFrozen(c));
});

test('environment variables set every option; flags win', () => {
  const env = {
    OPENTRAIL_PORT: '5000', OPENTRAIL_HOST: '0.0.0.0', OPENTRAIL_DATA_DIR: '/tmp/x', OPENTRAIL_ACCOUNT_ID: '111122223333',
    OPENTRAIL_REGIONS: 'us-east-1, eu-west-1', OPENTRAIL_RETENTION_DAYS: '0.5', OPENTRAIL_LOG_LEVEL: 'debug',
    OPENTRAIL_MAX_BODY_BYTES: '2048', OPENTRAIL_TRUSTED_PROXIES: '10.0.0.1,10.0.0.2',
  };
  const c = loadConfig({}, env);
  assert.equal(c.port, 5000);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.accountId, '111122223333');
  assert.deepEqual(c.regions, ['us-east-1', 'eu-west-1']);
  assert.equal(c.retentionDays, 0.5);
  assert.equal(c.logLevel, 'debug');
  assert.equal(c.maxBodyBytes, 2048);
  assert.deepEqual(c.trustedProxies, ['10.0.0.1', '10.0.0.2']);
  assert.equal(loadConfig({ port: '6000', regions: 'ap-south-1' }, env).port, 6000);
  assert.deepEqual(loadConfig({ regions: 'ap-south-1' }, env).regions, ['ap-south-1']);
});

test('bad values name the option and its variable, and never echo secrets', () => {
  assert.throws(() => loadConfig({ port: '99999' }, {}), (e: Error) => e instanceof ConfigError && /port \(OPENTRAIL_PORT\)/.test(e.message));
  assert.throws(() => loadConfig({ accountId: '12' }, {}), /12-digit/);
  assert.throws(() => loadConfig({ logLevel: 'loud' }, {}), /logLevel/);
  assert.throws(() => loadConfig({ regions: 'Not A Region' }, {}), /regions/);
  assert.throws(
    () => loadConfig({}, { OPENTRAIL_ROOT_SECRET_ACCESS_KEY: 'supersecretvalue-12345' }),
    (e: Error) => /set together/.test(e.message) && !e.message.includes('supersecretvalue'),
  );
});

test('upstreams: service=URL entries from a flag or OPENTRAIL_UPSTREAMS; a malformed one is named', () => {
  const c = loadConfig({}, { OPENTRAIL_UPSTREAMS: 'dynamodb=http://127.0.0.1:5000, default=http://127.0.0.1:4566' });
  assert.deepEqual(c.upstreams, [
    { service: 'dynamodb', url: 'http://127.0.0.1:5000' },
    { service: 'default', url: 'http://127.0.0.1:4566' },
  ]);
  const targets = parseUpstreams(c);
  assert.deepEqual([...targets.keys()], ['dynamodb', 'default']);
  assert.equal(targets.get('default')?.url.origin, 'http://127.0.0.1:4566');
  // Without a pair of its own, an upstream is signed for with the shared one.
  assert.deepEqual(targets.get('default')?.credentials, { accessKeyId: 'test', secretAccessKey: 'test' });
  assert.deepEqual(loadConfig({}, {}).upstreams, []);
  assert.equal(loadConfig({}, {}).upstreamTimeoutSeconds, 30);
  assert.throws(() => loadConfig({ upstreams: 'dynamodb:5000' }, {}), /upstreams \(OPENTRAIL_UPSTREAMS\): must be service=URL/);
  assert.throws(
    () => loadConfig({}, { OPENTRAIL_UPSTREAM_TIMEOUT_SECONDS: '-1' }),
    /upstreamTimeoutSeconds/,
  );
});

test('config file: options as JSON under flags and environment; upstreams there may carry their own key pair', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opentrail-config-'));
  const file = join(dir, 'opentrail.json');
  writeFileSync(
    file,
    JSON.stringify({
      port: 4700,
      logLevel: 'debug',
      upstreams: { s3: 'http://127.0.0.1:9000', dynamodb: { url: 'http://127.0.0.1:8000', accessKeyId: 'DDBKEY', secretAccessKey: 'ddb-secret-value' } },
      upstreamAccessKeyId: 'shared',
      upstreamSecretAccessKey: 'shared-secret',
    }),
  );
  try {
    const c = loadConfig({ config: file }, { OPENTRAIL_LOG_LEVEL: 'warn' });
    assert.equal(c.port, 4700);
    assert.equal(c.logLevel, 'warn', 'the environment wins over the file');
    assert.equal(loadConfig({ config: file, port: '4800' }, {}).port, 4800, 'a flag wins over the file');
    assert.equal(loadConfig({}, { OPENTRAIL_CONFIG: file }).port, 4700, 'OPENTRAIL_CONFIG names the file too');
    const targets = parseUpstreams(c);
    assert.deepEqual(targets.get('s3')?.credentials, { accessKeyId: 'shared', secretAccessKey: 'shared-secret' });
    assert.deepEqual(targets.get('dynamodb')?.credentials, { accessKeyId: 'DDBKEY', secretAccessKey: 'ddb-secret-value' });
    assert.equal(targets.get('dynamodb')?.url.port, '8000');

    writeFileSync(file, JSON.stringify({ upstreams: { s3: { url: 'http://127.0.0.1:9000', accessKeyId: 'ONLYKEY' } } }));
    assert.throws(() => loadConfig({ config: file }, {}), /upstreams \(OPENTRAIL_UPSTREAMS\): accessKeyId and secretAccessKey must be given together/);
    writeFileSync(file, JSON.stringify({ upstreams: { S3: 'http://127.0.0.1:9000' } }));
    assert.throws(() => loadConfig({ config: file }, {}), /service names are lower-case/);
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig({ config: file }, {}), (e: Error) => e instanceof ConfigError && /unknown options: prot/.test(e.message));
    writeFileSync(file, JSON.stringify({ rootSecretAccessKey: 'file-held-secret-value' }));
    assert.throws(() => loadConfig({ config: file }, {}), (e: Error) => /set together/.test(e.message) && !e.message.includes('file-held-secret-value'));
    writeFileSync(file, '{ not json');
    assert.throws(() => loadConfig({ config: file }, {}), /cannot read .* as JSON/);
    assert.throws(() => loadConfig({ config: join(dir, 'missing.json') }, {}), ConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
