/**
 * The summary counts of a run, kept as events arrive in order: valid and invalid digests (standard
 * and backfill), log files, previous-digest links, unlisted log files, and the range the valid
 * digests cover clipped to the requested one (the CLI's `_track_found_times`).
 */
import type { Counts, Summary, ValidationEvent } from './events.js';

const bump = (c: Counts, valid: boolean) => (valid ? c.valid++ : c.invalid++);

export class Tally {
  private readonly digests: Counts = { valid: 0, invalid: 0 };
  private readonly backfillDigests: Counts = { valid: 0, invalid: 0 };
  private readonly logFiles: Counts = { valid: 0, invalid: 0 };
  private readonly links: Counts = { valid: 0, invalid: 0 };
  private unlisted = 0;
  private foundStart: Date | undefined;
  private foundEnd: Date | undefined;

  constructor(
    private readonly start: Date,
    private readonly end: Date,
  ) {}

  add(e: ValidationEvent): void {
    if (e.type === 'unlisted') this.unlisted++;
    if (e.type !== 'file') return;
    if (e.kind === 'log') return void bump(this.logFiles, e.reason === undefined);
    bump(e.backfill ? this.backfillDigests : this.digests, e.reason === undefined);
    if (e.link) bump(this.links, e.link.hashMatches && e.link.signatureMatches);
    if (!e.digest) return;
    const earliest = e.digest.startTime > this.start ? e.digest.startTime : this.start;
    if (!this.foundStart || earliest < this.foundStart) this.foundStart = earliest;
    const latest = e.digest.endTime < this.end ? e.digest.endTime : this.end;
    if (!this.foundEnd || latest > this.foundEnd) this.foundEnd = latest;
  }

  summary(): Summary {
    return {
      start: this.start,
      end: this.end,
      ...(this.foundStart && this.foundEnd ? { found: { start: this.foundStart, end: this.foundEnd } } : {}),
      digests: { ...this.digests },
      backfillDigests: { ...this.backfillDigests },
      logFiles: { ...this.logFiles },
      links: { ...this.links },
      unlistedLogFiles: this.unlisted,
    };
  }
}
