/**
 * Reading the event log for one trail: `scan` walks forward from a range's cursor, keeps what the
 * trail takes and groups it per (account, region) into files, stopping when a file reaches the
 * configured record count or size (so a batch's memory is bounded however far behind delivery
 * is); `collect` re-reads the exact events of a batch that was planned before a crash.
 */
import type { EventLog, StoredEvent } from '../store/event-log.js';
import type { RecordPredicate } from '../trails/selectors.js';
import type { PlannedFile } from './delivery-rows.js';

/** Events read from the log per query. */
const READ_CHUNK = 1000;

export interface FileLimits {
  maxRecords: number;
  /** Uncompressed bytes of record JSON. */
  maxBytes: number;
}

export interface ScannedFile {
  accountId: string;
  region: string;
  seqs: number[];
  records: string[];
  bytes: number;
}

export interface Scan {
  /** Every event up to here has been considered; the cursor may move here. */
  throughSeq: number;
  files: ScannedFile[];
}

/** Events with after < seq <= upto, in seq order, READ_CHUNK at a time. */
async function* eventsBetween(log: EventLog, after: number, upto: number): AsyncGenerator<StoredEvent> {
  let pos = after;
  while (pos < upto) {
    const events = await log.readAfter(pos, READ_CHUNK);
    for (const ev of events) {
      if (ev.seq > upto) return;
      yield ev;
      pos = ev.seq;
    }
    if (events.length < READ_CHUNK) return;
  }
}

export async function scan(log: EventLog, after: number, upto: number, takes: RecordPredicate, limits: FileLimits): Promise<Scan> {
  const files = new Map<string, ScannedFile>();
  let through = after;
  for await (const ev of eventsBetween(log, after, upto)) {
    through = ev.seq;
    // Insights events go to CloudTrail-Insight/ files, never to CloudTrail/ log files.
    if (ev.category === 'insight' || !takes(ev.record)) continue;
    const name = `${ev.accountId}\u0000${ev.region}`;
    let file = files.get(name);
    if (!file) files.set(name, (file = { accountId: ev.accountId, region: ev.region, seqs: [], records: [], bytes: 0 }));
    file.seqs.push(ev.seq);
    file.records.push(ev.recordJson);
    file.bytes += ev.recordJson.length + 1;
    if (file.seqs.length >= limits.maxRecords || file.bytes >= limits.maxBytes) return { throughSeq: through, files: [...files.values()] };
  }
  return { throughSeq: Math.max(through, upto), files: [...files.values()] };
}

/** The records of each planned file, in plan order. */
export async function collect(log: EventLog, after: number, through: number, files: readonly PlannedFile[]): Promise<string[][]> {
  const slot = new Map<number, [number, number]>();
  files.forEach((f, i) => f.seqs.forEach((seq, j) => slot.set(seq, [i, j])));
  const out = files.map((f) => new Array<string>(f.seqs.length));
  let found = 0;
  for await (const ev of eventsBetween(log, after, through)) {
    const at = slot.get(ev.seq);
    if (!at) continue;
    out[at[0]]![at[1]] = ev.recordJson;
    found++;
  }
  if (found !== slot.size) throw new Error(`${slot.size - found} planned events are no longer in the event log`);
  return out;
}
