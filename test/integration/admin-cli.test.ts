/**
 * The operator's admin commands, run as the real `opentrail` CLI against a data dir: account
 * create/list, root-key reset (refused while a server holds the database), and proof through the
 * SDK on a real server that the new root key works and the old one is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `opentrail ARGS --data-dir DIR` with no OPENTRAIL_* from the caller's environment. */
async function cli(dir: string, args: string[]): Promise<Result> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENTRAIL_')));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args, '--data-dir', dir], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface Issued {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

function issuedPair(out: string): Issued {
  const accountId = /Root credentials of account (\d{12})/.exec(out)?.[1];
  const accessKeyId = /aws_access_key_id (AKIA[A-Z2-7]{16})\n/.exec(out)?.[1];
  const secretAccessKey = /aws_secret_access_key (\S{40})\n/.exec(out)?.[1];
  assert.ok(accountId && accessKeyId && secretAccessKey, `a key pair is printed:\n${out}`);
  return { accountId, accessKeyId, secretAccessKey };
}

/** LookupEvents as `creds`: resolves to 'ok' or the error's name. */
async function call(server: TestServer, creds: Issued): Promise<string> {
  const client = server.cloudtrail('us-east-1', { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
  try {
    await client.send(new LookupEventsCommand({ MaxResults: 1 }));
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  }
}

test('account create/list and root-key reset: the new key works, the old one is refused', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const created = await cli(dir, ['account', 'create', '--alias', 'team-a']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Created account \d{12} \(alias team-a\)/);
  assert.match(created.stdout, /not stored anywhere else/);
  const old = issuedPair(created.stdout);

  const usage = await Promise.all([
    cli(dir, ['account', 'create', '--account-id', old.accountId]),
    cli(dir, ['account', 'create', '--alias', 'team-a']),
    cli(dir, ['account', 'create', '--alias', 'Team_A']),
    cli(dir, ['account', 'create', '--alias', 'a--b']),
    cli(dir, ['account', 'create', '--account-id', '12345']),
    cli(dir, ['account', 'list', '--output', 'xml']),
    cli(dir, ['root-key', 'reset']),
    cli(dir, ['root-key', 'reset', '--account-id', '999999999999']),
  ]);
  for (const r of usage) assert.equal(r.code, 2, `usage error exits 2: ${r.stderr}`);
  assert.match(usage[0]!.stderr, new RegExp(`account ${old.accountId} already exists`));
  assert.match(usage[1]!.stderr, /alias 'team-a' is already used/);
  assert.match(usage[2]!.stderr, /invalid --alias/);
  assert.match(usage[4]!.stderr, /must be 12 digits/);

  const [text, json] = await Promise.all([cli(dir, ['account', 'list']), cli(dir, ['account', 'list', '--output', 'json'])]);
  assert.match(text.stdout, /^ACCOUNT\s+ALIAS\s+CREATED\s+ROOT KEYS\s+IAM USERS$/m);
  assert.match(text.stdout, new RegExp(`^${old.accountId}  team-a  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  1 +0$`, 'm'));
  const listed = (JSON.parse(json.stdout) as { accounts: Record<string, unknown>[] }).accounts;
  assert.equal(listed.length, 1, 'failed creates left nothing behind');
  assert.deepEqual({ ...listed[0], createdAt: undefined }, {
    accountId: old.accountId, alias: 'team-a', createdAt: undefined, activeRootKeys: 1, iamUsers: 0,
  });
  for (const out of [text.stdout, json.stdout]) assert.ok(!out.includes(old.secretAccessKey) && !out.includes(old.accessKeyId), 'list shows no key');

  // While a server has the database open: create works at once, reset is refused.
  let server = await startTestServer({ dataDir: dir });
  try {
    const defaultOld = { accountId: server.accountId, ...server.credentials };
    assert.equal(await call(server, old), 'ok');
    const beside = await cli(dir, ['account', 'create']);
    assert.equal(beside.code, 0, beside.stderr);
    assert.equal(await call(server, issuedPair(beside.stdout)), 'ok', 'an account created beside a running server works');
    const refused = await cli(dir, ['root-key', 'reset', '--account-id', old.accountId]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /opentrail serve.*running/);
    assert.doesNotMatch(refused.stdout, /aws_secret_access_key/);
    assert.equal(await call(server, old), 'ok', 'a refused reset changed nothing');
    await server.stop(true);

    const reset = await cli(dir, ['root-key', 'reset', '--account-id', old.accountId]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /Removed 1 root access key of account/);
    const fresh = issuedPair(reset.stdout);
    assert.equal(fresh.accountId, old.accountId);
    assert.notEqual(fresh.accessKeyId, old.accessKeyId);

    const file = join(dir, 'root-credentials.json');
    const resetDefault = await cli(dir, ['root-key', 'reset', '--account-id', defaultOld.accountId]);
    assert.equal(resetDefault.code, 0, resetDefault.stderr);
    const defaultFresh = issuedPair(resetDefault.stdout);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), defaultFresh, 'root-credentials.json holds the new default pair');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    server = await startTestServer({ dataDir: dir });
    assert.deepEqual(server.credentials, { accessKeyId: defaultFresh.accessKeyId, secretAccessKey: defaultFresh.secretAccessKey });
    assert.equal(await call(server, fresh), 'ok', 'new key works');
    assert.equal(await call(server, old), 'UnrecognizedClientException', 'old key refused');
    assert.equal(await call(server, defaultFresh), 'ok', 'new default key works');
    assert.equal(await call(server, defaultOld), 'UnrecognizedClientException', 'old default key refused after restart');
  } finally {
    await server.stop(true);
  }
  const after = JSON.parse((await cli(dir, ['account', 'list', '--output', 'json'])).stdout) as { accounts: { accountId: string; activeRootKeys: number }[] };
  assert.equal(after.accounts.find((a) => a.accountId === old.accountId)?.activeRootKeys, 1, 'one root key after reset');
});
