/**
 * Writes events into the SQLite event log. `prepareEvents` runs in the appending caller's turn:
 * it validates and serializes each record to JSON exactly once (that text is what LookupEvents and
 * delivery return, byte for byte). `EventWriter.write` inserts prepared events in one IMMEDIATE
 * transaction, assigning `seq` in commit order from `event_log_state`.
 */
import type { LookupResource, NewEvent } from '../event-log.js';
import type { SqliteDatabase } from './database.js';
import type { Category, Interner } from './interner.js';
import type { StateChange } from '../state-change.js';

/** event_resources.kind values. */
export const RESOURCE_TYPE = 0;
export const RESOURCE_NAME = 1;

/** One event, snapshotted and serialized at append time. */
export interface PreparedEvent {
  eventTimeMs: number;
  accountId: string;
  region: string;
  category: Category;
  username: string | null;
  resources: LookupResource[];
  resourcesJson: string | null;
  recordJson: string;
  eventId: string;
  eventName: string;
  eventSource: string;
  readOnly: 0 | 1 | null;
  accessKeyId: string | null;
  /** 1 when the record has an errorCode. */
  failed: 0 | 1;
}

/** One append call: its events plus the state changes they record (one transaction). */
export interface PreparedAppend {
  events: PreparedEvent[];
  changes: StateChange[];
}

const CATEGORIES: ReadonlySet<string> = new Set(['management', 'data', 'insight']);

/** Validates and serializes; throws (for this caller only) on an event that cannot be stored. */
export function prepareEvents(events: readonly NewEvent[]): PreparedEvent[] {
  return events.map((ev) => {
    if (!CATEGORIES.has(ev.category)) throw new TypeError(`unknown event category '${ev.category}'`);
    if (!Number.isFinite(ev.eventTimeMs)) throw new TypeError('eventTimeMs must be a finite number');
    const rec = ev.record;
    for (const key of ['eventID', 'eventName', 'eventSource'] as const) {
      if (typeof rec[key] !== 'string') throw new TypeError(`event record has no ${key}`);
    }
    const recordJson: unknown = JSON.stringify(rec);
    if (typeof recordJson !== 'string') throw new TypeError('event record is not serializable');
    const resources = ev.lookupResources.map((r) => ({ type: r.type, name: r.name }));
    return {
      eventTimeMs: ev.eventTimeMs,
      accountId: ev.accountId,
      region: ev.region,
      category: ev.category,
      username: ev.username ?? null,
      resources,
      resourcesJson: resources.length === 0 ? null : JSON.stringify(resources),
      recordJson,
      eventId: rec.eventID,
      eventName: rec.eventName,
      eventSource: rec.eventSource,
      readOnly: rec.readOnly === undefined ? null : rec.readOnly ? 1 : 0,
      accessKeyId: rec.userIdentity.accessKeyId ?? null,
      failed: rec.errorCode === undefined ? 0 : 1,
    };
  });
}

export class EventWriter {
  private readonly lastSeq;
  private readonly setLastSeq;
  private readonly insertEvent;
  private readonly insertResource;
  private readonly transaction;
  /** State-change statements by SQL text: a handful of distinct statements, reused. */
  private readonly changeStatements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly interner: Interner,
  ) {
    this.lastSeq = db.prepare('SELECT last_seq FROM event_log_state WHERE id = 1').pluck();
    this.setLastSeq = db.prepare('UPDATE event_log_state SET last_seq = ? WHERE id = 1');
    this.insertEvent = db.prepare(
      `INSERT INTO events (seq, scope, event_time, event_id, name_key, source_key, read_only,
         user_key, akid_key, username, resources, record, failed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertResource = db.prepare(
      'INSERT OR IGNORE INTO event_resources (scope, kind, value, event_time, seq) VALUES (?, ?, ?, ?, ?)',
    );
    this.transaction = db.transaction((groups: readonly PreparedAppend[]) => {
      // Read inside the write transaction: correct even if another connection appended.
      let seq = this.lastSeq.get() as number;
      for (const group of groups) {
        for (const ev of group.events) this.insertOne(++seq, ev);
        if (group.changes.length === 0) continue;
        // A change runs after its group's events with last_seq already theirs, so it can name
        // the seq of the call that made it (delivery ranges start and end at such calls).
        this.setLastSeq.run(seq);
        for (const change of group.changes) this.statement(change.sql).run(change.params);
      }
      this.setLastSeq.run(seq);
    });
  }

  /** Applies every group's state changes and inserts its events in one transaction; all or nothing. */
  write(groups: readonly PreparedAppend[]): void {
    try {
      // IMMEDIATE takes the write lock up front, so a concurrent connection makes us wait
      // (busy_timeout) instead of failing on a read→write lock upgrade.
      this.transaction.immediate(groups);
      this.interner.committed();
    } catch (err) {
      this.interner.rolledBack();
      throw err;
    }
  }

  private statement(sql: string): ReturnType<SqliteDatabase['prepare']> {
    let stmt = this.changeStatements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.changeStatements.set(sql, stmt);
    }
    return stmt;
  }

  private insertOne(seq: number, ev: PreparedEvent): void {
    const scope = this.interner.scopeId(ev.accountId, ev.region, ev.category);
    if (ev.category === 'data') {
      // Data events never appear in event history: no lookup keys, so no index entries.
      this.insertEvent.run(seq, scope, ev.eventTimeMs, null, null, null, null, null, null,
        ev.username, ev.resourcesJson, ev.recordJson, ev.failed);
      return;
    }
    const s = this.interner;
    this.insertEvent.run(seq, scope, ev.eventTimeMs, ev.eventId, s.stringId(ev.eventName),
      s.stringId(ev.eventSource), ev.readOnly, ev.username === null ? null : s.stringId(ev.username),
      ev.accessKeyId === null ? null : s.stringId(ev.accessKeyId), ev.username, ev.resourcesJson,
      ev.recordJson, ev.failed);
    for (const r of ev.resources) {
      if (r.type) this.insertResource.run(scope, RESOURCE_TYPE, s.stringId(r.type), ev.eventTimeMs, seq);
      if (r.name) this.insertResource.run(scope, RESOURCE_NAME, s.stringId(r.name), ev.eventTimeMs, seq);
    }
  }
}
