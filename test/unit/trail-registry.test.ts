/**
 * TrailRegistry: the in-memory view, the SQL each change hands over (idempotent, reloadable),
 * rollback, visibility by region, and selectsDataEvent as the pipeline uses it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type SqliteDatabase } from '../../src/store/sqlite/database.js';
import type { StateChange } from '../../src/store/state-change.js';
import { TrailRegistry } from '../../src/trails/registry.js';
import { newTrail, type Trail } from '../../src/trails/trail.js';
import { trailArn } from '../../src/trails/trail-names.js';
import { ACCOUNT, s3Object } from '../helpers/records.js';

const OTHER = '210987654321';

function trail(name: string, overrides: Partial<Trail> = {}): Trail {
  const homeRegion = overrides.homeRegion ?? 'eu-west-1';
  const accountId = overrides.accountId ?? ACCOUNT;
  const base = newTrail(
    { accountId, name, homeRegion, arn: trailArn(homeRegion, accountId, name), createdAtMs: 1_700_000_000_000 },
    {
      s3BucketName: 'logs-bucket',
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: false,
      logFileValidationEnabled: false,
      isOrganizationTrail: false,
    },
    [{ Key: 'team', Value: 'sec' }],
  );
  return { ...base, ...overrides };
}

const logging = (t: Trail): Trail => ({ ...t, status: { ...t.status, isLogging: true, startLoggingTimeMs: 5 } });
const s3Data = (t: Trail, value = 'arn:aws:s3:::logs-bucket/'): Trail => ({
  ...t,
  hasCustomEventSelectors: true,
  selectors: { kind: 'basic', selectors: [{ IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: [value] }] }] },
});

/** Stands in for the event writer: runs a call's changes in one transaction. */
function commit(db: SqliteDatabase, changes: StateChange[]): void {
  db.transaction(() => {
    for (const c of changes) db.prepare(c.sql).run(...c.params);
  })();
}

function fresh(): { db: SqliteDatabase; registry: TrailRegistry } {
  const db = openDatabase(':memory:');
  return { db, registry: TrailRegistry.load(db) };
}

describe('TrailRegistry state and persistence', () => {
  test('a saved trail is visible at once, and its changes reload to an equal trail', () => {
    const { db, registry } = fresh();
    const t = s3Data(logging(trail('main', { s3KeyPrefix: 'p', kmsKeyId: 'arn:aws:kms:eu-west-1:1:alias/x' })));
    const staged = registry.save(t);
    assert.equal(registry.get(ACCOUNT, t.arn), t);
    assert.equal(db.prepare('SELECT count(*) FROM trails').pluck().get(), 0, 'the registry never writes itself');
    commit(db, staged.changes);
    const reloaded = TrailRegistry.load(db);
    assert.deepEqual(reloaded.get(ACCOUNT, t.arn), t);
    assert.deepEqual(reloaded.trailsOf(ACCOUNT), [t]);
  });

  test('replaying the same changes is harmless', () => {
    const { db, registry } = fresh();
    const t = trail('main');
    const { changes } = registry.save(t);
    commit(db, changes);
    commit(db, changes);
    const removal = registry.remove(ACCOUNT, t.arn).changes;
    commit(db, removal);
    commit(db, removal);
    assert.deepEqual(TrailRegistry.load(db).trailsOf(ACCOUNT), []);
  });

  test('status-only saves persist the status and leave the definition alone', () => {
    const { db, registry } = fresh();
    const t = trail('main');
    commit(db, registry.save(t).changes);
    const started = logging(t);
    const staged = registry.saveStatus(started);
    assert.deepEqual(staged.changes.length, 1);
    assert.match(staged.changes[0]!.sql, /trail_status/);
    commit(db, staged.changes);
    assert.equal(TrailRegistry.load(db).get(ACCOUNT, t.arn)?.status.isLogging, true);
  });

  test('rollback undoes a create, a replace and a delete', () => {
    const { registry } = fresh();
    const t = trail('main');
    registry.save(t).rollback();
    assert.equal(registry.get(ACCOUNT, t.arn), undefined);
    assert.deepEqual(registry.trailsOf(ACCOUNT), []);

    registry.save(t);
    const changed = { ...t, s3BucketName: 'other-bucket' };
    registry.save(changed).rollback();
    assert.equal(registry.get(ACCOUNT, t.arn), t);

    registry.remove(ACCOUNT, t.arn).rollback();
    assert.equal(registry.get(ACCOUNT, t.arn), t);
  });

  test('recordDelivery merges one region at a time; unknown trails give nothing to stage', () => {
    const { db, registry } = fresh();
    const t = trail('main', { isMultiRegionTrail: true });
    commit(db, registry.save(t).changes);
    commit(db, registry.recordDelivery(ACCOUNT, t.arn, 'eu-west-1', { latestDeliveryTimeMs: 10 })!.changes);
    commit(db, registry.recordDelivery(ACCOUNT, t.arn, 'eu-west-1', { latestDigestDeliveryTimeMs: 20 })!.changes);
    commit(db, registry.recordDelivery(ACCOUNT, t.arn, 'us-east-1', { latestDeliveryError: 'AccessDenied' })!.changes);
    assert.deepEqual(TrailRegistry.load(db).get(ACCOUNT, t.arn)?.status.delivery, {
      'eu-west-1': { latestDeliveryTimeMs: 10, latestDigestDeliveryTimeMs: 20 },
      'us-east-1': { latestDeliveryError: 'AccessDenied' },
    });
    assert.equal(registry.recordDelivery(ACCOUNT, trailArn('eu-west-1', ACCOUNT, 'nope'), 'eu-west-1', {}), undefined);
  });
});

describe('TrailRegistry visibility', () => {
  test('single-region trails are visible in their home region only; multi-region ones everywhere', () => {
    const { registry } = fresh();
    const single = trail('single');
    const multi = trail('multi', { homeRegion: 'us-east-2', isMultiRegionTrail: true });
    const foreign = trail('single', { accountId: OTHER });
    for (const t of [single, multi, foreign]) registry.save(t);
    // Ordered by ARN: eu-west-1's trail before us-east-2's.
    assert.deepEqual(registry.visibleIn(ACCOUNT, 'eu-west-1'), [single, multi]);
    assert.deepEqual(registry.visibleIn(ACCOUNT, 'ap-south-1').map((t) => t.name), ['multi']);
    assert.equal(registry.findByName(ACCOUNT, 'ap-south-1', 'single'), undefined);
    assert.equal(registry.findByName(ACCOUNT, 'ap-south-1', 'multi'), multi);
    assert.equal(registry.findByName(OTHER, 'eu-west-1', 'single'), foreign);
    assert.deepEqual(registry.trailsOf(OTHER), [foreign]);
  });
});

describe('TrailRegistry.selectsDataEvent', () => {
  const getObject = s3Object('logs-bucket', 'a/b.txt');

  test('only a logging trail of the recipient account whose selectors and region match', () => {
    const { registry } = fresh();
    const t = s3Data(trail('main'));
    registry.save(t);
    assert.equal(registry.selectsDataEvent(getObject), false, 'not logging yet');
    registry.saveStatus(logging(t));
    assert.equal(registry.selectsDataEvent(getObject), true);
    assert.equal(registry.selectsDataEvent(s3Object('other-bucket', 'x')), false, 'selectors do not match');
    assert.equal(registry.selectsDataEvent({ ...getObject, awsRegion: 'us-west-2' }), false, 'other region');
    assert.equal(registry.selectsDataEvent({ ...getObject, recipientAccountId: OTHER }), false, 'other account');
  });

  test('a multi-region trail covers every region; default selectors select no data events', () => {
    const { registry } = fresh();
    registry.save(logging(trail('plain')));
    assert.equal(registry.selectsDataEvent(getObject), false);
    registry.save(logging(s3Data(trail('multi', { isMultiRegionTrail: true }))));
    assert.equal(registry.selectsDataEvent({ ...getObject, awsRegion: 'sa-east-1' }), true);
  });

  test('follows selector changes, stops, deletes and their rollbacks', () => {
    const { registry } = fresh();
    const t = logging(s3Data(trail('main')));
    registry.save(t);
    const narrowed = registry.save(s3Data(t, 'arn:aws:s3:::logs-bucket/other/'));
    assert.equal(registry.selectsDataEvent(getObject), false);
    narrowed.rollback();
    assert.equal(registry.selectsDataEvent(getObject), true);
    const stopped = registry.saveStatus({ ...t, status: { ...t.status, isLogging: false } });
    assert.equal(registry.selectsDataEvent(getObject), false);
    stopped.rollback();
    assert.equal(registry.selectsDataEvent(getObject), true);
    registry.remove(ACCOUNT, t.arn);
    assert.equal(registry.selectsDataEvent(getObject), false);
  });
});
