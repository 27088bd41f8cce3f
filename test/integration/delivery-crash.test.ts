/**
 * Exactly once across crashes (DESIGN invariant 2, issue 4): a server delivering every 0.1 s in
 * files of at most 7 records is killed with SIGKILL at random moments 50 times while calls keep
 * arriving, on one data dir. Then every acknowledged call each trail selects must be in exactly
 * one of its log files and nothing else may be; calls cut off by a kill may appear at most once.
 * Four trails select differently (management in one region, writes in every region, S3 objects
 * under a prefix, advanced selectors on other trails' log buckets), so the last one also checks
 * that each log file written is recorded exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudTrailClient,
  CreateTrailCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  type PutEventSelectorsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { startChildServer, waitExit, ROOT_KEYS } from '../helpers/child.js';
import { stateAtKill } from '../helpers/delivery-state.js';
import { CallLog, Workload, type CallFacts, type LoadTargets } from '../helpers/crash-load.js';
import { LogBuckets } from '../helpers/log-bucket.js';
import { auditTrail, type Audit, type AuditedTrail, type SelectedFacts } from '../helpers/log-audit.js';
import { prng } from '../helpers/prng.js';
import { tempDir } from '../helpers/server.js';

const ACCOUNT = '111122223333';
const KILLS = 50;
const SEED = 0x0de11fe7;
const MAX_RECORDS = 7;
const CONCURRENCY = 6;
const SERVE_ARGS = ['--account-id', ACCOUNT, '--delivery-interval-seconds', '0.1', '--delivery-max-records', String(MAX_RECORDS)];
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
  selectors?: Omit<PutEventSelectorsCommandInput, 'TrailName'>;
  takes(f: SelectedFacts): boolean;
}

/** Each trail's selectors, and the same selection written out (all are homed in us-east-1). */
const TRAILS: TrailSpec[] = [
  { name: 'mgmt-east', bucket: 'crash-logs-a', takes: (f) => f.category === 'Management' && f.region === 'us-east-1' },
  {
    name: 'writes-everywhere',
    bucket: 'crash-logs-b',
    prefix: 'writes',
    multiRegion: true,
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

const mgmtWrite = (eventName: string, region = 'us-east-1'): CallFacts => ({ eventName, region, category: 'Management', readOnly: false });

/** Buckets, trails and selectors through the server's APIs; every call goes in the log. */
async function setUp(endpoint: string, log: CallLog): Promise<{ targets: LoadTargets; startIndex: Map<string, number> }> {
  const common = { endpoint, credentials: ROOT_KEYS, maxAttempts: 1 };
  const s3 = new S3Client({ ...common, region: 'us-east-1', forcePathStyle: true });
  const east = new CloudTrailClient({ ...common, region: 'us-east-1' });
  const west = new CloudTrailClient({ ...common, region: 'us-west-2' });
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
      const create = new CreateTrailCommand({ Name: t.name, S3BucketName: t.bucket, S3KeyPrefix: t.prefix, IsMultiRegionTrail: t.multiRegion });
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

/** Every trail's audit once nothing is missing and two looks found no new file (or at the deadline). */
async function settledAudits(buckets: LogBuckets, trails: AuditedTrail[], log: CallLog): Promise<Audit[]> {
  const calls = new Map(log.acked.map((c) => [c.requestId, c]));
  const deadline = Date.now() + 60_000;
  let quiet = 0;
  for (;;) {
    quiet = (await buckets.refresh()) ? 0 : quiet + 1;
    const audits = trails.map((t, i) => auditTrail(t, buckets.of(TRAILS[i]!.bucket), calls));
    const { recorded, written } = fileRecords(buckets, audits);
    const complete = audits.every((a) => a.missing.length === 0) && written.every((k) => recorded.includes(k));
    if ((complete && quiet >= 2) || Date.now() > deadline) return audits;
    await sleep(300);
  }
}

/** The log files of the watched buckets, and the files the log-writes trail has records of (`bucket/key`, sorted). */
function fileRecords(buckets: LogBuckets, audits: Audit[]): { recorded: string[]; written: string[] } {
  const watcher = audits[TRAILS.findIndex((t) => t.name === 'log-writes')]!;
  return {
    recorded: watcher.deliveries.map((r) => `${String(r.requestParameters?.bucketName)}/${String(r.requestParameters?.key)}`).sort(),
    written: WATCHED.flatMap((b) => buckets.of(b).map((f) => `${b}/${f.key}`)).sort(),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

test(`every acknowledged event is in exactly one log file of each trail that selects it, across ${KILLS} SIGKILLs`, { timeout: 600_000 }, async (t) => {
  const started = Date.now();
  const dir = tempDir('opentrail-delivery-crash-');
  const rand = prng(SEED);
  const log = new CallLog();
  let server = await startChildServer(dir, SERVE_ARGS);
  try {
    const { targets, startIndex } = await setUp(server.endpoint, log);
    const workload = new Workload(log, targets, rand);
    let pendingAtKill = 0;
    const maxBacklog = new Map(TRAILS.map((spec) => [spec.name, 0]));
    for (let i = 0; i < KILLS; i++) {
      if (i > 0) server = await startChildServer(dir, SERVE_ARGS);
      const load = workload.start(server.endpoint, CONCURRENCY);
      await awaitKillPoint(rand, load.answered);
      server.proc.kill('SIGKILL');
      await Promise.all([load.stop(), waitExit(server.proc)]);
      const state = stateAtKill(dir);
      if (state.pendingBatch) pendingAtKill++;
      for (const [name, n] of state.backlog) maxBacklog.set(name, Math.max(maxBacklog.get(name) ?? 0, n));
    }
    const killing = Date.now() - started;

    server = await startChildServer(dir, SERVE_ARGS);
    const s3 = new S3Client({ endpoint: server.endpoint, credentials: ROOT_KEYS, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1 });
    const buckets = new LogBuckets(s3, TRAILS.map((spec) => spec.bucket));
    const trails: AuditedTrail[] = TRAILS.map((spec) => ({
      name: spec.name,
      accountId: ACCOUNT,
      ...(spec.prefix ? { prefix: spec.prefix } : {}),
      maxRecords: MAX_RECORDS,
      takes: spec.takes,
      startIndex: startIndex.get(spec.name)!,
    }));
    const audits = await settledAudits(buckets, trails, log).finally(() => s3.destroy());

    const unacknowledged = new Set(audits.flatMap((a) => [...a.unacknowledged]));
    const files = TRAILS.map((spec) => buckets.of(spec.bucket).length);
    t.diagnostic(
      `seed ${SEED}, data in ${dir}: ${KILLS} kills (${pendingAtKill} left a batch planned but unfinished), ` +
        `${log.acked.length} calls acknowledged, ${log.unacked} cut off (${unacknowledged.size} of these delivered); ` +
        `trails ${TRAILS.map((spec) => spec.name).join('/')}: files ${files.join('/')}, records ${audits.map((a) => a.records).join('/')}, ` +
        `largest backlog at a kill ${[...maxBacklog.values()].join('/')} events; ` +
        `kills took ${seconds(killing)}, all ${seconds(Date.now() - started)}`,
    );
    assert.deepEqual(log.serverErrors, [], 'no call fails with a 5xx');
    assert.deepEqual(audits.flatMap((a) => a.problems), []);
    assert.deepEqual(audits.flatMap((a) => a.missing), [], 'acknowledged calls missing from the log files');
    const { recorded, written } = fileRecords(buckets, audits);
    assert.deepEqual(recorded, written, 'each log file written is recorded exactly once');
    assert.ok(unacknowledged.size <= log.unacked, `${unacknowledged.size} records of calls never answered, ${log.unacked} cut off`);
    for (const [i, spec] of TRAILS.entries()) assert.ok(files[i]! > 0, `${spec.name} delivered no file`);
    assert.ok(pendingAtKill > 0, 'no kill landed between a batch plan and its completion');
  } finally {
    server.proc.kill('SIGTERM');
    await waitExit(server.proc);
  }
  rmSync(dir, { recursive: true, force: true });
});
