/**
 * Opens the embedded SQLite database file with the settings every store relies on, then brings
 * its schema up to date (migrations.ts). Owns the durability settings: WAL with
 * `synchronous=FULL` fsyncs the log on every commit, so an acknowledged event survives power loss
 * (DESIGN invariant 1), while group commit keeps the number of commits low.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { migrate, MIGRATIONS, type Migration } from './migrations.js';

export type SqliteDatabase = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /** How long a writer waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Page cache per connection in KiB. Default 64 MiB: lookup indexes stay hot at 1M events. */
  cacheSizeKiB?: number;
  /** WAL pages after which a commit also checkpoints (0: never). Default SQLite's 1000. */
  walAutoCheckpointPages?: number;
  /** Migrations to apply; tests pass their own. Default: the project's list. */
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) `file`, applies pragmas and migrations. Closes it again on error. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    applyPragmas(db, options);
    migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function applyPragmas(db: SqliteDatabase, options: OpenDatabaseOptions): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  // An in-memory database reports 'memory'; a file that cannot use WAL (some network file
  // systems) would silently lose the durability/concurrency this store is designed around.
  if (mode !== 'wal' && db.name !== ':memory:') {
    throw new Error(`could not enable WAL journal mode on ${db.name} (got '${mode}'); use a local disk`);
  }
  db.pragma('synchronous = FULL');
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${Math.trunc(options.cacheSizeKiB ?? 64 * 1024)}`);
  if (options.walAutoCheckpointPages !== undefined) {
    db.pragma(`wal_autocheckpoint = ${Math.trunc(options.walAutoCheckpointPages)}`);
  }
  // Keep the WAL file from staying huge after a burst (e.g. a big purge).
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}
