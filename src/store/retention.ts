/**
 * Event history retention (reference §9: 90 days rolling): purges events older than the
 * configured period on a timer. The cut-off reads the injected clock, so tests that move time
 * forward see the purge on the next run (or call `runOnce`).
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { EventLog } from './event-log.js';

const DAY_MS = 86_400_000;

export class RetentionPurger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = 60_000): void {
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  /** Purges once; concurrent calls share the run in progress. */
  runOnce(): Promise<number> {
    this.running ??= this.log
      .purgeOlderThan(this.clock.now() - this.retentionDays * DAY_MS)
      .then((n) => {
        if (n > 0) this.logger.info({ purged: n }, 'purged events past the retention period');
        return n;
      })
      .catch((err: unknown) => {
        this.logger.error({ err }, 'retention purge failed');
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
