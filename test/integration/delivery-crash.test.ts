/**
 * Exactly once across crashes (DESIGN invariant 2, issues 4 and 5): a server delivering every
 * 0.1 s in files of at most 7 records, and a digest a second, is killed with SIGKILL at random
 * moments 50 times while calls keep arriving, on one data dir. Then every acknowledged call each
 * trail selects must be in exactly one of its log files and nothing else may be; calls cut off by
 * a kill may appear at most once. Four trails select differently (management in one region,
 * writes in every region, S3 objects under a prefix, advanced selectors on other trails' log
 * buckets), so the last one also checks that each log file and digest written is recorded exactly
 * once. Two of them validate their log files: once they stop, each of their regions must hold one
 * unbroken chain of signed digests, no key ever rewritten, listing each of their log files once;
 * the other two must have no digest at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  type PutEventSelectorsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { startChildServer, waitExit, ROOT_KEYS } from '../helpers/child.js';
import { stateAtKill } from '../helpers/delivery-state.js';
import { CallLog, Workload, type CallFacts, type LoadTargets } from '../helpers/crash-load.js';
import { awaitedDigests, digestProblems, DigestFiles, publicKeys, type DigestedTrail, type DigestFile, type DigestPlace } from '../helpers/digest-audit.js';
import { LogBuckets } from '../helpers/log-bucket.js';
import { auditTrail, type Audit, type AuditedTrail, type SelectedFacts } from '../helpers/log-audit.js';
import { prng } from '../helpers/prng.js';
import { tempDir } from '../helpers/server.js';

const ACCOUNT = '111122223333';
const KILLS = 50;
const SEED = 0x0de11fe7;
const MAX_RECORDS = 7;
const CONCURRENCY = 6;
/** Digest windows of a second (shorter ones would share the key's one-second stamp). */
const DIGEST_INTERVAL_S = 1;
/** The regions served (the calls' two): each region is a digest chain of the multi-region trail. */
const REGIONS = ['us-east-1', 'us-west-2'];
const SERVE_ARGS = [
  ...['--account-id', ACCOUNT, '--regions', REGIONS.join(',')],
  ...['--delivery-interval-seconds', '0.1', '--delivery-max-records', String(MAX_RECORDS), '--digest-interval-seconds', String(DIGEST_INTERVAL_S)],
];
const DATA_BUCKET = 'crash-data';
const LOGGED = 'logged/';
/** Buckets whose log files the log-writes trail records the writes of. */
const WATCHED = ['crash-logs-a', 'crash-logs-c'];
const objectUnder = (f: SelectedFacts, ...prefixes: string[]) => prefixes.some((p) => f.objectArn?.startsWith(`arn:aws:s3:::${p}`));

interface TrailSpec {
  name: string;
  bucket: string;
  prefix?: string;
  multiRegion?: boolean;
  validated?: boolean;
  selectors?: Omit<PutEventSelectorsCommandInput, 'TrailName'>;
  takes(f: SelectedFacts): boolean;
}

/** Each trail's selectors, and the same selection written out (all are homed in us-east-1). */
const TRAILS: TrailSpec[] = [
  { name: 'mgmt-east', bucket: 'crash-logs-a', validated: true, takes: (f) => f.category === 'Management' && f.region === 'us-east-1' },
  {
    name: 'writes-everywhere',
    bucket: 'crash-logs-b',
    prefix: 'writes',
    multiRegion: true,
    validated: true,
    selectors: { EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] },
    takes: (f) => f.category === 'Management' && !f.readOnly,
  },
  {
    name: 's3-logged',
    bucket: 'crash-logs-c',
    prefix: 'data/s3',
    selectors: {
      EventSelectors: [
        { ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${DATA_BUCKET}/${LOGGED}`] }] },
      ],
    },
    takes: (f) => f.category === 'Data' && f.region === 'us-east-1' && objectUnder(f, `${DATA_BUCKET}/${LOGGED}`),
  },
  {
    name: 'log-writes',
    bucket: 'crash-logs-d',
    prefix: 'audit',
    selectors: {
      AdvancedEventSelectors: [
        {
          Name: 'writes to two trails log buckets',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'readOnly', Equals: ['false'] },
            { Field: 'resources.ARN', StartsWith: WATCHED.map((b) => `arn:aws:s3:::${b}/`) },
          ],
        },
      ],
    },
    takes: (f) => f.category === 'Data' && !f.readOnly && f.region === 'us-east-1' && objectUnder(f, ...WATCHED.map((b) => `${b}/`)),
  },
];
/** The log-writes trail starts first so that it sees every file the others deliver. */
const START_ORDER = ['log-writes', 'mgmt-east', 's3-logged', 'writes-everywhere'];
/** A trail that logs nothing, homed in us-west-2, for writes made there. */
const WEST_TRAIL = 'tags-west';

const VALIDATED = TRAILS.filter((spec) => spec.validated);

const mgmtWrite = (eventName: string, region = 'us-east-1'): CallFacts => ({ eventName, region, category: 'Management', readOnly: false });
const client = (endpoint: string) => ({ endpoint, credentials: ROOT_KEYS, maxAttempts: 1 });
const s3At = (endpoint: string) => new S3Client({ ...client(endpoint), region: 'us-east-1', forcePathStyle: true });

/** Buckets, trails and selectors through the server's APIs; every call goes in the log. */
async function setUp(endpoint: string, log: CallLog): Promise<{ targets: LoadTargets; startIndex: Map<string, number> }> {
  const s3 = s3At(endpoint);
  const east = new CloudTrailClient({ ...client(endpoint), region: 'us-east-1' });
  const west = new CloudTrailClient({ ...client(endpoint), region: 'us-west-2' });
  const acked = async <T extends { $metadata: { requestId?: string } }>(facts: CallFacts, call: Promise<T>) => {
    const out = await call;
    return { out, call: log.ack(facts, out.$metadata.requestId) };
  };
  try {
    await acked(mgmtWrite('CreateBucket'), s3.send(new CreateBucketCommand({ Bucket: DATA_BUCKET })));
    for (const t of TRAILS) {
      const policy = cloudTrailBucketPolicy({ bucket: t.bucket, accountId: ACCOUNT, ...(t.prefix ? { prefix: t.prefix } : {}) });
      await acked(mgmtWrite('CreateBucket'), s3.send(new CreateBucketCommand({ Bucket: t.bucket })));
      await acked(mgmtWrite('PutBucketPolicy'), s3.send(new PutBucketPolicyCommand({ Bucket: t.bucket, Policy: JSON.stringify(policy) })));
    }
    const arns = new Map<string, string>();
    for (const t of TRAILS) {
      const create = new CreateTrailCommand({
        Name: t.name,
        S3BucketName: t.bucket,
        S3KeyPrefix: t.prefix,
        IsMultiRegionTrail: t.multiRegion,
        EnableLogFileValidation: t.validated,
      });
      arns.set(t.name, (await acked(mgmtWrite('CreateTrail'), east.send(create))).out.TrailARN!);
      if (t.selectors) await acked(mgmtWrite('PutEventSelectors'), east.send(new PutEventSelectorsCommand({ TrailName: t.name, ...t.selectors })));
    }
    const westTrail = await acked(mgmtWrite('CreateTrail', 'us-west-2'), west.send(new CreateTrailCommand({ Name: WEST_TRAIL, S3BucketName: TRAILS[0]!.bucket })));
    const startIndex = new Map<string, number>();
    for (const name of START_ORDER) {
      startIndex.set(name, (await acked(mgmtWrite('StartLogging'), east.send(new StartLoggingCommand({ Name: name })))).call.index);
    }
    return {
      targets: {
        eastTrailArn: arns.get('mgmt-east')!,
        westTrailArn: westTrail.out.TrailARN!,
        bucket: DATA_BUCKET,
        loggedPrefix: LOGGED,
        otherPrefix: 'other/',
      },
      startIndex,
    };
  } finally {
    for (const c of [s3, east, west]) c.destroy();
  }
}

/**
 * When to kill: a quarter of the kills land in the server's first delivery passes (replaying what
 * the previous kill interrupted, before any call is answered); the rest while calls are answered
 * and delivered, from at once to 1.2 s into the stream. A server that answers nothing for 20 s is
 * killed all the same (the audit then tells what it lost).
 */
async function awaitKillPoint(rand: () => number, answered: Promise<void>): Promise<void> {
  if (rand() < 0.25) return sleep(rand() * 60);
  await Promise.race([answered, sleep(20_000, undefined, { ref: false })]);
  await sleep(rand() * rand() * 1200);
}

/** By validated trail: the index of its StopLogging call, and when it logged (GetTrailStatus). */
type Stops = Map<string, { stopIndex: number; startedMs: number; stoppedMs: number }>;

async function stopValidated(endpoint: string, log: CallLog): Promise<Stops> {
  const east = new CloudTrailClient({ ...client(endpoint), region: 'us-east-1' });
  try {
    const stopIndex = new Map<string, number>();
    for (const { name } of VALIDATED) {
      const out = await east.send(new StopLoggingCommand({ Name: name }));
      stopIndex.set(name, log.ack(mgmtWrite('StopLogging'), out.$metadata.requestId).index);
    }
    // Status reads only once both stopped: the only trails that would take them.
    const stops: Stops = new Map();
    for (const [name, index] of stopIndex) {
      const status = await east.send(new GetTrailStatusCommand({ Name: name }));
      stops.set(name, { stopIndex: index, startedMs: status.StartLoggingTime!.getTime(), stoppedMs: status.StopLoggingTime!.getTime() });
    }
    return stops;
  } finally {
    east.destroy();
  }
}

interface Look<T> {
  fresh: boolean;
  complete: boolean;
  result: T;
}

/**
 * How long a settle may take: the final run first writes every digest window the short runs
 * between kills left behind, a thousand and more on a busy machine, while log files wait.
 */
const SETTLE_MS = 240_000;

/** Looks until one finds nothing missing after `quiet` looks in a row found nothing new (or until the deadline). */
async function settle<T>(quiet: number, look: () => Promise<Look<T>>): Promise<T> {
  const deadline = Date.now() + SETTLE_MS;
  let still = 0;
  for (;;) {
    const { fresh, complete, result } = await look();
    still = fresh ? 0 : still + 1;
    if ((complete && still >= quiet) || Date.now() > deadline) return result;
    await sleep(300);
  }
}

const auditAll = (buckets: LogBuckets, trails: AuditedTrail[], log: CallLog): Audit[] => {
  const calls = new Map(log.acked.map((c) => [c.requestId, c]));
  return trails.map((t, i) => auditTrail(t, buckets.of(TRAILS[i]!.bucket), calls));
};

/**
 * The objects of the watched buckets (log files and digests), and the objects the log-writes
 * trail has records of (`bucket/key`, sorted).
 */
function fileRecords(buckets: LogBuckets, digests: (bucket: string) => readonly DigestFile[], audits: Audit[]): { recorded: string[]; written: string[] } {
  const watcher = audits[TRAILS.findIndex((t) => t.name === 'log-writes')]!;
  return {
    recorded: watcher.deliveries.map((r) => `${String(r.requestParameters?.bucketName)}/${String(r.requestParameters?.key)}`).sort(),
    written: WATCHED.flatMap((b) => [...buckets.of(b), ...digests(b)].map((f) => `${b}/${f.key}`)).sort(),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const place = (spec: TrailSpec): DigestPlace => ({
  accountId: ACCOUNT,
  bucket: spec.bucket,
  ...(spec.prefix ? { prefix: spec.prefix } : {}),
  regions: spec.multiRegion ? REGIONS : ['us-east-1'],
});

/**
 * Waits until each validated trail has a digest in each of its regions: the chains begin before
 * the kills, which come faster than a busy machine makes the regions' RSA signing keys.
 */
async function beginChains(endpoint: string, digests: DigestFiles): Promise<void> {
  const s3 = s3At(endpoint);
  const inRegion = (bucket: string, region: string) => digests.in(bucket).some((d) => d.key.includes(`/CloudTrail-Digest/${region}/`));
  const begun = () => VALIDATED.every((spec) => place(spec).regions.every((r) => inRegion(spec.bucket, r)));
  await settle(0, async () => ({ fresh: await digests.refresh(s3), complete: begun(), result: undefined })).finally(() => s3.destroy());
}

/** The trails as log-audit.ts checks them; those stopped take nothing after their StopLogging. */
const auditedTrails = (startIndex: Map<string, number>, stops: Stops = new Map()): AuditedTrail[] =>
  TRAILS.map((spec) => ({
    name: spec.name,
    accountId: ACCOUNT,
    ...(spec.prefix ? { prefix: spec.prefix } : {}),
    maxRecords: MAX_RECORDS,
    takes: spec.takes,
    startIndex: startIndex.get(spec.name)!,
    ...(stops.has(spec.name) ? { stopIndex: stops.get(spec.name)!.stopIndex } : {}),
  }));

/**
 * The run after the kills: it delivers what they left (digests keep coming, so no look is quiet
 * and the others' records of them wait), then the validated trails stop and every log file and
 * final digest is awaited. Digest objects are then read again and the keys fetched.
 */
async function finalRun(endpoint: string, log: CallLog, startIndex: Map<string, number>, digests: DigestFiles) {
  const s3 = s3At(endpoint);
  try {
    const buckets = new LogBuckets(s3, TRAILS.map((spec) => spec.bucket));
    await settle(0, async () => {
      const fresh = await buckets.refresh();
      return { fresh, complete: auditAll(buckets, auditedTrails(startIndex), log).every((a) => a.missing.length === 0), result: undefined };
    });
    const stops = await stopValidated(endpoint, log);
    const trails = auditedTrails(startIndex, stops);
    const digested: DigestedTrail[] = VALIDATED.map((spec) => ({ ...place(spec), ...stops.get(spec.name)!, name: spec.name, homeRegion: 'us-east-1' }));
    const awaited = (d: DigestedTrail, found: readonly DigestFile[]) => awaitedDigests(d, found, buckets.of(d.bucket));
    const audits = await settle(2, async () => {
      const fresh = [await buckets.refresh(), await digests.refresh(s3)].some(Boolean);
      const audits = auditAll(buckets, trails, log);
      const { recorded, written } = fileRecords(buckets, (b) => digests.in(b), audits);
      const complete =
        audits.every((a) => a.missing.length === 0) &&
        written.every((k) => recorded.includes(k)) &&
        digested.every((d) => awaited(d, digests.in(d.bucket)).length === 0);
      return { fresh, complete, result: audits };
    });
    const final = await digests.reread(s3, TRAILS.map((spec) => spec.bucket));
    const keys = await publicKeys(client(endpoint), REGIONS, new Date(Date.now() - 3600_000));
    const found = (bucket: string) => final.digests.get(bucket) ?? [];
    const digestFindings = digested.flatMap((d) => [...awaited(d, found(d.bucket)), ...digestProblems(d, found(d.bucket), buckets.of(d.bucket), keys)]);
    return { buckets, audits, found, changed: final.changed, digestFindings };
  } finally {
    s3.destroy();
  }
}

const TITLE = `every acknowledged event is in exactly one log file of each trail that selects it, each log file of a validating trail in one digest, across ${KILLS} SIGKILLs`;

test(TITLE, { timeout: 900_000 }, async (t) => {
  const started = Date.now();
  const dir = tempDir('opentrail-delivery-crash-');
  const rand = prng(SEED);
  const log = new CallLog();
  const digests = new DigestFiles(VALIDATED.map(place));
  let server = await startChildServer(dir, SERVE_ARGS);
  try {
    const { targets, startIndex } = await setUp(server.endpoint, log);
    await beginChains(server.endpoint, digests);
    const readBefore = digests.count;
    const workload = new Workload(log, targets, rand);
    let pendingAtKill = 0;
    const maxBacklog = new Map(TRAILS.map((spec) => [spec.name, 0]));
    for (let i = 0; i < KILLS; i++) {
      if (i > 0) server = await startChildServer(dir, SERVE_ARGS);
      const load = workload.start(server.endpoint, CONCURRENCY);
      // Digests are read as they appear: one rewritten after a kill then shows at the end.
      const s3 = s3At(server.endpoint);
      const stopReading = digests.watch(s3, 100);
      await awaitKillPoint(rand, load.answered);
      server.proc.kill('SIGKILL');
      await Promise.all([load.stop(), waitExit(server.proc), stopReading()]);
      s3.destroy();
      const state = stateAtKill(dir);
      if (state.pendingBatch) pendingAtKill++;
      for (const [name, n] of state.backlog) maxBacklog.set(name, Math.max(maxBacklog.get(name) ?? 0, n));
    }
    const killing = Date.now() - started;
    const readWhileKilling = digests.count - readBefore;

    server = await startChildServer(dir, SERVE_ARGS);
    const { buckets, audits, found, changed, digestFindings } = await finalRun(server.endpoint, log, startIndex, digests);

    const unacknowledged = new Set(audits.flatMap((a) => [...a.unacknowledged]));
    const files = TRAILS.map((spec) => buckets.of(spec.bucket).length);
    t.diagnostic(
      `seed ${SEED}, data in ${dir}: ${KILLS} kills (${pendingAtKill} left a batch planned but unfinished), ` +
        `${log.acked.length} calls acknowledged, ${log.unacked} cut off (${unacknowledged.size} of these delivered); ` +
        `trails ${TRAILS.map((spec) => spec.name).join('/')}: files ${files.join('/')}, records ${audits.map((a) => a.records).join('/')}, ` +
        `digests ${TRAILS.map((spec) => found(spec.bucket).length).join('/')} (${readWhileKilling} read while killing), ` +
        `largest backlog at a kill ${[...maxBacklog.values()].join('/')} events; ` +
        `kills took ${seconds(killing)}, all ${seconds(Date.now() - started)}`,
    );
    assert.deepEqual(log.serverErrors, [], 'no call fails with a 5xx');
    assert.deepEqual(audits.flatMap((a) => a.problems), []);
    assert.deepEqual(audits.flatMap((a) => a.missing), [], 'acknowledged calls missing from the log files');
    const { recorded, written } = fileRecords(buckets, found, audits);
    assert.deepEqual(recorded, written, 'each log file and digest written is recorded exactly once');
    assert.ok(unacknowledged.size <= log.unacked, `${unacknowledged.size} records of calls never answered, ${log.unacked} cut off`);
    for (const [i, spec] of TRAILS.entries()) assert.ok(files[i]! > 0, `${spec.name} delivered no file`);
    assert.ok(pendingAtKill > 0, 'no kill landed between a batch plan and its completion');
    assert.deepEqual(changed, [], 'digest objects rewritten or removed after they were read');
    assert.deepEqual(digestFindings, [], 'digest chains');
    for (const spec of TRAILS.filter((s) => !s.validated)) assert.deepEqual(found(spec.bucket).map((d) => d.key), [], `${spec.name} does not validate`);
    assert.ok(readWhileKilling > 0, 'no digest was read while the server was being killed');
  } finally {
    server.proc.kill('SIGTERM');
    await waitExit(server.proc);
  }
  rmSync(dir, { recursive: true, force: true });
});
