/**
 * Reading what the proxy kept of an exchange without ever throwing: a header's first value, a
 * JSON object body, an XML document body (undefined when the body is absent or is not one).
 */
import { isPlainObject } from '../aws/shapes-common.js';
import { parseXml, type XmlElement } from '../services/s3/xml.js';

type Headers = Record<string, string | string[] | undefined>;

/** `name` in lower case, as the proxy keeps header names. */
export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJson(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return isPlainObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function parseXmlSafely(body: Buffer | undefined): XmlElement | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    return parseXml(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
