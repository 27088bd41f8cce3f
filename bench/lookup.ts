/**
 * `npm run bench -- lookup`: seeds 1,000,000 events into a fresh data dir, starts a real
 * OpenTrail process on it and reports LookupEvents p50/p99 per lookup attribute through the
 * HTTP API (signed requests, one at a time, each also recorded as AWS does), beside the latency
 * of the same signed request against a bare node:http server (the floor of this machine).
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import type { HttpRequest } from '@smithy/protocol-http';
import { openDatabase } from '../src/store/sqlite/database.js';
import { SqliteEventLog } from '../src/store/sqlite/event-log.js';
import { startChildServer, waitExit, ROOT_KEYS } from '../test/helpers/child.js';
import { tempDir } from '../test/helpers/server.js';
import { signedRequest, TARGET_PREFIX } from '../test/helpers/raw.js';
import { SEED_CATALOG, seedEvents } from './seed-events.js';
import { percentile } from './load.js';
import { machineFacts, startBareServer } from './machine.js';

const COUNT = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 300);
const ACCOUNT = '123456789012';

type Attr = [key: string, values: string[]];

function cases(): [string, Attr | undefined][] {
  const c = SEED_CATALOG;
  const sources = c.sources.map((s) => s.source);
  const names = c.sources.flatMap((s) => [...s.reads, ...s.writes]);
  return [
    ['(no attribute)', undefined],
    ['EventId', ['EventId', Array.from({ length: 20 }, () => randomUUID())]],
    ['EventName', ['EventName', names]],
    ['ReadOnly', ['ReadOnly', ['true', 'false']]],
    ['Username', ['Username', c.users]],
    ['ResourceType', ['ResourceType', c.resourceTypes.map((r) => r.type)]],
    ['ResourceName', ['ResourceName', c.resourceTypes.map((r) => `${r.prefix}${'1'.repeat(3)}`)]],
    ['EventSource', ['EventSource', sources]],
    ['AccessKeyId', ['AccessKeyId', c.accessKeys]],
  ];
}

async function timeSequential(pool: Pool, reqs: HttpRequest[]): Promise<{ p50: number; p99: number; bad: number }> {
  const times: number[] = [];
  let bad = 0;
  for (const req of reqs) {
    const t0 = performance.now();
    const res = await pool.request({ method: 'POST', path: '/', headers: req.headers, body: req.body as string });
    await res.body.text();
    times.push(performance.now() - t0);
    if (res.statusCode !== 200) bad++;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bad };
}

function sign(endpoint: string, body: object): Promise<HttpRequest> {
  return signedRequest(endpoint, ROOT_KEYS, { target: `${TARGET_PREFIX}.LookupEvents`, body: JSON.stringify(body) });
}

export async function lookupBench(): Promise<void> {
  console.log(`machine: ${machineFacts()}`);
  const dir = tempDir('opentrail-bench-');
  const db = openDatabase(join(dir, 'opentrail.db'));
  const log = new SqliteEventLog(db);
  const { seconds } = await seedEvents(log, COUNT, { accountId: ACCOUNT, region: 'us-east-1' });
  await log.close();
  db.close();
  console.log(`seeded ${COUNT} events in ${seconds.toFixed(1)} s`);
  const server = await startChildServer(dir, ['--log-level', 'error']);
  const pool = new Pool(server.endpoint, { connections: 1 });
  console.log(`LookupEvents through the API, ${RUNS} sequential signed calls per row (ms):`);
  console.log('attribute        p50     p99   non-200');
  for (const [name, attr] of cases()) {
    const reqs = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        sign(server.endpoint, attr ? { LookupAttributes: [{ AttributeKey: attr[0], AttributeValue: attr[1][i % attr[1].length] }] } : {}),
      ),
    );
    await timeSequential(pool, reqs.slice(0, 20)); // warm-up
    const r = await timeSequential(pool, reqs);
    console.log(`${name.padEnd(15)} ${r.p50.toFixed(2).padStart(6)} ${r.p99.toFixed(2).padStart(7)}   ${r.bad}`);
  }
  const deep = await deepPages(pool, server.endpoint);
  console.log(`deep pagination (NextToken, page 1..${deep.pages}) ${deep.p50.toFixed(2).padStart(6)} ${deep.p99.toFixed(2).padStart(7)}`);
  await pool.close();
  server.proc.kill('SIGTERM');
  await waitExit(server.proc);
  const floor = await bareFloor(await Promise.all(Array.from({ length: RUNS }, () => sign('http://127.0.0.1:1', {}))));
  console.log(`floor: same signed request to a bare node:http server p50 ${floor.p50.toFixed(2)} p99 ${floor.p99.toFixed(2)}`);
}

/** Follows NextToken from the newest page down, timing each page. */
async function deepPages(pool: Pool, endpoint: string): Promise<{ pages: number; p50: number; p99: number }> {
  const times: number[] = [];
  const filter = { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'ec2.amazonaws.com' }], MaxResults: 50 };
  let token: string | undefined;
  for (let page = 0; page < RUNS; page++) {
    const req = await sign(endpoint, token ? { ...filter, NextToken: token } : filter);
    const t0 = performance.now();
    const res = await pool.request({ method: 'POST', path: '/', headers: req.headers, body: req.body as string });
    const body = (await res.body.json()) as { NextToken?: string };
    times.push(performance.now() - t0);
    token = body.NextToken;
    if (!token) break;
  }
  times.sort((a, b) => a - b);
  return { pages: times.length, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function bareFloor(reqs: HttpRequest[]): Promise<{ p50: number; p99: number }> {
  const bare = await startBareServer();
  const pool = new Pool(bare.endpoint, { connections: 1 });
  await timeSequential(pool, reqs.slice(0, 20));
  const r = await timeSequential(pool, reqs);
  await pool.close();
  bare.stop();
  return r;
}
