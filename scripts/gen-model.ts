/**
 * Generates `src/services/<service>/generated/model.ts` from a botocore-format model in `models/`:
 * the runtime shape table (types and constraints only), the operation table, service metadata,
 * TypeScript interfaces for every structure, `OperationMap` and the list of error shapes.
 * Generic over services (CloudTrail, IAM, STS; S3 later). Output is deterministic: shapes and
 * operations sorted by name, members in model order (validation and serialization follow it).
 *
 * Usage:
 *   npx tsx scripts/gen-model.ts <model.json> <out.ts>
 *   npx tsx scripts/gen-model.ts --all            regenerate every model in `knownModels`
 *   npx tsx scripts/gen-model.ts --all --check    exit 1 if any generated file is stale
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every model we generate code for: path of the model and of the generated module. */
export const knownModels: readonly { model: string; out: string }[] = [
  { model: 'models/cloudtrail-2013-11-01.json', out: 'src/services/cloudtrail/generated/model.ts' },
  { model: 'models/iam-2010-05-08.json', out: 'src/services/iam/generated/model.ts' },
  { model: 'models/sts-2011-06-15.json', out: 'src/services/sts/generated/model.ts' },
];

/** Repository root (this file lives in `scripts/`). */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

type Json = Record<string, unknown>;

const SHAPE_TYPES = new Set([
  'structure', 'list', 'map', 'string', 'integer', 'long', 'float', 'double', 'boolean',
  'timestamp', 'blob',
]);
/** Shape fields the runtime uses, in the order they are emitted; everything else is dropped. */
const SHAPE_KEYS = [
  'type', 'members', 'required', 'member', 'key', 'value', 'min', 'max', 'pattern', 'enum',
  'sensitive', 'exception', 'fault', 'error', 'payload', 'union', 'document', 'event',
  'eventstream', 'streaming', 'requiresLength', 'sparse', 'flattened', 'timestampFormat',
  'locationName', 'xmlNamespace', 'xmlOrder',
];
const REF_KEYS = [
  'shape', 'location', 'locationName', 'queryName', 'xmlNamespace', 'xmlAttribute', 'flattened',
  'timestampFormat', 'jsonvalue', 'idempotencyToken', 'hostLabel', 'streaming', 'eventpayload',
  'sensitive',
];
const METADATA_KEYS = [
  'apiVersion', 'endpointPrefix', 'protocol', 'protocols', 'signingName', 'signatureVersion',
  'serviceId', 'serviceFullName', 'serviceAbbreviation', 'uid', 'jsonVersion', 'targetPrefix',
  'xmlNamespace', 'globalEndpoint', 'auth',
];
/** Type names the generated module itself uses; a structure with one of these names is renamed. */
const RESERVED_TYPE_NAMES = new Set([
  'Date', 'Uint8Array', 'Record', 'ShapeTable', 'ServiceMetadata', 'OperationModel',
  'ServiceModel', 'OperationMap', 'OperationName', 'ErrorShapeName', 'string', 'number',
  'boolean', 'object', 'symbol', 'bigint', 'unknown', 'never', 'any', 'void', 'undefined', 'null',
]);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string): Json {
  if (!isObject(v)) throw new Error(`model: ${what} must be an object`);
  return v;
}

/** Code-unit order, so the output never depends on the machine's locale. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pick(src: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  return out;
}

function runtimeRef(raw: unknown, shapes: Json, where: string): Json {
  const ref = pick(obj(raw, where), REF_KEYS);
  if (typeof ref['shape'] !== 'string' || !(ref['shape'] in shapes)) {
    throw new Error(`model: ${where} refers to unknown shape ${String(ref['shape'])}`);
  }
  return ref;
}

function runtimeShape(name: string, raw: unknown, shapes: Json): Json {
  const shape = pick(obj(raw, `shape ${name}`), SHAPE_KEYS);
  if (typeof shape['type'] !== 'string' || !SHAPE_TYPES.has(shape['type'])) {
    throw new Error(`model: shape ${name} has unsupported type ${String(shape['type'])}`);
  }
  if (shape['type'] === 'structure') {
    const members: Json = {};
    for (const [m, ref] of Object.entries(obj(shape['members'] ?? {}, `${name}.members`))) {
      members[m] = runtimeRef(ref, shapes, `${name}.${m}`);
    }
    shape['members'] = members;
  }
  for (const k of ['member', 'key', 'value']) {
    if (shape[k] !== undefined) shape[k] = runtimeRef(shape[k], shapes, `${name}.${k}`);
  }
  return shape;
}

function runtimeOperation(name: string, raw: unknown, shapes: Json): Json {
  const op = obj(raw, `operation ${name}`);
  const out: Json = {};
  const shapeName = (ref: unknown, where: string): unknown => runtimeRef(ref, shapes, where)['shape'];
  if (op['input'] !== undefined) out['input'] = shapeName(op['input'], `${name}.input`);
  if (op['output'] !== undefined) out['output'] = shapeName(op['output'], `${name}.output`);
  const errors = Array.isArray(op['errors']) ? op['errors'] : [];
  out['errors'] = errors.map((e) => shapeName(e, `${name}.errors[]`));
  out['http'] = pick(obj(op['http'], `${name}.http`), ['method', 'requestUri', 'responseCode']);
  Object.assign(out, pick(op, ['idempotent', 'readonly', 'authtype']));
  if (isObject(op['endpoint'])) out['endpoint'] = pick(op['endpoint'], ['hostPrefix']);
  return out;
}

function runtimeMetadata(raw: unknown): Json {
  const m = obj(raw, 'metadata');
  const filled: Json = {
    ...m,
    // SigV4 falls back to the endpoint prefix when the model names no signing name.
    signingName: m['signingName'] ?? m['endpointPrefix'],
    uid: m['uid'] ?? `${String(m['endpointPrefix'])}-${String(m['apiVersion'])}`,
  };
  return pick(filled, METADATA_KEYS);
}

// ---------------------------------------------------------------------------------------------
// Emitting TypeScript literals

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const WIDTH = 100;

function quote(s: string): string {
  // JSON escaping is valid JS; swap the quote style to the house single quotes.
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function propKey(k: string): string {
  return IDENT.test(k) ? k : quote(k);
}

function inline(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(inline).join(', ')}]`;
  if (isObject(v)) {
    const parts = Object.entries(v).map(([k, x]) => `${propKey(k)}: ${inline(x)}`);
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
  }
  throw new Error(`cannot emit ${String(v)}`);
}

/** A literal on one line when it fits in WIDTH after `used` columns, else one entry per line. */
function literal(v: unknown, indent: number, used: number): string {
  const one = inline(v);
  if (used + one.length <= WIDTH || (!Array.isArray(v) && !isObject(v))) return one;
  const pad = ' '.repeat(indent + 2);
  const lines = Array.isArray(v)
    ? v.map((x) => `${pad}${literal(x, indent + 2, indent + 3)},`)
    : Object.entries(v as Json).map(([k, x]) => {
        const head = `${pad}${propKey(k)}: `;
        return `${head}${literal(x, indent + 2, head.length + 1)},`;
      });
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('\n')}\n${' '.repeat(indent)}${close}`;
}

// ---------------------------------------------------------------------------------------------
// Emitting TypeScript types

function typeNames(shapes: Json): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set(Object.keys(shapes));
  for (const name of Object.keys(shapes)) {
    let ts = IDENT.test(name) ? name : name.replace(/[^A-Za-z0-9_$]/g, '_');
    while (RESERVED_TYPE_NAMES.has(ts) || (ts !== name && taken.has(ts))) ts += '_';
    names.set(name, ts);
  }
  return names;
}

function tsType(ref: Json, shapes: Record<string, Json>, names: Map<string, string>): string {
  const name = ref['shape'] as string;
  const shape = shapes[name] as Json;
  const nullable = (t: string): string => (shape['sparse'] ? `(${t} | null)` : t);
  switch (shape['type']) {
    case 'structure':
      return shape['document'] ? 'unknown' : (names.get(name) as string);
    case 'list':
      return `${nullable(tsType(shape['member'] as Json, shapes, names))}[]`;
    case 'map':
      return `{ [key: string]: ${nullable(tsType(shape['value'] as Json, shapes, names))} }`;
    case 'string':
      return shape['enum'] ? (names.get(name) as string) : 'string';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'Date';
    case 'blob':
      return 'Uint8Array';
    default:
      return 'number';
  }
}

function emitTypes(shapes: Record<string, Json>, names: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [name, shape] of Object.entries(shapes)) {
    const ts = names.get(name) as string;
    if (shape['type'] === 'string' && Array.isArray(shape['enum'])) {
      const union = shape['enum'].map((e) => quote(String(e))).join(' | ');
      out.push(`export type ${ts} = ${union === '' ? 'never' : union};`, '');
    }
    if (shape['type'] !== 'structure' || shape['document']) continue;
    const required = new Set((shape['required'] as string[] | undefined) ?? []);
    const members = Object.entries(shape['members'] as Record<string, Json>);
    out.push(members.length === 0 ? `export interface ${ts} {}` : `export interface ${ts} {`);
    for (const [m, ref] of members) {
      out.push(`  ${propKey(m)}${required.has(m) ? '' : '?'}: ${tsType(ref, shapes, names)};`);
    }
    if (members.length > 0) out.push('}');
    out.push('');
  }
  return out;
}

function emitOperationMap(ops: Record<string, Json>, names: Map<string, string>): string[] {
  const empty = 'Record<string, never>';
  const out = ['export interface OperationMap {'];
  for (const [name, op] of Object.entries(ops)) {
    const input = typeof op['input'] === 'string' ? names.get(op['input']) : empty;
    const output = typeof op['output'] === 'string' ? names.get(op['output']) : empty;
    const line = `  ${propKey(name)}: { input: ${input ?? empty}; output: ${output ?? empty} };`;
    if (line.length <= WIDTH) out.push(line);
    else {
      out.push(`  ${propKey(name)}: {`, `    input: ${input ?? empty};`);
      out.push(`    output: ${output ?? empty};`, '  };');
    }
  }
  out.push('}', '', 'export type OperationName = keyof OperationMap;');
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * A botocore-format model (parsed JSON) reduced to what the runtime uses: metadata, shapes and
 * operations with the fields above, shapes and operations sorted by name. Shared with
 * scripts/gen-gateway.ts, which trims it further.
 */
export function reduceModel(model: unknown): {
  metadata: Json;
  shapes: Record<string, Json>;
  operations: Record<string, Json>;
} {
  const root = obj(model, 'model');
  const rawShapes = obj(root['shapes'], 'shapes');
  const rawOps = obj(root['operations'], 'operations');
  const metadata = runtimeMetadata(root['metadata']);
  const shapes: Record<string, Json> = {};
  for (const name of Object.keys(rawShapes).sort(byName)) {
    shapes[name] = runtimeShape(name, rawShapes[name], rawShapes);
  }
  const operations: Record<string, Json> = {};
  for (const name of Object.keys(rawOps).sort(byName)) {
    operations[name] = runtimeOperation(name, rawOps[name], rawShapes);
  }
  return { metadata, shapes, operations };
}

/** The generated module's source for one botocore-format model (parsed JSON). */
export function generateModelSource(model: unknown): string {
  const { metadata, shapes, operations } = reduceModel(model);
  const errors = Object.keys(shapes).filter((n) => shapes[n]?.['exception'] === true);
  const names = typeNames(shapes);
  const uid = String(metadata['uid']);
  return [
    `// Generated by scripts/gen-model.ts from models/${uid}.json. Do not edit:`,
    '// change the model or the generator, then run `npx tsx scripts/gen-model.ts --all`.',
    '',
    "import type {",
    '  OperationModel,',
    '  ServiceMetadata,',
    '  ServiceModel,',
    '  ShapeTable,',
    "} from '../../../aws/model-types.js';",
    '',
    `export const metadata: ServiceMetadata = ${literal(metadata, 0, 40)};`,
    '',
    `export const shapes: ShapeTable = ${literal(shapes, 0, WIDTH)};`,
    '',
    'export const operations: { readonly [K in OperationName]: OperationModel } = ' +
      `${literal(operations, 0, WIDTH)};`,
    '',
    `export const errorShapes = ${literal(errors, 0, 27)} as const;`,
    '',
    'export type ErrorShapeName = (typeof errorShapes)[number];',
    '',
    'export const model: ServiceModel = { metadata, shapes, operations };',
    '',
    ...emitTypes(shapes, names),
    ...emitOperationMap(operations, names),
    '',
  ].join('\n');
}

function generateFile(modelPath: string, outPath: string, check: boolean): boolean {
  const source = generateModelSource(JSON.parse(readFileSync(modelPath, 'utf8')) as unknown);
  if (check) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {
      // missing file counts as stale
    }
    if (current !== source) console.error(`stale: ${outPath} (from ${modelPath})`);
    return current === source;
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, source);
  console.log(`wrote ${outPath}`);
  return true;
}

function main(argv: string[]): void {
  const check = argv.includes('--check');
  const args = argv.filter((a) => a !== '--check');
  let ok = true;
  if (args[0] === '--all') {
    for (const { model, out } of knownModels) {
      ok = generateFile(resolve(repoRoot, model), resolve(repoRoot, out), check) && ok;
    }
  } else if (args.length === 2) {
    ok = generateFile(args[0] as string, args[1] as string, check);
  } else {
    console.error('usage: npx tsx scripts/gen-model.ts (<model.json> <out.ts> | --all) [--check]');
    process.exit(2);
  }
  if (!ok) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
