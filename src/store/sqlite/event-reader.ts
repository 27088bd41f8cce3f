/**
 * Reads the SQLite event log: event history pages (LookupEvents) and commit-order reads for
 * delivery. Every history query is one backward range scan of a (scope, attribute, event_time
 * [, seq]) index that stops after limit+1 rows, so its cost does not depend on how many events
 * match. `INDEXED BY` pins the index: a planner guess (e.g. walking the time index for a rare
 * attribute value) would turn a millisecond query into a scan of millions of rows.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CloudTrailRecord } from '../../recorder/record.js';
import type { LogEntry, LookupPage, LookupQuery, StoredEvent } from '../event-log.js';
import type { SqliteDatabase } from './database.js';
import type { Interner, Scope } from './interner.js';
import { RESOURCE_NAME, RESOURCE_TYPE } from './event-writer.js';

interface EventRow {
  seq: number;
  scope: number;
  event_time: number;
  username: string | null;
  resources: string | null;
  record: string;
}

const COLUMNS = 'e.seq, e.scope, e.event_time, e.username, e.resources, e.record';

/** An entriesAfter row (`raw()`: an array, no per-row object keyed by column name). */
type EntryRow = [seq: number, scope: number, eventTime: number, sourceKey: number | null, readOnly: 0 | 1 | null, record: Buffer];

/** How one query finds its rows: which index/table, and the attribute's stored value. */
export type Plan =
  | { kind: 'time' }
  | { kind: 'column'; index: string; column: string; value: string | number }
  | { kind: 'resource'; resourceKind: number; value: number };

/** Index and column per attribute kept on the events row; values interned unless noted. */
const COLUMN_ATTRIBUTES: Record<string, { index: string; column: string; interned: boolean }> = {
  EventId: { index: 'events_by_event_id', column: 'event_id', interned: false },
  EventName: { index: 'events_by_name', column: 'name_key', interned: true },
  EventSource: { index: 'events_by_source', column: 'source_key', interned: true },
  Username: { index: 'events_by_user', column: 'user_key', interned: true },
  AccessKeyId: { index: 'events_by_akid', column: 'akid_key', interned: true },
};

export class EventReader {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly afterSeq;
  private readonly entriesAfterSeq;
  private readonly selectString;
  /** event_strings id → value for event sources: a few hundred at most, and ids never change. */
  private readonly sources = new Map<number, string>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly interner: Interner,
  ) {
    this.afterSeq = db.prepare(`SELECT ${COLUMNS} FROM events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`);
    this.entriesAfterSeq = db
      // CAST: the TEXT column's bytes come back as a Buffer, not decoded into a string.
      .prepare('SELECT seq, scope, event_time, source_key, read_only, CAST(record AS BLOB) FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .raw();
    this.selectString = db.prepare('SELECT value FROM event_strings WHERE id = ?').pluck();
  }

  lookup(q: LookupQuery): LookupPage {
    const scope = this.interner.findScopeId(q.accountId, q.region, q.category);
    const plan = scope === undefined ? undefined : this.plan(q);
    if (scope === undefined || plan === undefined || q.limit < 1) return { events: [] };
    const upper = q.after ? Math.min(q.endTimeMs, q.after.eventTimeMs) : q.endTimeMs;
    const params: (string | number)[] = [scope];
    if (plan.kind === 'column') params.push(plan.value);
    if (plan.kind === 'resource') params.push(plan.resourceKind, plan.value);
    params.push(q.startTimeMs, upper);
    if (q.after) params.push(q.after.eventTimeMs, q.after.seq);
    params.push(q.limit + 1);
    const rows = this.statement(plan, q.after !== undefined).all(...params) as EventRow[];
    const events = rows.slice(0, q.limit).map((row) => this.toStored(row));
    const last = events[events.length - 1];
    if (rows.length <= q.limit || last === undefined) return { events };
    return { events, next: { eventTimeMs: last.eventTimeMs, seq: last.seq } };
  }

  /** Events with seq > `seq`, in seq order, every category (delivery filters by trail). */
  readAfter(seq: number, limit: number): StoredEvent[] {
    if (limit < 1) return [];
    return (this.afterSeq.all(seq, limit) as EventRow[]).map((row) => this.toStored(row));
  }

  /** As readAfter, without parsing records, lookup resources or user names (delivery needs none). */
  entriesAfter(seq: number, limit: number): LogEntry[] {
    if (limit < 1) return [];
    return (this.entriesAfterSeq.all(seq, limit) as EntryRow[]).map(
      ([rowSeq, scope, eventTime, sourceKey, readOnly, record]) =>
        new RowEntry(rowSeq, eventTime, this.interner.scope(scope), sourceKey === null ? undefined : this.source(sourceKey), readOnly, record),
    );
  }

  private source(id: number): string {
    let value = this.sources.get(id);
    if (value === undefined) {
      value = this.selectString.get(id) as string | undefined;
      if (value === undefined) throw new Error(`event log is inconsistent: no string ${id}`);
      this.sources.set(id, value);
    }
    return value;
  }

  /** undefined: the attribute value was never stored, so nothing can match. */
  private plan(q: LookupQuery): Plan | undefined {
    const attr = q.attribute;
    if (attr === undefined) return { kind: 'time' };
    if (attr.key === 'ReadOnly') {
      if (attr.value !== 'true' && attr.value !== 'false') return undefined;
      const value = attr.value === 'true' ? 1 : 0;
      return { kind: 'column', index: 'events_by_read_only', column: 'read_only', value };
    }
    if (attr.key === 'ResourceType' || attr.key === 'ResourceName') {
      const value = this.interner.findStringId(attr.value);
      if (value === undefined) return undefined;
      const resourceKind = attr.key === 'ResourceType' ? RESOURCE_TYPE : RESOURCE_NAME;
      return { kind: 'resource', resourceKind, value };
    }
    const spec = COLUMN_ATTRIBUTES[attr.key];
    if (spec === undefined) throw new TypeError(`unknown lookup attribute '${attr.key}'`);
    const value = spec.interned ? this.interner.findStringId(attr.value) : attr.value;
    if (value === undefined) return undefined;
    return { kind: 'column', index: spec.index, column: spec.column, value };
  }

  private statement(plan: Plan, withCursor: boolean): BetterSqlite3.Statement {
    const sql = lookupSql(plan, withCursor);
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private toStored(row: EventRow): StoredEvent {
    const scope = this.interner.scope(row.scope);
    const event: StoredEvent = {
      seq: row.seq,
      record: JSON.parse(row.record) as StoredEvent['record'],
      recordJson: row.record,
      eventTimeMs: row.event_time,
      accountId: scope.accountId,
      region: scope.region,
      category: scope.category,
      lookupResources: row.resources === null ? [] : (JSON.parse(row.resources) as StoredEvent['lookupResources']),
    };
    if (row.username !== null) event.username = row.username;
    return event;
  }
}

/** An entriesAfter row as a LogEntry; its record is parsed on first use. */
class RowEntry implements LogEntry {
  readonly accountId: string;
  readonly region: string;
  readonly category: Scope['category'];
  /** Data events keep neither outside the record (event-writer.ts): read_only is NULL for them. */
  readonly readOnly: boolean | undefined;
  private parsed: CloudTrailRecord | undefined;

  constructor(
    readonly seq: number,
    readonly eventTimeMs: number,
    scope: Scope,
    readonly eventSource: string | undefined,
    readOnly: 0 | 1 | null,
    readonly recordBytes: Buffer,
  ) {
    this.accountId = scope.accountId;
    this.region = scope.region;
    this.category = scope.category;
    this.readOnly = readOnly === null ? undefined : readOnly === 1;
  }

  record(): CloudTrailRecord {
    return (this.parsed ??= JSON.parse(this.recordBytes.toString()) as CloudTrailRecord);
  }
}

/**
 * Parameters, in order: scope, [attribute value | kind, value], start, upper, [cursor time,
 * cursor seq], limit. The cursor clause keeps rows strictly after (time, seq) in
 * newest-first order; its time half is already the range's upper bound, so the OR only
 * decides ties at exactly that time.
 */
export function lookupSql(plan: Plan, withCursor: boolean): string {
  const t = plan.kind === 'resource' ? 'r' : 'e';
  const cursor = withCursor ? ` AND (${t}.event_time < ? OR ${t}.seq < ?)` : '';
  const range = `${t}.event_time BETWEEN ? AND ?${cursor}`;
  const order = `ORDER BY ${t}.event_time DESC, ${t}.seq DESC LIMIT ?`;
  switch (plan.kind) {
    case 'time':
      return `SELECT ${COLUMNS} FROM events e INDEXED BY events_by_time
        WHERE e.scope = ? AND ${range} ${order}`;
    case 'column':
      return `SELECT ${COLUMNS} FROM events e INDEXED BY ${plan.index}
        WHERE e.scope = ? AND e.${plan.column} = ? AND ${range} ${order}`;
    case 'resource':
      // CROSS JOIN fixes the join order: walk the resource index, then fetch each event by seq.
      return `SELECT ${COLUMNS} FROM event_resources r CROSS JOIN events e ON e.seq = r.seq
        WHERE r.scope = ? AND r.kind = ? AND r.value = ? AND ${range} ${order}`;
  }
}
