import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { LookupQuery, StoredEvent } from '../../src/store/event-log.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { SqliteEventLog } from '../../src/store/sqlite/event-log.js';
import { lookupSql, type Plan } from '../../src/store/sqlite/event-reader.js';
import { MIGRATIONS, SchemaTooNewError, migrate, schemaVersion } from '../../src/store/sqlite/migrations.js';
import { ACCOUNT, REGION, T0, event, tempDir } from './fixtures/sqlite-events.js';

const tmp = tempDir();
after(() => tmp.cleanup());
let fileNo = 0;
const freshFile = () => tmp.file(`events-${++fileNo}.db`);

function query(extra: Partial<LookupQuery> = {}): LookupQuery {
  return { accountId: ACCOUNT, region: REGION, category: 'management', startTimeMs: 0, endTimeMs: 8.64e15, limit: 50, ...extra };
}
const ids = (events: StoredEvent[]) => events.map((e) => e.record.eventID);

for (const writer of ['inline', 'worker'] as const) {
  describe(`SqliteEventLog (${writer} writer)`, () => {
    const open = (file = freshFile()) => SqliteEventLog.open(file, { writer, purgeChunkSize: 7 });

    test('append + lookup round trip returns the stored fields and the exact record bytes', async () => {
      const log = open();
      const ev = event({ id: 'e1', username: 'alice', accessKeyId: 'AKIA1', resources: [{ type: 'AWS::S3::Bucket', name: 'b1' }] });
      await log.append([ev]);
      const page = await log.lookup(query());
      assert.equal(page.events.length, 1);
      assert.equal(page.next, undefined);
      const got = page.events[0]!;
      assert.equal(got.recordJson, JSON.stringify(ev.record));
      assert.deepEqual(got.record, ev.record);
      assert.deepEqual({ ...got, seq: 0, recordJson: '' }, { ...ev, seq: 0, recordJson: '' });
      assert.equal(got.seq, 1);
      await log.close();
    });

    test('every lookup attribute matches exactly and case-sensitively', async () => {
      const log = open();
      await log.append([
        event({ id: 'a', name: 'CreateTrail', source: 'cloudtrail.amazonaws.com', readOnly: false, username: 'alice', accessKeyId: 'AKIAA', resources: [{ type: 'AWS::CloudTrail::Trail', name: 't1' }, { type: 'AWS::S3::Bucket', name: 'b1' }] }),
        event({ id: 'b', name: 'GetObject', source: 's3.amazonaws.com', readOnly: true, username: 'bob', accessKeyId: 'AKIAB', resources: [{ type: 'AWS::S3::Bucket', name: 'b2' }] }),
        event({ id: 'c', name: 'CreateTrail', source: 'cloudtrail.amazonaws.com', readOnly: null }),
      ]);
      const find = async (key: NonNullable<LookupQuery['attribute']>['key'], value: string) =>
        ids((await log.lookup(query({ attribute: { key, value } }))).events).sort();
      assert.deepEqual(await find('EventId', 'b'), ['b']);
      assert.deepEqual(await find('EventId', 'B'), []);
      assert.deepEqual(await find('EventName', 'CreateTrail'), ['a', 'c']);
      assert.deepEqual(await find('EventName', 'createtrail'), []);
      assert.deepEqual(await find('EventSource', 's3.amazonaws.com'), ['b']);
      assert.deepEqual(await find('ReadOnly', 'true'), ['b']);
      assert.deepEqual(await find('ReadOnly', 'false'), ['a']);
      assert.deepEqual(await find('ReadOnly', 'TRUE'), []);
      assert.deepEqual(await find('Username', 'alice'), ['a']);
      assert.deepEqual(await find('Username', 'Alice'), []);
      assert.deepEqual(await find('AccessKeyId', 'AKIAB'), ['b']);
      assert.deepEqual(await find('ResourceType', 'AWS::S3::Bucket'), ['a', 'b']);
      assert.deepEqual(await find('ResourceType', 'AWS::CloudTrail::Trail'), ['a']);
      assert.deepEqual(await find('ResourceName', 'b2'), ['b']);
      assert.deepEqual(await find('ResourceName', 't1'), ['a']);
      // A value known from another attribute still matches nothing here.
      assert.deepEqual(await find('Username', 'CreateTrail'), []);
      await log.close();
    });

    test('categories, accounts and regions are separate; data events never appear', async () => {
      const log = open();
      await log.append([
        event({ id: 'm' }),
        event({ id: 'i', category: 'insight' }),
        event({ id: 'd', category: 'data', name: 'GetObject' }),
        event({ id: 'other-account', accountId: '444455556666' }),
        event({ id: 'other-region', region: 'eu-west-1' }),
      ]);
      assert.deepEqual(ids((await log.lookup(query())).events), ['m']);
      assert.deepEqual(ids((await log.lookup(query({ category: 'insight' }))).events), ['i']);
      assert.deepEqual(ids((await log.lookup(query({ attribute: { key: 'EventName', value: 'GetObject' } }))).events), []);
      assert.deepEqual(ids((await log.lookup(query({ attribute: { key: 'EventId', value: 'd' } }))).events), []);
      assert.deepEqual(ids((await log.lookup(query({ region: 'eu-west-1' }))).events), ['other-region']);
      assert.deepEqual(ids((await log.lookup(query({ accountId: '444455556666' }))).events), ['other-account']);
      assert.deepEqual(ids((await log.lookup(query({ accountId: '999999999999' }))).events), []);
      await log.close();
    });

    test('time bounds are inclusive; ties are ordered by seq, newest first', async () => {
      const log = open();
      await log.append([event({ id: 'early', timeMs: T0 - 1 }), event({ id: 'x1', timeMs: T0 }), event({ id: 'x2', timeMs: T0 })]);
      await log.append([event({ id: 'late', timeMs: T0 + 10 }), event({ id: 'x3', timeMs: T0 })]);
      const page = await log.lookup(query({ startTimeMs: T0, endTimeMs: T0 + 10 }));
      assert.deepEqual(ids(page.events), ['late', 'x3', 'x2', 'x1']);
      assert.deepEqual(ids((await log.lookup(query({ startTimeMs: T0 - 1, endTimeMs: T0 - 1 }))).events), ['early']);
      assert.deepEqual(ids((await log.lookup(query({ startTimeMs: T0 + 1, endTimeMs: T0 + 9 }))).events), []);
      await log.close();
    });

    test('pagination is stable while events are appended between pages', async () => {
      const log = open();
      // 1,200 events over 400 distinct times: many ties across page boundaries.
      const initial = Array.from({ length: 1200 }, (_, i) => event({ id: `p${i}`, timeMs: T0 + Math.floor(i / 3), readOnly: i % 2 === 0 }));
      await log.append(initial);
      for (const attribute of [undefined, { key: 'ReadOnly' as const, value: 'true' }]) {
        const tag = attribute ? 'ro' : 'all';
        const expected = initial.filter((e) => !attribute || e.record.readOnly).map((e) => e.record.eventID);
        const seen: string[] = [];
        let next = await log.lookup(query({ attribute, limit: 50 }));
        for (let page = 0; ; page++) {
          seen.push(...ids(next.events));
          if (!next.next) break;
          // New events both newer and older than the cursor, inside the queried range.
          await log.append([event({ id: `new-${tag}-${page}`, timeMs: T0 + 500 + page, readOnly: true }),
            event({ id: `old-${tag}-${page}`, timeMs: T0 - 1, readOnly: true })]);
          next = await log.lookup(query({ attribute, limit: 50, after: next.next }));
        }
        const original = seen.filter((id) => id.startsWith('p'));
        assert.equal(new Set(seen).size, seen.length, 'no duplicates');
        assert.deepEqual([...original].sort(), [...expected].sort(), 'no gaps');
        assert.ok(!seen.some((id) => id.startsWith(`new-${tag}-`)), 'events newer than the cursor are not returned');
        assert.ok(seen.some((id) => id.startsWith(`old-${tag}-`)), 'events older than the cursor still show up');
      }
      await log.close();
    });

    test('appends made in one turn share one transaction', async () => {
      const log = open();
      await log.append([event({ id: 'warm-up' })]);
      const before = log.stats.commits;
      await Promise.all(Array.from({ length: 100 }, (_, i) => log.append([event({ id: `g${i}` }), event({ id: `h${i}` })])));
      assert.equal(log.stats.commits - before, 1);
      assert.equal(log.stats.appendedEvents, 201);
      const all = await log.readAfter(0, 1000);
      assert.equal(all.length, 201);
      assert.ok(all.every((e, i) => e.seq === i + 1), 'seq is dense and in commit order');
      await log.close();
    });

    test('a failing group rejects only the callers whose events fail; a broken store rejects all', async () => {
      const file = freshFile();
      const log = open(file);
      await log.append([event({ id: 'first' })]);
      // A real SQLite fault: a trigger that aborts inserts of one event name, then of all.
      const db = new Database(file);
      db.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN json_extract(NEW.record, '$.eventName') = 'Boom'
               BEGIN SELECT RAISE(ABORT, 'boom'); END`);
      const results = await Promise.allSettled([
        log.append([event({ id: 'ok1' })]),
        log.append([event({ id: 'bad', name: 'Boom' }), event({ id: 'bad-sibling' })]),
        log.append([event({ id: 'ok2' })]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason.message), /boom/);
      db.exec(`DROP TRIGGER boom; CREATE TRIGGER boom BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      const all = await Promise.allSettled([log.append([event({ id: 'x' })]), log.append([event({ id: 'y' })])]);
      assert.deepEqual(all.map((r) => r.status), ['rejected', 'rejected']);
      db.exec('DROP TRIGGER boom');
      db.close();
      await log.append([event({ id: 'after' })]);
      assert.deepEqual(ids(await log.readAfter(0, 100)), ['first', 'ok1', 'ok2', 'after']);
      assert.ok(log.stats.failedCommits >= 3);
      // An event that cannot be stored at all is refused before it joins a group.
      const bad = event({ id: 'no-id' });
      delete (bad.record as Partial<typeof bad.record>).eventID;
      await assert.rejects(log.append([bad]), /eventID/);
      await log.close();
    });

    test('purge deletes old events and their resource rows in chunks; seq never goes back', async () => {
      const log = open();
      const events = Array.from({ length: 30 }, (_, i) => event({ id: `e${i}`, timeMs: T0 + i, resources: [{ type: 'AWS::S3::Bucket', name: `b${i}` }] }));
      await log.append([...events, event({ id: 'data-old', category: 'data', timeMs: T0 })]);
      assert.equal(await log.purgeOlderThan(T0 + 20), 21);
      assert.deepEqual(ids((await log.lookup(query())).events), events.slice(20).map((e) => e.record.eventID).reverse());
      assert.deepEqual(ids((await log.lookup(query({ attribute: { key: 'ResourceName', value: 'b3' } }))).events), []);
      assert.equal((await log.lookup(query({ attribute: { key: 'ResourceType', value: 'AWS::S3::Bucket' } }))).events.length, 10);
      const leftover = log.db.prepare('SELECT count(*) FROM event_resources').pluck().get();
      assert.equal(leftover, 20, 'a type row and a name row per remaining event');
      assert.equal(await log.purgeOlderThan(T0 + 1000), 10);
      await log.append([event({ id: 'next' })]);
      assert.equal((await log.readAfter(0, 10))[0]?.seq, 32);
      await log.close();
    });

    test('purge keeps events a trail has yet to deliver, however old', async () => {
      const log = open();
      await log.append(Array.from({ length: 10 }, (_, i) => event({ id: `e${i}`, timeMs: T0 + i })));
      // A trail's delivery cursor after the 4th event (as delivery-rows writes it): 5.. undelivered.
      log.db
        .prepare("INSERT INTO delivery_ranges (stream_id, account_id, trail_arn, opened_seq, after_seq, through_seq) VALUES ('s', 'a', 't', 0, 4, 8)")
        .run();
      assert.equal(await log.purgeOlderThan(T0 + 1000), 4);
      assert.deepEqual(ids(await log.readAfter(0, 100)), ['e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
      // Delivered through the range's end and removed: the rest may go.
      log.db.prepare("DELETE FROM delivery_ranges WHERE stream_id = 's'").run();
      assert.equal(await log.purgeOlderThan(T0 + 1000), 6);
      await log.close();
    });

    test('readAfter returns every category in seq order with a limit', async () => {
      const log = open();
      await log.append([event({ id: 'a' }), event({ id: 'b', category: 'data' })]);
      await log.append([event({ id: 'c', category: 'insight' }), event({ id: 'd' })]);
      assert.deepEqual(ids(await log.readAfter(0, 10)), ['a', 'b', 'c', 'd']);
      const page = await log.readAfter(1, 2);
      assert.deepEqual(page.map((e) => [e.seq, e.category]), [[2, 'data'], [3, 'insight']]);
      assert.deepEqual(await log.readAfter(4, 10), []);
      await log.close();
    });

    test('close commits pending appends; a reopened file has everything', async () => {
      const file = freshFile();
      const log = open(file);
      await log.append([event({ id: 'one', username: 'u', resources: [{ type: 'T', name: 'n' }] })]);
      const pending = log.append([event({ id: 'two' })]);
      await log.close();
      await pending;
      await assert.rejects(log.append([event({ id: 'late' })]), /closed/);
      const again = open(file);
      assert.deepEqual(ids((await again.lookup(query())).events), ['two', 'one']);
      assert.deepEqual(ids((await again.lookup(query({ attribute: { key: 'ResourceName', value: 'n' } }))).events), ['one']);
      await again.append([event({ id: 'three' })]);
      assert.deepEqual((await again.readAfter(0, 10)).map((e) => e.seq), [1, 2, 3]);
      await again.close();
    });

    test('state changes commit in the same transaction as their events, or not at all', async () => {
      const file = freshFile();
      const log = open(file);
      log.db.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
      const put = (k: string, v: string | null) => ({ sql: 'INSERT INTO kv (k, v) VALUES (?, ?)', params: [k, v] });
      // Three concurrent appends share a group; the bad one (NOT NULL violation) must fail alone.
      const results = await Promise.allSettled([
        log.append([event({ id: 'good1' })], [put('a', '1')]),
        log.append([event({ id: 'bad' })], [put('b', null)]),
        log.append([], [put('c', '3')]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual(ids((await log.lookup(query())).events), ['good1']);
      await log.close();
      const db = new Database(file, { readonly: true });
      assert.deepEqual(db.prepare('SELECT k, v FROM kv ORDER BY k').all(), [{ k: 'a', v: '1' }, { k: 'c', v: '3' }]);
      db.close();
    });
  });
}

test('every lookup is an index range scan in the wanted order (no table scan, no sort)', () => {
  const db = openDatabase(freshFile());
  const plans: Plan[] = [
    { kind: 'time' },
    { kind: 'resource', resourceKind: 0, value: 1 },
    ...[['events_by_name', 'name_key'], ['events_by_source', 'source_key'], ['events_by_read_only', 'read_only'],
      ['events_by_user', 'user_key'], ['events_by_akid', 'akid_key'], ['events_by_event_id', 'event_id']]
      .map(([index, column]) => ({ kind: 'column' as const, index: index!, column: column!, value: 1 })),
  ];
  for (const plan of plans) {
    for (const cursor of [false, true]) {
      const sql = lookupSql(plan, cursor);
      const params = Array.from(sql.matchAll(/\?/g), () => 0);
      const steps = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      const detail = steps.map((s) => s.detail).join(' | ');
      assert.doesNotMatch(detail, /\bSCAN\b/, detail);
      // EventId matches at most a handful of rows; sorting those is free.
      if (plan.kind !== 'column' || plan.column !== 'event_id') assert.doesNotMatch(detail, /TEMP B-TREE/, detail);
    }
  }
  db.close();
});

describe('database and migrations', () => {
  test('a fresh database gets WAL, synchronous=FULL and the latest schema version', () => {
    const db = openDatabase(freshFile());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    db.close();
  });

  test('a database newer than the code is refused with a clear error', () => {
    const file = freshFile();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    assert.throws(() => openDatabase(file), (err: unknown) => {
      assert.ok(err instanceof SchemaTooNewError);
      assert.match(err.message, new RegExp(`version ${MIGRATIONS.length + 1} is newer than this OpenTrail supports`));
      return true;
    });
  });

  test('migrations apply in order, each in its own transaction', () => {
    const db = new Database(freshFile());
    const steps = [
      { version: 1, sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, sql: 'CREATE TABLE b (x INTEGER); CREATE TABLE broken (;' },
    ];
    assert.throws(() => migrate(db, steps));
    assert.equal(schemaVersion(db), 1, 'the failed migration left no trace and no version bump');
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get(), 0);
    steps[1] = { version: 2, sql: 'CREATE TABLE b (x INTEGER);' };
    assert.deepEqual(migrate(db, steps), { from: 1, to: 2 });
    assert.deepEqual(migrate(db, steps), { from: 2, to: 2 });
    assert.throws(() => migrate(db, [{ version: 2, sql: '' }]), /versions must be 1, 2, 3/);
    db.close();
  });
});

test('durability: every acknowledged append survives SIGKILL', async () => {
  const file = freshFile();
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const script = fileURLToPath(new URL('./fixtures/sqlite-append-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const acked = await new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const lines = out.split('\n');
      lines.pop(); // a partial last line was not fully acknowledged to us
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`child exited early: code ${code}, signal ${signal}`));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').length > 300) child.kill('SIGKILL');
    });
  });
  assert.ok(acked.length >= 300);
  const log = SqliteEventLog.open(file);
  const stored = new Set(ids(await log.readAfter(0, 1_000_000)));
  const missing = acked.filter((id) => !stored.has(id));
  assert.deepEqual(missing, []);
  await log.close();
});
