/**
 * Reading the event log for one trail: `scan` walks forward from a range's cursor, keeps what the
 * trail takes and groups it per (account, region) into files, stopping when a file reaches the
 * configured record count or size (so a batch's memory is bounded however far behind delivery
 * is), compressing each file as it fills (log-file.ts); `collect` re-reads the exact events of a
 * batch that was planned before a crash.
 */
import { setImmediate } from 'node:timers/promises';
import type { EventLog, LogEntry } from '../store/event-log.js';
import type { EntryPredicate } from '../trails/intake.js';
import type { PlannedFile } from './delivery-rows.js';
import { LogFileBuilder } from './log-file.js';

/**
 * Events read from the log per query. Between reads the event loop runs (requests, and the
 * compressor taking the text just handed to it), so this is also the longest stretch a scan holds
 * the main thread.
 */
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
  /** The file's gzip, compressed while the scan went on; settles after the scan returns. */
  body: Promise<Buffer>;
  /** Hex SHA-256 of the uncompressed file. */
  sha256: string;
  /** Oldest and newest eventTime of its records (ms). */
  oldestEventMs: number;
  newestEventMs: number;
}

export interface Scan {
  /** Every event up to here has been considered; the cursor may move here. */
  throughSeq: number;
  files: ScannedFile[];
}

/** Events with after < seq <= upto, in seq order, READ_CHUNK at a time. */
async function* chunksBetween(log: EventLog, after: number, upto: number): AsyncGenerator<LogEntry[]> {
  let pos = after;
  while (pos < upto) {
    const events = await log.entriesAfter(pos, READ_CHUNK);
    const last = events[events.length - 1];
    if (!last) return;
    if (last.seq > upto) {
      yield events.filter((ev) => ev.seq <= upto);
      return;
    }
    yield events;
    if (events.length < READ_CHUNK) return;
    pos = last.seq;
    await setImmediate();
  }
}

interface OpenFile {
  accountId: string;
  region: string;
  seqs: number[];
  bytes: number;
  oldestEventMs: number;
  newestEventMs: number;
  log: LogFileBuilder;
}

export async function scan(log: EventLog, after: number, upto: number, takes: EntryPredicate, limits: FileLimits): Promise<Scan> {
  const files = new Map<string, OpenFile>();
  const done = (throughSeq: number): Scan => ({
    throughSeq,
    files: [...files.values()].map((f) => ({
      accountId: f.accountId,
      region: f.region,
      seqs: f.seqs,
      oldestEventMs: f.oldestEventMs,
      newestEventMs: f.newestEventMs,
      ...f.log.finish(),
    })),
  });
  let through = after;
  try {
    for await (const events of chunksBetween(log, after, upto)) {
      for (const ev of events) {
        through = ev.seq;
        // Insights events go to CloudTrail-Insight/ files, never to CloudTrail/ log files.
        if (ev.category === 'insight' || !takes(ev)) continue;
        const name = `${ev.accountId}\u0000${ev.region}`;
        let file = files.get(name);
        if (!file) {
          const t = ev.eventTimeMs;
          file = { accountId: ev.accountId, region: ev.region, seqs: [], bytes: 0, oldestEventMs: t, newestEventMs: t, log: new LogFileBuilder() };
          files.set(name, file);
        }
        file.seqs.push(ev.seq);
        file.oldestEventMs = Math.min(file.oldestEventMs, ev.eventTimeMs);
        file.newestEventMs = Math.max(file.newestEventMs, ev.eventTimeMs);
        file.log.add(ev.recordBytes);
        file.bytes += ev.recordBytes.length + 1;
        if (file.seqs.length >= limits.maxRecords || file.bytes >= limits.maxBytes) return done(through);
      }
      for (const file of files.values()) file.log.flush();
    }
  } catch (err) {
    for (const file of files.values()) file.log.discard();
    throw err;
  }
  return done(Math.max(through, upto));
}

/** The records of each planned file, in plan order. */
export async function collect(log: EventLog, after: number, through: number, files: readonly PlannedFile[]): Promise<Buffer[][]> {
  const slot = new Map<number, [number, number]>();
  files.forEach((f, i) => f.seqs.forEach((seq, j) => slot.set(seq, [i, j])));
  const out = files.map((f) => new Array<Buffer>(f.seqs.length));
  let found = 0;
  for await (const events of chunksBetween(log, after, through)) {
    for (const ev of events) {
      const at = slot.get(ev.seq);
      if (!at) continue;
      out[at[0]]![at[1]] = ev.recordBytes;
      found++;
    }
  }
  if (found !== slot.size) throw new Error(`${slot.size - found} planned events are no longer in the event log`);
  return out;
}
