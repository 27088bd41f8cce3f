/**
 * The log file delivery worker (reference §4, DESIGN invariant 2). For every trail delivery
 * stream (delivery-rows.ts) it reads the event log from the range cursor, keeps what the trail
 * takes, and every `interval` (and at once when logging stopped) writes one gzipped log file per
 * (account, region) to the trail's bucket. Exactly once across crashes: a batch's plan (keys and
 * the events of each file) is committed before any object is written, objects are durable when
 * putObject resolves, and the cursor moves in the commit after the last one; a plan found at start
 * is replayed, rewriting the same keys with the same bytes. A bucket that is missing or refuses
 * CloudTrail is retried with backoff and reported in GetTrailStatus; nothing is skipped meanwhile.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { EventLog, NewEvent } from '../store/event-log.js';
import type { StateChange } from '../store/state-change.js';
import type { TrailRegistry } from '../trails/registry.js';
import type { RegionDeliveryStatus, Trail } from '../trails/trail.js';
import { advance, forget, savePlan, streamId, type DeliveryPlan, type DeliveryRange, type DeliveryRows } from './delivery-rows.js';
import { digestEntries, type DigestChain, type DigestRows } from './digest-rows.js';
import { DigestWriter } from './digests.js';
import { logFileKey } from './keys.js';
import { gzipLogFile } from './log-file.js';
import { collect, scan, type FileLimits, type Scan } from './scan.js';
import type { SigningKeys } from './signing-keys.js';
import { checkDestination, DeliveryFailure, storeObjects } from './store-object.js';

export interface DeliveryOptions {
  /** How often a logging trail delivers (AWS: about every 5 minutes). */
  intervalMs: number;
  limits: FileLimits;
  /** The regions a multi-region trail writes digests for. */
  regions: readonly string[];
  /** The window of each digest (AWS: an hour). */
  digestIntervalMs: number;
}

export interface DeliveryServices {
  clock: Clock;
  logger: Logger;
  eventLog: EventLog;
  objects: ObjectStore;
  trails: TrailRegistry;
  signingKeys: SigningKeys;
}

interface StreamState {
  lastFlushMs: number;
  failures: number;
  retryAtMs: number;
}

const MAX_POLL_MS = 1000;
const regionsOf = (files: readonly { region: string }[]) => [...new Set(files.map((f) => f.region))];

export class DeliveryWorker {
  private readonly state = new Map<string, StreamState>();
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly digests: DigestWriter;

  constructor(
    private readonly s: DeliveryServices,
    private readonly rows: DeliveryRows,
    digestRows: DigestRows,
    private readonly opts: DeliveryOptions,
  ) {
    this.digests = new DigestWriter(s, digestRows, {
      regions: opts.regions,
      intervalMs: opts.digestIntervalMs,
      commit: (trail, regions, patch, events, changes) => this.commitWithStatus(trail, regions, patch, events, changes),
    });
  }

  /** Polls in real time; each pass decides by the injected clock what is due. */
  start(): void {
    const poll = Math.max(10, Math.min(MAX_POLL_MS, this.opts.intervalMs / 4));
    this.timer = setInterval(() => {
      if (!this.busy) void this.runOnce().catch((err: unknown) => this.s.logger.error({ err }, 'delivery pass failed'));
    }, poll);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every stream; passes never overlap. Tests call this after moving the clock. */
  runOnce(): Promise<void> {
    const next = this.running.then(() => this.pass());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async pass(): Promise<void> {
    this.busy = true;
    try {
      const streams = this.rows.streams();
      const plans = this.rows.pendingPlans();
      // A stream with nothing left to deliver may still owe digests (the final one after StopLogging).
      const chains = this.digests.chains();
      const ids = new Set([...streams.keys(), ...chains.keys()]);
      // Every stream drains up to the same point, read once: under steady traffic a stream would
      // otherwise chase new events forever and the streams after it would never be served.
      const upto = this.rows.lastCommittedSeq();
      for (const id of ids) {
        try {
          await this.serve(id, plans.get(id), chains.get(id) ?? [], upto);
        } catch (err) {
          this.s.logger.error({ err, stream: id }, 'delivery failed unexpectedly');
        }
      }
      for (const id of this.state.keys()) if (!ids.has(id)) this.state.delete(id);
    } finally {
      this.busy = false;
    }
  }

  /** The trail of a stream `<ARN>@<createdAtMs>`: live, or the snapshot DeleteTrail kept. */
  private trailOf(id: string): Trail | undefined {
    const arn = id.slice(0, id.lastIndexOf('@'));
    const live = this.s.trails.get(arn.split(':')[4] ?? '', arn);
    return live && streamId(live) === id ? live : this.rows.retiredTrail(id);
  }

  private async serve(id: string, pending: DeliveryPlan | undefined, chains: readonly DigestChain[], upto: number): Promise<void> {
    const now = this.s.clock.now();
    const trail = this.trailOf(id);
    if (!trail) return this.s.eventLog.append([], forget(id));
    let st = this.state.get(id);
    // A stream first seen counts its period from StartLogging: a fresh trail delivers one
    // interval after it started, and a backlog found at start-up is delivered at once.
    if (!st) this.state.set(id, (st = { lastFlushMs: trail.status.startLoggingTimeMs ?? now, failures: 0, retryAtMs: 0 }));
    if (now < st.retryAtMs) return;
    const failures: DeliveryFailure[] = [];
    const attempt = async (step: () => Promise<void>) => {
      try {
        await step();
      } catch (err) {
        if (!(err instanceof DeliveryFailure)) throw err;
        failures.push(err);
      }
    };
    await attempt(async () => {
      if (pending) {
        const records = await collect(this.s.eventLog, pending.afterSeq, pending.throughSeq, pending.files);
        await this.write(trail, id, pending, records.map(gzipLogFile));
      }
      if (await this.drain(trail, id, now, now - st.lastFlushMs >= this.opts.intervalMs, upto)) st.lastFlushMs = now;
    });
    // Digests after log files (a digest due now lists every file delivered before it), and even
    // when log files failed: an hour's digest is owed whatever the log files do.
    await attempt(() => this.digests.serve(trail, chains, now));
    if (failures.length === 0) {
      st.failures = 0;
      st.retryAtMs = 0;
      return;
    }
    st.failures++;
    st.retryAtMs = now + Math.min(this.opts.intervalMs, 1000 * 2 ** Math.min(st.failures - 1, 20));
    for (const err of failures) {
      this.s.logger.warn({ trail: trail.arn, code: err.code, digest: err.digest, retryInMs: st.retryAtMs - now }, 'delivery failed');
      const patch: RegionDeliveryStatus = err.digest
        ? { latestDigestDeliveryError: err.code }
        : { latestDeliveryAttemptTimeMs: now, latestDeliveryError: err.code };
      await this.recordStatus(trail, err.regions, patch);
    }
  }

  /**
   * Delivers every range of the stream that is due: all of them when the interval has passed,
   * else only closed ones (StopLogging/DeleteTrail deliver their final file at once). True when
   * the periodic delivery ran.
   */
  private async drain(trail: Trail, id: string, now: number, periodic: boolean, passUpto: number): Promise<boolean> {
    // The range's next batch, read (and compressed) while the current one is written; used once
    // the cursor is where it starts. Plans stay sequential: it is planned only after that.
    let ahead: { openedSeq: number; afterSeq: number; scan: Promise<Scan> } | undefined;
    for (;;) {
      const range = this.rows.streams().get(id)?.[0];
      if (!range || (range.throughSeq === null && !periodic)) return periodic;
      const upto = Math.min(range.throughSeq ?? passUpto, passUpto);
      // Done for this pass; a closed range whose end is reached still goes through (advance drops it).
      if (range.afterSeq >= upto && (range.throughSeq === null || range.throughSeq > upto)) return periodic;
      const takes = this.s.trails.intakeOf(range.intake ? { ...trail, ...range.intake } : trail);
      const found = await (ahead?.openedSeq === range.openedSeq && ahead.afterSeq === range.afterSeq
        ? ahead.scan
        : scan(this.s.eventLog, range.afterSeq, upto, takes, this.opts.limits));
      ahead = undefined;
      if (found.files.length === 0) {
        await this.s.eventLog.append([], advance(id, range.openedSeq, found.throughSeq));
        continue;
      }
      await checkDestination(this.s.objects, trail, (code) => new DeliveryFailure(code, regionsOf(found.files)));
      const plan = this.plan(trail, id, range, found, now);
      await this.s.eventLog.append([], [savePlan(id, plan)]);
      const written = this.write(trail, id, plan, found.files.map((f) => f.body));
      if (found.throughSeq < upto) {
        const next = scan(this.s.eventLog, found.throughSeq, upto, takes, this.opts.limits);
        ahead = { openedSeq: range.openedSeq, afterSeq: found.throughSeq, scan: next };
        ahead.scan.catch(() => undefined); // dropped unread if this write fails
      }
      await written;
    }
  }

  private plan(trail: Trail, id: string, range: DeliveryRange, found: Scan, now: number): DeliveryPlan {
    return {
      openedSeq: range.openedSeq,
      afterSeq: range.afterSeq,
      throughSeq: found.throughSeq,
      deliveredAtMs: now,
      bucket: trail.s3BucketName,
      ...(trail.kmsKeyId ? { kmsKeyId: trail.kmsKeyId } : {}),
      files: found.files.map((f) => ({
        key: logFileKey({
          ...(trail.s3KeyPrefix ? { prefix: trail.s3KeyPrefix } : {}),
          accountId: f.accountId,
          region: f.region,
          deliveredAtMs: now,
          identity: `${id}|${range.afterSeq}|${f.accountId}|${f.region}`,
        }),
        accountId: f.accountId,
        region: f.region,
        seqs: f.seqs,
        sha256: f.sha256,
        oldestEventMs: f.oldestEventMs,
        newestEventMs: f.newestEventMs,
      })),
    };
  }

  /** Writes the plan's objects, then moves the cursor and the trail's status in one commit. */
  private async write(trail: Trail, id: string, plan: DeliveryPlan, bodies: Promise<Buffer>[]): Promise<void> {
    const regions = regionsOf(plan.files);
    const events = await storeObjects(
      this.s,
      { bucket: plan.bucket, ...(plan.kmsKeyId ? { kmsKeyId: plan.kmsKeyId } : {}) },
      plan.files.map((file, i) => async () => ({ key: file.key, body: await bodies[i]! })),
      (code) => new DeliveryFailure(code, regions),
    );
    const now = this.s.clock.now();
    const done = { latestDeliveryTimeMs: now, latestDeliveryAttemptTimeMs: now, latestDeliveryError: undefined };
    const changes = [...advance(id, plan.openedSeq, plan.throughSeq), ...digestEntries(id, plan, now)];
    await this.commitWithStatus(trail, regions, done, events, changes);
  }

  private recordStatus(trail: Trail, regions: string[], patch: RegionDeliveryStatus): Promise<void> {
    return this.commitWithStatus(trail, regions, patch, [], []);
  }

  /** Commits `changes` (and `events`) with the trail's status in each region; a deleted trail has none. */
  private async commitWithStatus(
    trail: Trail,
    regions: string[],
    patch: RegionDeliveryStatus,
    events: NewEvent[],
    changes: StateChange[],
  ): Promise<void> {
    const live = this.s.trails.get(trail.accountId, trail.arn);
    const staged = live && streamId(live) === streamId(trail)
      ? regions.flatMap((r) => this.s.trails.recordDelivery(trail.accountId, trail.arn, r, patch) ?? [])
      : [];
    try {
      await this.s.eventLog.append(events, [...changes, ...staged.flatMap((s) => s.changes)]);
    } catch (err) {
      for (const s of staged.reverse()) s.rollback();
      throw err;
    }
  }
}
