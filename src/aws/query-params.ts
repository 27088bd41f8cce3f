/**
 * Reading an awsQuery request (IAM, STS): the flat `Name.member.1.Key=value` parameters of a
 * form-encoded body or a query string, turned into the typed input the model describes, following
 * the rules botocore's QuerySerializer writes by (structure members by name or locationName,
 * lists as `.member.N` or flattened `.N`, maps as `.entry.N.key/.value`, ISO-8601 timestamps,
 * base64 blobs). A value of the wrong type is a ValidationError, as IAM and STS answer.
 */
import { AwsError } from './errors.js';
import type { ListShape, MapShape, MemberRef, Shape, ShapeTable } from './model-types.js';
import { isSensitive, lowerCamel, setOwn, shapeOf } from './shapes-common.js';
import { clause } from './shapes-messages.js';
import { parseIsoDateTime } from './shapes-json.js';
import { firstHeader } from './headers.js';
import type { RawRequest } from './sigv4/index.js';

/** Largest list/map index accepted; no IAM or STS input comes close, and it bounds the work. */
const MAX_QUERY_INDEX = 1000;
const INDEX = /^[1-9][0-9]{0,3}$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INTEGER = /^[+-]?[0-9]{1,20}$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The parameters as a tree split on `.`: `A.member.1=x` is A → member → 1 with value x. */
export interface ParamNode {
  value?: string;
  children: Map<string, ParamNode>;
}

function node(): ParamNode {
  return { children: new Map() };
}

/**
 * The request's parameters: the query string, then (for a form-encoded POST) the body. A name
 * given twice keeps its first value.
 */
export function readParams(raw: RawRequest): ParamNode {
  const root = node();
  const q = raw.url.indexOf('?');
  if (q >= 0) addAll(root, new URLSearchParams(raw.url.slice(q + 1)));
  if (isFormPost(raw) && raw.body.length > 0) {
    const text = Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength).toString('utf8');
    addAll(root, new URLSearchParams(text));
  }
  return root;
}

export function isFormPost(raw: RawRequest): boolean {
  const type = firstHeader(raw, 'content-type') ?? '';
  return raw.method.toUpperCase() === 'POST' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function addAll(root: ParamNode, params: URLSearchParams): void {
  for (const [name, value] of params) {
    let at = root;
    for (const step of name.split('.')) {
      let next = at.children.get(step);
      if (!next) at.children.set(step, (next = node()));
      at = next;
    }
    at.value ??= value;
  }
}

/** A top-level parameter's value (`Action`, `Version`). */
export function param(root: ParamNode, name: string): string | undefined {
  return root.children.get(name)?.value;
}

/** The typed input of shape `shapeName` read from the parameters; unknown names are ignored. */
export function readQueryInput(table: ShapeTable, shapeName: string, root: ParamNode): Record<string, unknown> {
  const shape = shapeOf(table, shapeName);
  if (shape.type !== 'structure') throw new Error(`input shape ${shapeName} is not a structure`);
  return readStructure(table, shape.members, root, '');
}

function join(path: string, step: string): string {
  return path === '' ? step : `${path}.${step}`;
}

function readStructure(
  table: ShapeTable,
  members: Readonly<Record<string, MemberRef>>,
  at: ParamNode,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(members)) {
    const memberPath = join(path, lowerCamel(name));
    const shape = shapeOf(table, ref.shape);
    const wire = ref.locationName ?? name;
    const value = shape.type === 'list' && (shape.flattened || ref.flattened) && shape.member.locationName
      ? readList(table, shape, at.children.get(shape.member.locationName), memberPath, true)
      : readMember(table, ref, shape, at.children.get(wire), memberPath);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function readMember(table: ShapeTable, ref: MemberRef, shape: Shape, at: ParamNode | undefined, path: string): unknown {
  if (!at) return undefined;
  switch (shape.type) {
    case 'structure':
      return shape.document ? undefined : readStructure(table, shape.members, at, path);
    case 'list':
      return readList(table, shape, at, path, shape.flattened === true || ref.flattened === true);
    case 'map':
      return readMap(table, shape, at, path, shape.flattened === true || ref.flattened === true);
    default:
      return at.value === undefined ? undefined : readScalar(ref, shape, at.value, path);
  }
}

/** `Name=` (botocore's empty list) reads as []; elements come in index order. */
function readList(table: ShapeTable, shape: ListShape, at: ParamNode | undefined, path: string, flat: boolean): unknown[] | undefined {
  if (!at) return undefined;
  const items = flat ? at : at.children.get(shape.member.locationName ?? 'member');
  if (!items) return at.value !== undefined ? [] : undefined;
  const elementShape = shapeOf(table, shape.member.shape);
  return indexed(items, path).map(([i, child]) => {
    const at = `${path}.${i}.member`;
    return readMember(table, shape.member, elementShape, child, at) ?? absent(shape.sparse, at);
  });
}

function readMap(table: ShapeTable, shape: MapShape, at: ParamNode, path: string, flat: boolean): Record<string, unknown> | undefined {
  const entries = flat ? at : at.children.get('entry');
  if (!entries) return at.value !== undefined ? {} : undefined;
  const keyName = shape.key.locationName ?? 'key';
  const valueName = shape.value.locationName ?? 'value';
  const valueShape = shapeOf(table, shape.value.shape);
  const out: Record<string, unknown> = {};
  for (const [, entry] of indexed(entries, path)) {
    const key = entry.children.get(keyName)?.value;
    if (key === undefined) throw malformed(null, path, 'Map keys must not be null');
    const value = readMember(table, shape.value, valueShape, entry.children.get(valueName), `${path}.${key}`);
    setOwn(out, key, value ?? absent(shape.sparse, `${path}.${key}`));
  }
  return out;
}

/** A numbered element or entry that carries no value: null where the shape allows it. */
function absent(sparse: boolean | undefined, path: string): null {
  if (sparse) return null;
  throw malformed(null, path, 'Member must not be null');
}

/** The numbered children (1-based) in index order; any other child is a malformed name. */
function indexed(at: ParamNode, path: string): Array<[number, ParamNode]> {
  const out: Array<[number, ParamNode]> = [];
  for (const [step, child] of at.children) {
    const i = INDEX.test(step) ? Number(step) : Number.NaN;
    if (!(i <= MAX_QUERY_INDEX)) {
      throw malformed(step.slice(0, 16), path, `Member must be indexed from 1 to ${MAX_QUERY_INDEX}`);
    }
    out.push([i, child]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function readScalar(ref: MemberRef, shape: Shape, v: string, path: string): unknown {
  const shown = isSensitive(ref, shape) ? undefined : v;
  switch (shape.type) {
    case 'string':
      return v;
    case 'boolean': {
      const lower = v.toLowerCase();
      if (lower === 'true' || lower === 'false') return lower === 'true';
      throw malformed(shown, path, 'Member must be true or false');
    }
    case 'integer':
    case 'long': {
      const n = INTEGER.test(v) ? Number(v) : Number.NaN;
      const limit = shape.type === 'integer' ? n >= INT32_MIN && n <= INT32_MAX : Number.isSafeInteger(n);
      if (!limit) throw malformed(shown, path, `Member must be a${shape.type === 'integer' ? 'n' : ''} ${shape.type}`);
      return n;
    }
    case 'float':
    case 'double': {
      const n = v.trim() === '' ? Number.NaN : Number(v);
      if (Number.isNaN(n) && v !== 'NaN') throw malformed(shown, path, 'Member must be a number');
      return n;
    }
    case 'timestamp': {
      const ms = /^[0-9]+(\.[0-9]+)?$/.test(v) ? Math.round(Number(v) * 1000) : parseIsoDateTime(v);
      const date = new Date(ms);
      if (!Number.isFinite(date.getTime())) throw malformed(shown, path, 'Member must be an ISO 8601 timestamp');
      return date;
    }
    case 'blob':
      if (!BASE64.test(v)) throw malformed(shown, path, 'Member must be base64-encoded');
      return new Uint8Array(Buffer.from(v, 'base64'));
    default:
      throw new Error(`unexpected scalar shape type ${shape.type}`);
  }
}

/** IAM/STS's answer to invalid input: a ValidationError in Coral's words. */
export function queryValidationError(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/** `v` undefined: a sensitive value, not echoed; null: no value at all. */
function malformed(v: string | null | undefined, path: string, text: string): AwsError {
  return queryValidationError(`1 validation error detected: ${clause(v, path, text, v !== null)}`);
}
