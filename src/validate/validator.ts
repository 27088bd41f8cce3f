/**
 * `validate-logs` end to end, independent of where the bytes come from: resolves the trail's
 * bucket as the AWS CLI does (reference §5.5 "Setup"), walks the standard then the backfill
 * digest chain, checks every listed log file, then looks for log files no digest lists. Digests
 * are walked one after another (each names the next), log files are checked concurrently, and a
 * single consumer hands events to the sink in the CLI's order.
 */
import { DigestChecker } from './digest-check.js';
import { DigestLister, type DigestScope } from './digest-list.js';
import type { FileEvent, RunInfo, Summary, ValidationEvent, ValidationSink } from './events.js';
import { checkLogFile, logEntries } from './log-check.js';
import { OrderedQueue, Slots } from './ordered.js';
import type { ObjectSource, PublicKeySource, TrailSource } from './sources.js';
import { traverseDigests, type TraverseContext } from './traverse.js';
import { unlistedLogFiles, type Period } from './unlisted.js';
import { Tally } from './tally.js';

export interface ValidateOptions {
  trailArn: string;
  start: Date;
  end: Date;
  bucket?: string;
  prefix?: string;
  accountId?: string;
  /** Region whose digests are validated [default: the trail's home region]. */
  region?: string;
  /** Log files checked at once [default: 16]. */
  concurrency?: number;
}

export interface ValidateSources {
  objects: ObjectSource;
  publicKeys: PublicKeySource;
  trails: TrailSource;
}

export interface ValidateHooks {
  /** Compressed log file bytes as they are read (progress). */
  onBytes?: (n: number) => void;
}

const TRAIL_ARN = /^arn:.+:cloudtrail:.+:\d{12}:trail\/.+/;

interface Target {
  info: RunInfo;
  scope: DigestScope;
}

async function resolveTarget(o: ValidateOptions, trails: TrailSource): Promise<Target> {
  if (o.start > o.end) throw new Error('Invalid time range specified: start-time must occur before end-time');
  if (!TRAIL_ARN.test(o.trailArn)) throw new Error(`Invalid trail ARN provided: ${o.trailArn}`);
  let { bucket, prefix } = o;
  let orgId: string | undefined;
  if (bucket === undefined) {
    const trail = (await trails.describeTrails()).find((t) => t.trailArn === o.trailArn);
    if (!trail) throw new Error(`A trail could not be found for ${o.trailArn}`);
    ({ bucket, prefix } = trail);
    if (trail.isOrganizationTrail) {
      if (!o.accountId) throw new Error("Missing required parameter for organization trail: '--account-id'");
      orgId = await trails.organizationId();
    }
  }
  const homeRegion = o.trailArn.split(':')[3]!;
  const accountId = o.accountId || o.trailArn.split(':')[4]!;
  const region = o.region ?? homeRegion;
  const scope: DigestScope = { accountId, trailName: o.trailArn.split('/').pop()!, homeRegion, sourceRegion: region, ...(orgId ? { orgId } : {}) };
  return { info: { trailArn: o.trailArn, start: o.start, end: o.end, bucket, ...(prefix ? { prefix } : {}), accountId, region }, scope };
}

/** Runs the whole validation, reporting to `sink`; resolves to the summary it printed. */
export async function validateLogs(o: ValidateOptions, sources: ValidateSources, sink: ValidationSink, hooks: ValidateHooks = {}): Promise<Summary> {
  const { info, scope } = await resolveTarget(o, sources.trails);
  sink.start(info);
  const queue = new OrderedQueue<ValidationEvent[]>();
  const run = { stopped: false };
  const producing = produce(info, scope, sources, o.concurrency ?? 16, queue, run, hooks.onBytes ?? (() => undefined)).then(
    () => queue.close(),
    (err: unknown) => queue.close(err),
  );
  const tally = new Tally(info.start, info.end);
  try {
    for await (const events of queue) {
      for (const e of events) {
        tally.add(e);
        sink.event(e);
      }
    }
  } finally {
    run.stopped = true;
    await producing;
  }
  const summary = tally.summary();
  sink.finish(summary);
  return summary;
}

async function produce(
  info: RunInfo,
  scope: DigestScope,
  sources: ValidateSources,
  concurrency: number,
  queue: OrderedQueue<ValidationEvent[]>,
  run: { stopped: boolean },
  onBytes: (n: number) => void,
): Promise<void> {
  const ctx: TraverseContext = {
    lister: new DigestLister(sources.objects, scope),
    checker: new DigestChecker(sources.objects, sources.publicKeys, scope.homeRegion),
    publicKeys: sources.publicKeys,
  };
  const slots = new Slots(concurrency);
  const covered: Period[] = [];
  const listed = new Set<string>();
  for (const backfill of [false, true]) {
    const range = { bucket: info.bucket, prefix: info.prefix, start: info.start, end: info.end, backfill };
    for await (const event of traverseDigests(ctx, range)) {
      if (run.stopped) return;
      queue.push([event]);
      if (event.type !== 'file' || !event.digest) continue;
      const digest = event.digest;
      if (event.bucket === info.bucket) covered.push({ start: digest.startTime.getTime(), end: digest.endTime.getTime() });
      for (const entry of logEntries(digest.doc)) {
        listed.add(`${entry.bucket}/${entry.key}`);
        await slots.acquire();
        if (run.stopped) return slots.release();
        const file = { type: 'file', kind: 'log', backfill, bucket: entry.bucket, key: entry.key } as const;
        let bytes = 0;
        const counting = (n: number) => {
          bytes += n;
          onBytes(n);
        };
        const checked = checkLogFile(sources.objects, entry, counting)
          .then((reason): FileEvent[] => [{ ...file, ...(reason ? { reason } : {}), bytes }])
          .finally(() => slots.release());
        queue.push(checked);
      }
    }
  }
  const clip = (p: Period): Period => ({ start: Math.max(p.start, info.start.getTime()), end: Math.min(p.end, info.end.getTime()) });
  const periods = covered.map(clip).filter((p) => p.start < p.end);
  for await (const event of unlistedLogFiles(sources.objects, info.bucket, info.prefix, scope, periods, listed)) {
    if (run.stopped) return;
    queue.push([event]);
  }
}
