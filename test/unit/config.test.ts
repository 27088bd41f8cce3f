import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  assert.deepEqual(c.upstreams, ['dynamodb=http://127.0.0.1:5000', 'default=http://127.0.0.1:4566']);
  assert.deepEqual([...parseUpstreams(c.upstreams).keys()], ['dynamodb', 'default']);
  assert.equal(parseUpstreams(c.upstreams).get('default')?.origin, 'http://127.0.0.1:4566');
  assert.deepEqual(loadConfig({}, {}).upstreams, []);
  assert.equal(loadConfig({}, {}).upstreamTimeoutSeconds, 30);
  assert.throws(() => loadConfig({ upstreams: 'dynamodb:5000' }, {}), /upstreams \(OPENTRAIL_UPSTREAMS\): must be service=URL/);
  assert.throws(
    () => loadConfig({}, { OPENTRAIL_UPSTREAM_TIMEOUT_SECONDS: '-1' }),
    /upstreamTimeoutSeconds/,
  );
});
