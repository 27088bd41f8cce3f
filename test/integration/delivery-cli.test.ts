/**
 * Issue 4's end-to-end acceptance with the unchanged AWS CLI (each of AWS_CLIS installed here;
 * at least one must be): make a bucket, give CloudTrail its policy, create a trail, start
 * logging, make a handful of calls (one failing), let the clock pass the delivery interval,
 * `aws s3 sync` the bucket and read the files with DuckDB the way Athena's CloudTrail table does,
 * one record per row: every call is there, every record carries the fields CloudTrail always
 * writes, every key maps onto one of the table's columns, and typical Athena queries answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import { AWS_CLIS, cliEnv } from '../helpers/aws-cli.js';
import { logFileKeyPattern, startDeliveryServer, type DeliveryServer } from '../helpers/delivery.js';
import { tempDir } from '../helpers/server.js';

const run = promisify(execFile);

/** The top-level columns of Athena's CloudTrail table (Athena docs, create-cloudtrail-table). */
const ATHENA_COLUMNS = new Set([
  'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
  'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
  'resources', 'eventtype', 'apiversion', 'readonly', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid',
  'vpcendpointid', 'vpcendpointaccountid', 'eventcategory', 'addendum', 'sessioncredentialfromconsole',
  'edgedevicedetails', 'tlsdetails',
]);
/** The fields of its `useridentity` struct, and of its `resources` and `tlsdetails` elements. */
const ATHENA_USERIDENTITY = new Set(['type', 'principalid', 'arn', 'accountid', 'invokedby', 'accesskeyid', 'username', 'onbehalfof', 'sessioncontext']);
const ATHENA_RESOURCE = new Set(['arn', 'accountid', 'type']);
const ATHENA_TLSDETAILS = new Set(['tlsversion', 'ciphersuite', 'clientprovidedhostheader']);
/**
 * Keys CloudTrail writes that the table has no column for: `managementEvent` (record version
 * 1.06) postdates the documented DDL. The SerDe skips keys without a column, as it does on AWS.
 */
const NOT_IN_ATHENA = new Set(['managementevent']);
/** Fields every management-event record carries (reference §3.3), whatever the call. */
const ALWAYS = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'requestParameters', 'responseElements', 'requestID', 'eventID', 'eventType', 'recipientAccountId', 'eventCategory',
  'managementEvent', 'readOnly',
];
/** What the walk-through's calls are recorded as, in the order made. */
const CALLS = ['StartLogging', 'DescribeTrails', 'GetTrailStatus', 'ListTrails', 'GetTrail', 'ListBuckets', 'GetBucketPolicy', 'GetBucketLocation'];

/** The CLIs of AWS_CLIS that answer `--version` with their own major version. */
const installed = AWS_CLIS.filter(({ bin, version }) => {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return out.status === 0 && version.test(`${out.stdout}${out.stderr}`.trim());
});

test('at least one AWS CLI is installed (see .ci/run)', () => {
  assert.ok(installed.length > 0, `none of ${AWS_CLIS.map((c) => c.bin).join(', ')} is installed`);
});

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the CLI against the server (--endpoint-url: Debian's v2 predates AWS_ENDPOINT_URL). */
function cliFor(bin: string, server: DeliveryServer) {
  const exec = async (args: string[]) => {
    try {
      const { stdout } = await run(bin, ['--endpoint-url', server.endpoint, '--output', 'json', ...args], { env: cliEnv(server), maxBuffer: 16 << 20 });
      return { ok: true, out: stdout };
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      return { ok: false, out: err.stderr ?? err.message };
    }
  };
  const aws = async (...args: string[]) => {
    const r = await exec(args);
    assert.ok(r.ok, `aws ${args.join(' ')} failed: ${r.out}`);
    return r.out;
  };
  const fails = async (...args: string[]) => {
    const r = await exec(args);
    assert.ok(!r.ok, `expected aws ${args.join(' ')} to fail`);
    return r.out;
  };
  return { aws, fails };
}

/** DuckDB in memory; rows as JSON values (BIGINT counts come back as strings). */
async function duckdb() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  return async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

const lower = (o: object | null | undefined) => Object.keys(o ?? {}).map((k) => k.toLowerCase());
const outside = (keys: string[], allowed: Set<string>) => keys.filter((k) => !allowed.has(k) && !NOT_IN_ATHENA.has(k));

for (const cli of AWS_CLIS) {
  const skip = installed.includes(cli) ? false : `${cli.bin} is not installed`;
  test(`AWS CLI ${cli.name}: calls reach the bucket as log files that DuckDB reads like Athena`, { skip }, async () => {
    const server = await startDeliveryServer();
    try {
      const { aws, fails } = cliFor(cli.bin, server);
      const acct = server.accountId;
      const bucket = `trail-logs-${cli.name}`;
      const trail = `audit-${cli.name}`;
      const log = server.app.context.eventLog;

      assert.equal((await aws('s3', 'mb', `s3://${bucket}`)).trim(), `make_bucket: ${bucket}`);
      const policy = JSON.stringify(cloudTrailBucketPolicy({ bucket, accountId: acct }));
      await aws('s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy);
      const created = JSON.parse(await aws('cloudtrail', 'create-trail', '--name', trail, '--s3-bucket-name', bucket)) as { TrailARN: string };
      assert.equal(created.TrailARN, `arn:aws:cloudtrail:us-east-1:${acct}:trail/${trail}`);
      const beforeStart = (await log.readAfter(0, 100_000)).at(-1)!.seq;

      await aws('cloudtrail', 'start-logging', '--name', trail);
      await aws('cloudtrail', 'describe-trails');
      await aws('cloudtrail', 'get-trail-status', '--name', trail);
      await aws('cloudtrail', 'list-trails');
      assert.match(await fails('cloudtrail', 'get-trail', '--name', 'no-such-trail'), /TrailNotFoundException/);
      await aws('s3api', 'list-buckets');
      await aws('s3api', 'get-bucket-policy', '--bucket', bucket);
      await aws('s3api', 'get-bucket-location', '--bucket', bucket);
      // What the server recorded for those calls, in order: what the log files must hold.
      const made = (await log.readAfter(beforeStart, 100_000)).map((e) => e.record);
      assert.deepEqual(made.map((r) => r.eventName), CALLS);

      await server.deliver();
      const dir = tempDir('opentrail-sync-');
      dirs.push(dir);
      assert.match(await aws('s3', 'sync', `s3://${bucket}`, dir), /download: s3:\/\//);

      const keys = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
      assert.equal(keys.length, 1, `one file for one region and one interval: ${keys.join(', ')}`);
      const key = keys[0]!;
      assert.match(key, logFileKeyPattern(acct, 'us-east-1'));
      assert.deepEqual([...readFileSync(join(dir, key)).subarray(0, 2)], [0x1f, 0x8b], 'synced as the gzip bytes it was stored as');

      const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', bucket, '--key', key)) as Record<string, unknown>;
      assert.equal(head.ContentType, 'application/json');
      assert.equal(head.ContentEncoding, 'gzip');
      assert.equal(head.ServerSideEncryption, 'AES256');

      const sql = await duckdb();
      const files = `read_json('${dir}/**/*.json.gz', format = 'auto')`;

      // One row per record, as the SerDe reads the Records array.
      const rows = await sql(`SELECT CAST(r AS VARCHAR) AS record FROM (SELECT unnest(Records) AS r FROM read_json('${dir}/**/*.json.gz', columns = {Records: 'JSON[]'}))`);
      const records = rows.map((row) => JSON.parse(String(row.record)) as CloudTrailRecord);
      assert.deepEqual(
        records.map((r) => [r.eventName, r.requestID, r.eventID]),
        made.map((r) => [r.eventName, r.requestID, r.eventID]),
        'every call, exactly once, in the order made',
      );
      for (const r of records) {
        const where = `${r.eventName} ${r.requestID}`;
        assert.deepEqual(ALWAYS.filter((k) => !(k in r)), [], `${where} lacks fields CloudTrail always writes`);
        assert.deepEqual(outside(lower(r), ATHENA_COLUMNS), [], `${where} has keys with no Athena column`);
        assert.deepEqual(outside(lower(r.userIdentity), ATHENA_USERIDENTITY), [], `${where} userIdentity`);
        assert.deepEqual(outside(lower(r.tlsDetails), ATHENA_TLSDETAILS), [], `${where} tlsDetails`);
        for (const res of r.resources ?? []) assert.deepEqual(outside(lower(res), ATHENA_RESOURCE), [], `${where} resources`);
        assert.match(r.userAgent ?? '', new RegExp(`aws-cli/${cli.name.slice(1)}\\.`), `${where} made by this CLI`);
      }

      // The table as DuckDB infers it from the synced directory, queried with Athena's lower-case names.
      await sql(`CREATE TABLE cloudtrail_logs AS SELECT unnest(r) FROM (SELECT unnest(Records) AS r FROM ${files})`);
      const columns = (await sql('DESCRIBE cloudtrail_logs')).map((c) => String(c.column_name).toLowerCase());
      assert.deepEqual(outside(columns, ATHENA_COLUMNS), [], "every column is one of Athena's");
      assert.deepEqual(ALWAYS.map((k) => k.toLowerCase()).filter((k) => !columns.includes(k)), []);

      const counts = await sql('SELECT eventname AS name, count(*) AS n FROM cloudtrail_logs GROUP BY eventname ORDER BY eventname');
      assert.deepEqual(
        counts.map((c) => [c.name, Number(c.n)]),
        [...CALLS].sort().map((n) => [n, 1]),
      );
      const errors = await sql('SELECT eventname AS name, errorcode AS code, errormessage AS message FROM cloudtrail_logs WHERE errorcode IS NOT NULL');
      assert.deepEqual(errors.map((e) => [e.name, e.code]), [['GetTrail', 'TrailNotFoundException']]);
      assert.match(String(errors[0]!.message), /^Unknown trail: .*no-such-trail for the user: \d{12}$/);
      const callers = await sql("SELECT useridentity.arn AS arn, count(*) AS n FROM cloudtrail_logs WHERE eventsource = 'cloudtrail.amazonaws.com' GROUP BY 1");
      const caller = made[0]!.userIdentity.arn!;
      assert.match(caller, new RegExp(`^arn:aws:iam::${acct}:`));
      assert.deepEqual(callers.map((c) => [c.arn, Number(c.n)]), [[caller, made.filter((r) => r.eventSource === 'cloudtrail.amazonaws.com').length]]);
    } finally {
      await server.stop();
    }
  });
}
