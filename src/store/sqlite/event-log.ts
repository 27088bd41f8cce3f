/**
 * The embedded EventLog (DESIGN "store/"): a SQLite file in WAL mode. Appends are serialized in
 * the caller's turn, group-committed (one transaction and one fsync per group) and acknowledged
 * only after the commit. Opened from a file, writes run on a worker thread (worker-writer.ts)
 * and reads on this thread's own connection (WAL lets them run side by side). History lookups
 * and commit-order reads: event-reader.ts; retention: event-purge.ts; schema: migrations.ts.
 */
import type { ActivityQuery, ActivitySummary, EventLog, LogEntry, LookupPage, LookupQuery, NewEvent, StoredEvent } from '../event-log.js';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './database.js';
import { EventReader } from './event-reader.js';
import { EventSummary } from './event-summary.js';
import { prepareEvents, type PreparedAppend } from './event-writer.js';
import type { StateChange } from '../state-change.js';
import { GroupCommit } from './group-commit.js';
import { Interner } from './interner.js';
import { migrate } from './migrations.js';
import { WorkerWriter } from './worker-writer.js';
import { InlineWriter, type EventLogWriter } from './writer.js';

export interface SqliteEventLogOptions {
  /** Events deleted per purge transaction. Default 5,000 (tens of ms each). */
  purgeChunkSize?: number;
}

export interface OpenEventLogOptions extends SqliteEventLogOptions, OpenDatabaseOptions {
  /** 'worker' (default for files): writes on a worker thread. 'inline': on this thread. */
  writer?: 'worker' | 'inline';
}

export interface SqliteEventLogStats {
  /** Append transactions committed (one per group of concurrent appends). */
  commits: number;
  /** Append transactions that rolled back. */
  failedCommits: number;
  /** Events committed. */
  appendedEvents: number;
}

export class SqliteEventLog implements EventLog {
  private readonly reader: EventReader;
  private readonly summary: EventSummary;
  private readonly interner: Interner;
  private readonly writer: EventLogWriter;
  private readonly group: GroupCommit<PreparedAppend>;
  private readonly purgeChunkSize: number;
  private readonly ownsDatabase: boolean;
  private appended = 0;
  private closed = false;

  /**
   * Reads through `db` (migrated here if needed). Writes: 'inline' (default) on this connection
   * and thread; 'worker' on a writer thread with its own connection to the same file, so
   * commits never block the event loop. `ownsDatabase`: close() also closes `db`; leave false
   * when other stores share the connection.
   */
  constructor(
    readonly db: SqliteDatabase,
    options: SqliteEventLogOptions & { ownsDatabase?: boolean; writer?: 'inline' | 'worker' | EventLogWriter } = {},
  ) {
    migrate(db);
    this.ownsDatabase = options.ownsDatabase ?? false;
    this.purgeChunkSize = options.purgeChunkSize ?? 5000;
    this.interner = new Interner(db);
    this.reader = new EventReader(db, this.interner);
    this.summary = new EventSummary(db, this.interner);
    const writer = resolveWriter(db, options.writer);
    this.writer = writer;
    this.group = new GroupCommit(async (groups) => {
      await writer.write(groups);
      for (const g of groups) this.appended += g.events.length;
    });
  }

  /** Opens (creating and migrating) the database file; close() closes it. */
  static open(file: string, options: OpenEventLogOptions = {}): SqliteEventLog {
    const db = openDatabase(file, options);
    try {
      const inline = options.writer === 'inline' || db.memory;
      const writer = inline ? 'inline' : new WorkerWriter(file, options);
      return new SqliteEventLog(db, { ...options, ownsDatabase: true, writer });
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get stats(): SqliteEventLogStats {
    const { commits, failures } = this.group.stats;
    return { commits, failedCommits: failures, appendedEvents: this.appended };
  }

  append(events: NewEvent[], changes: StateChange[] = []): Promise<void> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    if (events.length === 0 && changes.length === 0) return Promise.resolve();
    let prepared: PreparedAppend;
    try {
      prepared = { events: prepareEvents(events), changes };
    } catch (err) {
      return Promise.reject(err);
    }
    return this.group.submit(prepared);
  }

  lookup(query: LookupQuery): Promise<LookupPage> {
    return this.read(() => this.reader.lookup(query));
  }

  readAfter(seq: number, limit: number): Promise<StoredEvent[]> {
    return this.read(() => this.reader.readAfter(seq, limit));
  }

  entriesAfter(seq: number, limit: number): Promise<LogEntry[]> {
    return this.read(() => this.reader.entriesAfter(seq, limit));
  }

  summarize(query: ActivityQuery): Promise<ActivitySummary> {
    return this.read(() => this.summary.summarize(query));
  }

  async purgeOlderThan(beforeMs: number): Promise<number> {
    let deleted = 0;
    for (const scope of await this.read(() => this.interner.allScopeIds())) {
      for (;;) {
        if (this.closed) return deleted;
        const n = await this.writer.purgeChunk(scope, beforeMs, this.purgeChunkSize);
        deleted += n;
        // Let appends and requests run between chunks (the inline writer is synchronous).
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (n < this.purgeChunkSize) break;
      }
    }
    return deleted;
  }

  /** Commits pending appends, then releases the writer and (if owned) the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.group.flush();
    await this.writer.close();
    if (this.ownsDatabase) this.db.close();
  }

  /** Runs a synchronous read, turning a throw or a closed log into a rejection. */
  private read<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('event log is closed'));
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

function resolveWriter(db: SqliteDatabase, writer: 'inline' | 'worker' | EventLogWriter | undefined): EventLogWriter {
  if (writer === undefined || writer === 'inline') return new InlineWriter(db);
  if (writer !== 'worker') return writer;
  if (db.memory) throw new Error('the worker writer needs a database file, not an in-memory database');
  return new WorkerWriter(db.name, {});
}
