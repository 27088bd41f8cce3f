/**
 * Upstreams as a user configures them (issue 7): `opentrail serve --upstream svc=URL` repeated,
 * `--upstreams` lists and a JSON `--config` file whose upstream entries may carry their own key
 * pair. Two stand-in upstreams note the access key each request was re-signed with, so the test
 * sees which upstream got which call and that the caller's own key never left OpenTrail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT_KEYS, startChildServer, waitExit } from '../helpers/child.js';
import { tempDir } from '../helpers/server.js';

const run = promisify(execFile);

interface Seen {
  target: string;
  keyId: string;
}

/** An upstream answering DynamoDB's ListTables and SQS's ListQueues (JSON), noting each signer. */
async function standIn(name: string, seen: Seen[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
      seen.push({ target: `${name}:${String(req.headers['x-amz-target'] ?? '')}`, keyId });
      const json = String(req.headers['x-amz-target']).startsWith('DynamoDB') ? { TableNames: [name] } : { QueueUrls: [] };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const awsEnv = (endpoint: string, home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  AWS_ACCESS_KEY_ID: ROOT_KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: ROOT_KEYS.secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_ENDPOINT_URL: endpoint,
  AWS_MAX_ATTEMPTS: '1',
});

/** The CLI v1's SQS commands do not honour AWS_ENDPOINT_URL: the endpoint is given as a flag too. */
const aws = (endpoint: string, home: string, args: string[]) =>
  run('aws', ['--endpoint-url', endpoint, ...args, '--output', 'json'], { env: awsEnv(endpoint, home) });

test('--upstream repeated and a --config file with a per-upstream key pair route and re-sign each service', async () => {
  const seen: Seen[] = [];
  const ddb = await standIn('ddb', seen);
  const other = await standIn('other', seen);
  const dir = tempDir();
  const configFile = join(dir, 'opentrail.json');
  writeFileSync(
    configFile,
    JSON.stringify({ upstreams: { dynamodb: { url: ddb.url, accessKeyId: 'DDBUPSTREAMKEY', secretAccessKey: 'ddb-upstream-secret' } } }),
  );
  // The flags name sqs and default; the file names dynamodb with its own pair: flags win over the
  // file for the option as a whole, so the file's entry is given again through the environment.
  const child = await startChildServer(dir, ['--upstream', `sqs=${other.url}`, '--upstream', `default=${other.url}`, '--config', configFile], {
    OPENTRAIL_UPSTREAM_ACCESS_KEY_ID: 'SHAREDUPSTREAMKEY',
    OPENTRAIL_UPSTREAM_SECRET_ACCESS_KEY: 'shared-upstream-secret',
  });
  try {
    const sqs = await aws(child.endpoint, dir, ['sqs', 'list-queues']);
    assert.equal(sqs.stderr, '');
    const ddbOut = await aws(child.endpoint, dir, ['dynamodb', 'list-tables']);
    // With --upstream given, the file's upstreams are not used: dynamodb goes to `default`.
    assert.deepEqual(JSON.parse(ddbOut.stdout), { TableNames: ['other'] });
    assert.deepEqual(seen.map((s) => s.keyId), ['SHAREDUPSTREAMKEY', 'SHAREDUPSTREAMKEY']);
    assert.ok(!seen.some((s) => s.keyId === ROOT_KEYS.accessKeyId), "the caller's key never reaches an upstream");
  } finally {
    child.proc.kill('SIGTERM');
    await waitExit(child.proc);
  }

  seen.length = 0;
  const fromFile = await startChildServer(dir, ['--config', configFile], {
    OPENTRAIL_UPSTREAM_ACCESS_KEY_ID: 'SHAREDUPSTREAMKEY',
    OPENTRAIL_UPSTREAM_SECRET_ACCESS_KEY: 'shared-upstream-secret',
  });
  try {
    const out = await aws(fromFile.endpoint, dir, ['dynamodb', 'list-tables']);
    assert.deepEqual(JSON.parse(out.stdout), { TableNames: ['ddb'] });
    assert.deepEqual(seen, [{ target: 'ddb:DynamoDB_20120810.ListTables', keyId: 'DDBUPSTREAMKEY' }], "the file's own pair signs for its upstream");
    // sqs has no upstream in the file and there is no default: a clear AWS-style error.
    const err = await aws(fromFile.endpoint, dir, ['sqs', 'list-queues']).catch((e: { stderr: string }) => e);
    assert.match((err as { stderr: string }).stderr, /does not serve 'sqs' and no upstream is configured for it/);
    assert.ok(!fromFile.output().includes('ddb-upstream-secret'), 'the upstream secret is never logged');
  } finally {
    fromFile.proc.kill('SIGTERM');
    await waitExit(fromFile.proc);
    ddb.server.close();
    other.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
