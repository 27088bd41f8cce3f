/**
 * Delivery ranges in SQLite (src/delivery/delivery-rows.ts, migration 4): a range opens at the
 * StartLogging event's own seq and closes at the StopLogging event's (the writer runs a call's
 * state changes after its event), a retired trail is kept only while it has something left to
 * deliver, and upgrading a database whose trails already log gives them a range from "now".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advance, closeRange, DeliveryRows, openRange, retire } from '../../src/delivery/delivery-rows.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { MIGRATIONS, migrate } from '../../src/store/sqlite/migrations.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { saveTrail } from '../../src/trails/trail-rows.js';
import { newTrail, type Trail } from '../../src/trails/trail.js';
import { tempDir } from '../helpers/server.js';
import { ACCOUNT, record } from '../helpers/records.js';
import type { NewEvent } from '../../src/store/event-log.js';

const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/t`;

function trail(logging: boolean): Trail {
  const t = newTrail(
    { accountId: ACCOUNT, name: 't', homeRegion: 'us-east-1', arn: ARN, createdAtMs: 1_700_000_000_000 },
    { s3BucketName: 'b', includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: false, isOrganizationTrail: false },
    [],
  );
  return { ...t, status: { ...t.status, isLogging: logging } };
}

function event(name: string): NewEvent {
  return { record: record({ eventName: name }), eventTimeMs: Date.now(), accountId: ACCOUNT, region: 'us-east-1', category: 'management', lookupResources: [] };
}

test('ranges open and close at the seq of the call that opened or closed them', async () => {
  const log = SqliteEventLog.open(join(tempDir(), 'events.db'), { writer: 'inline' });
  const rows = new DeliveryRows(log.db);
  const t = trail(true);
  await log.append([event('ListTrails'), event('ListTrails')]);
  await log.append([event('StartLogging')], [openRange(t)]);
  await log.append([event('ListTrails')]);
  await log.append([event('StopLogging')], [closeRange(t)]);
  const [range] = rows.streams().get(`${ARN}@1700000000000`)!;
  assert.deepEqual({ after: range!.afterSeq, through: range!.throughSeq }, { after: 2, through: 5 });

  await log.append([event('DeleteTrail')], [closeRange(t), retire(t)]);
  assert.equal(rows.retiredTrail(range!.streamId)?.arn, ARN, 'kept while the range is undelivered');
  await log.append([], advance(range!.streamId, range!.openedSeq, 5));
  assert.equal(rows.streams().size, 0);
  assert.equal(rows.retiredTrail(range!.streamId), undefined, 'forgotten once delivered');

  await log.append([event('DeleteTrail')], [closeRange(t), retire(t)]);
  assert.equal(rows.retiredTrail(range!.streamId), undefined, 'nothing to deliver: nothing kept');
  await log.close();
  log.db.close();
});

test('upgrading to migration 4 gives trails that already log a range from the newest event', () => {
  const file = join(tempDir(), 'old.db');
  const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
  for (const change of [...saveTrail(trail(true)), ...saveTrail({ ...trail(false), arn: `${ARN}-idle` })]) {
    old.prepare(change.sql).run(change.params);
  }
  old.prepare('UPDATE event_log_state SET last_seq = 41 WHERE id = 1').run();
  migrate(old);
  const streams = new DeliveryRows(old).streams();
  assert.deepEqual([...streams.keys()], [`${ARN}@1700000000000`]);
  assert.deepEqual(streams.get(`${ARN}@1700000000000`)![0]!.afterSeq, 41);
  assert.equal(streams.get(`${ARN}@1700000000000`)![0]!.throughSeq, null);
  old.close();
});
