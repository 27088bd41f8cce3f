/**
 * The scheme the console believes the browser used: X-Forwarded-Proto only from a configured
 * trusted proxy (DESIGN invariant 3), and what that makes of the console's own origin.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { forwardedProto } from '../../src/http/source-ip.js';
import { originOf, schemeOf } from '../../src/console/responses.js';

test('X-Forwarded-Proto is believed from trusted proxies only, and only http or https', () => {
  assert.equal(forwardedProto('10.0.0.1', 'https', ['10.0.0.1']), 'https');
  assert.equal(forwardedProto('::ffff:10.0.0.1', 'HTTPS', ['10.0.0.1']), 'https', 'mapped IPv4 peer, any case');
  assert.equal(forwardedProto('10.0.0.1', 'http', ['10.0.0.1']), 'http');
  assert.equal(forwardedProto('10.0.0.2', 'https', ['10.0.0.1']), undefined, 'untrusted peer');
  assert.equal(forwardedProto('10.0.0.1', 'https', []), undefined, 'no trusted proxies configured');
  assert.equal(forwardedProto(undefined, 'https', ['10.0.0.1']), undefined);
  assert.equal(forwardedProto('10.0.0.1', undefined, ['10.0.0.1']), undefined);
  assert.equal(forwardedProto('10.0.0.1', 'wss', ['10.0.0.1']), undefined);
  assert.equal(forwardedProto('10.0.0.1', '', ['10.0.0.1']), undefined);
  // Appending proxies: the last entry is the trusted peer's own.
  assert.equal(forwardedProto('10.0.0.1', 'http, https', ['10.0.0.1']), 'https');
  assert.equal(forwardedProto('10.0.0.1', ['https', 'http'], ['10.0.0.1']), 'http');
});

test("the console's origin: the trusted proxy's scheme first, then this connection's TLS", () => {
  const req = { headers: { host: 'console.example.com' } } as IncomingMessage;
  assert.equal(originOf(req, { sourceIp: '1.2.3.4' }), 'http://console.example.com');
  assert.equal(originOf(req, { sourceIp: '1.2.3.4', tls: {} }), 'https://console.example.com');
  assert.equal(originOf(req, { sourceIp: '1.2.3.4', forwardedProto: 'https' }), 'https://console.example.com');
  assert.equal(schemeOf({ sourceIp: '1.2.3.4', tls: {}, forwardedProto: 'http' }), 'http', 'the browser spoke http to the proxy');
});
