/**
 * Group commit: work submitted during one event-loop turn, and everything submitted while the
 * previous commit is still running, is written by ONE call to `commit` (one transaction, one
 * fsync). Each submitter's promise settles when its group does. If a group fails, its
 * submitters are retried one by one so a single bad submission cannot fail everyone else's;
 * only the submitters whose own retry fails are rejected.
 */

export interface GroupCommitStats {
  /** Transactions that committed. */
  commits: number;
  /** Transactions that failed and rolled back (a failed group and each failed retry count). */
  failures: number;
}

interface Waiter<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

export class GroupCommit<T> {
  readonly stats: GroupCommitStats = { commits: 0, failures: 0 };
  private queue: Waiter<T>[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;

  /** `commit` must write all items in one transaction, or fail having written none. */
  constructor(private readonly commit: (items: T[]) => Promise<void>) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running === undefined && !this.scheduled) {
        this.scheduled = true;
        // setImmediate (not a microtask): runs after this turn's I/O callbacks, so every request
        // that finished in this turn joins the same group.
        setImmediate(() => {
          this.scheduled = false;
          this.start();
        });
      }
    });
  }

  /** Resolves once everything submitted so far has been committed or rejected. */
  async flush(): Promise<void> {
    while (this.running !== undefined || this.queue.length > 0) {
      this.start();
      await this.running;
    }
  }

  private start(): void {
    if (this.running === undefined && this.queue.length > 0) this.running = this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        await this.commitGroup(group);
      }
    } finally {
      // Cleared in the same microtask as the last empty-queue check: a submit after this point
      // sees no running loop and schedules a new one, so nothing is stranded.
      this.running = undefined;
    }
  }

  private async commitGroup(group: Waiter<T>[]): Promise<void> {
    const outcome = await this.tryCommit(group.map((w) => w.item));
    if (outcome.ok || group.length === 1) {
      for (const w of group) settle(w, outcome);
      return;
    }
    for (const w of group) settle(w, await this.tryCommit([w.item]));
  }

  private async tryCommit(items: T[]): Promise<Outcome> {
    try {
      await this.commit(items);
      this.stats.commits++;
      return { ok: true };
    } catch (error) {
      this.stats.failures++;
      return { ok: false, error };
    }
  }
}

function settle<T>(w: Waiter<T>, outcome: Outcome): void {
  if (outcome.ok) w.resolve();
  else w.reject(outcome.error);
}
