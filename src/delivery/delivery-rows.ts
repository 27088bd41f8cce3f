/**
 * How delivery progress is stored (tables of migration 4). The CloudTrail handlers open and close
 * logging ranges through StateChanges that commit with their call's event and read that event's
 * seq from `event_log_state` (the writer runs changes after their events); the delivery worker
 * writes plans and cursor moves the same way (an append with no events), and reads these tables
 * through the main connection. SQL texts are constants so the writer's statement cache stays small.
 */
import type { SqliteDatabase } from '../store/sqlite/database.js';
import type { StateChange } from '../store/state-change.js';
import type { Trail } from '../trails/trail.js';

/** The delivery stream of one incarnation of a trail (a re-created trail gets a new one). */
export function streamId(trail: Pick<Trail, 'arn' | 'createdAtMs'>): string {
  return `${trail.arn}@${trail.createdAtMs}`;
}

const CALL_SEQ = '(SELECT last_seq FROM event_log_state WHERE id = 1)';

/** The settings that decide which records a trail takes (trails/intake.ts). */
export type Intake = Pick<Trail, 'selectors' | 'homeRegion' | 'isMultiRegionTrail' | 'includeGlobalServiceEvents'>;

export function intakeOf(t: Intake): Intake {
  return {
    selectors: t.selectors,
    homeRegion: t.homeRegion,
    isMultiRegionTrail: t.isMultiRegionTrail,
    includeGlobalServiceEvents: t.includeGlobalServiceEvents,
  };
}

/** One logging period of a stream: events with after_seq < seq <= through_seq (open: no end). */
export interface DeliveryRange {
  streamId: string;
  accountId: string;
  trailArn: string;
  openedSeq: number;
  afterSeq: number;
  throughSeq: number | null;
  /** Set when the range was closed by a settings change: the settings its events were recorded under. */
  intake?: Intake;
}

export interface PlannedFile {
  key: string;
  accountId: string;
  region: string;
  /** The events in the file, in file order. */
  seqs: number[];
  /** What the trail's digests list about the file (reference §5.2). */
  sha256: string;
  oldestEventMs: number;
  newestEventMs: number;
}

/** A batch written down before its objects, so a replay writes the very same objects. */
export interface DeliveryPlan {
  openedSeq: number;
  /** The range cursor moves from afterSeq to throughSeq once every file is written. */
  afterSeq: number;
  throughSeq: number;
  deliveredAtMs: number;
  bucket: string;
  kmsKeyId?: string;
  files: PlannedFile[];
}

/** StartLogging: a range beginning with the call's own event. */
export function openRange(trail: Trail): StateChange {
  return {
    sql: `INSERT OR IGNORE INTO delivery_ranges (stream_id, account_id, trail_arn, opened_seq, after_seq, through_seq)
SELECT ?, ?, ?, last_seq - 1, last_seq - 1, NULL FROM event_log_state WHERE id = 1`,
    params: [streamId(trail), trail.accountId, trail.arn],
  };
}

/** StopLogging / DeleteTrail: the open range ends with the call's own event. */
export function closeRange(trail: Trail): StateChange {
  return {
    sql: `UPDATE delivery_ranges SET through_seq = ${CALL_SEQ} WHERE stream_id = ? AND through_seq IS NULL`,
    params: [streamId(trail)],
  };
}

/**
 * PutEventSelectors / UpdateTrail changed what a logging trail takes (reference §7.5: updates
 * apply to new events): the open range ends with this call's event, keeping the settings it was
 * logged under, and a new range starts after it.
 */
export function splitRange(before: Trail): StateChange[] {
  const id = streamId(before);
  return [
    {
      sql: `UPDATE delivery_ranges SET through_seq = ${CALL_SEQ}, intake = ? WHERE stream_id = ? AND through_seq IS NULL`,
      params: [JSON.stringify(intakeOf(before)), id],
    },
    {
      sql: `INSERT OR IGNORE INTO delivery_ranges (stream_id, account_id, trail_arn, opened_seq, after_seq, through_seq)
SELECT ?, ?, ?, last_seq, last_seq, NULL FROM event_log_state WHERE id = 1`,
      params: [id, before.accountId, before.arn],
    },
  ];
}

/**
 * DeleteTrail (after closeRange and closeChain): keep the trail as it was while it still has
 * events or digests to deliver, so what it logged until now still reaches its bucket.
 */
export function retire(trail: Trail): StateChange {
  return {
    sql: `INSERT OR REPLACE INTO delivery_retired (stream_id, trail)
SELECT ?, ? WHERE EXISTS (SELECT 1 FROM delivery_ranges WHERE stream_id = ?)
OR EXISTS (SELECT 1 FROM digest_chains WHERE stream_id = ?)`,
    params: [streamId(trail), JSON.stringify(trail), streamId(trail), streamId(trail)],
  };
}

export function savePlan(stream: string, plan: DeliveryPlan): StateChange {
  return { sql: 'INSERT OR REPLACE INTO delivery_batches (stream_id, plan) VALUES (?, ?)', params: [stream, JSON.stringify(plan)] };
}

/**
 * The range's cursor moves to `throughSeq` (and the plan that got it there is done); a closed
 * range fully delivered goes, and a retired stream with no range left is forgotten.
 */
export function advance(stream: string, openedSeq: number, throughSeq: number): StateChange[] {
  return [
    { sql: 'DELETE FROM delivery_batches WHERE stream_id = ?', params: [stream] },
    {
      sql: 'UPDATE delivery_ranges SET after_seq = max(after_seq, ?) WHERE stream_id = ? AND opened_seq = ?',
      params: [throughSeq, stream, openedSeq],
    },
    {
      sql: 'DELETE FROM delivery_ranges WHERE stream_id = ? AND opened_seq = ? AND through_seq IS NOT NULL AND after_seq >= through_seq',
      params: [stream, openedSeq],
    },
    // A deleted trail's snapshot stays while its digests still need it (digest-rows dropChain).
    {
      sql: `DELETE FROM delivery_retired WHERE stream_id = ? AND NOT EXISTS (SELECT 1 FROM delivery_ranges WHERE stream_id = ?)
AND NOT EXISTS (SELECT 1 FROM digest_chains WHERE stream_id = ?)`,
      params: [stream, stream, stream],
    },
  ];
}

/** A stream whose trail is gone without a snapshot (cannot be delivered): drop its state. */
export function forget(stream: string): StateChange[] {
  return [
    { sql: 'DELETE FROM delivery_batches WHERE stream_id = ?', params: [stream] },
    { sql: 'DELETE FROM delivery_ranges WHERE stream_id = ?', params: [stream] },
    { sql: 'DELETE FROM delivery_retired WHERE stream_id = ?', params: [stream] },
    { sql: 'DELETE FROM digest_pending WHERE chain_id IN (SELECT chain_id FROM digest_chains WHERE stream_id = ?)', params: [stream] },
    { sql: 'DELETE FROM digest_entries WHERE chain_id IN (SELECT chain_id FROM digest_chains WHERE stream_id = ?)', params: [stream] },
    { sql: 'DELETE FROM digest_heads WHERE chain_id IN (SELECT chain_id FROM digest_chains WHERE stream_id = ?)', params: [stream] },
    { sql: 'DELETE FROM digest_chains WHERE stream_id = ?', params: [stream] },
  ];
}

interface RangeRow {
  stream_id: string;
  account_id: string;
  trail_arn: string;
  opened_seq: number;
  after_seq: number;
  through_seq: number | null;
  intake: string | null;
}

/** Reads through the main connection (WAL: sees every committed write of the writer thread). */
export class DeliveryRows {
  private readonly ranges;
  private readonly plans;
  private readonly retired;
  private readonly lastSeq;

  constructor(db: SqliteDatabase) {
    this.ranges = db.prepare('SELECT * FROM delivery_ranges ORDER BY stream_id, opened_seq');
    this.plans = db.prepare('SELECT stream_id, plan FROM delivery_batches');
    this.retired = db.prepare('SELECT trail FROM delivery_retired WHERE stream_id = ?').pluck();
    this.lastSeq = db.prepare('SELECT last_seq FROM event_log_state WHERE id = 1').pluck();
  }

  /** Every stream's ranges, oldest first. */
  streams(): Map<string, DeliveryRange[]> {
    const out = new Map<string, DeliveryRange[]>();
    for (const r of this.ranges.all() as RangeRow[]) {
      const range: DeliveryRange = {
        streamId: r.stream_id,
        accountId: r.account_id,
        trailArn: r.trail_arn,
        openedSeq: r.opened_seq,
        afterSeq: r.after_seq,
        throughSeq: r.through_seq,
        // Only splitRange writes intake, hence the cast.
        ...(r.intake === null ? {} : { intake: JSON.parse(r.intake) as Intake }),
      };
      const list = out.get(r.stream_id);
      if (list) list.push(range);
      else out.set(r.stream_id, [range]);
    }
    return out;
  }

  /** Plans written but not yet completed, by stream. Only savePlan writes them, hence the cast. */
  pendingPlans(): Map<string, DeliveryPlan> {
    const rows = this.plans.all() as { stream_id: string; plan: string }[];
    return new Map(rows.map((r) => [r.stream_id, JSON.parse(r.plan) as DeliveryPlan]));
  }

  /** The snapshot DeleteTrail kept (only `retire` writes it, hence the cast). */
  retiredTrail(stream: string): Trail | undefined {
    const text = this.retired.get(stream) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as Trail);
  }

  /** The newest committed seq. */
  lastCommittedSeq(): number {
    return this.lastSeq.get() as number;
  }
}
