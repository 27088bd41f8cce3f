/**
 * Store-level event history benchmark: seeds EVENTS (default 1,000,000) realistic events into a
 * temporary SQLite file, then reports p50/p99 of SqliteEventLog.lookup() for every lookup
 * attribute (common, rare and non-matching values), no attribute, and deep pages, followed by an
 * ingest run of single-event appends (as HTTP requests make them). Run: npx tsx bench/lookup-store.ts
 * The API-level benchmark builds on this; the project target is p99 ≤ 20 ms at 1M events.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { LookupCursor, LookupQuery, StoredEvent } from '../src/store/event-log.js';
import { SqliteEventLog } from '../src/store/sqlite/event-log.js';
import { makeEvent, SEED_CATALOG, seedEvents } from './seed-events.js';

const COUNT = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 400);
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const DAY = 86_400_000;

interface Case {
  name: string;
  attribute?: LookupQuery['attribute'];
  /** Window length; default 90 days (LookupEvents' default range). */
  windowMs?: number;
  /** Start from a cursor in the middle of the data instead of the newest event. */
  deep?: boolean;
  /** Query the default range ending now (for values that name one event), not a random one. */
  anchored?: boolean;
}

type Sample = { eventTimeMs: number; seq: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opentrail-bench-'));
  const file = join(dir, 'events.db');
  const now = Date.now();
  // Seed on this thread (no worker round trips for 20,000-event batches), then reopen as the
  // server would: writes on the writer thread, reads here.
  const seeding = SqliteEventLog.open(file, { writer: 'inline' });
  const { seconds } = await seedEvents(seeding, COUNT, { accountId: ACCOUNT, region: REGION, nowMs: now });
  await seeding.close();
  const mb = (statSync(file).size + walSize(file)) / 1e6;
  const rate = Math.round(COUNT / seconds);
  console.log(`seeded ${COUNT} events in ${seconds.toFixed(1)} s (${rate} events/s), ${mb.toFixed(0)} MB`);
  const log = SqliteEventLog.open(file);
  try {
    await runLookups(log, now);
    console.log('\ningest (worker writer, synchronous=FULL)');
    for (const rate of [2000, 5000, 10000]) console.log(await runIngest(log, now, rate));
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

function buildCases(sample: StoredEvent[]): Case[] {
  const sampleName = sample.find((e) => e.lookupResources.length > 0)?.lookupResources[0]?.name ?? 'none';
  const k = SEED_CATALOG.accessKeys;
  const ec2 = 'AWS::EC2::Instance';
  return [
    { name: 'no attribute, 90 days' },
    { name: 'no attribute, 1 hour window', windowMs: 3_600_000 },
    { name: 'no attribute, deep page', deep: true },
    { name: 'EventId existing', attribute: { key: 'EventId', value: sample[0]!.record.eventID }, anchored: true },
    { name: 'EventId unknown', attribute: { key: 'EventId', value: randomUUID() } },
    { name: 'EventName common', attribute: { key: 'EventName', value: 'DescribeInstances' } },
    { name: 'EventName rare', attribute: { key: 'EventName', value: 'UpdateTable' } },
    { name: 'EventSource common (cloudtrail)', attribute: { key: 'EventSource', value: 'cloudtrail.amazonaws.com' } },
    { name: 'EventSource rare (dynamodb)', attribute: { key: 'EventSource', value: 'dynamodb.amazonaws.com' } },
    { name: 'ReadOnly true', attribute: { key: 'ReadOnly', value: 'true' } },
    { name: 'ReadOnly false', attribute: { key: 'ReadOnly', value: 'false' } },
    { name: 'ReadOnly true, deep page', attribute: { key: 'ReadOnly', value: 'true' }, deep: true },
    { name: 'Username common', attribute: { key: 'Username', value: 'user-00' } },
    { name: 'Username rare', attribute: { key: 'Username', value: 'user-49' } },
    { name: 'Username none (known string)', attribute: { key: 'Username', value: 'DescribeInstances' } },
    { name: 'Username none (unknown)', attribute: { key: 'Username', value: 'nobody' } },
    { name: 'AccessKeyId common', attribute: { key: 'AccessKeyId', value: k[0]! } },
    { name: 'AccessKeyId rare', attribute: { key: 'AccessKeyId', value: k[k.length - 1]! } },
    { name: 'ResourceType common', attribute: { key: 'ResourceType', value: ec2 } },
    { name: 'ResourceType rare', attribute: { key: 'ResourceType', value: 'AWS::Lambda::Function' } },
    { name: 'ResourceType common, deep page', attribute: { key: 'ResourceType', value: ec2 }, deep: true },
    { name: 'ResourceName (~15 events)', attribute: { key: 'ResourceName', value: sampleName }, anchored: true },
    { name: 'ResourceName none', attribute: { key: 'ResourceName', value: 'i-0ffffffff' } },
  ];
}

/** The lookup table, idle; then a few cases again while appends arrive at 5,000 events/s. */
async function runLookups(log: SqliteEventLog, now: number): Promise<void> {
  const sample = await sampleEvents(log, 20);
  const cases = buildCases(sample);
  const head = ['p50 ms', 'p99 ms', 'max ms'].map((h) => h.padStart(8));
  console.log(`\nlookup() latency, ${RUNS} runs each, limit 50, random end time in the last 89 days`);
  console.log('case'.padEnd(38), ...head, 'avg rows'.padStart(9));
  for (const c of cases) await runCase(log, c, now, sample);
  console.log('\nthe same, ~300 lookups/s, while 5,000 single-event appends/s arrive');
  console.log('case'.padEnd(38), ...head, 'avg rows'.padStart(9));
  const ingest = runIngest(log, now, 5000, 12);
  const busy = ['no attribute, 90 days', 'EventSource common (cloudtrail)', 'ReadOnly true, deep page', 'Username rare',
    'ResourceType common', 'EventId existing'];
  // ~300 lookups/s alongside the appends, far above LookupEvents' 2 TPS per account.
  for (const c of cases.filter((x) => busy.includes(x.name))) await runCase(log, c, now, sample, 3);
  console.log(await ingest);
}

/** Random committed events, to take real event ids and cursors from. */
async function sampleEvents(log: SqliteEventLog, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const [ev] = await log.readAfter(Math.floor(Math.random() * COUNT * 0.9), 1);
    if (ev && ev.category === 'management' && ev.accountId === ACCOUNT && ev.region === REGION) out.push(ev);
  }
  if (out.length === 0) throw new Error('no sample events in the main account/region');
  return out;
}

/** `pauseMs` between queries paces them (else a query loop would starve a concurrent ingest). */
async function runCase(log: SqliteEventLog, c: Case, now: number, sample: Sample[], pauseMs = 0): Promise<void> {
  const times: number[] = [];
  let rows = 0;
  for (let i = -50; i < RUNS; i++) {
    const end = c.anchored || c.deep ? now : now - Math.random() * 89 * DAY;
    const pick = sample[Math.floor(Math.random() * sample.length)]!;
    const after: LookupCursor | undefined = c.deep ? { eventTimeMs: pick.eventTimeMs, seq: pick.seq } : undefined;
    const query: LookupQuery = {
      accountId: ACCOUNT, region: REGION, category: 'management',
      startTimeMs: end - (c.windowMs ?? 90 * DAY),
      endTimeMs: end,
      limit: 50,
    };
    if (c.attribute) query.attribute = c.attribute;
    if (after) query.after = after;
    const t = performance.now();
    const page = await log.lookup(query);
    const ms = performance.now() - t;
    if (i >= 0) {
      times.push(ms);
      rows += page.events.length;
    }
    // Let other work (timers, a concurrent ingest, replies from the writer thread) run.
    await new Promise<void>((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
  }
  times.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2).padStart(8);
  const stats = [percentile(times, 50), percentile(times, 99), times[times.length - 1]!].map(f);
  console.log(c.name.padEnd(38), ...stats, (rows / RUNS).toFixed(1).padStart(9));
}

/**
 * Open-loop ingest: single-event appends (as HTTP requests make them) offered at `rate` per
 * second for a few seconds; reports the achieved rate, acknowledgement latency, events per
 * commit and how busy this (the HTTP) thread was.
 */
async function runIngest(log: SqliteEventLog, now: number, rate: number, seconds = 5): Promise<string> {
  let x = 7;
  const rand = () => ((x = (x * 16807) % 2147483647) / 2147483647);
  const before = log.stats;
  const acks: Promise<void>[] = [];
  const latencies: number[] = [];
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  let submitted = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; submitted < due; submitted++) {
      const sent = performance.now();
      const event = makeEvent(rand, { accountId: ACCOUNT, region: REGION }, now + submitted);
      acks.push(log.append([event]).then(() => void latencies.push(performance.now() - sent)));
    }
    // A 1 ms timer, not setImmediate: idle time must show as idle in the utilization figure.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(acks);
  const elapsed = (performance.now() - t0) / 1000;
  const busy = performance.eventLoopUtilization(elu).utilization;
  const commits = log.stats.commits - before.commits;
  latencies.sort((a, b) => a - b);
  const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)].map((x) => x.toFixed(1));
  return (
    `offered ${rate}/s: committed ${Math.round(submitted / elapsed)}/s, ack p50 ${p50} ms p99 ${p99} ms, ` +
      `${(submitted / commits).toFixed(0)} events/commit, main thread ${(busy * 100).toFixed(0)}% busy ` +
      '(incl. generating the events)'
  );
}

await main();
