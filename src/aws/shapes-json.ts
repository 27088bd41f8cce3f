/**
 * awsJson (1.0/1.1) value mapping for any service model: `readJson` turns a parsed request body
 * into typed values (Date, Uint8Array, ...) with strict JSON type checks, and `serializeJson` turns
 * a handler's typed output back into the JSON AWS sends. Constraint checks live in
 * `shapes-validate.ts`; a wrong JSON *type* is a SerializationException here, as AWS answers.
 */
import { CommonErrors } from './errors.js';
import type { MemberRef, Shape, ShapeTable, TimestampFormat } from './model-types.js';
import { isPlainObject, setOwn, shapeOf, toBase64 } from './shapes-common.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const LONG_LIMIT = 2 ** 63;
/** Strict base64 with padding, the form every AWS SDK sends. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') {
    const shown = v.length > 32 ? `${v.slice(0, 32)}...` : v;
    return `the string ${JSON.stringify(shown)}`;
  }
  return `a ${typeof v}`;
}

/** SerializationException naming the member (as the client wrote it) and what was expected. */
function mismatch(path: string, expected: string, v: unknown): never {
  const where = path === '' ? 'the request body' : `'${path}'`;
  throw CommonErrors.serialization(
    `Cannot read ${where}: expected ${expected}, got ${describe(v)}. Check the value's JSON type.`,
  );
}

function joinWire(path: string, member: string): string {
  return path === '' ? member : `${path}.${member}`;
}

// ---------------------------------------------------------------------------------------------
// Reading (request → typed values)

/**
 * Converts a parsed JSON value of shape `shapeName` into typed values. Unknown members are
 * dropped, null members are absent; a null/absent top-level value reads as an empty structure.
 */
export function readJson(table: ShapeTable, shapeName: string, value: unknown): unknown {
  const shape = shapeOf(table, shapeName);
  if ((value === undefined || value === null) && shape.type === 'structure') return {};
  return read(table, { shape: shapeName }, value, '');
}

function read(table: ShapeTable, ref: MemberRef, v: unknown, path: string): unknown {
  const shape = shapeOf(table, ref.shape);
  switch (shape.type) {
    case 'structure':
      if (shape.document) return v;
      return readStructure(table, shape.members, v, path);
    case 'list':
      return readList(table, shape.member, shape.sparse === true, v, path);
    case 'map':
      return readMap(table, shape.key, shape.value, shape.sparse === true, v, path);
    default:
      return readScalar(shape, v, path);
  }
}

function readStructure(
  table: ShapeTable,
  members: Readonly<Record<string, MemberRef>>,
  v: unknown,
  path: string,
): Record<string, unknown> {
  if (!isPlainObject(v)) mismatch(path, 'a JSON object', v);
  const out: Record<string, unknown> = {};
  // Walk the model, not the input: unknown members (and keys like __proto__) never get copied.
  for (const [name, ref] of Object.entries(members)) {
    if (!Object.hasOwn(v, name)) continue;
    const x = v[name];
    if (x === null || x === undefined) continue;
    out[name] = read(table, ref, x, joinWire(path, name));
  }
  return out;
}

function readList(table: ShapeTable, member: MemberRef, sparse: boolean, v: unknown, path: string) {
  if (!Array.isArray(v)) mismatch(path, 'a JSON array', v);
  return v.map((x: unknown, i) => {
    const at = `${path}[${i}]`;
    if (x === null) return sparse ? null : mismatch(at, 'a non-null list element', x);
    return read(table, member, x, at);
  });
}

function readMap(
  table: ShapeTable,
  key: MemberRef,
  value: MemberRef,
  sparse: boolean,
  v: unknown,
  path: string,
): Record<string, unknown> {
  if (!isPlainObject(v)) mismatch(path, 'a JSON object (map)', v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const at = joinWire(path, k);
    readScalar(shapeOf(table, key.shape), k, at);
    if (x === null) {
      if (!sparse) mismatch(at, 'a non-null map value', x);
      setOwn(out, k, null);
    } else {
      setOwn(out, k, read(table, value, x, at));
    }
  }
  return out;
}

function readScalar(shape: Shape, v: unknown, path: string): unknown {
  switch (shape.type) {
    case 'string':
      return typeof v === 'string' ? v : mismatch(path, 'a string', v);
    case 'boolean':
      return typeof v === 'boolean' ? v : mismatch(path, 'a boolean (true or false)', v);
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) mismatch(path, 'an integer', v);
      if (v < INT32_MIN || v > INT32_MAX) mismatch(path, 'a 32-bit integer', v);
      return v;
    case 'long':
      if (typeof v !== 'number' || !Number.isInteger(v)) mismatch(path, 'an integer', v);
      if (Math.abs(v) > LONG_LIMIT) mismatch(path, 'a 64-bit integer', v);
      return v;
    case 'float':
    case 'double':
      return readFloat(v, path);
    case 'timestamp':
      return readTimestamp(v, path);
    case 'blob':
      if (typeof v !== 'string' || !BASE64.test(v)) mismatch(path, 'a base64-encoded string', v);
      return new Uint8Array(Buffer.from(v, 'base64'));
    default:
      return mismatch(path, `a ${shape.type}`, v);
  }
}

function readFloat(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  // awsJson sends the non-finite values as strings.
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return mismatch(path, 'a number', v);
}

/** Epoch seconds (possibly fractional, as SDKs send) or, leniently, an ISO-8601 date-time. */
function readTimestamp(v: unknown, path: string): Date {
  const expected = 'a timestamp (epoch seconds or an ISO-8601 date-time)';
  let ms = Number.NaN;
  if (typeof v === 'number') ms = Math.round(v * 1000);
  else if (typeof v === 'string') ms = parseIsoDateTime(v);
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) mismatch(path, expected, v);
  return date;
}

export function parseIsoDateTime(s: string): number {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return Number.NaN;
  const [, day, time, fraction, zone] = m;
  // Milliseconds are all a Date keeps; a missing zone means UTC, as AWS assumes.
  const millis = fraction ? `.${fraction.slice(0, 3).padEnd(3, '0')}` : '';
  const utc = !zone || zone.toUpperCase() === 'Z';
  const tz = utc ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(`${day}T${time}${millis}${tz}`);
}

// ---------------------------------------------------------------------------------------------
// Writing (typed output → JSON)

/**
 * Serializes a handler's output for an awsJson response: Date → epoch seconds (millisecond
 * fraction kept), Uint8Array → base64, null/undefined members omitted, unmodeled keys dropped.
 */
export function serializeJson(table: ShapeTable, shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) {
    return shapeOf(table, shapeName).type === 'structure' ? {} : null;
  }
  return write(table, { shape: shapeName }, value, shapeName);
}

function write(table: ShapeTable, ref: MemberRef, v: unknown, path: string): unknown {
  const shape = shapeOf(table, ref.shape);
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      if (!isPlainObject(v)) throw new Error(`serializeJson: ${path} must be an object`);
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const x = v[name];
        if (x !== undefined && x !== null) out[name] = write(table, member, x, `${path}.${name}`);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) throw new Error(`serializeJson: ${path} must be an array`);
      return v
        .filter((x: unknown) => shape.sparse === true || (x !== null && x !== undefined))
        .map((x: unknown, i) =>
          x == null ? null : write(table, shape.member, x, `${path}[${i}]`),
        );
    case 'map':
      return writeMap(table, shape.value, shape.sparse === true, v, path);
    case 'timestamp':
      return writeTimestamp(v, ref.timestampFormat ?? shape.timestampFormat ?? 'unixTimestamp');
    case 'blob':
      if (v instanceof Uint8Array) return toBase64(v);
      return typeof v === 'string' ? toBase64(Buffer.from(v)) : v;
    case 'float':
    case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    default:
      return v;
  }
}

function writeMap(table: ShapeTable, value: MemberRef, sparse: boolean, v: unknown, path: string) {
  if (!isPlainObject(v)) throw new Error(`serializeJson: ${path} must be an object (map)`);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) {
      if (sparse) setOwn(out, k, null);
    } else {
      setOwn(out, k, write(table, value, x, `${path}.${k}`));
    }
  }
  return out;
}

/** Handlers should hand back Dates; numbers (epoch seconds) and date strings are tolerated. */
function writeTimestamp(v: unknown, format: TimestampFormat): unknown {
  let date: Date;
  if (v instanceof Date) date = v;
  else if (typeof v === 'number') date = new Date(Math.round(v * 1000));
  else date = new Date(String(v));
  if (!Number.isFinite(date.getTime())) {
    throw new Error(`serializeJson: invalid timestamp ${String(v)}`);
  }
  if (format === 'iso8601') return date.toISOString();
  if (format === 'rfc822') return date.toUTCString();
  return date.getTime() / 1000;
}
