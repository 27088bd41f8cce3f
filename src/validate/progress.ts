/**
 * A one-line progress indicator on a terminal (digests and log files done, MB read, MB/s), for
 * runs over months of logs. It wraps the real report: before each event it erases its line so
 * report lines never mix with it. The command uses it only when stderr is a TTY, so piped or
 * captured output is exactly the report's.
 */
import type { RunInfo, Summary, ValidationEvent, ValidationSink } from './events.js';

const MB = 1024 * 1024;

export class ProgressSink implements ValidationSink {
  private digests = 0;
  private logs = 0;
  private bytes = 0;
  private drawn = false;
  private started = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: ValidationSink,
    private readonly tty: { write(s: string): unknown },
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 200,
  ) {}

  /** Compressed log bytes read; pass as the validator's onBytes hook. */
  readonly onBytes = (n: number): void => {
    this.bytes += n;
  };

  start(info: RunInfo): void {
    this.inner.start(info);
    this.started = this.now();
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    this.timer.unref();
  }

  event(e: ValidationEvent): void {
    this.erase();
    this.inner.event(e);
    if (e.type === 'file') e.kind === 'digest' ? this.digests++ : this.logs++;
  }

  finish(summary: Summary): void {
    this.stop();
    this.inner.finish(summary);
  }

  /** Stops drawing and erases the line (also on failure). */
  stop(): void {
    clearInterval(this.timer);
    this.erase();
  }

  line(): string {
    const seconds = Math.max((this.now() - this.started) / 1000, 0.001);
    const mb = this.bytes / MB;
    return `${this.digests} digest files, ${this.logs} log files, ${mb.toFixed(1)} MB read, ${(mb / seconds).toFixed(1)} MB/s`;
  }

  private draw(): void {
    this.tty.write(`\r\x1b[K${this.line()}`);
    this.drawn = true;
  }

  private erase(): void {
    if (!this.drawn) return;
    this.tty.write('\r\x1b[K');
    this.drawn = false;
  }
}
