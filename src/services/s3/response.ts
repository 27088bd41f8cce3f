/**
 * S3 replies and errors as HTTP: every answer carries x-amz-request-id (the record's requestID)
 * and x-amz-id-2 (the host id, also recorded); errors are `<Error>` documents with the code,
 * message, S3's detail elements, the resource, request id and host id; HEAD answers never carry
 * a body (clients read a HEAD error from its status alone).
 */
import { randomBytes } from 'node:crypto';
import type { HttpResponse } from '../../aws/service.js';
import type { S3Error } from './errors.js';
import type { S3Reply } from './request.js';
import { xmlDocument, type XmlField } from './xml.js';

const XML_CONTENT_TYPE = 'application/xml';

/** A fresh host id for x-amz-id-2, in the shape S3's have (base64). */
export function newHostId(): string {
  return randomBytes(48).toString('base64');
}

export interface ReplyIds {
  requestId: string;
  hostId: string;
}

function baseHeaders(ids: ReplyIds): Record<string, string> {
  return { 'x-amz-request-id': ids.requestId, 'x-amz-id-2': ids.hostId };
}

/** The HTTP response for a reply, and how many body bytes it sends (bytesTransferredOut). */
export function renderReply(reply: S3Reply, ids: ReplyIds, method: string): { response: HttpResponse; bytesOut: number } {
  const headers = { ...baseHeaders(ids), ...reply.headers };
  const status = reply.status ?? 200;
  const body = reply.body ?? '';
  if (typeof body !== 'string') {
    headers['content-length'] = String(reply.bodyLength ?? 0);
    return { response: { status, headers, body }, bytesOut: reply.bodyLength ?? 0 };
  }
  if (body !== '' && headers['content-type'] === undefined) headers['content-type'] = XML_CONTENT_TYPE;
  const bytesOut = method === 'HEAD' ? 0 : Buffer.byteLength(body);
  return { response: { status, headers, body: method === 'HEAD' ? '' : body }, bytesOut };
}

function errorDocument(err: S3Error, ids: ReplyIds, resource?: string): string {
  const fields: XmlField[] = [['Code', err.code], ['Message', err.message]];
  for (const [name, value] of Object.entries(err.details)) fields.push([name, value]);
  fields.push(['Resource', resource], ['RequestId', ids.requestId], ['HostId', ids.hostId]);
  return xmlDocument('Error', fields, false);
}

export function renderError(err: S3Error, ids: ReplyIds, method: string, resource?: string): { response: HttpResponse; bytesOut: number } {
  const headers = { ...baseHeaders(ids), 'content-type': XML_CONTENT_TYPE };
  if (method === 'HEAD') return { response: { status: err.status, headers, body: '' }, bytesOut: 0 };
  const body = errorDocument(err, ids, resource);
  return { response: { status: err.status, headers, body }, bytesOut: Buffer.byteLength(body) };
}
