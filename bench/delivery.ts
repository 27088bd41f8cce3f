/**
 * `npm run bench -- delivery [--events N]`: log file delivery throughput. A real OpenTrail app on
 * a ManualClock gets a bucket with CloudTrail's policy and a multi-region logging trail (through
 * the CloudTrail API), N realistic ~1 KB management events are appended straight to its event
 * log (the ingest path minus HTTP), then one delivery pass is timed until all N are in log files.
 * Beside it, in the same run, `gzip -6` compresses the very same uncompressed bytes: the physical
 * limit of a step whose output is gzip at level 6 (Node's zlib on the same bytes is printed too).
 * Every delivered file is read back: the records must number exactly N. Memory is sampled during
 * the pass; its CPU, main-thread busy share and the load average say what bounded it. With
 * DELIVERY_PROFILE=file.cpuprofile the pass alone is CPU-profiled (open in Chrome DevTools).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, openSync, readFileSync, writeSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGzip } from 'node:zlib';
import type { NewEvent } from '../src/store/event-log.js';
import { logFileTexts, loggingTrail, startDeliveryServer, type DeliveryServer } from '../test/helpers/delivery.js';
import { prng } from '../test/helpers/prng.js';
import { tempDir } from '../test/helpers/server.js';
import type { BenchOptions } from './run.js';
import { machineFacts } from './machine.js';
import { makeEvent } from './seed-events.js';

const MB = 1e6;
const BATCH = 5_000;
/** Recorded events spread over the hour before the delivery pass. */
const SPREAD_MS = 3_600_000;

/** Appends `count` events the trail takes, BATCH per commit, one batch in flight while the next is made. */
export async function recordEvents(s: DeliveryServer, count: number): Promise<{ seconds: number; bytes: number }> {
  const rand = prng(1);
  const start = performance.now();
  const end = s.clock.now();
  let bytes = 0;
  let inFlight: Promise<void> | undefined;
  for (let done = 0; done < count; ) {
    const batch: NewEvent[] = [];
    while (batch.length < Math.min(BATCH, count - done)) {
      const at = end - SPREAD_MS + Math.floor(((done + batch.length) / count) * SPREAD_MS);
      const ev = makeEvent(rand, { accountId: s.accountId, region: 'us-east-1' }, at);
      // The generator mixes in other accounts' events, data and insights; keep what the trail takes.
      if (ev.accountId !== s.accountId || ev.category !== 'management') continue;
      bytes += JSON.stringify(ev.record).length;
      batch.push(ev);
    }
    await inFlight;
    inFlight = s.app.context.eventLog.append(batch);
    done += batch.length;
  }
  await inFlight;
  return { seconds: (performance.now() - start) / 1000, bytes };
}

interface Memory {
  rss: number;
  /** V8 heap in use plus memory held outside it (buffers): what the process itself holds. */
  held: number;
}

function memory(): Memory {
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
}

/** Highest RSS and held memory seen while `run` runs, sampled every 10 ms (and at its end). */
async function peakMemory(run: () => Promise<void>): Promise<Memory> {
  const peak = memory();
  const sample = () => {
    const m = memory();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.held = Math.max(peak.held, m.held);
  };
  const timer = setInterval(sample, 10);
  try {
    await run();
    sample();
    return peak;
  } finally {
    clearInterval(timer);
  }
}

/**
 * CPU seconds this process's main thread has used (Linux: /proc; undefined elsewhere). Unlike
 * wall time it barely depends on what else the machine runs, so it shows the main thread's cost.
 */
function mainThreadCpuSeconds(): number | undefined {
  try {
    // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th.
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return undefined;
  }
}

/** Runs `run`, CPU-profiling it into `file` when one is given. */
async function profiled(file: string | undefined, run: () => Promise<void>): Promise<void> {
  if (!file) return run();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await run();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
  } finally {
    session.disconnect();
  }
}

interface ReadBack {
  files: number;
  records: number;
  /** Uncompressed `{"Records":[...]}` bytes, and what was stored (gzip). */
  jsonBytes: number;
  gzipBytes: number;
}

/** Reads every file delivered since `before`, counts its records and appends its JSON to `out`. */
async function readBack(s: DeliveryServer, bucket: string, before: ReadonlySet<string>, out: string): Promise<ReadBack> {
  const fd = openSync(out, 'w');
  const r: ReadBack = { files: 0, records: 0, jsonBytes: 0, gzipBytes: 0 };
  try {
    for await (const f of logFileTexts(s, bucket)) {
      if (before.has(f.key)) continue;
      r.files++;
      r.records += (JSON.parse(f.json.toString('utf8')) as { Records: unknown[] }).Records.length;
      r.jsonBytes += f.json.length;
      r.gzipBytes += f.size;
      writeSync(fd, f.json);
    }
  } finally {
    closeSync(fd);
  }
  return r;
}

/** Seconds `gzip -6 -c file > /dev/null` takes (the machine's gzip binary, one core). */
function gzipSeconds(file: string): number {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const run = spawnSync('gzip', ['-6', '-c', file], { stdio: ['ignore', devNull, 'inherit'] });
    if (run.error || run.status !== 0) throw new Error(`gzip failed: ${run.error?.message ?? `exit ${run.status}`}`);
    return (performance.now() - start) / 1000;
  } finally {
    closeSync(devNull);
  }
}

/** Seconds Node's zlib takes to gzip `file` at level 6 on one thread: what delivery compresses with. */
async function zlibSeconds(file: string): Promise<number> {
  const start = performance.now();
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), createGzip({ level: 6 }), discard);
  return (performance.now() - start) / 1000;
}

async function deliveredKeys(s: DeliveryServer, bucket: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const f of logFileTexts(s, bucket)) keys.add(f.key);
  return keys;
}

/**
 * A full garbage collection, so RSS shows what the app holds rather than what recording left
 * for the collector. `npm run bench` cannot pass --expose-gc to node, hence the flag at run time.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function deliveryBench(opts: BenchOptions): Promise<void> {
  const count = opts.events ?? Number(process.env.EVENTS ?? 1_000_000);
  console.log(`machine: ${machineFacts()}`);
  const dir = tempDir('opentrail-bench-delivery-');
  const s = await startDeliveryServer({ logLevel: 'error' }, { dataDir: join(dir, 'data') });
  try {
    const limits = s.app.context.config;
    console.log(`file limits: ${limits.deliveryMaxRecords} records / ${mib(limits.deliveryMaxBytes)} (defaults)`);
    const { bucket } = await loggingTrail(s, 'bench', { multiRegion: true });
    await s.app.delivery.runOnce();
    await s.deliver(); // StartLogging's own event: files that are not part of the measure
    const baseline = await deliveredKeys(s, bucket);

    const seeded = await recordEvents(s, count);
    console.log(`recorded ${count} events (${(seeded.bytes / count).toFixed(0)} B of record JSON each) in ${seeded.seconds.toFixed(1)} s`);

    collectGarbage();
    const before = memory();
    const maxRssBefore = process.resourceUsage().maxRSS * 1024;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const mainCpuStart = mainThreadCpuSeconds();
    const loopStart = performance.eventLoopUtilization();
    const peak = await peakMemory(() => profiled(process.env.DELIVERY_PROFILE, () => s.deliver()));
    const mainBusy = performance.eventLoopUtilization(loopStart).utilization;
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mainCpuEnd = mainThreadCpuSeconds();
    const mainCpu = mainCpuStart === undefined || mainCpuEnd === undefined ? 'unknown' : `${(mainCpuEnd - mainCpuStart).toFixed(1)} s`;
    const load = loadavg()[0]!;
    collectGarbage();
    const after = memory();
    const maxRssAfter = process.resourceUsage().maxRSS * 1024;

    const jsonFile = join(dir, 'delivered.json');
    const back = await readBack(s, bucket, baseline, jsonFile);
    assert.equal(back.records, count, 'every recorded event is in exactly one delivered file');
    const gzipS = gzipSeconds(jsonFile);
    const gzipLoad = loadavg()[0]!;
    const zlibS = await zlibSeconds(jsonFile);

    const rate = (bytes: number, sec: number) => (bytes / MB / sec).toFixed(1);
    console.log(
      `delivery: ${count} events in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} events/s; ` +
        `${rate(back.jsonBytes, seconds)} MB/s of log JSON (uncompressed), ${rate(back.gzipBytes, seconds)} MB/s gzip written; ` +
        `${back.files} files, ${(back.jsonBytes / MB).toFixed(0)} MB -> ${(back.gzipBytes / MB).toFixed(0)} MB (load average ${load.toFixed(1)})`,
    );
    console.log(
      `CPU: ${cpuSeconds.toFixed(1)} s (${(cpuSeconds / seconds).toFixed(2)} cores on average), of it the main thread ${mainCpu}; ` +
        `main thread busy ${(mainBusy * 100).toFixed(0)}% of the pass`,
    );
    const show = (m: Memory) => `RSS ${mib(m.rss)} (held ${mib(m.held)})`;
    console.log(`memory: ${show(before)} before the pass, peak ${show(peak)} during it, ${show(after)} after (before and after: after a full GC)`);
    console.log(`process max RSS: ${mib(maxRssBefore)} before the pass (recording), ${mib(maxRssAfter)} after it`);
    console.log(`ceiling: gzip -6 of the same ${(back.jsonBytes / MB).toFixed(0)} MB in ${gzipS.toFixed(2)} s = ${rate(back.jsonBytes, gzipS)} MB/s (load average ${gzipLoad.toFixed(1)})`);
    console.log(`delivery / gzip -6 = ${(gzipS / seconds).toFixed(2)} (target >= 0.7)`);
    console.log(`for reference: Node's zlib level 6, one thread, same bytes: ${rate(back.jsonBytes, zlibS)} MB/s`);
    console.log(`verified: ${back.records} records in the ${back.files} delivered files = events recorded`);
  } finally {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
