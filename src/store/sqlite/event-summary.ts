/**
 * Dashboard figures over the SQLite event log (EventLog.summarize): events and errors per time
 * bucket, and the most frequent event and user names, for one scope and time range. Each figure
 * is one forward range scan of the (scope, event_time) index — pinned with INDEXED BY, as
 * event-reader.ts does — grouped in SQLite, so only a few dozen rows come back however many
 * events the range holds. Errors are records with a top-level errorCode, flagged in the `failed`
 * column when written; only rows from before that column (NULL) are read from the record, and
 * parsed only when its text mentions one (CASE, unlike AND, does not evaluate the rest).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ActivityQuery, ActivitySummary } from '../event-log.js';
import type { SqliteDatabase } from './database.js';
import type { Interner } from './interner.js';

const RANGE = 'FROM events INDEXED BY events_by_time WHERE scope = ? AND event_time BETWEEN ? AND ?';

/** Parameters: start, bucketMs, scope, start, end (bound numbers are REAL: the CAST floors). */
const BUCKETS = `SELECT CAST((event_time - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS events,
  SUM(CASE WHEN failed IS NOT NULL THEN failed WHEN instr(record, '"errorCode":') = 0 THEN 0
    ELSE json_extract(record, '$.errorCode') IS NOT NULL END) AS errors
  ${RANGE} GROUP BY bucket ORDER BY bucket`;
/** Parameters: scope, start, end, limit. */
const TOP_NAMES = `SELECT s.value AS name, t.n AS count
  FROM (SELECT name_key, COUNT(*) AS n ${RANGE} AND name_key IS NOT NULL GROUP BY name_key) t
  JOIN event_strings s ON s.id = t.name_key ORDER BY t.n DESC, s.value LIMIT ?`;
const TOP_USERS = `SELECT username AS name, COUNT(*) AS count ${RANGE} AND username IS NOT NULL
  GROUP BY username ORDER BY count DESC, username LIMIT ?`;

export class EventSummary {
  private readonly buckets: BetterSqlite3.Statement;
  private readonly names: BetterSqlite3.Statement;
  private readonly users: BetterSqlite3.Statement;

  constructor(
    db: SqliteDatabase,
    private readonly interner: Interner,
  ) {
    this.buckets = db.prepare(BUCKETS);
    this.names = db.prepare(TOP_NAMES);
    this.users = db.prepare(TOP_USERS);
  }

  summarize(q: ActivityQuery): ActivitySummary {
    const scope = this.interner.findScopeId(q.accountId, q.region, q.category);
    if (scope === undefined || q.endTimeMs < q.startTimeMs) return { buckets: [], topEventNames: [], topUsers: [] };
    const range = [scope, q.startTimeMs, q.endTimeMs];
    const rows = this.buckets.all(q.startTimeMs, q.bucketMs, ...range) as { bucket: number; events: number; errors: number }[];
    return {
      buckets: rows.map((r) => ({ startMs: q.startTimeMs + r.bucket * q.bucketMs, events: r.events, errors: r.errors })),
      topEventNames: this.names.all(...range, q.top) as ActivitySummary['topEventNames'],
      topUsers: this.users.all(...range, q.top) as ActivitySummary['topUsers'],
    };
  }
}
