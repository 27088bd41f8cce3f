/**
 * How digest progress is stored (tables of migration 5). A chain is one period during which a
 * trail logs with validation on; the calls that open and close it stage the StateChanges below
 * with their events (as delivery ranges are, delivery-rows.ts), so a chain's bounds are seqs and
 * times of real calls. Log files join their chain in the same commit that moves the delivery
 * cursor past them (`digestEntries`), and leave it in the commit that records the digest listing
 * them (`completeDigest`): every delivered file is listed by exactly one digest.
 */
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import type { Trail } from '../trails/trail.js';
import { streamId, type DeliveryPlan } from './delivery-rows.js';
import { digestTime, type DigestLogFile, type PreviousDigest } from './digest.js';

const CALL_SEQ = '(SELECT last_seq FROM event_log_state WHERE id = 1)';

export interface DigestChain {
  chainId: number;
  streamId: string;
  openedMs: number;
  closedSeq: number | null;
  closedMs: number | null;
}

/** Where one (chain, account, region) stands: the next window's start and what it chains to. */
export interface DigestHead {
  windowStartMs: number;
  previous?: PreviousDigest;
  finished: boolean;
}

/** A digest written down before its object (the bytes are replayed as they are). */
export interface DigestPlan {
  chainId: number;
  accountId: string;
  region: string;
  startMs: number;
  endMs: number;
  bucket: string;
  key: string;
  kmsKeyId?: string;
  json: string;
  signature: string;
  final: boolean;
  /** The listed files (digest_entries.s3_object), removed from the entries when it completes. */
  listed: string[];
}

/**
 * Validation starts for a logging trail: StartLogging (the chain takes the call's own event) or
 * enabling validation on a trail that is logging. A chain already open stays as it is.
 */
export function openChain(trail: Trail, nowMs: number, withCallEvent: boolean): StateChange {
  return {
    sql: `INSERT INTO digest_chains (stream_id, opened_seq, opened_ms)
SELECT ?, last_seq - ?, ? FROM event_log_state WHERE id = 1
AND NOT EXISTS (SELECT 1 FROM digest_chains WHERE stream_id = ? AND closed_seq IS NULL)`,
    params: [streamId(trail), withCallEvent ? 1 : 0, nowMs, streamId(trail)],
  };
}

/** StopLogging, DeleteTrail or validation switched off: the chain ends with this call's event. */
export function closeChain(trail: Trail, nowMs: number): StateChange {
  return {
    sql: `UPDATE digest_chains SET closed_seq = ${CALL_SEQ}, closed_ms = ? WHERE stream_id = ? AND closed_seq IS NULL`,
    params: [nowMs, streamId(trail)],
  };
}

/**
 * The plan's files join the chain that was open when their events were recorded (none when
 * validation was off then), stamped with the time their delivery completed.
 */
export function digestEntries(stream: string, plan: DeliveryPlan, doneMs: number): StateChange[] {
  return plan.files.map((f) => {
    const lastSeq = f.seqs[f.seqs.length - 1] ?? plan.throughSeq;
    const entry: DigestLogFile = {
      s3Bucket: plan.bucket,
      s3Object: f.key,
      hashValue: f.sha256,
      hashAlgorithm: 'SHA-256',
      newestEventTime: digestTime(f.newestEventMs),
      oldestEventTime: digestTime(f.oldestEventMs),
    };
    return {
      sql: `INSERT OR IGNORE INTO digest_entries (chain_id, account_id, region, s3_object, delivered_ms, entry)
SELECT chain_id, ?, ?, ?, ?, ? FROM digest_chains
WHERE stream_id = ? AND opened_seq < ? AND (closed_seq IS NULL OR closed_seq >= ?)`,
      params: [f.accountId, f.region, f.key, doneMs, JSON.stringify(entry), stream, lastSeq, lastSeq],
    };
  });
}

export function savePendingDigest(plan: DigestPlan): StateChange {
  return {
    sql: 'INSERT OR REPLACE INTO digest_pending (chain_id, account_id, region, plan) VALUES (?, ?, ?, ?)',
    params: [plan.chainId, plan.accountId, plan.region, JSON.stringify(plan)],
  };
}

/** The digest's object is durable: its files leave the entries and the head moves past it. */
export function completeDigest(plan: DigestPlan, written: PreviousDigest): StateChange[] {
  const head = [plan.chainId, plan.accountId, plan.region];
  return [
    { sql: 'DELETE FROM digest_pending WHERE chain_id = ? AND account_id = ? AND region = ?', params: head },
    ...plan.listed.map((key) => ({
      sql: 'DELETE FROM digest_entries WHERE chain_id = ? AND account_id = ? AND region = ? AND s3_object = ?',
      params: [...head, key],
    })),
    {
      sql: `INSERT OR REPLACE INTO digest_heads (chain_id, account_id, region, window_start_ms, previous, finished)
VALUES (?, ?, ?, ?, ?, ?)`,
      params: [...head, plan.endMs, JSON.stringify(written), plan.final ? 1 : 0],
    },
  ];
}

/** Every final digest of a closed chain is written: it goes, and so does a deleted trail's snapshot. */
export function dropChain(chain: DigestChain): StateChange[] {
  return [
    { sql: 'DELETE FROM digest_heads WHERE chain_id = ?', params: [chain.chainId] },
    { sql: 'DELETE FROM digest_entries WHERE chain_id = ?', params: [chain.chainId] },
    { sql: 'DELETE FROM digest_chains WHERE chain_id = ?', params: [chain.chainId] },
    {
      sql: `DELETE FROM delivery_retired WHERE stream_id = ?
AND NOT EXISTS (SELECT 1 FROM delivery_ranges WHERE stream_id = ?)
AND NOT EXISTS (SELECT 1 FROM digest_chains WHERE stream_id = ?)`,
      params: [chain.streamId, chain.streamId, chain.streamId],
    },
  ];
}

interface ChainRow {
  chain_id: number;
  stream_id: string;
  opened_ms: number;
  closed_seq: number | null;
  closed_ms: number | null;
}

/** Reads through the main connection, like DeliveryRows. */
export class DigestRows {
  private readonly chainsStmt;
  private readonly headStmt;
  private readonly entriesStmt;
  private readonly pendingStmt;
  private readonly undeliveredStmt;
  private readonly regionsStmt;

  constructor(db: SqliteDatabase) {
    this.chainsStmt = db.prepare('SELECT chain_id, stream_id, opened_ms, closed_seq, closed_ms FROM digest_chains ORDER BY stream_id, opened_seq');
    this.headStmt = db.prepare('SELECT window_start_ms, previous, finished FROM digest_heads WHERE chain_id = ? AND account_id = ? AND region = ?');
    this.entriesStmt = db
      .prepare(
        `SELECT entry FROM digest_entries WHERE chain_id = ? AND account_id = ? AND region = ? AND delivered_ms < ?
       ORDER BY delivered_ms, s3_object`,
      )
      .pluck();
    this.regionsStmt = db
      .prepare(
        `SELECT region FROM digest_entries WHERE chain_id = ? AND account_id = ?
         UNION SELECT region FROM digest_heads WHERE chain_id = ? AND account_id = ?`,
      )
      .pluck();
    this.pendingStmt = db.prepare('SELECT plan FROM digest_pending WHERE chain_id = ? AND account_id = ? AND region = ?').pluck();
    // Events up to the chain's end that the stream has still to deliver (or a batch under way).
    this.undeliveredStmt = db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM delivery_ranges WHERE stream_id = ? AND after_seq < ?)
             OR EXISTS (SELECT 1 FROM delivery_batches WHERE stream_id = ?)`,
      )
      .pluck();
  }

  /** Every chain by stream, oldest first. */
  chains(): Map<string, DigestChain[]> {
    const out = new Map<string, DigestChain[]>();
    for (const r of this.chainsStmt.all() as ChainRow[]) {
      const chain: DigestChain = { chainId: r.chain_id, streamId: r.stream_id, openedMs: r.opened_ms, closedSeq: r.closed_seq, closedMs: r.closed_ms };
      const list = out.get(r.stream_id);
      if (list) list.push(chain);
      else out.set(r.stream_id, [chain]);
    }
    return out;
  }

  /** Only completeDigest writes heads, hence the cast of `previous`. */
  head(chain: DigestChain, accountId: string, region: string): DigestHead {
    const row = this.headStmt.get(chain.chainId, accountId, region) as { window_start_ms: number; previous: string | null; finished: number } | undefined;
    if (!row) return { windowStartMs: Math.floor(chain.openedMs / 1000) * 1000, finished: false };
    return {
      windowStartMs: row.window_start_ms,
      ...(row.previous === null ? {} : { previous: JSON.parse(row.previous) as PreviousDigest }),
      finished: row.finished === 1,
    };
  }

  /** Files waiting for a digest, delivered before `beforeMs`, in delivery order. */
  entries(chain: DigestChain, accountId: string, region: string, beforeMs: number): { key: string; file: DigestLogFile }[] {
    // Only digestEntries writes these, hence the cast. SQLite compares with Infinity as a REAL.
    return (this.entriesStmt.all(chain.chainId, accountId, region, beforeMs) as string[]).map((text) => {
      const file = JSON.parse(text) as DigestLogFile;
      return { key: file.s3Object, file };
    });
  }

  /** Regions the chain has delivered files or digests in (only region names are selected, hence the cast). */
  regions(chain: DigestChain, accountId: string): string[] {
    return this.regionsStmt.all(chain.chainId, accountId, chain.chainId, accountId) as string[];
  }

  /** Only savePendingDigest writes these, hence the cast. */
  pending(chain: DigestChain, accountId: string, region: string): DigestPlan | undefined {
    const text = this.pendingStmt.get(chain.chainId, accountId, region) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as DigestPlan);
  }

  /** True while events the closed chain covers are still to be delivered as log files. */
  awaitsDelivery(chain: DigestChain): boolean {
    return this.undeliveredStmt.get(chain.streamId, chain.closedSeq, chain.streamId) === 1;
  }
}
