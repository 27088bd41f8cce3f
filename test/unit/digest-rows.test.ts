/**
 * Digest chains in SQLite (src/delivery/digest-rows.ts, migration 5): a chain's bounds are the
 * seqs of the calls that opened and closed it, a log file joins the chain its events were recorded
 * in (none when validation was off), a listed file leaves the waiting entries when its digest
 * completes, and a closed chain's final digest waits until its last events are delivered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { advance, closeRange, openRange, savePlan, streamId, type DeliveryPlan } from '../../src/delivery/delivery-rows.js';
import { closeChain, completeDigest, digestEntries, DigestRows, openChain, type DigestPlan } from '../../src/delivery/digest-rows.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import type { NewEvent } from '../../src/store/event-log.js';
import { newTrail, type Trail } from '../../src/trails/trail.js';
import { ACCOUNT, record } from '../helpers/records.js';
import { tempDir } from '../helpers/server.js';

const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/t`;
const T0 = 1_700_000_000_500;

const trail: Trail = newTrail(
  { accountId: ACCOUNT, name: 't', homeRegion: 'us-east-1', arn: ARN, createdAtMs: 1 },
  { s3BucketName: 'b', includeGlobalServiceEvents: true, isMultiRegionTrail: false, logFileValidationEnabled: true, isOrganizationTrail: false },
  [],
);
const STREAM = streamId(trail);

function event(name: string): NewEvent {
  return { record: record({ eventName: name }), eventTimeMs: T0, accountId: ACCOUNT, region: 'us-east-1', category: 'management', lookupResources: [] };
}

/** A delivered batch of one file holding `seqs`. */
function batch(key: string, seqs: number[]): DeliveryPlan {
  return {
    openedSeq: 0,
    afterSeq: seqs[0]! - 1,
    throughSeq: seqs.at(-1)!,
    deliveredAtMs: T0,
    bucket: 'b',
    files: [{ key, accountId: ACCOUNT, region: 'us-east-1', seqs, sha256: '00', oldestEventMs: T0, newestEventMs: T0 + 2000 }],
  };
}

test('files join the chain open when their events were recorded, and leave it with their digest', async () => {
  const log = SqliteEventLog.open(join(tempDir(), 'events.db'), { writer: 'inline' });
  const rows = new DigestRows(log.db);
  await log.append([event('ListTrails')]); // seq 1: before validation
  await log.append([event('StartLogging')], [openRange(trail), openChain(trail, T0, true)]); // seq 2
  await log.append([event('ListTrails')]); // seq 3
  await log.append([event('UpdateTrail')], [closeChain(trail, T0 + 10_000)]); // seq 4: validation off
  await log.append([event('ListTrails')]); // seq 5
  await log.append([event('UpdateTrail')], [openChain(trail, T0 + 20_000, false)]); // seq 6: on again
  await log.append([event('ListTrails')]); // seq 7

  const [first, second] = rows.chains().get(STREAM)!;
  assert.deepEqual([first!.closedSeq, first!.closedMs, second!.closedSeq], [4, T0 + 10_000, null]);
  assert.deepEqual(rows.head(first!, ACCOUNT, 'us-east-1'), { windowStartMs: T0 - 500, finished: false }, 'windows start on the second');

  await log.append([], [...digestEntries(STREAM, batch('before', [1]), T0), ...digestEntries(STREAM, batch('in-first', [2, 3, 4]), T0 + 1)]);
  await log.append([], [...digestEntries(STREAM, batch('while-off', [5]), T0 + 2), ...digestEntries(STREAM, batch('in-second', [7]), T0 + 3)]);
  const keys = (c: typeof first) => rows.entries(c!, ACCOUNT, 'us-east-1', Infinity).map((e) => e.key);
  assert.deepEqual(keys(first), ['in-first']);
  assert.deepEqual(keys(second), ['in-second'], 'a file recorded while validation was off is in no chain');
  assert.deepEqual(rows.regions(second!, ACCOUNT), ['us-east-1'], 'regions the chain owes digests for, from its files');
  const entry = rows.entries(first!, ACCOUNT, 'us-east-1', Infinity)[0]!.file;
  assert.deepEqual(entry, {
    s3Bucket: 'b',
    s3Object: 'in-first',
    hashValue: '00',
    hashAlgorithm: 'SHA-256',
    newestEventTime: '2023-11-14T22:13:22Z',
    oldestEventTime: '2023-11-14T22:13:20Z',
  });
  assert.deepEqual(rows.entries(first!, ACCOUNT, 'us-east-1', T0 + 1).map((e) => e.key), [], 'an hourly digest lists files delivered before its end');

  const plan: DigestPlan = {
    chainId: first!.chainId,
    accountId: ACCOUNT,
    region: 'us-east-1',
    startMs: T0 - 500,
    endMs: T0 + 11_000,
    bucket: 'b',
    key: 'd1',
    json: '{}',
    signature: 'aa',
    final: true,
    listed: ['in-first'],
  };
  await log.append([], completeDigest(plan, { bucket: 'b', key: 'd1', hash: 'h', signature: 'aa' }));
  assert.deepEqual(keys(first), []);
  assert.deepEqual(rows.head(first!, ACCOUNT, 'us-east-1'), {
    windowStartMs: T0 + 11_000,
    previous: { bucket: 'b', key: 'd1', hash: 'h', signature: 'aa' },
    finished: true,
  });
  await log.close();
  log.db.close();
});

test("a closed chain's final digest waits for the last events' log files", async () => {
  const log = SqliteEventLog.open(join(tempDir(), 'events.db'), { writer: 'inline' });
  const rows = new DigestRows(log.db);
  await log.append([event('StartLogging')], [openRange(trail), openChain(trail, T0, true)]); // seq 1
  await log.append([event('StopLogging')], [closeRange(trail), closeChain(trail, T0 + 1000)]); // seq 2
  const chain = rows.chains().get(STREAM)![0]!;
  assert.equal(rows.awaitsDelivery(chain), true, 'events 1..2 undelivered');
  await log.append([], [savePlan(STREAM, batch('f', [1, 2]))]);
  await log.append([], advance(STREAM, 0, 1));
  assert.equal(rows.awaitsDelivery(chain), true, 'a batch planned, and event 2 undelivered');
  await log.append([], advance(STREAM, 0, 2));
  assert.equal(rows.awaitsDelivery(chain), false);
  await log.close();
  log.db.close();
});
