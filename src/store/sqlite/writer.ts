/**
 * Where the event log's writes run. `InlineWriter` writes on the caller's connection and thread
 * (tests, in-memory databases, callers that share one connection). `WorkerWriter`
 * (worker-writer.ts) runs the same code on a worker thread with its own connection, so commits
 * and their fsyncs never block the event loop.
 */
import type { SqliteDatabase } from './database.js';
import { EventPurger } from './event-purge.js';
import { EventWriter, type PreparedAppend } from './event-writer.js';
import { Interner } from './interner.js';

export interface EventLogWriter {
  /** Writes all groups (changes and events) in one transaction; rejects having written none. */
  write(groups: PreparedAppend[]): Promise<void>;
  /** Deletes up to `max` events of `scope` older than `beforeMs` in one transaction. */
  purgeChunk(scope: number, beforeMs: number, max: number): Promise<number>;
  /** Releases the writer's connection (InlineWriter: nothing; the log owns the connection). */
  close(): Promise<void>;
}

export class InlineWriter implements EventLogWriter {
  private readonly writer: EventWriter;
  private readonly purger: EventPurger;

  constructor(db: SqliteDatabase) {
    // Its own interner: the writer's cache may hold ids of an open transaction, readers' not.
    const interner = new Interner(db);
    this.writer = new EventWriter(db, interner);
    this.purger = new EventPurger(db, interner);
  }

  async write(groups: PreparedAppend[]): Promise<void> {
    this.writer.write(groups);
  }

  async purgeChunk(scope: number, beforeMs: number, max: number): Promise<number> {
    return this.purger.purgeChunk(scope, beforeMs, max);
  }

  async close(): Promise<void> {}
}
