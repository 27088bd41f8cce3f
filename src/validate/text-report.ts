/**
 * The AWS CLI's validate-logs text output, byte for byte (reference §5.5 "Output format"): the
 * first line and the summary on stdout, valid files only with --verbose (stdout), every INVALID
 * or gap line on stderr followed by a blank line (and preceded by one after a verbose line).
 * OpenTrail's extra findings use the same line shape, on stderr, and get their own summary lines,
 * which appear only when there is something to report, so a clean run prints what the CLI prints.
 */
import type { Counts, FileEvent, RunInfo, Summary, ValidationEvent, ValidationSink } from './events.js';
import { linkProblems } from './events.js';
import { displayTime } from './time.js';

export interface TextStreams {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

const EXTRA = ' (checked by OpenTrail, not by the AWS CLI)';

const fileLine = (kind: 'digest' | 'log', bucket: string, key: string, status: string, backfill = false) =>
  `${backfill ? '(backfill) ' : ''}${kind === 'digest' ? 'Digest file' : 'Log file'}\ts3://${bucket}/${key}\t${status}`;

export class TextReport implements ValidationSink {
  private lastDoubleSpaced = true;

  constructor(
    private readonly streams: TextStreams,
    private readonly verbose: boolean,
  ) {}

  start(info: RunInfo): void {
    this.streams.out.write(`Validating log files for trail ${info.trailArn} between ${displayTime(info.start)} and ${displayTime(info.end)}\n\n`);
  }

  event(e: ValidationEvent): void {
    if (e.type === 'gap') {
      const prefix = e.backfill ? '(backfill) ' : '';
      return this.error(`${prefix}No log files were delivered by CloudTrail between ${displayTime(e.from)} and ${displayTime(e.to)}`);
    }
    if (e.type === 'unlisted') {
      return this.error(fileLine('log', e.bucket, e.key, `INVALID: not listed in any digest of this trail${EXTRA}`));
    }
    this.file(e);
  }

  private file(e: FileEvent): void {
    // Log lines never carry the (backfill) prefix in the CLI, whatever digest listed them.
    const backfill = e.kind === 'digest' && e.backfill;
    if (e.reason !== undefined) this.error(fileLine(e.kind, e.bucket, e.key, `INVALID: ${e.reason}`, backfill));
    else if (this.verbose) this.status(fileLine(e.kind, e.bucket, e.key, 'valid', backfill));
    for (const { message } of linkProblems(e.link)) this.error(fileLine(e.kind, e.bucket, e.key, `INVALID: ${message}${EXTRA}`, backfill));
  }

  finish(s: Summary): void {
    const out = this.streams.out;
    if (!this.lastDoubleSpaced) out.write('\n');
    out.write(`Results requested for ${displayTime(s.start)} to ${displayTime(s.end)}\n`);
    if (s.digests.valid + s.digests.invalid + s.backfillDigests.valid + s.backfillDigests.invalid === 0) {
      out.write('No digests found\n');
      return;
    }
    out.write(s.found ? `Results found for ${displayTime(s.found.start)} to ${displayTime(s.found.end)}:\n` : 'No valid digests found in range\n');
    this.ratio(s.digests, 'digest');
    this.ratio(s.backfillDigests, 'backfill digest');
    this.ratio(s.logFiles, 'log');
    if (s.links.invalid > 0) out.write(`\n${s.links.invalid}/${s.links.valid + s.links.invalid} previous-digest links INVALID${EXTRA}`);
    if (s.unlistedLogFiles > 0) out.write(`\n${s.unlistedLogFiles} log files INVALID: not listed in any digest of this trail${EXTRA}`);
    out.write('\n');
  }

  private ratio(c: Counts, name: string): void {
    const total = c.valid + c.invalid;
    if (total === 0) return;
    this.streams.out.write(`\n${c.valid}/${total} ${name} files valid`);
    if (c.invalid > 0) this.streams.out.write(`, ${c.invalid}/${total} ${name} files INVALID`);
  }

  private status(line: string): void {
    this.lastDoubleSpaced = false;
    this.streams.out.write(`${line}\n`);
  }

  private error(line: string): void {
    this.streams.err.write(this.lastDoubleSpaced ? `${line}\n\n` : `\n${line}\n\n`);
    this.lastDoubleSpaced = true;
  }
}
