/**
 * Retention for the SQLite event log: deletes events older than a cutoff together with their
 * resource rows, one bounded chunk per transaction so a 90-day purge of millions of rows never
 * holds the event loop (or the write lock) for long. The caller yields between chunks.
 * Events a trail has yet to deliver stay, however old (DESIGN: nothing acknowledged is lost):
 * a trail whose bucket has refused delivery for longer than the retention period still gets
 * every event once the bucket is back. The bound is read from delivery's cursors
 * (delivery_ranges, src/delivery/delivery-rows.ts) in the same transaction as the delete, so
 * no delivery pass can be between reading the bound and deleting.
 */
import type { LookupResource } from '../event-log.js';
import type { SqliteDatabase } from './database.js';
import type { Interner } from './interner.js';
import { RESOURCE_NAME, RESOURCE_TYPE } from './event-writer.js';

interface PurgeRow {
  seq: number;
  event_time: number;
  name_key: number | null;
  resources: string | null;
}

export class EventPurger {
  private statements: Statements | undefined;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly interner: Interner,
  ) {}

  /** Deletes up to `max` events of `scope` older than `beforeMs` in one transaction. */
  purgeChunk(scope: number, beforeMs: number, max: number): number {
    // Prepared on first use: purges are rare, and a statement naming an index should not be
    // compiled at start-up when nothing needs it yet.
    this.statements ??= prepare(this.db);
    const s = this.statements;
    return this.db.transaction(() => {
      const rows = s.selectOld.all(scope, beforeMs, max) as PurgeRow[];
      for (const row of rows) this.deleteOne(s, scope, row);
      return rows.length;
    }).immediate();
  }

  private deleteOne(s: Statements, scope: number, row: PurgeRow): void {
    // name_key is NULL exactly for data events, which never got resource rows.
    if (row.name_key !== null && row.resources !== null) {
      for (const r of JSON.parse(row.resources) as LookupResource[]) {
        this.deleteResourceRow(s, scope, RESOURCE_TYPE, r.type, row);
        this.deleteResourceRow(s, scope, RESOURCE_NAME, r.name, row);
      }
    }
    s.deleteEvent.run(row.seq);
  }

  private deleteResourceRow(s: Statements, scope: number, kind: number, value: string, row: PurgeRow): void {
    if (!value) return;
    const id = this.interner.findStringId(value);
    if (id !== undefined) s.deleteResource.run(scope, kind, id, row.event_time, row.seq);
  }
}

type Statements = ReturnType<typeof prepare>;

function prepare(db: SqliteDatabase) {
  return {
    selectOld: db.prepare(
      `SELECT seq, event_time, name_key, resources FROM events INDEXED BY events_by_time
       WHERE scope = ? AND event_time < ?
         AND seq <= (SELECT coalesce(min(after_seq), 9223372036854775807) FROM delivery_ranges)
       LIMIT ?`,
    ),
    deleteEvent: db.prepare('DELETE FROM events WHERE seq = ?'),
    deleteResource: db.prepare(
      'DELETE FROM event_resources WHERE scope = ? AND kind = ? AND value = ? AND event_time = ? AND seq = ?',
    ),
  };
}
