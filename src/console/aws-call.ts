/**
 * A console page's AWS call (`/console/api/aws/<signingName>/<rest>?<query>`) as the RawRequest
 * the service would get from an SDK: the path and query after the service name, exactly as sent
 * (still percent-encoded), the body as read, and the browser's headers minus those that carry or
 * frame a signature or a session — the call is authenticated by the console session, so nothing
 * the page sends may claim an identity or a payload hash.
 */
import type { IncomingMessage } from 'node:http';
import type { RawRequest } from '../aws/sigv4/index.js';

export const AWS_PREFIX = '/console/api/aws/';

/** Headers that carry credentials, signing or session state, or a body framing that is redone. */
const DROPPED = new Set([
  'cookie',
  'authorization',
  'date',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'x-csrf-token',
  'x-opentrail-region',
  'content-length',
  'transfer-encoding',
]);

/** `{service, target}` of a console AWS call's URL (`target`: '/' + the rest), or undefined. */
export function splitAwsPath(url: string): { service: string; target: string } | undefined {
  if (!url.startsWith(AWS_PREFIX)) return undefined;
  const rest = url.slice(AWS_PREFIX.length);
  const end = rest.search(/[/?]/);
  const service = end < 0 ? rest : rest.slice(0, end);
  if (!/^[a-z0-9-]{1,64}$/.test(service)) return undefined;
  const tail = end < 0 ? '' : rest.slice(end);
  return { service, target: tail.startsWith('/') ? tail : `/${tail}` };
}

export function consoleRawRequest(req: IncomingMessage, target: string, body: Buffer): RawRequest {
  const headers: RawRequest['headers'] = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!DROPPED.has(name) && values !== undefined) headers[name] = values;
  }
  headers['content-length'] = [String(body.length)];
  return { method: req.method ?? 'GET', url: target, headers, body };
}
