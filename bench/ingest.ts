/**
 * `npm run bench -- ingest`: durably recorded API calls per second with 32 concurrent signed
 * clients (wrk, keep-alive) against a real OpenTrail process, beside the ceilings of this
 * machine measured in the same run — a bare node:http server under the same load, and the
 * disk's fsync rate.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startChildServer, waitExit, ROOT_KEYS } from '../test/helpers/child.js';
import { tempDir } from '../test/helpers/server.js';
import { signedRequest, TARGET_PREFIX } from '../test/helpers/raw.js';
import { runLoad, writeRequests, type LoadResult } from './load.js';
import { fsyncRate, machineFacts, startBareServer } from './machine.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

function show(name: string, r: LoadResult): void {
  console.log(`${name}: ${r.perSecond.toFixed(0)} req/s over ${r.seconds} s (${r.requests} requests, ${r.non2xx} non-2xx), latency p50 ${r.p50} p99 ${r.p99}`);
}

export async function ingestBench(): Promise<void> {
  console.log(`machine: ${machineFacts()}`);
  const dir = tempDir('opentrail-bench-');
  console.log(`disk: ${fsyncRate(dir).toFixed(0)} fsyncs/s (4 KiB append + fsync) in ${dir}`);
  const server = await startChildServer(join(dir, 'data'), ['--log-level', 'error']);
  // A cheap, indexed call (an EventId that matches nothing) so the measure is the recording path.
  const requests = await Promise.all(
    Array.from({ length: 20_000 }, () =>
      signedRequest(server.endpoint, ROOT_KEYS, {
        target: `${TARGET_PREFIX}.LookupEvents`,
        body: JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: randomUUID() }], MaxResults: 1 }),
      }),
    ),
  );
  const file = writeRequests(dir, requests);
  await runLoad(server.endpoint, file, { connections: CONNECTIONS, seconds: 2 }); // warm-up
  const db = new Database(join(dir, 'data', 'opentrail.db'), { readonly: true });
  const count = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const before = count();
  const r = await runLoad(server.endpoint, file, { connections: CONNECTIONS, seconds: SECONDS });
  const recorded = count() - before;
  show(`OpenTrail LookupEvents, ${CONNECTIONS} concurrent signed clients`, r);
  console.log(`recorded durably during the run: ${recorded} events = ${(recorded / r.seconds).toFixed(0)} recorded calls/s`);
  db.close();
  server.proc.kill('SIGTERM');
  await waitExit(server.proc);
  const bare = await startBareServer();
  show('ceiling: bare node:http server, same load', await runLoad(bare.endpoint, file, { connections: CONNECTIONS, seconds: SECONDS }));
  bare.stop();
}
