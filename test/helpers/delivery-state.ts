/**
 * What log file delivery had done when a server was killed, read from its database for crash
 * tests' diagnostics: whether a batch was planned but not finished (the next start replays it)
 * and how far each logging trail's cursor lagged behind the event log. The database is copied
 * first, so the WAL recovery opening it runs on the copy and the data dir stays as the kill left it.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface DeliveryStateAtKill {
  pendingBatch: boolean;
  /** Events committed but not yet past each logging trail's cursor, by trail name. */
  backlog: Map<string, number>;
}

export function stateAtKill(dataDir: string): DeliveryStateAtKill {
  const copy = mkdtempSync(join(tmpdir(), 'opentrail-crash-db-'));
  try {
    for (const suffix of ['', '-wal', '-shm']) {
      const file = join(dataDir, `opentrail.db${suffix}`);
      if (existsSync(file)) copyFileSync(file, join(copy, `opentrail.db${suffix}`));
    }
    const db = new Database(join(copy, 'opentrail.db'));
    try {
      const ranges = db
        .prepare('SELECT trail_arn, (SELECT last_seq FROM event_log_state WHERE id = 1) - after_seq AS backlog FROM delivery_ranges WHERE through_seq IS NULL')
        .all() as { trail_arn: string; backlog: number }[];
      return {
        pendingBatch: (db.prepare('SELECT count(*) FROM delivery_batches').pluck().get() as number) > 0,
        backlog: new Map(ranges.map((r) => [r.trail_arn.slice(r.trail_arn.indexOf('/') + 1), r.backlog])),
      };
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
