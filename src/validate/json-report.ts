/**
 * `--output json`: one JSON document on stdout when the run ends. Every digest in the order it
 * was checked, with its log files nested in `logFiles` order, each with a status and the message
 * the text output would show; the gap notices; OpenTrail's extra findings; the summary counts.
 */
import type { FileEvent, LinkCheck, PreviousLink, RunInfo, Summary, ValidationEvent, ValidationSink } from './events.js';
import { anyInvalid, linkProblems } from './events.js';
import { displayTime } from './time.js';

interface FileEntry {
  bucket: string;
  key: string;
  status: 'valid' | 'INVALID';
  message: string;
}

interface DigestEntry extends FileEntry {
  backfill: boolean;
  digestStartTime?: string;
  digestEndTime?: string;
  previousDigestLink?: PreviousLink;
  logFiles: FileEntry[];
}

type Finding = { check: LinkCheck | 'unlistedLogFile'; bucket: string; key: string; message: string };

const entry = (e: { bucket: string; key: string; reason?: string }): FileEntry => ({
  bucket: e.bucket,
  key: e.key,
  status: e.reason === undefined ? 'valid' : 'INVALID',
  message: e.reason === undefined ? 'valid' : `INVALID: ${e.reason}`,
});

export class JsonReport implements ValidationSink {
  private info: RunInfo | undefined;
  private readonly digests: DigestEntry[] = [];
  private readonly gaps: { backfill: boolean; from: string; to: string }[] = [];
  private readonly findings: Finding[] = [];

  constructor(private readonly out: { write(s: string): unknown }) {}

  start(info: RunInfo): void {
    this.info = info;
  }

  event(e: ValidationEvent): void {
    if (e.type === 'gap') this.gaps.push({ backfill: e.backfill, from: displayTime(e.from), to: displayTime(e.to) });
    else if (e.type === 'unlisted') {
      this.findings.push({ check: 'unlistedLogFile', bucket: e.bucket, key: e.key, message: 'not listed in any digest of this trail' });
    } else if (e.kind === 'log') this.digests[this.digests.length - 1]?.logFiles.push(entry(e));
    else this.digest(e);
  }

  private digest(e: FileEvent): void {
    const doc = e.digest?.doc;
    this.digests.push({
      ...entry(e),
      backfill: e.backfill,
      ...(doc ? { digestStartTime: String(doc.digestStartTime), digestEndTime: String(doc.digestEndTime) } : {}),
      ...(e.link ? { previousDigestLink: e.link } : {}),
      logFiles: [],
    });
    for (const problem of linkProblems(e.link)) this.findings.push({ ...problem, bucket: e.bucket, key: e.key });
  }

  finish(s: Summary): void {
    const info = this.info!;
    const report = {
      trailArn: info.trailArn,
      bucket: info.bucket,
      prefix: info.prefix ?? null,
      accountId: info.accountId,
      region: info.region,
      requested: { start: displayTime(s.start), end: displayTime(s.end) },
      found: s.found ? { start: displayTime(s.found.start), end: displayTime(s.found.end) } : null,
      valid: !anyInvalid(s),
      summary: {
        digestFiles: s.digests,
        backfillDigestFiles: s.backfillDigests,
        logFiles: s.logFiles,
        previousDigestLinks: s.links,
        unlistedLogFiles: s.unlistedLogFiles,
      },
      digests: this.digests,
      gaps: this.gaps,
      extraFindings: this.findings,
    };
    this.out.write(`${JSON.stringify(report, null, 2)}\n`);
  }
}
