/**
 * `npm run bench -- validate [--events N]`: validate-logs throughput. A real OpenTrail app on a
 * ManualClock gets a trail with log file validation; N realistic ~1 KB management events
 * (default 1,350,000: ≥ 1 GiB of log JSON in the home region) are appended straight to its event
 * log and delivered in BATCHES passes over HOURS simulated hours that end at real time (the AWS
 * CLI signs with the real clock), then StopLogging and one more pass write the final digest.
 * Timed in the same run: `opentrail validate-logs` over the whole range as users run it (the
 * installed bin: a child `node dist/cli/main.js`, built first, against the server, exit 0 asserted); the physical limit — the same
 * gzip files copied to a temp dir, `gunzip -c *.gz | sha256sum` as one pipeline over them all,
 * and `sha256sum` alone over their uncompressed bytes; the server's GetObject ceiling (curl, 16
 * in flight); and the AWS CLI v1's `aws cloudtrail validate-logs` on the same bucket and range,
 * stopped after VALIDATE_AWS_TIMEOUT seconds (default 300) and then rated on the files it checked.
 * Two knobs for runs closer to a real bucket: VALIDATE_FILE_RECORDS caps the records per log file
 * (delivery's default 10,000 makes ~10 MB files; CloudTrail's own files are usually far smaller),
 * and VALIDATE_LATENCY_MS puts a proxy holding each request that long in front of the server for
 * both validators (S3 answers in tens of milliseconds, loopback in well under one).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ManualClock } from '../src/lib/clock.js';
import { cliEnv } from '../test/helpers/aws-cli.js';
import { loggingTrail, startDeliveryServer, type DeliveryServer } from '../test/helpers/delivery.js';
import { tempDir } from '../test/helpers/server.js';
import { recordEvents } from './delivery.js';
import { latencyProxy } from './latency-proxy.js';
import { machineFacts } from './machine.js';
import type { BenchOptions } from './run.js';

const MB = 1e6;
const HOUR_MS = 3_600_000;
const HOURS = 2;
const BATCHES = 8;
/** The log files validate-logs checks by default: the trail's home region's. */
const HOME_FILES = '/CloudTrail/us-east-1/';
const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The AWS CLI gets this long on the whole range; stopped there, its rate is that of the files it had checked. */
const AWS_TIMEOUT_S = Number(process.env.VALIDATE_AWS_TIMEOUT ?? 300);
const FILE_RECORDS = process.env.VALIDATE_FILE_RECORDS ? Number(process.env.VALIDATE_FILE_RECORDS) : undefined;
const LATENCY_MS = Number(process.env.VALIDATE_LATENCY_MS ?? 0);

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a child without blocking this process's event loop: the server under test lives here. */
function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutS = 0): Promise<Run> {
  const start = performance.now();
  return new Promise((resolve) => {
    execFile(bin, args, { env, cwd: REPO, maxBuffer: 256 << 20, timeout: timeoutS * 1000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number | string }).code ?? 'killed') : 0, stdout, stderr, seconds: (performance.now() - start) / 1000 }),
    );
  });
}

/** Seconds a shell pipeline takes in `dir` (nothing here needs the server, so it may block). */
function timeShell(dir: string, script: string): number {
  const start = performance.now();
  const r = spawnSync('sh', ['-c', script], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.error || r.status !== 0) throw new Error(`'${script}' failed: ${r.error?.message ?? `exit ${r.status}`}`);
  return (performance.now() - start) / 1000;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Delivers `count` events in BATCHES passes spread over HOURS simulated hours ending now, then stops logging. */
async function deliverHours(s: DeliveryServer, clock: ManualClock, count: number): Promise<void> {
  for (let b = 0; b < BATCHES; b++) {
    clock.advance((HOURS * HOUR_MS) / BATCHES - 61_000);
    const n = Math.floor(count / BATCHES) + (b < count % BATCHES ? 1 : 0);
    const rec = await recordEvents(s, n);
    const start = performance.now();
    await s.deliver();
    console.log(`  batch ${b + 1}/${BATCHES} at ${iso(clock.now())}: ${n} events recorded in ${rec.seconds.toFixed(1)} s, delivered in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  // Catch up with real time (setup took some), keeping two passes' worth in hand for the last steps.
  clock.set(Math.max(clock.now(), Date.now() - 2 * 61_000));
  await s.deliver(); // also brings the SDK clients' signing clock along
  await s.cloudtrail().send(new StopLoggingCommand({ Name: 'bench' }));
  await s.deliver(); // the final digest
}

interface Copied {
  files: number;
  digests: number;
  /** Log files of other regions, which validate-logs checks only when asked (--region). */
  otherRegion: number;
  gzipBytes: number;
  jsonBytes: number;
  /** Each log file's key and uncompressed size. */
  sizes: Map<string, number>;
}

/** Copies every home-region log file's stored gzip bytes to `dir` (key order), and their gunzipped concatenation to dir/all.json; one file in memory at a time. */
async function copyLogFiles(s: DeliveryServer, bucket: string, dir: string): Promise<Copied> {
  const objects = s.app.context.objects;
  const c: Copied = { files: 0, digests: 0, otherRegion: 0, gzipBytes: 0, jsonBytes: 0, sizes: new Map() };
  const all = openSync(join(dir, 'all.json'), 'w');
  let after: string | undefined;
  for (;;) {
    const page = await objects.listObjects({ bucket, prefix: '', maxKeys: 1000, ...(after ? { after } : {}) });
    for (const o of page.objects) {
      if (o.key.includes('/CloudTrail-Digest/')) c.digests++;
      if (o.key.includes('/CloudTrail/') && !o.key.includes(HOME_FILES)) c.otherRegion++;
      if (!o.key.includes(HOME_FILES)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of (await objects.getObject(bucket, o.key)).body) chunks.push(chunk as Buffer);
      const gz = Buffer.concat(chunks);
      writeFileSync(join(dir, `${String(c.files++).padStart(6, '0')}.json.gz`), gz);
      const json = gunzipSync(gz);
      writeSync(all, json);
      c.gzipBytes += gz.length;
      c.jsonBytes += json.length;
      c.sizes.set(o.key, json.length);
    }
    if (!page.isTruncated || !page.nextAfter) break;
    after = page.nextAfter;
  }
  closeSync(all);
  return c;
}

/**
 * Seconds curl takes to GET every log file through the S3 API, 16 at a time (SigV4 signed by
 * curl itself): what the server can hand out, with a client that costs next to nothing.
 */
async function rawGetSeconds(s: DeliveryServer, bucket: string, keys: string[], dir: string): Promise<number> {
  const config = join(dir, 'curl.conf');
  const { accessKeyId, secretAccessKey } = s.credentials;
  const lines = [`user = "${accessKeyId}:${secretAccessKey}"`, 'aws-sigv4 = "aws:amz:us-east-1:s3"', 'header = "x-amz-content-sha256: UNSIGNED-PAYLOAD"', 'fail', 'silent', 'show-error'];
  for (const key of keys) lines.push(`url = "${s.endpoint}/${bucket}/${key}"`, 'output = "/dev/null"');
  await writeFile(config, `${lines.join('\n')}\n`, { mode: 0o600 });
  try {
    const r = await run('curl', ['--parallel', '--parallel-max', '16', '-K', config]);
    if (r.code !== 0) throw new Error(`curl failed (${r.code}): ${r.stderr}`);
    return r.seconds;
  } finally {
    await rm(config, { force: true });
  }
}

export async function validateBench(opts: BenchOptions): Promise<void> {
  const count = opts.events ?? Number(process.env.EVENTS ?? 1_350_000);
  console.log(`machine: ${machineFacts()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const dir = tempDir('opentrail-bench-validate-');
  const copies = join(dir, 'copies');
  const clock = new ManualClock(Date.now() - HOURS * HOUR_MS - 10 * 60_000);
  const config = FILE_RECORDS ? { deliveryMaxRecords: FILE_RECORDS } : {};
  const s = await startDeliveryServer({ logLevel: 'error', ...config }, { dataDir: join(dir, 'data'), clock });
  const proxy = LATENCY_MS > 0 ? await latencyProxy(s.endpoint, LATENCY_MS) : undefined;
  if (FILE_RECORDS || proxy) console.log(`log files of at most ${FILE_RECORDS ?? 10_000} records; ${LATENCY_MS} ms added to each validator's requests`);
  try {
    const setupStart = performance.now();
    const { bucket, arn } = await loggingTrail(s, 'bench', { validation: true });
    const startTime = iso(clock.now() - 60_000);
    await deliverHours(s, clock, count);
    const endTime = iso(clock.now() + 60_000);
    mkdirSync(copies);
    const c = await copyLogFiles(s, bucket, copies);
    const setupS = (performance.now() - setupStart) / 1000;
    const gib = c.jsonBytes / 2 ** 30;
    console.log(
      `setup: ${count} events delivered into ${c.files} log files and ${c.digests} digests, ` +
        `${(c.jsonBytes / MB).toFixed(0)} MB (${gib.toFixed(2)} GiB) uncompressed, ${(c.gzipBytes / MB).toFixed(0)} MB gzip, in ${setupS.toFixed(0)} s`,
    );
    if (c.otherRegion) console.log(`  (not counted: ${c.otherRegion} log files of other regions, which validate-logs checks only with --region)`);
    if (gib < 1) console.log('  (less than 1 GiB: a partial run; the issue measures at least 1 GiB)');

    const rate = (sec: number) => `${(c.jsonBytes / MB / sec).toFixed(1)} MB/s`;
    const args = ['validate-logs', '--trail-arn', arn, '--start-time', startTime, '--end-time', endTime];
    const env = { ...cliEnv(s), AWS_ENDPOINT_URL: proxy?.endpoint ?? s.endpoint };
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
    assert.equal(build.status, 0, 'npm run build');
    const nodeStart = await run(process.execPath, ['dist/cli/main.js', '--version']);
    const load1 = loadavg()[0]!;
    const ours = await run(process.execPath, ['dist/cli/main.js', ...args], env);
    assert.equal(ours.code, 0, `opentrail validate-logs exits 0\n${ours.stderr}`);
    assert.ok(ours.stdout.includes(`\n${c.files}/${c.files} log files valid`), ours.stdout);
    console.log(
      `opentrail validate-logs: ${c.files} log files, ${c.digests} digests valid in ${ours.seconds.toFixed(2)} s = ${rate(ours.seconds)} of log JSON ` +
        `(${(c.gzipBytes / MB / ours.seconds).toFixed(1)} MB/s gzip read; load average ${load1.toFixed(1)}); of it ${nodeStart.seconds.toFixed(1)} s is starting node`,
    );

    const gunzipS = timeShell(copies, 'gunzip -c [0-9]*.json.gz > /dev/null');
    const pipeS = timeShell(copies, 'gunzip -c [0-9]*.json.gz | sha256sum > /dev/null');
    const shaS = timeShell(copies, 'sha256sum all.json > /dev/null');
    const load2 = loadavg()[0]!;
    console.log(`limit: gunzip -c | sha256sum (one pipeline over all ${c.files} files) ${pipeS.toFixed(2)} s = ${rate(pipeS)} (load average ${load2.toFixed(1)})`);
    console.log(`       sha256sum alone ${shaS.toFixed(2)} s = ${rate(shaS)}; gunzip alone ${gunzipS.toFixed(2)} s = ${rate(gunzipS)} (page cache warm)`);
    console.log(`opentrail / (gunzip | sha256sum) = ${(pipeS / ours.seconds).toFixed(2)} (target >= 0.5)`);

    const getS = await rawGetSeconds(s, bucket, [...c.sizes.keys()], dir);
    console.log(
      `server ceiling: GetObject of all ${c.files} log files by curl, 16 in flight, ${getS.toFixed(2)} s = ${(c.gzipBytes / MB / getS).toFixed(1)} MB/s gzip = ` +
        `${rate(getS)} of log JSON; opentrail / it = ${(getS / ours.seconds).toFixed(2)} (load average ${loadavg()[0]!.toFixed(1)})`,
    );

    // Unbuffered, so that a run stopped at the time limit still shows which files it had checked.
    const aws = await run('aws', ['cloudtrail', ...args, '--verbose'], { ...env, PYTHONUNBUFFERED: '1' }, AWS_TIMEOUT_S);
    const checked = [...aws.stdout.matchAll(/^Log file\ts3:\/\/[^/]+\/(\S+)\tvalid$/gm)].map((m) => m[1]!);
    const awsBytes = checked.reduce((sum, key) => sum + (c.sizes.get(key) ?? 0), 0);
    const awsRate = awsBytes / MB / aws.seconds;
    if (aws.code === 0) assert.ok(aws.stdout.includes(`\n${c.files}/${c.files} log files valid`), aws.stdout);
    console.log(
      `aws cloudtrail validate-logs (v1): ${aws.code === 0 ? 'all' : `stopped at the ${AWS_TIMEOUT_S} s limit after`} ${checked.length} log files ` +
        `(${(awsBytes / MB).toFixed(0)} MB) in ${aws.seconds.toFixed(1)} s = ${awsRate.toFixed(1)} MB/s${aws.code === 0 ? '' : ' (extrapolated: the rate so far)'}; ` +
        `opentrail / aws = ${(c.jsonBytes / MB / ours.seconds / awsRate).toFixed(1)}x (target >= 10x)`,
    );
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await proxy?.close();
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
