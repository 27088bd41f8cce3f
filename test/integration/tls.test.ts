/**
 * Served over TLS, records carry tlsDetails (version, cipher suite, the client's Host header).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { LookupEventsCommand, CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startTestServer, tempDir } from '../helpers/server.js';

test('records of calls over HTTPS carry tlsDetails', async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const server = await startTestServer({ config: { tlsCert: cert, tlsKey: key } });
  assert.match(server.endpoint, /^https:/);
  const ct = new CloudTrailClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: server.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ rejectUnauthorized: false }) }),
  });
  try {
    await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const { Events = [] } = await ct.send(new LookupEventsCommand({ MaxResults: 1 }));
    const r = JSON.parse(Events[0]!.CloudTrailEvent!);
    assert.match(r.tlsDetails.tlsVersion, /^TLSv1\.[23]$/);
    assert.ok(r.tlsDetails.cipherSuite.length > 0);
    assert.equal(r.tlsDetails.clientProvidedHostHeader, new URL(server.endpoint).host);
  } finally {
    ct.destroy();
    await server.stop();
  }
});
