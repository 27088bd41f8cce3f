/**
 * The errorCode/errorMessage of a proxied call, read from the upstream's answer the way botocore
 * reads each protocol's errors: JSON `__type` (or `code`) with any `namespace#` prefix and `:`
 * suffix dropped, or the `x-amzn-ErrorType` header (`x-amzn-query-error` first, for awsQuery-
 * compatible services such as SQS); the `<Error><Code>` of rest-xml, awsQuery
 * (`<ErrorResponse>`) and ec2 (`<Response><Errors>`) bodies. An answer without a readable code
 * is named after its HTTP status (`NotFound`, `ServiceUnavailable`), as a HEAD error has no body.
 * Nothing here throws: a garbage body is just an unreadable one.
 */
import { STATUS_CODES } from 'node:http';
import { AwsError } from '../aws/errors.js';
import type { XmlElement } from '../services/s3/xml.js';
import { header, parseJson, parseXmlSafely } from './record-wire.js';
import type { ProxiedExchange, WireProtocol } from './types.js';

type UpstreamResponse = NonNullable<ProxiedExchange['response']>;

/** Undefined for a success (status < 300); the proxy records an upstream that never answered. */
export function upstreamError(protocol: WireProtocol, response: UpstreamResponse): AwsError | undefined {
  if (response.status < 300) return undefined;
  const found = protocol === 'json' || protocol === 'rest-json' ? jsonError(response) : xmlError(response.body);
  if (found?.code) return new AwsError(found.code, found.message, response.status);
  const reason = STATUS_CODES[response.status] ?? `HTTP ${response.status}`;
  return new AwsError(reason.replace(/[^A-Za-z0-9]/g, ''), reason, response.status);
}

interface Found {
  code: string;
  message: string;
}

/** `aws.protocoltests#FooError:http://...` → `FooError` (botocore's normalisation). */
function bareCode(raw: string): string {
  const colon = raw.indexOf(':');
  const beforeColon = colon < 0 ? raw : raw.slice(0, colon);
  return beforeColon.slice(beforeColon.lastIndexOf('#') + 1).trim();
}

function jsonError(response: UpstreamResponse): Found | undefined {
  const body = parseJson(response.body);
  // awsQuery-compatible services (SQS) name the error by its query-era code in this header.
  const queryCode = header(response.headers, 'x-amzn-query-error')?.split(';')[0];
  const typeHeader = header(response.headers, 'x-amzn-errortype');
  const rawCode = queryCode || typeHeader || stringField(body, '__type') || stringField(body, 'code') || stringField(body, 'Code');
  if (rawCode === undefined) return undefined;
  const message = stringField(body, 'message') ?? stringField(body, 'Message') ?? stringField(body, 'errorMessage') ?? '';
  return { code: bareCode(rawCode), message };
}

function stringField(o: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = o?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Every XML error form nests `<Code>` and `<Message>` in the first `<Error>`. */
function xmlError(body: Buffer | undefined): Found | undefined {
  const root = parseXmlSafely(body);
  const error = root && findElement(root, 'Error');
  const code = error?.children.find((c) => c.name === 'Code')?.text.trim();
  if (!error || !code) return undefined;
  return { code, message: error.children.find((c) => c.name === 'Message')?.text ?? '' };
}

/** Breadth-first, so an `<Error>` inside some detail element never wins over the real one. */
function findElement(root: XmlElement, name: string): XmlElement | undefined {
  const queue = [root];
  for (let el = queue.shift(); el; el = queue.shift()) {
    if (el.name === name) return el;
    queue.push(...el.children);
  }
  return undefined;
}
