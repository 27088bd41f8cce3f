/**
 * A proxied call's input and output as typed values of its model shapes, read from what the
 * proxy kept of the exchange, per protocol: awsJson bodies; restJson URI, query-string, header
 * and body members (by member name, as the records show them); awsQuery and ec2 form parameters
 * (ec2 names members by `queryName` or capitalised `locationName` and flattens every list); XML
 * results of awsQuery and ec2. Throws on anything it cannot read; the record builder turns that
 * into a null field.
 */
import type { MemberRef, Shape, ShapeTable, StructureShape } from '../aws/model-types.js';
import { readParams, readQueryInput } from '../aws/query-params.js';
import { readJson } from '../aws/shapes-json.js';
import { shapeOf } from '../aws/shapes-common.js';
import { header, parseJson, parseXmlSafely } from './record-wire.js';
import { readXmlValue } from './record-xml.js';
import type { ProxiedExchange } from './types.js';

/** Undefined when the exchange does not carry what the input is read from (a streamed body). */
export function readInput(ex: ProxiedExchange, table: ShapeTable, shapeName: string): Record<string, unknown> | undefined {
  const { request } = ex;
  // A body the proxy streamed instead of keeping (too large) leaves the input unread.
  if (ex.operation.protocol !== 'rest-json' && request.body === undefined && request.bodyBytes > 0) return undefined;
  switch (ex.operation.protocol) {
    case 'json': {
      if (request.body === undefined) return undefined;
      const parsed = request.body.length === 0 ? {} : parseJson(request.body);
      return parsed === undefined ? undefined : asRecord(readJson(table, shapeName, parsed));
    }
    case 'query':
    case 'ec2': {
      const query = request.query.toString();
      const raw = {
        method: request.method,
        url: `${request.path}${query ? `?${query}` : ''}`,
        headers: request.headers,
        body: request.body ?? new Uint8Array(0),
      };
      const shapes = ex.operation.protocol === 'ec2' ? ec2Table(table) : table;
      return readQueryInput(shapes, shapeName, readParams(raw));
    }
    default:
      return asRecord(readJson(table, shapeName, restWireValue(ex, table, structure(table, shapeName))));
  }
}

/** The output of a successful call, from a kept body; undefined when there is none to read. */
export function readOutput(ex: ProxiedExchange, table: ShapeTable, shapeName: string): Record<string, unknown> | undefined {
  const body = ex.response?.body;
  switch (ex.operation.protocol) {
    case 'json':
    case 'rest-json': {
      const parsed = parseJson(body);
      const shape = structure(table, shapeName);
      // A payload member (Lambda Invoke's function result) is the body itself, not members of it.
      return parsed === undefined || shape.payload !== undefined ? undefined : asRecord(readJson(table, shapeName, parsed));
    }
    case 'query': {
      const result = parseXmlSafely(body)?.children.find((c) => c.name === `${ex.operation.name}Result`);
      return result && asRecord(readXmlValue(table, { shape: shapeName }, result));
    }
    case 'ec2': {
      const root = parseXmlSafely(body);
      return root && asRecord(readXmlValue(table, { shape: shapeName }, root));
    }
    default:
      return undefined;
  }
}

function structure(table: ShapeTable, name: string): StructureShape {
  const shape = shapeOf(table, name);
  if (shape.type !== 'structure') throw new Error(`shape ${name} is not a structure`);
  return shape;
}

function asRecord(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('input is not a structure');
  return v as Record<string, unknown>;
}

/**
 * The restJson input as the JSON value readJson expects: URI, query-string and header members
 * converted from text to their JSON types, the body's members (or the payload member) added.
 */
function restWireValue(ex: ProxiedExchange, table: ShapeTable, shape: StructureShape): Record<string, unknown> {
  const { request, operation } = ex;
  const out: Record<string, unknown> = {};
  const parsedBody = request.body === undefined || request.body.length === 0 ? undefined : parseJson(request.body);
  for (const [name, ref] of Object.entries(shape.members)) {
    const wire = ref.locationName ?? name;
    let value: unknown;
    switch (ref.location) {
      case 'uri':
        value = operation.uriParams[name] ?? operation.uriParams[wire];
        break;
      case 'querystring':
        value = request.query.has(wire) ? request.query.getAll(wire) : undefined;
        break;
      case 'header':
        value = header(request.headers, wire.toLowerCase());
        break;
      case undefined:
        value = name === shape.payload ? payloadValue(shapeOf(table, ref.shape), request.body) : parsedBody?.[name];
        break;
      default:
        value = undefined;
    }
    if (value !== undefined) out[name] = ref.location === undefined ? value : textAsJson(table, shapeOf(table, ref.shape), value);
  }
  return out;
}

/** The payload member as JSON would carry it: a blob as base64, a string as text, a structure parsed. */
function payloadValue(shape: Shape, body: Buffer | undefined): unknown {
  if (body === undefined || body.length === 0) return undefined;
  if (shape.type === 'blob') return body.toString('base64');
  return shape.type === 'string' ? body.toString('utf8') : parseJson(body);
}

/** Text from a URI, query string or header as the JSON type of its shape (lists: each element). */
function textAsJson(table: ShapeTable, shape: Shape, value: unknown): unknown {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  if (shape.type === 'list') return values.map((v) => scalarFromText(shapeOf(table, shape.member.shape), v));
  return scalarFromText(shape, values[0] ?? '');
}

function scalarFromText(shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp': {
      const ms = Date.parse(text);
      return Number.isNaN(ms) ? text : ms / 1000;
    }
    default:
      return text;
  }
}

/**
 * ec2's query names: a member's wire name is its `queryName`, else its `locationName` or name
 * capitalised, and every list is flattened (`InstanceId.1`), whatever the model says.
 */
const EC2_TABLES = new WeakMap<ShapeTable, ShapeTable>();

function ec2Table(table: ShapeTable): ShapeTable {
  const cached = EC2_TABLES.get(table);
  if (cached) return cached;
  const out: Record<string, Shape> = {};
  for (const [name, shape] of Object.entries(table)) {
    if (shape.type === 'structure') {
      const members: Record<string, MemberRef> = {};
      for (const [m, ref] of Object.entries(shape.members)) {
        const wire = ref.queryName ?? capitalise(ref.locationName ?? m);
        members[m] = { ...ref, locationName: wire };
      }
      out[name] = { ...shape, members };
    } else if (shape.type === 'list') {
      const member: MemberRef = { ...shape.member };
      delete member.locationName;
      out[name] = { ...shape, flattened: true, member };
    } else {
      out[name] = shape;
    }
  }
  EC2_TABLES.set(table, out);
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
