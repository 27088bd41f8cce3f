/**
 * The dashboard figures: EventLog.summarize on SQLite (buckets on the clock hour, errors only
 * for a top-level errorCode, ranking with ties by name, one scope and time range only) and
 * consoleStats' hours (every hour present, oldest first, the current one last).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../src/aws/principal.js';
import type { ServiceContext } from '../../src/aws/service.js';
import { ManualClock } from '../../src/lib/clock.js';
import { buildEvent } from '../../src/recorder/recorder.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { consoleStats, parseHours } from '../../src/console/stats.js';

const ACCOUNT = '123456789012';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1, 10); // 10:00

const user = (userName: string): Principal => ({ type: 'IAMUser', accountId: ACCOUNT, accessKeyId: 'AKIA', userId: 'AIDA', userName, path: '/' });

function event(at: number, eventName: string, who: Principal, opts: { region?: string; errorCode?: string; params?: Record<string, unknown> } = {}) {
  return buildEvent({
    principal: who,
    region: opts.region ?? 'us-east-1',
    eventTimeMs: at,
    eventSource: 'cloudtrail.amazonaws.com',
    eventName,
    sourceIPAddress: '203.0.113.1',
    requestParameters: opts.params ?? null,
    responseElements: null,
    ...(opts.errorCode ? { error: { code: opts.errorCode, message: 'm' } } : {}),
    requestId: 'r',
    eventId: `${at}-${eventName}`,
    readOnly: true,
    resources: [],
    lookupResources: [],
    managementEvent: true,
  });
}

async function seeded(): Promise<SqliteEventLog> {
  const log = SqliteEventLog.open(':memory:');
  const root: Principal = { type: 'Root', accountId: ACCOUNT, accessKeyId: 'AKIA' };
  await log.append([
    event(T0 - 1, 'Before', root), // before the window
    event(T0, 'DescribeTrails', user('alice')),
    event(T0 + 10, 'DescribeTrails', user('bob')),
    event(T0 + 20, 'GetTrail', user('alice'), { errorCode: 'TrailNotFoundException' }),
    // An errorCode inside requestParameters is not a failed call.
    event(T0 + 30, 'PutAuditEvents', user('alice'), { params: { errorCode: 'x' } }),
    event(T0 + 2 * HOUR + 5, 'CreateTrail', root, { errorCode: 'AccessDenied' }),
    event(T0 + 2 * HOUR + 6, 'DescribeTrails', root, { region: 'eu-west-1' }), // another region
  ]);
  return log;
}

test('summarize: buckets from the start, errors, rankings with ties by name, one scope and range', async () => {
  const log = await seeded();
  const summary = await log.summarize({
    accountId: ACCOUNT,
    region: 'us-east-1',
    category: 'management',
    startTimeMs: T0,
    endTimeMs: T0 + 3 * HOUR,
    bucketMs: HOUR,
    top: 2,
  });
  assert.deepEqual(summary.buckets, [
    { startMs: T0, events: 4, errors: 1 },
    { startMs: T0 + 2 * HOUR, events: 1, errors: 1 },
  ]);
  assert.deepEqual(summary.topEventNames, [
    { name: 'DescribeTrails', count: 2 },
    { name: 'CreateTrail', count: 1 },
  ]);
  assert.deepEqual(summary.topUsers, [
    { name: 'alice', count: 3 },
    { name: 'bob', count: 1 },
  ]);
  const none = await log.summarize({ accountId: '999999999999', region: 'us-east-1', category: 'management', startTimeMs: 0, endTimeMs: T0 * 2, bucketMs: HOUR, top: 10 });
  assert.deepEqual(none, { buckets: [], topEventNames: [], topUsers: [] });

  // Rows written before the `failed` column existed (NULL) are judged by their record, the same way.
  const flagged = log.db.prepare('SELECT COUNT(*) FROM events WHERE failed = 1').pluck().get();
  assert.equal(flagged, 2, 'errors are flagged when written');
  log.db.prepare('UPDATE events SET failed = NULL').run();
  const again = await log.summarize({ accountId: ACCOUNT, region: 'us-east-1', category: 'management', startTimeMs: T0, endTimeMs: T0 + 3 * HOUR, bucketMs: HOUR, top: 2 });
  assert.deepEqual(again.buckets, summary.buckets);
  await log.close();
});

test('consoleStats: every hour of the window, ending with the current one', async () => {
  const log = await seeded();
  const clock = new ManualClock(T0 + 2 * HOUR + 30 * 60_000); // 12:30
  const ctx = { clock, eventLog: log } as unknown as ServiceContext; // only these two are read
  const stats = await consoleStats(ctx, { accountId: ACCOUNT, region: 'us-east-1', hours: 3 });
  assert.deepEqual(stats.hours, [
    { start: T0, events: 4, errors: 1 },
    { start: T0 + HOUR, events: 0, errors: 0 },
    { start: T0 + 2 * HOUR, events: 1, errors: 1 },
  ]);
  assert.equal(stats.total, 5);
  assert.equal(stats.errors, 2);
  assert.equal(stats.topEventNames[0]?.name, 'DescribeTrails');
  const shorter = await consoleStats(ctx, { accountId: ACCOUNT, region: 'us-east-1', hours: 1 });
  assert.deepEqual(shorter.hours, [{ start: T0 + 2 * HOUR, events: 1, errors: 1 }]);
  await log.close();
});

test('parseHours: 1..168, 24 when absent, nothing else', () => {
  assert.equal(parseHours(null), 24);
  assert.equal(parseHours('1'), 1);
  assert.equal(parseHours('168'), 168);
  for (const bad of ['0', '169', '', '1.5', '-1', '1e2', ' 2', '0x10']) assert.equal(parseHours(bad), undefined, bad);
});
