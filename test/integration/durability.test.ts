/**
 * Acknowledged means durable (DESIGN invariant 1): history survives a restart, and a server
 * killed with SIGKILL right after 200 acknowledged calls still has every one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { startChildServer, waitExit, ROOT_KEYS } from '../helpers/child.js';
import { tempDir } from '../helpers/server.js';

function client(endpoint: string): CloudTrailClient {
  return new CloudTrailClient({
    endpoint,
    region: 'us-east-1',
    credentials: ROOT_KEYS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 32 }) }),
  });
}

async function allRequestIds(c: CloudTrailClient): Promise<Set<string>> {
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await c.send(new LookupEventsCommand({ MaxResults: 50, ...(token ? { NextToken: token } : {}) }));
    for (const e of page.Events ?? []) ids.add(JSON.parse(e.CloudTrailEvent!).requestID);
    token = page.NextToken;
  } while (token);
  return ids;
}

test('SIGKILL right after 200 acknowledged calls loses none of them', async () => {
  const dir = tempDir();
  const first = await startChildServer(dir);
  const c1 = client(first.endpoint);
  const acked: string[] = [];
  let killed = false;
  const worker = async () => {
    while (!killed) {
      try {
        const out = await c1.send(new LookupEventsCommand({ MaxResults: 1 }));
        // Any answer received was acknowledged by the server, even one racing the kill.
        acked.push(out.$metadata.requestId!);
        if (acked.length >= 200 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      } catch {
        return; // connection torn down by the kill
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  await waitExit(first.proc);
  c1.destroy();
  assert.ok(acked.length >= 200);

  const second = await startChildServer(dir);
  const c2 = client(second.endpoint);
  try {
    const ids = await allRequestIds(c2);
    const missing = acked.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `${missing.length} acknowledged events lost`);
  } finally {
    c2.destroy();
    second.proc.kill('SIGTERM');
    await waitExit(second.proc);
  }
});

test('a clean restart keeps the history', async () => {
  const dir = tempDir();
  const first = await startChildServer(dir);
  const c1 = client(first.endpoint);
  const out = await c1.send(new LookupEventsCommand({}));
  c1.destroy();
  first.proc.kill('SIGTERM');
  await waitExit(first.proc);
  assert.equal(first.proc.exitCode, 0, first.output());
  const second = await startChildServer(dir);
  const c2 = client(second.endpoint);
  try {
    const ids = await allRequestIds(c2);
    assert.ok(ids.has(out.$metadata.requestId!));
  } finally {
    c2.destroy();
    second.proc.kill('SIGTERM');
    await waitExit(second.proc);
  }
});
